"""The import pages: upload → preview → confirm, access, and malformed files (fuzz-style)."""

import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from members.models import Member, Membership

from .factories import HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_ROW = ["Nguyễn Thị Mới", "01/02/1990", "Nữ", "", "19/05/2015", "", "Giáo viên", "", "Chi bộ A1"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, unit, data, name="ds.csv"):
    return client.post(reverse("members:import", args=[unit.pk]), {"file": SimpleUploadedFile(name, data)})


def written() -> tuple[int, int, int]:
    return Member.objects.count(), Membership.objects.count(), AuditEntry.objects.count()


def test_preview_then_confirm_writes_once(personas, client_for):
    client = client_for(personas.staff_a)
    response = upload(client, personas.ward_a, csv_bytes([GOOD_ROW]))
    assert response.status_code == 200
    assert "Thêm mới" in response.content.decode() and response.context["plan"].counts["new"] == 1
    assert not Member.objects.filter(full_name="Nguyễn Thị Mới").exists()  # the preview writes nothing
    token = response.context["token"]
    confirm = client.post(reverse("members:import_confirm", args=[personas.ward_a.pk]), {"token": token})
    assert confirm.status_code == 302 and confirm.url == reverse("members:roster", args=[personas.ward_a.pk])
    assert Member.objects.filter(full_name="Nguyễn Thị Mới").count() == 1
    again = client.post(reverse("members:import_confirm", args=[personas.ward_a.pk]), {"token": token})
    assert again.status_code == 302 and Member.objects.filter(full_name="Nguyễn Thị Mới").count() == 1


def test_preview_lists_errors_with_row_and_column_and_offers_no_confirm(personas, client_for):
    response = upload(client_for(personas.staff_a), personas.ward_a, csv_bytes([GOOD_ROW, ["", "xx"]]))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["token"] == ""
    assert "Thiếu họ và tên." in html and "B (Ngày sinh)" in html and "Ngày không hợp lệ «xx»" in html
    assert reverse("members:import_confirm", args=[personas.ward_a.pk]) not in html


def test_confirm_rechecks_the_file_and_writes_nothing_if_the_database_changed(personas, client_for):
    client = client_for(personas.staff_a)
    response = upload(client, personas.ward_a, csv_bytes([[*GOOD_ROW[:3], "777", *GOOD_ROW[4:]]]))
    token = response.context["token"]
    Member.objects.create(full_name="Người Khác", card_number="777")  # someone took the card meanwhile
    before = written()
    confirm = client.post(reverse("members:import_confirm", args=[personas.ward_a.pk]), {"token": token})
    assert confirm.status_code == 200 and "đã được cấp cho" in confirm.content.decode()
    assert written() == before


@pytest.mark.parametrize("tamper", ["garbage", "other_unit", "other_user"])
def test_a_forged_or_foreign_token_is_refused(personas, client_for, tamper):
    response = upload(client_for(personas.staff_a), personas.ward_a, csv_bytes([GOOD_ROW]))
    token = response.context["token"]
    if tamper == "garbage":
        client, unit, token = client_for(personas.staff_a), personas.ward_a, token[:-3] + "abc"
    elif tamper == "other_unit":
        client, unit = client_for(personas.staff_a), personas.cell_a1
    else:
        client, unit = client_for(personas.higher), personas.ward_a
    before = written()
    confirm = client.post(reverse("members:import_confirm", args=[unit.pk]), {"token": token})
    assert confirm.status_code == 302 and confirm.url == reverse("members:import", args=[unit.pk])
    assert written() == before


@pytest.mark.parametrize("user", ["sec_a2", "staff_b", "member_a1", "outsider"])
def test_wrong_people_cannot_open_or_post_the_import_of_a_cell(personas, client_for, user):
    client = client_for(getattr(personas, user))
    before = written()
    assert client.get(reverse("members:import", args=[personas.cell_a1.pk])).status_code == 404
    assert upload(client, personas.cell_a1, csv_bytes([GOOD_ROW])).status_code == 404
    assert written() == before


def test_ward_staff_cannot_import_for_the_city_above_them(personas, client_for):
    response = client_for(personas.staff_a).get(reverse("members:import", args=[personas.city.pk]))
    assert response.status_code == 404


