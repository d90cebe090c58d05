"""The committee's pages: dashboard, decision, bulk approval, raise, groups, audit trail. Wrong personas are
refused and change nothing; query counts do not grow with cells or members."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import QuotaGroup, QuotaRaise, Rating, UnitReview, UnitReviewState
from appraisal.rules import Subject
from appraisal.services import cycle_open, cycle_sync_scope, proposals_approve
from audit.models import AuditEntry

from .factories import cycle as make_cycle
from .factories import grow_ward, propose, propose_everywhere

pytestmark = pytest.mark.django_db
E, G, C = "htxsnv", "httnv", "htnv"


@pytest.fixture
def setup(personas):
    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    review = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a1), levels=[E, G, G, G, G])
    return cycle, review


def test_ward_staff_see_their_cells_progress_levels_and_chart(personas, setup, client_for):
    cycle, review = setup
    page = client_for(personas.staff_a).get(reverse("appraisal:dashboard", args=[cycle.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chi bộ A1" in text and "Chi bộ A2" in text
    assert reverse("appraisal:decision", args=[review.pk]) in text
    assert "<svg" in text and "<script" not in text.split("</main>")[0].split("<main")[1]
    assert "Đã gửi đề nghị: 1" in text  # the state counts


def test_a_long_list_of_units_is_paginated_with_the_totals_of_all(personas, setup, client_for, monkeypatch):
    from appraisal.selectors import dashboard

    cycle, _review = setup
    monkeypatch.setattr(dashboard, "LINES_PER_PAGE", 2)  # the committee's own line and Chi bộ A1
    client = client_for(personas.staff_a)
    url = reverse("appraisal:dashboard", args=[cycle.pk])
    first, second = client.get(url).content.decode(), client.get(url + "?trang=2").content.decode()
    assert "Chi bộ A1" in first and "Chi bộ A2" not in first and "1/2" in first
    assert "Chi bộ A2" in second and "Chi bộ A1" not in second.split("<tbody>")[1].split("</tbody>")[0]
    assert "Đã gửi đề nghị: 1" in second  # the totals count every unit on every page


def test_the_dashboard_lists_the_cycles_deadlines_and_how_many_units_missed_each(personas, setup, client_for):
    import datetime
    import re

    cycle, _review = setup
    cycle.meetings_due = datetime.date(2021, 12, 10)  # past: the cell that has not sent its proposals missed it
    cycle.report_due = datetime.date(2099, 1, 15)
    cycle.save()
    text = client_for(personas.staff_a).get(reverse("appraisal:dashboard", args=[cycle.pk])).content.decode()
    deadlines = text.split("Thời hạn", 1)[1].split("Các đơn vị", 1)[0]
    assert "Tổ chức hội nghị kiểm điểm" in deadlines and "10/12/2021" in deadlines
    assert "15/01/2099" in deadlines
    assert deadlines.count("quá hạn") == 1  # the report is not due yet
    late = UnitReview.objects.filter(root=cycle).exclude(state__in=["submitted", "approved"]).count()
    assert re.search(rf"{late} đơn vị chưa xong", deadlines), late


@pytest.mark.parametrize("who", ["sec_a1", "staff_b", "member_a1", "outsider"])
def test_the_wrong_persona_cannot_see_the_wards_dashboard(personas, setup, client_for, who):
    cycle, _review = setup
    page = client_for(getattr(personas, who)).get(reverse("appraisal:dashboard", args=[cycle.pk]))
    assert page.status_code == 404


def test_the_decision_page_is_for_the_committee_above(personas, setup, client_for):
    _cycle, review = setup
    url = reverse("appraisal:decision", args=[review.pk])
    assert client_for(personas.staff_a).get(url).status_code == 200
    assert client_for(personas.higher).get(url).status_code == 200
    assert client_for(personas.sec_a1).get(url).status_code == 403  # may see the cell, not decide it
    for who in ("staff_b", "sec_b1", "member_b1", "outsider"):
        assert client_for(getattr(personas, who)).get(url).status_code == 404
    response = client_for(personas.sec_a1).post(url, {"action": "approve", "revision": review.revision})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.state == UnitReviewState.SUBMITTED
    assert not AuditEntry.objects.filter(action__startswith="rating.").exists()


def test_approving_from_the_page_with_an_adjusted_level(personas, setup, client_for):
    _cycle, review = setup
    url = reverse("appraisal:decision", args=[review.pk])
    target = Rating.objects.get(unit_review=review, subject=Subject.MEMBER, proposed_level=E)
    client = client_for(personas.staff_a)
    page = client.post(url, {"action": "approve", "revision": review.revision, f"level_{target.pk}": C})
    text = page.content.decode()
    assert page.status_code == 200 and "cần ghi rõ lý do" in text
    assert 'value="htnv" selected' in text  # what was typed is kept
    assert not Rating.objects.exclude(decided_level="").exists()
    page = client.post(
        url,
        {
            "action": "approve",
            "revision": review.revision,
            f"level_{target.pk}": C,
            f"reason_{target.pk}": "Chưa đạt chỉ tiêu",
        },
        follow=True,
    )
    assert "Đã phê duyệt" in page.content.decode()
    target.refresh_from_db()
    assert (target.decided_level, target.decision_reason) == (C, "Chưa đạt chỉ tiêu")


def test_the_check_button_recounts_the_quota_with_the_typed_levels_without_saving(personas, setup, client_for):
    _cycle, review = setup
    url = reverse("appraisal:decision", args=[review.pk])
    target = Rating.objects.filter(unit_review=review, subject=Subject.MEMBER, proposed_level=G).first()
    page = client_for(personas.staff_a).post(
        url, {"action": "check", "revision": review.revision, f"level_{target.pk}": E}
    )
    assert "Vượt tỷ lệ 20%: 2/3" in page.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="rating.").exists()


def test_the_second_person_gets_a_conflict_and_sees_the_first_decision(personas, setup, client_for):
    _cycle, review = setup
    stale = review.revision
    proposals_approve(actor=personas.higher, review=review, quota_exception_reason="Ngoại lệ")
    page = client_for(personas.staff_a).post(
        reverse("appraisal:decision", args=[review.pk]),
        {"action": "return", "revision": stale, "reason": "Xem lại"},
        follow=True,
    )
    text = page.content.decode()
    assert "Người khác vừa thay đổi" in text
    assert "Đã phê duyệt" in text and "Ngoại lệ vượt tỷ lệ" in text
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED


def test_returning_from_the_page(personas, setup, client_for):
    _cycle, review = setup
    url = reverse("appraisal:decision", args=[review.pk])
    client = client_for(personas.staff_a)
    page = client.post(url, {"action": "return", "revision": review.revision, "reason": ""})
    assert "lý do" in page.content.decode()
    client.post(url, {"action": "return", "revision": review.revision, "reason": "Thiếu biên bản"})
    review.refresh_from_db()
    assert review.state == UnitReviewState.RETURNED


def test_bulk_approval_from_the_dashboard(personas, setup, client_for):
    cycle, review = setup
    other = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a2), levels=[G] * 10)
    url = reverse("appraisal:bulk_approve", args=[cycle.pk, personas.ward_a.pk])
    picks = [f"{other.pk}:{other.revision}", f"{review.pk}:{review.revision}"]
    assert client_for(personas.sec_a1).post(url, {"review": picks}).status_code == 404
    page = client_for(personas.staff_a).post(url, {"review": picks}, follow=True)
    assert "Đã phê duyệt 2 đơn vị" in page.content.decode()
    assert set(UnitReview.objects.filter(pk__in=[review.pk, other.pk]).values_list("state", flat=True)) == {
        UnitReviewState.APPROVED
    }


def test_raising_the_ratio_and_defining_groups_from_the_pages(personas, client_for):
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    raise_url = reverse("appraisal:quota_raise", args=[cycle.pk, personas.ward_a.pk])
    groups_url = reverse("appraisal:quota_groups", args=[cycle.pk, personas.ward_a.pk])
    assert client_for(personas.sec_a1).post(raise_url, {"reason": "x"}).status_code == 404
    assert client_for(personas.staff_b).get(groups_url).status_code == 404
    client = client_for(personas.staff_a)
    page = client.post(raise_url, {"reason": ""}, follow=True)
    assert "nêu lý do" in page.content.decode() and not QuotaRaise.objects.exists()
    client.post(raise_url, {"reason": "Kết quả nổi bật"})
    assert QuotaRaise.objects.get().reason == "Kết quả nổi bật"
    page = client.post(groups_url, {"name": "Cán bộ", "subject": "member", "codes": "2A"}, follow=True)
    assert page.status_code == 200 and QuotaGroup.objects.get().codes == ["2A"]


def test_quota_pages_refuse_a_committee_outside_the_cycles_scope(personas, client_for):
    """Ward A's staff cannot record a raised ratio or groups for ward A in ward B's cycle, nor read that cycle
    through ward A's address: 404, nothing written (the city's staff and the superuser alike)."""
    cycle_b = make_cycle(personas.ward_b, year=2025, rule_set="hd43-2025", opened=True)
    raise_url = reverse("appraisal:quota_raise", args=[cycle_b.pk, personas.ward_a.pk])
    groups_url = reverse("appraisal:quota_groups", args=[cycle_b.pk, personas.ward_a.pk])
    bulk_url = reverse("appraisal:bulk_approve", args=[cycle_b.pk, personas.ward_a.pk])
    for user in (personas.staff_a, personas.higher, personas.superuser):
        client = client_for(user)
        assert client.post(raise_url, {"reason": "Kết quả nổi bật"}).status_code == 404
        assert client.get(groups_url).status_code == 404
        assert client.post(groups_url, {"name": "Cán bộ", "subject": "member", "codes": "2A"}).status_code == 404
        assert client.post(bulk_url, {"review": []}).status_code == 404
    assert not QuotaRaise.objects.exists() and not QuotaGroup.objects.exists()


def test_the_cycle_audit_trail_is_filtered_paginated_and_readable(personas, setup, client_for):
    cycle, review = setup
    proposals_approve(actor=personas.staff_a, review=review, quota_exception_reason="Ngoại lệ")
    url = reverse("appraisal:cycle_audit", args=[cycle.pk])
    client = client_for(personas.staff_a)
    text = client.get(url).content.decode()
    assert "Quyết định xếp loại" in text and "Phê duyệt kết quả xếp loại" in text
    assert "Hoàn thành tốt nhiệm vụ" in text  # values shown by their labels
    only = client.get(url, {"hanh_dong": "unit_review.approved"}).content.decode()
    assert "1 mục" in only and "<td>Phê duyệt kết quả xếp loại" in only and "<td>Quyết định xếp loại" not in only
    nobody = client.get(url, {"nguoi": "không ai có tên này"}).content.decode()
    assert "0 mục" in nobody
    bad = client.get(url, {"tu_ngay": "31/02/2021"}).content.decode()
    assert "không phải ngày" in bad
    assert client_for(personas.staff_b).get(url).status_code == 404
    assert client_for(personas.sec_a1).get(url).status_code == 404


def test_a_ratings_history_page(personas, setup, client_for):
    _cycle, review = setup
    proposals_approve(actor=personas.staff_a, review=review, quota_exception_reason="Ngoại lệ")
    rating = Rating.objects.filter(unit_review=review, decided_level=E).first()
    url = reverse("appraisal:rating_history", args=[rating.pk])
    text = client_for(personas.staff_a).get(url).content.decode()
    assert "Quyết định xếp loại vượt tỷ lệ (ngoại lệ)" in text and "Ngoại lệ" in text
    assert client_for(personas.staff_b).get(url).status_code == 404


def _grow(personas, cycle_root, wards: int, cells: int, members: int, tag: str):
    for w in range(wards):
        ward = grow_ward(personas.city, name=f"P{tag}{w}", cells=cells, members_per_cell=members)
        propose_everywhere(cycle_root.pk, ward)


def test_the_ward_dashboard_keeps_its_query_count_as_cells_and_members_grow(
    personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas.higher)
    counts = []
    for cells, members in ((3, 2), (12, 6)):
        ward = grow_ward(personas.city, name=f"Phường {cells}", cells=cells, members_per_cell=members)
        cycle = make_cycle(ward, year=2021, rule_set="hd21-2019", opened=True)
        propose_everywhere(cycle.pk, ward)
        with django_assert_max_num_queries(20) as captured:
            page = client.get(reverse("appraisal:dashboard", args=[cycle.pk]))
        assert page.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_city_dashboard_keeps_its_query_count_as_wards_grow(personas, client_for, django_assert_max_num_queries):
    client = client_for(personas.higher)
    cycle = make_cycle(personas.city, year=2021, rule_set="hd21-2019")
    counts = []
    for tag, wards in (("a", 1), ("b", 4)):
        _grow(personas, cycle, wards, 3, 2, tag)
        if cycle.is_draft:
            cycle_open(actor=None, cycle=cycle)
        else:
            cycle_sync_scope(actor=None, cycle=cycle)
        propose_everywhere(cycle.pk, personas.city)
        with django_assert_max_num_queries(20) as captured:
            page = client.get(reverse("appraisal:dashboard", args=[cycle.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Pa0" in text and "Chi bộ 1" not in text  # the wards' totals, not every cell
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_decision_page_lists_members_in_the_rosters_vietnamese_order(personas, client_for):
    from members.tests.factories import member as make_member

    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    names = ["Phạm Thị Hương", "Lê Thị Ánh", "Nguyễn Văn Đức", "Vũ Thị Hằng", "Trần Văn Dũng", "Hoàng Văn Bình"]
    members = [make_member(name, cell=personas.cell_a1) for name in names]
    review = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a1), levels=[G] * 6, members=members)
    text = client_for(personas.staff_a).get(reverse("appraisal:decision", args=[review.pk])).content.decode()
    expected = ["Lê Thị Ánh", "Hoàng Văn Bình", "Trần Văn Dũng", "Nguyễn Văn Đức", "Vũ Thị Hằng", "Phạm Thị Hương"]
    shown = sorted(expected, key=text.index)
    assert shown == expected


def test_a_conflicting_decision_keeps_what_was_typed_and_says_someone_saved_first(personas, setup, client_for):
    """Another member of staff returned the proposals and the cell sent them again: the stale approval is refused,
    the page keeps the level and the reason typed, lists them against what is saved, and carries the new
    revision so that approving again goes through."""
    from appraisal.services import proposals_return

    _cycle, review = setup
    stale = review.revision
    proposals_return(actor=personas.higher, review=review, reason="Bổ sung", revision=stale)
    UnitReview.objects.filter(pk=review.pk).update(state=UnitReviewState.RESUBMITTED)
    target = Rating.objects.get(unit_review=review, subject=Subject.MEMBER, proposed_level=E)
    url = reverse("appraisal:decision", args=[review.pk])
    client = client_for(personas.staff_a)
    typed = {"action": "approve", "revision": stale, f"level_{target.pk}": C, f"reason_{target.pk}": "Chưa đạt"}
    page = client.post(url, typed)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Người khác vừa thay đổi phần việc của Chi bộ A1 và đã lưu trước bạn" in text
    assert "Tiến độ hiện nay: Đã gửi lại." in text
    changes = text.split('id="conflict-changes"', 1)[1].split("</table>", 1)[0]
    assert target.member.full_name in changes and "Hoàn thành nhiệm vụ" in changes and "Chưa đạt" in changes
    assert '<option value="htnv" selected>' in text.split(f'name="level_{target.pk}"', 1)[1].split("</select>")[0]
    assert 'value="Chưa đạt"' in text
    review.refresh_from_db()
    assert f'name="revision" value="{review.revision}"' in text and review.revision != stale
    assert not Rating.objects.exclude(decided_level="").exists()
    client.post(url, {**typed, "revision": review.revision})
    target.refresh_from_db()
    assert (target.decided_level, target.decision_reason) == (C, "Chưa đạt")


def test_a_conflicting_return_keeps_its_reason_when_the_unit_was_approved_meanwhile(personas, setup, client_for):
    _cycle, review = setup
    stale = review.revision
    proposals_approve(actor=personas.higher, review=review, quota_exception_reason="Ngoại lệ")
    page = client_for(personas.staff_a).post(
        reverse("appraisal:decision", args=[review.pk]),
        {"action": "return", "revision": stale, "reason": "Xem lại hồ sơ đồng chí An"},
    )
    text = page.content.decode()
    assert "đã lưu trước bạn" in text and "Không thể quyết định ở tiến độ này" in text
    assert "Xem lại hồ sơ đồng chí An" in text.split('id="conflict-changes"', 1)[1]
    assert "Xem lại hồ sơ đồng chí An</textarea>" in text  # the reopening form offered now keeps it too
