import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from appraisal.models import CycleState, GuidanceDocument, ReviewCycle, UnitReview
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def counts():
    return (
        GuidanceDocument.objects.count(),
        ReviewCycle.objects.count(),
        UnitReview.objects.count(),
        AuditEntry.objects.filter(action__startswith="review_cycle.").count(),
    )


def test_the_demo_cycles_are_seeded_once(client_for):
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first

    qt2021 = ReviewCycle.objects.get(issuing_unit__name="Đảng ủy phường Quyết Thắng", year=2021)
    assert qt2021.rule_set == "hd21-2019" and qt2021.state == CycleState.OPEN
    (cv163,) = qt2021.guidance_documents.all()
    assert (cv163.code, cv163.issued_on.isoformat()) == ("163-CV/ĐU", "2021-10-28")
    assert cv163.summary.startswith("V/v Hướng dẫn kiểm điểm")

    district = ReviewCycle.objects.get(issuing_unit__name="Quận ủy Hai Bà Trưng", year=2023)
    assert district.rule_set == "hd25-2023" and district.state == CycleState.OPEN
    kh159 = GuidanceDocument.objects.get(code="159-KH/QU")
    assert kh159.implements.code == "25-HD/BTCTW" and kh159.implements.issuing_unit is None
    assert district.children.filter(state=CycleState.OPEN).count() == 18
    assert UnitReview.objects.filter(root=district).count() == 1 + 18 + 18 * 3

    qt2025 = ReviewCycle.objects.get(issuing_unit__name="Đảng ủy phường Quyết Thắng", year=2025)
    assert qt2025.rule_set == "hd43-2025" and qt2025.state == CycleState.OPEN
    assert [d.code for d in qt2025.guidance_documents.all()] == ["43-HD/BTCTW"]


def test_the_demo_secretary_sees_the_2025_eligibility_of_mac_dinh_chi(client_for):
    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=io.StringIO())
    qt2025 = ReviewCycle.objects.get(issuing_unit__name="Đảng ủy phường Quyết Thắng", year=2025)
    review = UnitReview.objects.get(cycle=qt2025, unit__name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi")
    bithu = get_user_model().objects.get(username="bithu")
    response = client_for(bithu).get(reverse("appraisal:unit_review", args=[qt2025.pk, review.unit_id]))
    assert response.status_code == 200
    table = response.context["eligibility"]
    assert len(table.rows) == 19
    assert table.not_reviewed >= 1  # the exempted member
    assert any(row.caps for row in table.rows)  # the disciplined member
    assert {row.form.code for row in table.rows if row.form} >= {"2A", "2B"}