def test_the_template_download_is_an_xlsx_with_the_import_headers(personas, client_for):
    from openpyxl import load_workbook

    response = client_for(personas.sec_a1).get(reverse("members:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][: len(HEADER)] == HEADER


# ---- malformed files --------------------------------------------------------------------------------------------


def _zip_of_junk() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<not-xml")
        z.writestr("xl/workbook.xml", b"\x00\x01junk")
    return out.getvalue()


def _merged(sheet):
    sheet.merge_cells("A2:A3")


def _formula(sheet):
    sheet["A2"] = '=CONCATENATE("Nguyễn"," An")'


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (31 * 1024 * 1024))
    return out.getvalue()


MALFORMED = {
    "not utf-8": ("ds.csv", "Họ và tên,Chi bộ\nĐặng Văn Ất,Chi bộ A1\n".encode("utf-16-le")[:-1] + b"\xff"),
    "windows-1252": ("ds.csv", "Họ và tên,Chi bộ\nLê Vãn,Chi bộ A1\n".encode("cp1252", "replace")),
    "empty": ("ds.csv", b""),
    "empty xlsx": ("ds.xlsx", b""),
    "only whitespace": ("ds.csv", b" \n\n \r\n"),
    "header only csv": ("ds.csv", csv_bytes([])),
    "header only xlsx": ("ds.xlsx", xlsx_bytes([])),
    "huge cell": ("ds.csv", csv_bytes([["A" * 200_000, "", "", "", "", "", "", "", "Chi bộ A1"]])),
    "huge cell xlsx": ("ds.xlsx", xlsx_bytes([["Lê Văn A", "", "", "", "", "", "B" * 30_000, "", "Chi bộ A1"]])),
    "formula csv": ("ds.csv", csv_bytes([["=1+2", "", "", "", "", "", "", "", "Chi bộ A1"]])),
    "dde csv": (
        "ds.csv",
        csv_bytes([["Lê Văn A", "", "", "", "", "", "@SUM(1+1)*cmd|' /C calc'!A0", "", "Chi bộ A1"]]),
    ),
    "formula xlsx": ("ds.xlsx", xlsx_bytes([GOOD_ROW], edit=_formula)),
    "merged cells": ("ds.xlsx", xlsx_bytes([GOOD_ROW, GOOD_ROW], edit=_merged)),
    "wrong types": ("ds.xlsx", xlsx_bytes([[12.5, 3, True, 1.5, "x", -1, 7, 8, 9]])),
    "zip of junk": ("ds.xlsx", _zip_of_junk()),
    "not a zip": ("ds.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    "csv named xlsx": ("ds.xlsx", csv_bytes([GOOD_ROW])),
    "xlsx named csv": ("ds.csv", xlsx_bytes([GOOD_ROW])),
    "nul bytes": ("ds.csv", "Họ và tên,Chi bộ\nA\x00B,Chi bộ A1\n".encode()),
    "unbalanced quotes": ("ds.csv", 'Họ và tên,Chi bộ\n"Lê Văn A,Chi bộ A1\n'.encode()),
    "control characters": ("ds.csv", "Họ và tên,Chi bộ\nLê\x07Văn,Chi bộ A1\n".encode()),
    "no header": ("ds.csv", b"a,b,c\n1,2,3\n"),
    "zip bomb": ("ds.xlsx", _bomb()),
    "wrong extension": ("ds.pdf", b"%PDF-1.4"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_get_a_clear_error_and_write_nothing(personas, client_for, case):
    name, data = MALFORMED[case]
    before = written()
    response = upload(client_for(personas.staff_a), personas.ward_a, data, name)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    if response.status_code == 200:  # read, but refused row by row: no confirm button, errors listed
        plan = response.context["plan"]
        assert not plan.is_valid and plan.errors and response.context["token"] == ""
        assert all(e.message for e in plan.errors)
    else:
        errors = response.context["form"].errors["file"]
        assert errors and all(any(ch in e for ch in "ảấầẩẫạắặềểễệếịọốồổỗộớờởỡợụứừửữựỳỷỹđ") for e in errors), errors
        assert errors[0] in html
    assert written() == before


def test_random_byte_mutations_of_valid_files_never_break_the_page(personas, client_for):
    """Flip, cut and splice bytes of a valid .xlsx and .csv; every answer is a page, never a 500 or a write."""
    client = client_for(personas.staff_a)
    rnd = random.Random(20251231)
    seeds = {"ds.xlsx": xlsx_bytes([GOOD_ROW] * 3), "ds.csv": csv_bytes([GOOD_ROW] * 3, bom=True)}
    before = written()
    for name, original in seeds.items():
        for _ in range(25):
            data = bytearray(original)
            for _ in range(rnd.randint(1, 8)):
                op = rnd.random()
                pos = rnd.randrange(len(data))
                if op < 0.5:
                    data[pos] = rnd.randrange(256)
                elif op < 0.75:
                    del data[pos : pos + rnd.randint(1, 50)]
                else:
                    data[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 20)))
            response = upload(client, personas.ward_a, bytes(data), name)
            assert response.status_code in (200, 400)
    assert written() == before


def test_an_upload_over_the_size_limit_is_refused_before_reading(personas, client_for):
    before = written()
    data = b"Ho va ten\n" + b"x" * (5 * 1024 * 1024)
    response = upload(client_for(personas.staff_a), personas.ward_a, data)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Tệp quá lớn: tối đa 5 MB."]
    assert written() == before
