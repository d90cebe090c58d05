"""Import limits: a decompression bomb is refused before parsing; dates outside the member-date rule; ids beyond
any database integer in a choice are form errors."""

import io
import re
import time
import zipfile
from unittest import mock

import pytest
from django.urls import reverse

from members.importing import ImportFileError, read_table
from members.models import Member, Membership, MemberStatus

from .factories import HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
ROW = ["Nguyễn Thị Mới", "01/02/1990", "Nữ", "", "19/05/2015", "", "Giáo viên", "", "Chi bộ A1"]


def rebuilt(sheet_xml: bytes) -> bytes:
    """A valid .xlsx (made by openpyxl) whose first sheet is replaced by ``sheet_xml``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in source.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            z.writestr(info.filename, data)
    return out.getvalue()


def bomb() -> bytes:
    """About 95 MB of sheet XML (one huge text cell after the header) that packs into well under 1 MB."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([ROW]))).read("xl/worksheets/sheet1.xml")
    head, tail = original.split(b"</sheetData>")
    head = re.sub(rb"<dimension[^>]*/>", b"", head)  # no dimension: only the sizes can tell
    filler = b'<row r="5"><c r="A5" t="inlineStr"><is><t>' + b"A" * (95 * 1024 * 1024) + b"</t></is></c></row>"
    return rebuilt(head + filler + b"</sheetData>" + tail)


def refused_without_parsing(data: bytes) -> str:
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")) as loader:
        started = time.perf_counter()
        with pytest.raises(ImportFileError) as refused:
            read_table(data, "ds.xlsx")
        elapsed = time.perf_counter() - started
    assert not loader.called
    assert elapsed < 1.0, elapsed
    return str(refused.value)


def test_a_decompression_bomb_is_refused_before_parsing_with_a_clear_message():
    data = bomb()
    assert len(data) < 1024 * 1024
    message = refused_without_parsing(data)
    assert message.startswith("Tệp Excel khi giải nén quá lớn (95 MB, tối đa 30 MB)")


def test_a_sheet_declaring_a_million_rows_is_refused_before_parsing():
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([ROW]))).read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', original)
    message = refused_without_parsing(rebuilt(lying))
    assert message.startswith("Trang tính đầu tiên của tệp có 1.048.576 dòng × 16384 cột, quá giới hạn 10.000 dòng")


def test_a_sheet_without_dimension_but_far_cells_is_refused_before_reading_rows():
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([ROW]))).read("xl/worksheets/sheet1.xml")
    head, tail = original.split(b"</sheetData>")
    head = re.sub(rb"<dimension[^>]*/>", b"", head)
    far = b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(ImportFileError, match="16384 cột"):
        read_table(rebuilt(head + far + b"</sheetData>" + tail), "ds.xlsx")


def test_an_ordinary_roster_still_reads():
    table = read_table(xlsx_bytes([ROW] * 50), "ds.xlsx")
    assert len(table.rows) == 50


