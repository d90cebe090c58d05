"""Item 6: flags read from the rating history (the system's decisions and years entered or imported from before
it) — on the member's page, the cell's page and the dashboard; and units without results when the report is due."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import PastRating, PastRatingSource, ReviewCycle, UnitReview
from appraisal.services import past_rating_record, proposals_approve
from appraisal.services.past_ratings import past_ratings_import
from audit.models import AuditEntry
from members.tests.factories import csv_bytes

from .factories import cycle as make_cycle
from .factories import propose

pytestmark = pytest.mark.django_db
E, G, N = "htxsnv", "httnv", "khtnv"


@pytest.fixture
def cycle_2021(personas):
    return make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)


def test_not_completed_two_years_running_is_flagged_on_the_members_cell_and_ward_pages(
    personas, cycle_2021, client_for
):
    member = personas.member_record_a1
    past_rating_record(actor=personas.staff_a, member=member, year=2020, level=N, note="Sổ theo dõi 2020")
    entry = AuditEntry.objects.get(action="past_rating.recorded")
    assert entry.after["level"] == N and entry.actor == personas.staff_a
    review = propose(UnitReview.objects.get(root=cycle_2021, unit=personas.cell_a1), levels=[N], members=[member])
    label = "Hai năm liền không hoàn thành nhiệm vụ"
    cell_page = client_for(personas.sec_a1).get(
        reverse("appraisal:unit_review", args=[cycle_2021.pk, personas.cell_a1.pk])
    )
    assert label in cell_page.content.decode()  # the proposal already shows it to the cell
    dashboard = client_for(personas.staff_a).get(reverse("appraisal:dashboard", args=[cycle_2021.pk]))
    assert label in dashboard.content.decode() and member.full_name in dashboard.content.decode()
    member_url = reverse("members:detail", args=[member.pk])
    row = f'<tr class="table-danger"><td><a href="{member_url}">{member.full_name}</a></td>'
    assert row in dashboard.content.decode() and row in cell_page.content.decode()  # linked, marked
    proposals_approve(actor=personas.staff_a, review=review, decisions={})
    member_page = client_for(personas.staff_a).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert label in member_page and "Sổ theo dõi" not in member_page and "Cán bộ nhập" in member_page


def test_excellent_five_years_running_from_an_imported_history(personas, cycle_2021, client_for):
    member = personas.member_record_a1
    data = csv_bytes(
        [[member.full_name, "", str(year), "HTXSNV"] for year in range(2017, 2021)],
        header=["Họ và tên", "Số thẻ đảng viên", "Năm", "Xếp loại"],
    )
    result = past_ratings_import(actor=personas.staff_a, unit=personas.ward_a, data=data, file_name="cu.csv")
    assert (result.written, result.problems) == (4, [])
    assert set(PastRating.objects.values_list("source", flat=True)) == {PastRatingSource.IMPORTED}
    propose(UnitReview.objects.get(root=cycle_2021, unit=personas.cell_a1), levels=[E], members=[member])
    page = client_for(personas.staff_a).get(reverse("appraisal:unit_review", args=[cycle_2021.pk, personas.cell_a1.pk]))
    assert "Năm năm liền hoàn thành xuất sắc nhiệm vụ" in page.content.decode()
    # Importing the same file again changes nothing.
    before = AuditEntry.objects.count()
    again = past_ratings_import(actor=personas.staff_a, unit=personas.ward_a, data=data, file_name="cu.csv")
    assert again.written == 4 and AuditEntry.objects.count() == before


def test_a_file_with_any_bad_row_writes_nothing_and_names_row_and_column(personas):
    data = csv_bytes(
        [
            ["Nguyễn Văn An", "", "2019", "HTTNV"],
            ["Không Có Ai", "", "2019", "HTTNV"],
            ["Trần Thị Bình", "", "năm ngoái", "Tốt"],
        ],
        header=["Họ và tên", "Số thẻ đảng viên", "Năm", "Xếp loại"],
    )
    result = past_ratings_import(actor=personas.staff_a, unit=personas.ward_a, data=data, file_name="cu.csv")
    assert not PastRating.objects.exists()
    assert [(p.row, p.column) for p in result.problems] == [(3, "Họ và tên"), (4, "Năm"), (4, "Xếp loại")]


def test_the_past_rating_pages_are_for_those_who_manage_the_members(personas, client_for):
    member = personas.member_record_a1
    url = reverse("appraisal:past_rating", args=[member.pk])
    assert client_for(personas.staff_b).get(url).status_code == 404
    assert client_for(personas.member_a1).get(url).status_code == 403
    page = client_for(personas.sec_a1).post(url, {"year": "3000", "level": G}).content.decode()
    assert "Năm phải từ 1930" in page and not PastRating.objects.exists()
    client_for(personas.sec_a1).post(url, {"year": "2019", "level": G, "note": "Hồ sơ lưu"})
    assert PastRating.objects.get().level == G
    import_url = reverse("appraisal:past_import", args=[personas.ward_a.pk])
    assert client_for(personas.sec_a1).get(import_url).status_code == 404
    upload = SimpleUploadedFile("x.txt", b"abc")
    page = client_for(personas.staff_a).post(import_url, {"file": upload}).content.decode()
    assert "Chỉ nhận tệp .xlsx hoặc .csv" in page


def test_units_without_approved_results_when_the_report_is_due_are_flagged(personas, cycle_2021, client_for):
    ReviewCycle.objects.filter(pk=cycle_2021.pk).update(report_due=datetime.date(2021, 12, 25))
    review = propose(UnitReview.objects.get(root=cycle_2021, unit=personas.cell_a1), levels=[G, G, G, G, G])
    proposals_approve(actor=personas.staff_a, review=review)
    page = client_for(personas.staff_a).get(reverse("appraisal:dashboard", args=[cycle_2021.pk])).content.decode()
    # Chi bộ A2 and the ward's own work item have no approved results.
    assert "2 đơn vị chưa có kết quả được phê duyệt khi đến hạn báo cáo" in page


def test_flags_are_listed_where_members_are_decided_not_on_the_city_dashboard(personas, client_for):
    """A city's dashboard does not read the history of every member of its subtree for a list it does not act
    on (the province's page took seconds for it at 300,000 members): it says where the list is; the ward's shows
    it."""
    member = personas.member_record_a1
    city_cycle = make_cycle(personas.city, year=2021, rule_set="hd21-2019", opened=True)
    past_rating_record(actor=personas.staff_a, member=member, year=2020, level=N, note="")
    propose(UnitReview.objects.get(root=city_cycle, unit=personas.cell_a1), levels=[N], members=[member])
    label = "Hai năm liền không hoàn thành nhiệm vụ"
    ward_page = client_for(personas.higher).get(
        reverse("appraisal:dashboard_unit", args=[city_cycle.pk, personas.ward_a.pk])
    )
    assert label in ward_page.content.decode() and member.full_name in ward_page.content.decode()
    city_page = client_for(personas.higher).get(reverse("appraisal:dashboard", args=[city_cycle.pk]))
    text = city_page.content.decode()
    assert city_page.status_code == 200 and label not in text and member.full_name not in text
    assert "trực tiếp quyết định xếp loại đảng viên" in text
    assert city_page.context["flagged_count"] == 0 and city_page.context["flags_below"]
