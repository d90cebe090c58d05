"""Roster export: an .xlsx with the import's columns, formula-neutralised, that imports back unchanged."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.importing import import_members
from members.models import Member

pytestmark = pytest.mark.django_db


def export(client, unit):
    response = client.get(reverse("members:export", args=[unit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-dang-vien-')
    return response.content


def test_export_has_the_roster_in_vietnamese_order_with_real_dates(personas, client_for):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(date_of_birth=datetime.date(1980, 2, 1))
    sheet = load_workbook(io.BytesIO(export(client_for(personas.staff_a), personas.ward_a))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Họ và tên", "Ngày sinh")
    names = [r[1] for r in rows[1:]]
    assert names == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]
    assert rows[1][2] == datetime.datetime(1980, 2, 1) and sheet["C2"].number_format == "DD/MM/YYYY"


def test_export_neutralises_formula_like_values(personas, client_for):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(government_post='=HYPERLINK("http://x")')
    content = export(client_for(personas.sec_a1), personas.cell_a1)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cell = next(c for c in sheet["H"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x")'


def test_an_exported_roster_imports_back_with_nothing_changed(personas, client_for):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(card_number="123", gender="male")
    content = export(client_for(personas.staff_a), personas.ward_a)
    plan = import_members(content, "xuat.xlsx", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.is_valid, plan.errors
    assert plan.counts == {"new": 0, "updated": 0, "unchanged": 5, "error": 0}
