import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import CycleState, PeriodKind, ReviewCycle, UnitReview, UnitReviewState
from appraisal.services import cycle_close, cycle_open, cycle_sync_scope, ensure_unit_reviews
from audit.models import AuditEntry
from party_units.tests.personas import make_unit

from .factories import central, cycle, document, grow_ward

pytestmark = pytest.mark.django_db


def test_a_yearly_cycle_gets_its_dates_and_is_created_in_draft_and_audited(personas):
    hd25 = central()
    made = cycle(
        personas.ward_a, actor=personas.staff_a, guidance_documents=[hd25], meetings_due=datetime.date(2023, 12, 5)
    )
    made.refresh_from_db()
    assert (made.start_date, made.end_date, made.state) == (
        datetime.date(2023, 1, 1),
        datetime.date(2023, 12, 31),
        "draft",
    )
    assert list(made.guidance_documents.all()) == [hd25]
    entry = AuditEntry.objects.for_object(made).get()
    assert entry.action == "review_cycle.created" and entry.actor == personas.staff_a
    assert entry.after["guidance_documents"] == ["25-HD/BTCTW"]
    assert not UnitReview.objects.exists()


def test_a_quarterly_cycle_covers_its_quarter_and_a_term_its_dates(personas):
    q3 = cycle(personas.ward_a, period_kind=PeriodKind.QUARTER, quarter=3, year=2025, rule_set="hd43-2025")
    assert (q3.start_date, q3.end_date) == (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    assert q3.period_label == "Quý 3 năm 2025"
    term = cycle(
        personas.ward_a,
        period_kind=PeriodKind.TERM,
        year=0,
        start_date=datetime.date(2020, 10, 1),
        end_date=datetime.date(2023, 3, 31),
    )
    assert term.year == 2023 and term.quarter is None


def test_a_quarterly_cycle_without_its_quarter_is_refused(personas):
    with pytest.raises(ValidationError, match="cần chọn quý"):
        cycle(personas.ward_a, period_kind=PeriodKind.QUARTER)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"rule_set": "hd99-2030"}, "rule_set", "Không có bộ quy tắc mã «hd99-2030»"),
        (
            {"rule_options": {"sick_leave_cap": False}, "rule_set": "hd21-2019", "year": 2021},
            "rule_options",
            "không cho phép",
        ),
        ({"rule_options": {"colour": "red"}}, "rule_options", "không có tùy chọn: colour"),
        (
            {"meetings_due": datetime.date(2023, 12, 1), "self_review_due": datetime.date(2023, 12, 10)},
            "meetings_due",
            "phải sau hạn «Đảng viên nộp bản kiểm điểm»",
        ),
        ({"self_review_due": datetime.date(2022, 12, 10)}, "self_review_due", "trước ngày bắt đầu kỳ đánh giá"),
        (
            {"rule_set": "hd43-2025", "year": 2025, "decisions_due": datetime.date(2026, 1, 20)},
            "decisions_due",
            "hoàn thành kiểm điểm, xếp loại trước 31/12/2025",
        ),
        (
            {"rule_set": "hd43-2025", "year": 2025, "report_due": datetime.date(2026, 2, 10)},
            "report_due",
            "trước 01/02/2026",
        ),
    ],
)
def test_inconsistent_cycles_are_refused_with_a_vietnamese_reason(personas, kwargs, field, message):
    with pytest.raises(ValidationError) as caught:
        cycle(personas.ward_a, **kwargs)
    assert any(message in text for text in caught.value.message_dict[field])
    assert not ReviewCycle.objects.exists() and not AuditEntry.objects.exists()


def test_rule_options_are_validated_by_the_rule_set_and_kept(personas):
    made = cycle(
        personas.ward_a, rule_options={"sick_leave_cap": False, "vote_thresholds": {"excellent": "2/3", "good": "1/2"}}
    )
    rules = made.rules()
    assert rules.sick_leave_cap is False and rules.vote_thresholds is not None


def test_a_cell_cannot_issue_a_cycle(personas):
    with pytest.raises(ValidationError, match="Chỉ cấp ủy"):
        cycle(personas.cell_a1)


def test_a_second_cycle_of_the_same_unit_and_period_is_refused(personas):
    cycle(personas.ward_a)
    with pytest.raises(ValidationError, match="đã có kỳ đánh giá cho cùng thời gian"):
        cycle(personas.ward_a)


def test_a_cycle_may_cite_its_own_higher_and_central_documents_only(personas):
    own = document(personas.ward_a, code="1-CV/ĐU", issued_on=datetime.date(2023, 11, 20))
    higher = document(personas.city, code="2-KH/TU", issued_on=datetime.date(2023, 11, 15))
    cycle(personas.ward_a, guidance_documents=[own, higher, central()])
    other = document(personas.ward_b, code="3-CV/ĐU", issued_on=datetime.date(2023, 11, 20))
    with pytest.raises(ValidationError, match="1-CV/ĐU không phải của cấp ủy ban hành"):
        cycle(personas.ward_b, year=2024, guidance_documents=[other, own])