# ---- dates: one member-date rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column,value,message",
    [
        ("Ngày sinh", "01/01/0001", "Ngày không hợp lệ «01/01/0001»: cần dạng dd/mm/yyyy."),
        ("Ngày sinh", "31/12/1899", "Ngày không hợp lệ «31/12/1899»: cần dạng dd/mm/yyyy."),
        ("Ngày sinh", "31/12/9999", "Ngày sinh phải trước ngày hôm nay."),
        ("Ngày vào Đảng", "31/12/9999", "Ngày vào Đảng không được sau ngày hôm nay."),
        ("Ngày chính thức", "31/12/9999", "Ngày không hợp lệ: cần trong khoảng 03/02/1930 – "),
        ("Sinh hoạt tại chi bộ từ ngày", "01/01/1901", "Ngày không hợp lệ: cần trong khoảng 03/02/1930 – "),
    ],
)
def test_import_refuses_dates_outside_the_member_date_rule(personas, column, value, message):
    from members.importing import plan_from_bytes

    header = [*HEADER, "Sinh hoạt tại chi bộ từ ngày"]
    row = [*ROW, ""]
    row[header.index(column)] = value
    if column == "Ngày chính thức":
        row[header.index("Ngày vào Đảng")] = "19/05/2015"
    plan = plan_from_bytes(csv_bytes([row], header), "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.errors and plan.errors[0].message.startswith(message) and plan.errors[0].column.endswith(f"({column})")


def state():
    return (
        list(Member.objects.values().order_by("pk")),
        list(Membership.objects.values().order_by("pk")),
        list(MemberStatus.objects.values().order_by("pk")),
    )


PAGES = {
    # page: (url name, target, field, form data)
    "birth date": ("members:edit", "member", "date_of_birth",
                   {"full_name": "Nguyễn Văn An", "in_political_system": "on", "date_of_birth": "01/01/0001"}),
    "full membership": ("members:edit", "member", "full_member_on",
                        {"full_name": "Nguyễn Văn An", "in_political_system": "on", "admitted_on": "19/05/2010",
                         "full_member_on": "31/12/9999"}),
    "new member start": ("members:create", "cell", "start_date",
                         {"cell": "CELL", "start_date": "31/12/9999", "full_name": "Lê Văn Mới",
                          "in_political_system": "on"}),
    "transfer day": ("members:transfer", "member", "on_date", {"to_unit": "CELL2", "on_date": "31/12/9999"}),
    "temporary start": ("members:temporary_add", "member", "start_date", {"unit": "CELL2", "start_date": "01/01/0001"}),
    "temporary end": ("members:temporary_add", "member", "end_date",
                      {"unit": "CELL2", "start_date": "01/01/2025", "end_date": "31/12/9999"}),
    "status start": ("members:status_add", "member", "start_date", {"kind": "exempted", "start_date": "01/01/0001"}),
    "status end": ("members:status_add", "member", "end_date",
                   {"kind": "exempted", "start_date": "01/01/2025", "end_date": "31/12/9999"}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PAGES))
def test_pages_refuse_absurd_dates_with_a_message_on_the_field(personas, client_for, case):
    url_name, target, field, data = PAGES[case]
    data = {k: {"CELL": personas.cell_a1.pk, "CELL2": personas.cell_a2.pk}.get(v, v) for k, v in data.items()}
    pk = personas.member_record_a1.pk if target == "member" else personas.cell_a1.pk
    before = state()
    response = client_for(personas.staff_a).post(reverse(url_name, args=[pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert errors[field][0].startswith(("Ngày không hợp lệ", "Ngày sinh không hợp lệ")), errors
    assert state() == before


def test_ending_a_temporary_activity_or_a_status_refuses_an_absurd_date(personas, client_for, make):
    import datetime

    m = personas.member_record_a1
    stay = make.temporary(m, personas.cell_a2, datetime.date(2025, 1, 1))
    leave = make.status(m, "sick_leave", datetime.date(2025, 1, 1), months=3)
    client = client_for(personas.staff_a)
    before = state()
    for url in (reverse("members:membership_end", args=[stay.pk]), reverse("members:status_end", args=[leave.pk])):
        response = client.post(url, {"end_date": "31/12/9999"})
        assert response.status_code == 200 and response.context["form"].errors["end_date"]
    assert state() == before


def test_services_refuse_absurd_dates_too(personas):
    import datetime

    from django.core.exceptions import ValidationError

    from members import services

    with pytest.raises(ValidationError) as refused:
        services.member_update(actor=None, member=personas.member_record_a1, date_of_birth=datetime.date(1, 1, 1))
    assert "date_of_birth" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.status_add(
            actor=None, member=personas.member_record_a1, kind="exempted", start_date=datetime.date(9999, 12, 31)
        )


# ---- ids beyond any database integer ---------------------------------------------------------------------------

BIG = "99999999999999999999999"


@pytest.mark.parametrize(
    "url_name,target,field,data",
    [
        ("members:create", "cell", "cell", {"start_date": "01/06/2025", "full_name": "Lê Văn Mới"}),
        ("members:transfer", "member", "to_unit", {"on_date": "01/06/2025"}),
        ("members:temporary_add", "member", "unit", {"start_date": "01/06/2025"}),
    ],
)
@pytest.mark.parametrize("value", [BIG, "-" + BIG])
def test_a_huge_id_in_a_cell_choice_is_a_form_error(personas, client_for, url_name, target, field, data, value):
    pk = personas.member_record_a1.pk if target == "member" else personas.cell_a1.pk
    before = state()
    response = client_for(personas.staff_a).post(reverse(url_name, args=[pk]), {**data, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert state() == before


@pytest.mark.parametrize("params", [{"nam": BIG}, {"tinh_trang": BIG}, {"trang": BIG}, {"q": BIG}])
def test_roster_filters_answer_a_huge_number_with_a_page(personas, client_for, params):
    response = client_for(personas.staff_a).get(reverse("members:roster", args=[personas.ward_a.pk]), params)
    assert response.status_code == 200
    if "nam" in params or "tinh_trang" in params:
        assert response.context["form"].errors
