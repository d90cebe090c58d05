"""Roster import: every row's fate, every error kind with its Vietnamese message, all-or-nothing writes."""

import datetime
import math
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from members.importing import ImportFileError, import_members, plan_from_bytes, read_table
from members.models import Member, Membership, PartyPost

from .factories import HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


def plan_for(personas, data, name="ds.csv", *, actor=None, unit=None):
    return plan_from_bytes(data, name, actor=actor or personas.staff_a, unit=unit or personas.ward_a)


def row(name="Nguyễn Thị Mới", dob="01/02/1990", gender="Nữ", card="", admitted="19/05/2015", full="19/05/2016",
        gov="Giáo viên", post="", cell="Chi bộ A1"):  # fmt: skip
    return [name, dob, gender, card, admitted, full, gov, post, cell]


def only_error(plan):
    assert not plan.is_valid
    assert len(plan.errors) == 1, plan.errors
    return plan.errors[0]


# ---- fates ------------------------------------------------------------------------------------------------------


def test_new_rows_are_created_with_membership_and_audit(personas):
    data = csv_bytes([row(card="ab 123"), row(name="Trần Văn Hai", dob="3/4/1985", gender="nam", post="Phó Bí thư")])
    plan = import_members(data, "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.is_valid and plan.counts["new"] == 2
    first = Member.objects.get(card_number="AB123")
    assert first.full_name == "Nguyễn Thị Mới" and first.date_of_birth == D(1990, 2, 1)
    assert first.memberships.get().unit == personas.cell_a1
    assert first.memberships.get().start_date == D(2015, 5, 19)  # no start column: the admission date
    second = Member.objects.get(name_key="trần văn hai")
    assert second.party_post == PartyPost.DEPUTY_SECRETARY and second.gender == "male"
    assert AuditEntry.objects.filter(action="member.imported").count() == 2
    assert AuditEntry.objects.filter(action="members.import", object_id=str(personas.ward_a.pk)).exists()


def test_importing_the_same_file_twice_changes_nothing(personas):
    data = xlsx_bytes([row(card="777"), row(name="Lê Văn Ba", card="")])
    import_members(data, "ds.xlsx", actor=personas.staff_a, unit=personas.ward_a)
    before = (Member.objects.count(), Membership.objects.count(), list(Member.objects.values().order_by("pk")))
    plan = import_members(data, "ds.xlsx", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
    after = (Member.objects.count(), Membership.objects.count(), list(Member.objects.values().order_by("pk")))
    assert after == before


def test_existing_member_matched_by_card_is_updated_and_blank_cells_keep_values(personas):
    m = personas.member_record_a1
    m.card_number = "555"
    m.government_post = "Kế toán"
    m.save()
    data = csv_bytes([row(name="nguyễn văn an", dob="", gender="", card="555", gov="", admitted="", full="",
                          post="Bí thư")])  # fmt: skip
    plan = plan_for(personas, data)
    (r,) = plan.rows
    assert r.fate == "updated" and r.member == m
    assert r.changes == {"Chức vụ Đảng": ("Đảng viên", "Bí thư")}
    import_members(data, "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    m.refresh_from_db()
    assert (m.party_post, m.government_post, m.full_name) == (PartyPost.SECRETARY, "Kế toán", "Nguyễn Văn An")
    entry = AuditEntry.objects.get(action="member.import_updated")
    assert entry.before == {"party_post": ""} and entry.after == {"party_post": "secretary"}


def test_member_without_card_is_matched_by_nfd_name_and_date_of_birth(personas):
    m = personas.member_record_a1
    m.date_of_birth = D(1980, 1, 2)
    m.save()
    nfd = unicodedata.normalize("NFD", "NGUYỄN VĂN AN")
    plan = plan_for(personas, csv_bytes([row(name=nfd, dob="02/01/1980", gov="", card="")]))
    (r,) = plan.rows
    assert r.member == m and r.fate == "updated"  # the gender, dates and post were filled in


def test_a_different_cell_in_the_file_transfers_the_member(personas):
    m = personas.member_record_a1
    header = [*HEADER, "Sinh hoạt tại chi bộ từ ngày"]
    data = csv_bytes([[m.full_name, "", "", "", "", "", "", "", "Chi bộ A2", "01/06/2025"]], header)
    plan = import_members(data, "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.rows[0].changes["Chi bộ"] == ("Chi bộ A1", "Chi bộ A2")
    history = list(m.memberships.order_by("start_date").values_list("unit__name", "start_date", "end_date"))
    assert history == [("Chi bộ A1", D(2015, 1, 1), D(2025, 5, 31)), ("Chi bộ A2", D(2025, 6, 1), None)]
    again = import_members(data, "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert again.counts["unchanged"] == 1 and m.memberships.count() == 2


def test_a_cell_secretary_imports_without_a_cell_column(personas):
    data = csv_bytes([["Phan Văn Tư", "01/01/1970"]], ["Họ và tên", "Ngày sinh"])
    plan = import_members(data, "ds.csv", actor=personas.sec_a1, unit=personas.cell_a1)
    assert plan.is_valid
    assert Member.objects.get(full_name="Phan Văn Tư").memberships.get().unit == personas.cell_a1


def test_headers_match_without_case_or_diacritics_and_unknown_columns_are_ignored(personas):
    header = ["STT", "HO VA TEN", "ngay sinh", "So the dang vien", "CHI BỘ", "Ghi chú"]
    plan = plan_for(personas, csv_bytes([["1", "Bùi Thị Năm", "05/05/1995", "", "chi bộ a1", "x"]], header))
    assert plan.is_valid and plan.rows[0].fate == "new"
    assert plan.warnings == ["Bỏ qua các cột không dùng: STT, Ghi chú."]


def test_csv_with_bom_and_semicolons_and_header_below_a_title(personas):
    data = (
        b"\xef\xbb\xbf"
        + "DANH SÁCH ĐẢNG VIÊN\n\nHọ và tên;Ngày sinh;Chi bộ\nLê Văn Sáu;1990-02-01;Chi bộ A2\n".encode()
    )
    plan = plan_for(personas, data)
    assert plan.is_valid and plan.rows[0].number == 4 and plan.rows[0].cell == personas.cell_a2


def test_real_excel_dates_and_numeric_card_numbers_are_read(personas):
    data = xlsx_bytes([["Vũ Văn Bảy", datetime.datetime(1991, 3, 4), "Nam", 12345678, D(2015, 1, 2), None, "", "",
                        "Chi bộ A1"]])  # fmt: skip
    plan = plan_for(personas, data, "ds.xlsx")
    assert plan.is_valid
    assert plan.rows[0].values["date_of_birth"] == D(1991, 3, 4)
    assert plan.rows[0].values["card_number"] == "12345678"


def test_a_merged_title_above_the_header_is_accepted(personas):
    def merge_title(sheet):
        sheet.merge_cells("A1:I1")

    data = xlsx_bytes([row()], before=[["DANH SÁCH ĐẢNG VIÊN CHI BỘ A1"]], edit=merge_title)
    assert plan_for(personas, data, "ds.xlsx").is_valid


# ---- every error kind, with its row, column and message ---------------------------------------------------------


@pytest.mark.parametrize(
    "values,column,message",
    [
        ({"name": ""}, "A (Họ và tên)", "Thiếu họ và tên."),
        ({"dob": "31/02/1990"}, "B (Ngày sinh)", "Ngày không hợp lệ «31/02/1990»: cần dạng dd/mm/yyyy."),
        ({"dob": "1990/31/12"}, "B (Ngày sinh)", "Ngày không hợp lệ «1990/31/12»: cần dạng dd/mm/yyyy."),
        ({"dob": "01/01/2999", "admitted": "", "full": ""}, "B (Ngày sinh)", "Ngày sinh phải trước ngày hôm nay."),
        ({"gender": "khác"}, "C (Giới tính)", "Giới tính «khác» không hợp lệ: ghi Nam hoặc Nữ."),
        ({"card": "12#4"}, "D (Số thẻ đảng viên)",
         "Số thẻ đảng viên «12#4» chỉ gồm chữ số, chữ cái không dấu và các dấu . - /."),
        ({"admitted": "01/01/1920"}, "E (Ngày vào Đảng)",
         "Ngày vào Đảng không được trước ngày thành lập Đảng (03/02/1930)."),
        ({"admitted": "01/01/1985"}, "E (Ngày vào Đảng)", "Ngày vào Đảng phải sau ngày sinh."),
        ({"full": "01/01/2014"}, "F (Ngày chính thức)", "Ngày chính thức không được trước ngày vào Đảng."),
        ({"post": "Chủ tịch"}, "H (Chức vụ Đảng)",
         "Chức vụ Đảng «Chủ tịch» không hợp lệ: ghi Bí thư, Phó Bí thư, Cấp ủy viên hoặc Đảng viên."),
        ({"cell": "Chi bộ Z"}, "I (Chi bộ)", "Không tìm thấy chi bộ «Chi bộ Z» trong phạm vi bạn được nhập."),
        ({"cell": "Chi bộ B1"}, "I (Chi bộ)", "Không tìm thấy chi bộ «Chi bộ B1» trong phạm vi bạn được nhập."),
        ({"cell": ""}, "I (Chi bộ)", "Thiếu chi bộ."),
        ({"gov": "=HYPERLINK(\"http://x\",\"y\")"}, "G (Chức vụ chính quyền)",
         "Ô chứa công thức «=HYPERLINK(\"http://x\",\"y\")»: chỉ nhập giá trị, không nhập công thức."),
        ({"gov": "x" * 201}, "G (Chức vụ chính quyền)", "Quá dài: tối đa 200 ký tự (ô có 201)."),
        ({"name": "Lê " + "A" * 130}, "A (Họ và tên)", "Quá dài: tối đa 120 ký tự (ô có 133)."),
    ],
)  # fmt: skip
def test_each_row_error_has_row_column_and_message(personas, values, column, message):
    plan = plan_for(personas, csv_bytes([row(name="Lê Thị Đúng", card="1"), row(**values)]))
    error = only_error(plan)
    assert (error.row, error.column, error.message) == (3, column, message)
    assert [r.fate for r in plan.rows] == ["new", "error"]


def test_duplicate_card_inside_the_file(personas):
    plan = plan_for(personas, csv_bytes([row(name="Lê Văn Một", card="99"), row(name="Lê Văn Hai", card=" 99 ")]))
    error = only_error(plan)
    assert (error.row, error.column, error.message) == (
        3,
        "D (Số thẻ đảng viên)",
        "Số thẻ đảng viên 99 trùng với dòng 2.",
    )


def test_duplicate_card_against_the_database(personas):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(card_number="4242")
    plan = plan_for(personas, csv_bytes([row(name="Người Khác", card="4242")]))
    assert only_error(plan).message == "Số thẻ đảng viên 4242 đã được cấp cho Nguyễn Văn An trong cơ sở dữ liệu."
    # A card held outside the importer's scope does not reveal whose it is.
    Member.objects.filter(pk=personas.member_record_b1.pk).update(card_number="4343")
    plan = plan_for(personas, csv_bytes([row(name="Người Khác", card="4343")]))
    assert only_error(plan).message == "Số thẻ đảng viên 4343 đã được cấp cho một đảng viên khác trong cơ sở dữ liệu."


def test_same_person_twice_in_the_file(personas):
    plan = plan_for(personas, csv_bytes([row(), row(name="nguyễn  thị mới")]))
    error = only_error(plan)
    assert error.row == 3 and error.message == "Đảng viên «nguyễn thị mới» (cùng họ tên và ngày sinh) đã có ở dòng 2."


def test_member_of_another_ward_cannot_be_updated(personas):
    b1 = personas.member_record_b1
    plan = plan_for(personas, csv_bytes([row(name=b1.full_name, dob="", card="", gov="")]))
    error = only_error(plan)
    assert "ngoài phạm vi quản lý của bạn" in error.message
    assert Member.objects.get(pk=b1.pk).government_post == ""


def test_ambiguous_namesakes_need_a_card_number(personas, make):
    make.member("Trần Văn Trùng", personas.cell_a1, card_number="1", date_of_birth=D(1980, 1, 1))
    Member.objects.create(full_name="Trần Văn Trùng", date_of_birth=D(1980, 1, 1))
    plan = plan_for(personas, csv_bytes([row(name="Trần Văn Trùng", dob="01/01/1980", card="")]))
    assert only_error(plan).message == (
        "Có nhiều đảng viên cùng họ tên «Trần Văn Trùng» và ngày sinh: hãy ghi số thẻ đảng viên để phân biệt."
    )


def test_transfer_date_must_follow_the_current_membership(personas):
    header = [*HEADER, "Sinh hoạt tại chi bộ từ ngày"]
    m = personas.member_record_a1
    plan = plan_for(personas, csv_bytes([[m.full_name, "", "", "", "", "", "", "", "Chi bộ A2", "01/01/2015"]], header))
    error = only_error(plan)
    assert error.column == "J (Sinh hoạt tại chi bộ từ ngày)"
    assert error.message == (
        "Ngày chuyển đến 01/01/2015 phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (01/01/2015)."
    )


def test_formula_cells_in_xlsx_are_refused(personas):
    def formula(sheet):
        sheet["G2"] = "=1+1"

    error = only_error(plan_for(personas, xlsx_bytes([row()], edit=formula), "ds.xlsx"))
    assert (error.column, error.message) == ("G (Chức vụ chính quyền)", "Ô chứa công thức «=1+1»: chỉ nhập giá trị, "
                                                                         "không nhập công thức.")  # fmt: skip


def test_a_committee_import_needs_the_cell_column(personas):
    plan = plan_for(personas, csv_bytes([["Lê Văn Bốn"]], ["Họ và tên"]))
    assert plan.file_errors == ["Thiếu cột «Chi bộ»: bắt buộc khi nhập danh sách cho cả đảng bộ."]


def test_a_column_given_twice_is_refused(personas):
    plan = plan_for(personas, csv_bytes([["A", "B", "Chi bộ A1"]], ["Họ và tên", "Họ tên", "Chi bộ"]))
    assert plan.file_errors == ["Cột «Họ và tên» xuất hiện hai lần trong dòng tiêu đề."]


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "a.csv", "Tệp rỗng."),
        ("Họ và tên,Chi bộ\n".encode(), "a.csv", "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."),
        ("Tên,Chi bộ\nA,B\n".encode(), "a.csv",
         "Không tìm thấy dòng tiêu đề có cột «Họ và tên» trong 10 dòng đầu của tệp."),
        ("Họ và tên\nLê Vãn\n".encode("latin-1", "replace"), "a.csv", None),
        (b"abc", "a.xls", "Tệp .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại thành .xlsx."),
        (b"abc", "a.txt", "Chỉ nhận tệp .xlsx hoặc .csv."),
        (b"PK\x03\x04junk", "a.xlsx", "Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải định dạng .xlsx."),
    ],
)  # fmt: skip
def test_file_errors_have_a_clear_message(data, name, message):
    with pytest.raises(ImportFileError) as exc:
        read_table(data, name)
    if message is None:
        assert str(exc.value).startswith("Tệp CSV không được lưu ở dạng Unicode UTF-8.")
        assert "CSV UTF-8 (Comma delimited)" in str(exc.value) and "byte" not in str(exc.value)
    else:
        assert str(exc.value) == message


def test_nothing_is_written_when_one_row_is_wrong(personas):
    count = Member.objects.count()
    data = csv_bytes([row(name=f"Người Số {i}", card=str(i)) for i in range(1, 30)] + [row(dob="32/01/1990")])
    plan = import_members(data, "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert not plan.is_valid and plan.counts["new"] == 29 and plan.counts["error"] == 1
    assert Member.objects.count() == count and not AuditEntry.objects.filter(action__startswith="member").exists()


def test_dry_run_writes_nothing(personas):
    plan = import_members(csv_bytes([row()]), "a.csv", actor=personas.staff_a, unit=personas.ward_a, dry_run=True)
    assert plan.is_valid and not Member.objects.filter(full_name="Nguyễn Thị Mới").exists()


def test_a_secretary_cannot_import_into_another_cell(personas):
    plan = plan_for(personas, csv_bytes([row(cell="Chi bộ A2")]), actor=personas.sec_a1, unit=personas.cell_a1)
    assert only_error(plan).message == "Không tìm thấy chi bộ «Chi bộ A2» trong phạm vi bạn được nhập."


# ---- bounded queries --------------------------------------------------------------------------------------------


def import_queries(personas, n: int, offset: int) -> int:
    rows = [row(name=f"Đảng Viên {offset + i}", card=str(offset + i), cell=("Chi bộ A1", "Chi bộ A2")[i % 2])
            for i in range(n)]  # fmt: skip
    # update some existing ones and transfer one, so every kind of write is exercised
    rows.append([personas.member_record_a1.full_name, "", "", "", "", "", f"Chức vụ {offset}", "", "Chi bộ A2"])
    data = csv_bytes(rows)
    with CaptureQueriesContext(connection) as ctx:
        plan = import_members(data, "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.is_valid, plan.errors[:3]
    return len(ctx.captured_queries)


def test_import_uses_bulk_writes_with_a_bounded_number_of_queries(personas):
    from members.models import Member as M

    small = import_queries(personas, 10, 1000)
    big = import_queries(personas, 300, 5000)
    # Bulk writes are split into batches (SQLite: 999 parameters per statement); never a query per row.
    fields = len(M._meta.concrete_fields)
    batch = connection.ops.bulk_batch_size([None] * fields, [None] * 300) or 300
    extra_batches = 3 * math.ceil(300 / min(batch, 1000))
    assert big <= small + extra_batches, (small, big)
    assert big < 60


def test_management_command_imports_and_reports(personas, tmp_path, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([row()]))
    call_command("import_members", str(path), unit=personas.ward_a.pk, user="staff_a", dry_run=True)
    assert "Kiểm tra xong (không ghi): 1 thêm mới" in capsys.readouterr().out
    assert not Member.objects.filter(full_name="Nguyễn Thị Mới").exists()
    call_command("import_members", str(path), unit=personas.ward_a.pk, user="staff_a")
    assert Member.objects.filter(full_name="Nguyễn Thị Mới").exists()


def test_management_command_fails_on_errors_and_on_missing_rights(personas, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([row(dob="xx")]))
    with pytest.raises(CommandError, match="Tệp có lỗi, chưa ghi gì"):
        call_command("import_members", str(path), unit=personas.ward_a.pk, user="staff_a")
    with pytest.raises(CommandError, match="không được quản lý đảng viên"):
        call_command("import_members", str(path), unit=personas.ward_b.pk, user="staff_a")


def test_many_different_new_values_and_shared_ones_are_all_written(personas):
    from members.importing import FEW_VALUES

    n = FEW_VALUES + 5
    first = [row(name=f"Người Số {i}", card=str(i), dob=f"{1 + i % 28:02d}/01/1980") for i in range(n)]
    import_members(csv_bytes(first), "a.csv", actor=personas.staff_a, unit=personas.ward_a)
    # every date of birth differs (a batched CASE update), the post is the same for all (one UPDATE per value)
    second = [row(name=f"Người Số {i}", card=str(i), dob=f"{1 + i % 28:02d}/02/1981", gov="Hiệu phó") for i in range(n)]
    plan = import_members(csv_bytes(second), "b.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.counts["updated"] == n
    ours = Member.objects.filter(card_number__in=[str(i) for i in range(n)])
    stored = dict(ours.values_list("card_number", "date_of_birth"))
    assert stored == {str(i): D(1981, 2, 1 + i % 28) for i in range(n)}
    assert set(Member.objects.filter(card_number__in=stored).values_list("government_post", flat=True)) == {"Hiệu phó"}


def test_remaining_row_errors_have_their_messages(personas, make):
    header = [*HEADER, "Sinh hoạt tại chi bộ từ ngày"]
    make.member("Đoàn Văn Hai Dòng", personas.cell_a1, card_number="314", date_of_birth=D(1970, 1, 1))
    rows = [
        ["Lê Văn Mười", "", "", "", "", "01/01/2020", "", "", "Chi bộ A1", ""],
        ["Đoàn Văn Hai Dòng", "01/01/1970", "", "", "", "", "", "", "Chi bộ A1", ""],
        ["Đoàn Văn Hai Dòng", "", "", "314", "", "", "", "", "Chi bộ A1", ""],
        ["Lê Văn Mười Một", "", "", "", "", "", "", "", "Chi bộ A1", "01/01/2999"],
    ]
    plan = plan_for(personas, csv_bytes(rows, header))
    messages = [(e.row, e.column, e.message) for e in plan.errors]
    assert messages == [
        (2, "E (Ngày vào Đảng)", "Cần có ngày vào Đảng khi ghi ngày chính thức."),
        (4, "", "Dòng này và dòng 3 cùng chỉ một đảng viên."),
        (5, "J (Sinh hoạt tại chi bộ từ ngày)", "Ngày bắt đầu sinh hoạt không được sau ngày hôm nay."),
    ]


def test_a_number_where_a_name_belongs_is_refused(personas):
    plan = plan_for(personas, xlsx_bytes([[12345, "", "", "", "", "", "", "", "Chi bộ A1"]]), "a.xlsx")
    assert only_error(plan).message == "Họ và tên phải là chữ, không phải «12345»."


def test_merged_cells_inside_the_table_are_refused_with_their_place():
    def merge(sheet):
        sheet.merge_cells("B2:B3")

    data = xlsx_bytes([row(), row(name="Lê Văn Hai")], edit=merge)
    with pytest.raises(ImportFileError) as exc:
        read_table(data, "a.xlsx")
    assert str(exc.value) == "Bảng tính có ô gộp (B2:B3): hãy bỏ gộp ô rồi nhập lại."


def test_too_many_rows_are_refused(settings, monkeypatch):
    import members.importing.reading

    monkeypatch.setattr(members.importing.reading, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError) as exc:
        read_table(csv_bytes([row(name=f"Người {i}") for i in range(4)]), "a.csv")
    assert str(exc.value) == "Tệp có 4 dòng dữ liệu, quá giới hạn 3 dòng: hãy chia thành nhiều tệp."


def test_a_unit_without_cells_to_manage_is_refused(personas):
    from party_units.models import UnitKind
    from party_units.tests.personas import make_unit

    empty = make_unit(personas.city, "Đảng ủy phường Trống", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    plan = plan_for(personas, csv_bytes([row()]), actor=personas.higher, unit=empty)
    assert "Bạn không có quyền quản lý đảng viên ở chi bộ nào thuộc đơn vị này." in plan.file_errors