# -- cascade -------------------------------------------------------------------------------------------------


def test_a_lower_committee_cascades_a_higher_cycle_of_the_same_period_and_rule_set(personas):
    city = cycle(personas.city, opened=True)
    ward = cycle(personas.ward_a, parent=city)
    assert ward.root == city and list(city.children.all()) == [ward]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"rule_set": "hd21-2019"}, "rule_set", "phải áp dụng cùng bộ quy tắc"),
        ({"period_kind": PeriodKind.QUARTER, "quarter": 4}, "parent", "phải cùng thời gian"),
    ],
)
def test_a_cascade_of_another_period_or_rule_set_is_refused(personas, kwargs, field, message):
    city = cycle(personas.city)
    with pytest.raises(ValidationError) as caught:
        cycle(personas.ward_a, parent=city, **kwargs)
    assert any(message in text for text in caught.value.message_dict[field])


def test_a_parent_cycle_must_be_issued_above(personas):
    ward_b = cycle(personas.ward_b)
    with pytest.raises(ValidationError, match="phải do một cấp ủy cấp trên"):
        cycle(personas.ward_a, parent=ward_b)


def test_a_lower_committee_must_cascade_a_higher_cycle_of_the_same_period(personas):
    cycle(personas.city)
    with pytest.raises(ValidationError, match="hãy chọn làm kỳ cấp trên"):
        cycle(personas.ward_a)


# -- opening -------------------------------------------------------------------------------------------------


def test_opening_creates_one_work_item_per_active_unit_in_the_subtree(personas):
    closed_cell = make_unit(personas.ward_a, "Chi bộ đã giải thể")
    closed_cell.is_active = False
    closed_cell.save()
    made = cycle(personas.ward_a)
    assert cycle_open(actor=personas.staff_a, cycle=made) == 3
    items = UnitReview.objects.filter(cycle=made)
    assert {i.unit for i in items} == {personas.ward_a, personas.cell_a1, personas.cell_a2}
    assert {i.state for i in items} == {UnitReviewState.NOT_STARTED}
    made.refresh_from_db()
    assert made.state == CycleState.OPEN and made.opened_at is not None
    entry = AuditEntry.objects.filter(action="review_cycle.opened").get()
    assert entry.before["state"] == "draft" and entry.after["created"] == 3


def test_creating_work_items_again_changes_nothing(personas):
    made = cycle(personas.ward_a, opened=True)
    assert ensure_unit_reviews(made) == (0, 0)
    assert UnitReview.objects.count() == 3


def test_units_founded_after_opening_are_added_by_the_scope_update(personas):
    made = cycle(personas.ward_a, opened=True)
    new_cell = make_unit(personas.ward_a, "Chi bộ mới")
    assert cycle_sync_scope(actor=personas.staff_a, cycle=made) == 1
    assert UnitReview.objects.filter(cycle=made, unit=new_cell).exists()
    assert cycle_sync_scope(actor=personas.staff_a, cycle=made) == 0
    assert AuditEntry.objects.filter(action="review_cycle.scope_synced").count() == 1


@pytest.mark.parametrize("state", [CycleState.OPEN, CycleState.CLOSED])
def test_only_a_draft_cycle_can_be_opened(personas, state):
    made = cycle(personas.ward_a)
    ReviewCycle.objects.filter(pk=made.pk).update(state=state)
    made.refresh_from_db()
    with pytest.raises(ValidationError, match="Chỉ mở được kỳ đánh giá đang soạn"):
        cycle_open(actor=personas.staff_a, cycle=made)
    assert not UnitReview.objects.exists()


def test_opening_a_cascade_hands_the_lower_units_to_the_lower_cycle(personas):
    city = cycle(personas.city, opened=True)
    assert UnitReview.objects.filter(cycle=city).count() == 6
    ward = cycle(personas.ward_a, parent=city)
    assert cycle_open(actor=personas.staff_a, cycle=ward) == 3
    assert UnitReview.objects.count() == 6  # one item per unit for the whole cascade
    governed = {r.unit.name: r.cycle for r in UnitReview.objects.select_related("unit", "cycle")}
    assert governed["Chi bộ A1"] == ward and governed["Đảng ủy phường A"] == ward
    assert governed["Chi bộ B1"] == city and governed["Thành ủy Thử nghiệm"] == city


