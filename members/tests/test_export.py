"""Roster export: an .xlsx with the import's columns, formula-neutralised, that imports back unchanged."""

import datetime
import io
import zipfile

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


def test_export_writes_formula_like_values_as_inert_text_exactly_as_stored(personas, client_for):
    # Stored before the input checks existed (a queryset update bypasses them): it must still never run.
    Member.objects.filter(pk=personas.member_record_a1.pk).update(government_post='=HYPERLINK("http://x")')
    content = export(client_for(personas.sec_a1), personas.cell_a1)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cell = next(c for c in sheet["H"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")' and cell.quotePrefix
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml  # written as a string, not as a formula


def test_every_risky_leading_character_is_written_as_text(personas):
    from openpyxl import Workbook

    from members.spreadsheet import write_row

    values = ["=1+1", "+84 912 345 678", "- Giáo viên Tin học", "@SUM(A1)", "\t=1", "\r=1", "An", 5, None]
    workbook = Workbook()
    write_row(workbook.active, values)
    out = io.BytesIO()
    workbook.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())
    assert [c.value for c in row] == values[:-1]
    assert [c.data_type for c in row[:6]] == ["s"] * 6 and all(c.quotePrefix for c in row[:6])
    assert not row[6].quotePrefix


def test_an_exported_roster_imports_back_with_nothing_changed(personas, client_for):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(card_number="123", gender="male")
    content = export(client_for(personas.staff_a), personas.ward_a)
    plan = import_members(content, "xuat.xlsx", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.is_valid, plan.errors
    assert plan.counts == {"new": 0, "updated": 0, "unchanged": 5, "error": 0}


def test_the_demo_roster_exported_then_imported_reports_every_row_unchanged(client_for, django_user_model):
    """Item 8 of the ground issue: "- Giáo viên Tin học" and "+84 912 345 678" came back with an apostrophe."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from audit.models import AuditEntry
    from members.models import Membership
    from party_units.models import PartyUnit

    call_command("seed_demo", stdout=io.StringIO())
    Member.objects.filter(full_name="Trần Minh Tuấn").update(government_post="- Giáo viên Tin học")
    Member.objects.filter(full_name="Ngô Thị Phương").update(government_post="+84 912 345 678")
    Member.objects.filter(full_name="Lý Thị Kim Oanh").update(government_post="@ Kế toán")
    ward = PartyUnit.objects.get(name="Đảng ủy phường Quyết Thắng")
    client = client_for(django_user_model.objects.get(username="danguy"))
    content = export(client, ward)
    before = (list(Member.objects.values().order_by("pk")), Membership.objects.count(), AuditEntry.objects.count())

    response = client.post(
        reverse("members:import", args=[ward.pk]), {"file": SimpleUploadedFile("xuat.xlsx", content)}
    )
    plan = response.context["plan"]
    assert plan.is_valid, plan.errors
    rows = Membership.objects.current().official().filter(unit__path__startswith=ward.path).count()
    assert rows >= 30 and plan.counts == {"new": 0, "updated": 0, "unchanged": rows, "error": 0}
    confirm = client.post(reverse("members:import_confirm", args=[ward.pk]), {"token": response.context["token"]})
    assert confirm.status_code == 302
    after = list(Member.objects.values().order_by("pk"))
    assert [m["government_post"] for m in after] == [m["government_post"] for m in before[0]]
    assert "- Giáo viên Tin học" in [m["government_post"] for m in after]
    assert Membership.objects.count() == before[1]