def test_a_lower_cycle_opened_first_keeps_its_units_when_the_higher_one_opens(personas):
    city = cycle(personas.city)
    ward = cycle(personas.ward_a, parent=city, opened=True)
    cycle_open(actor=personas.higher, cycle=city)
    governed = {r.unit.name: r.cycle for r in UnitReview.objects.select_related("unit", "cycle")}
    assert governed["Chi bộ A1"] == ward and governed["Chi bộ B1"] == city
    assert UnitReview.objects.count() == 6


def test_a_ward_cycle_opened_before_the_higher_one_existed_joins_its_cascade(personas):
    ward = cycle(personas.ward_a, opened=True)  # independent: no higher cycle existed yet
    draft_b = cycle(personas.ward_b)  # created, not yet opened
    city = cycle(personas.city, opened=True)
    ward.refresh_from_db()
    draft_b.refresh_from_db()
    assert ward.parent == city and ward.root_id == city.pk
    assert draft_b.parent == city and draft_b.root_id == city.pk
    assert UnitReview.objects.count() == 6  # still one item per unit
    governed = {r.unit.name: r.cycle for r in UnitReview.objects.select_related("unit", "cycle")}
    assert governed["Chi bộ A1"] == ward and governed["Chi bộ B1"] == city
    assert cycle_open(actor=personas.staff_b, cycle=draft_b) == 2
    assert UnitReview.objects.count() == 6
    assert set(UnitReview.objects.values_list("root_id", flat=True)) == {city.pk}


def test_a_lower_cycle_of_the_same_period_under_other_rules_blocks_opening(personas):
    cycle(personas.ward_a, opened=True, rule_set="hd21-2019")
    city = cycle(personas.city)
    with pytest.raises(ValidationError) as err:
        cycle_open(actor=personas.higher, cycle=city)
    assert "bộ quy tắc khác" in str(err.value)
    city.refresh_from_db()
    assert city.state == CycleState.DRAFT and not UnitReview.objects.filter(cycle=city).exists()


def test_opening_takes_a_bounded_number_of_queries_whatever_the_size_of_the_ward(personas):
    small = cycle(personas.ward_a)
    with CaptureQueriesContext(connection) as small_run:
        cycle_open(actor=personas.staff_a, cycle=small)
    ward = grow_ward(personas.city, cells=50, members_per_cell=30)
    big = cycle(ward)
    with CaptureQueriesContext(connection) as big_run:
        assert cycle_open(actor=personas.higher, cycle=big) == 51
    assert len(big_run.captured_queries) == len(small_run.captured_queries) <= 12


# -- closing -------------------------------------------------------------------------------------------------


def test_closing_refuses_while_a_lower_cycle_is_open_and_then_closes(personas):
    city = cycle(personas.city, opened=True)
    ward = cycle(personas.ward_a, parent=city, opened=True)
    with pytest.raises(ValidationError, match="Cấp dưới chưa kết thúc kỳ triển khai: Đảng ủy phường A"):
        cycle_close(actor=personas.higher, cycle=city)
    cycle_close(actor=personas.staff_a, cycle=ward)
    cycle_close(actor=personas.higher, cycle=city)
    city.refresh_from_db()
    assert city.state == CycleState.CLOSED and city.closed_at is not None
    assert AuditEntry.objects.filter(action="review_cycle.closed").count() == 2


def test_a_draft_or_closed_cycle_cannot_be_closed(personas):
    made = cycle(personas.ward_a)
    with pytest.raises(ValidationError, match="Chỉ kết thúc được kỳ đánh giá đang triển khai"):
        cycle_close(actor=personas.staff_a, cycle=made)
    cycle_open(actor=personas.staff_a, cycle=made)
    cycle_close(actor=personas.staff_a, cycle=made)
    with pytest.raises(ValidationError, match="đang ở trạng thái «Đã kết thúc»"):
        cycle_close(actor=personas.staff_a, cycle=made)


def test_a_closed_higher_cycle_cannot_be_cascaded(personas):
    city = cycle(personas.city, opened=True)
    cycle_close(actor=personas.higher, cycle=city)
    with pytest.raises(ValidationError, match="Kỳ đánh giá cấp trên đã kết thúc"):
        cycle(personas.ward_a, parent=city)


def test_the_services_refuse_an_actor_without_the_right(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        cycle(personas.ward_a, actor=personas.staff_b)
    with pytest.raises(PermissionDenied):
        cycle(personas.ward_a, actor=personas.sec_a1)
    made = cycle(personas.ward_a, actor=personas.higher)
    for service in (cycle_open, cycle_close, cycle_sync_scope):
        with pytest.raises(PermissionDenied):
            service(actor=personas.sec_a1, cycle=made)
    with pytest.raises(PermissionDenied):
        document(personas.ward_a, actor=personas.sec_a1)
    with pytest.raises(PermissionDenied):
        document(None, code="25-HD/BTCTW", actor=personas.higher)  # central documents: administrators only
    assert ReviewCycle.objects.count() == 1 and not UnitReview.objects.exists()
