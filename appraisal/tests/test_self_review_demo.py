"""The demo's self-reviews: 2021 filed by the 19 members of Mạc Đĩnh Chi; a 2025 mix; dangvien can file."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from appraisal.models import SelfReview, UnitReview
from appraisal.selectors.self_reviews import member_form

from .factories import form_data

pytestmark = pytest.mark.django_db

CELL = "Chi bộ Trường Tiểu học Mạc Đĩnh Chi"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def review_of(year: int) -> UnitReview:
    return UnitReview.objects.select_related("cycle", "unit").get(
        cycle__issuing_unit__name="Đảng ủy phường Quyết Thắng", cycle__year=year, unit__name=CELL
    )


def test_the_19_members_filed_and_submitted_for_2021_and_a_second_seed_adds_nothing(seeded):
    reviews = SelfReview.objects.filter(unit_review=review_of(2021))
    assert reviews.count() == 19
    assert set(reviews.values_list("state", flat=True)) == {"submitted"}
    assert reviews.filter(proposed_level="htxsnv").count() == 4
    assert all(r.submitted_at.date().isoformat() == "2021-11-08" for r in reviews)
    assert {r.form_code for r in reviews} == {"02-HD KĐ.ĐG 2019"}
    before = SelfReview.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert SelfReview.objects.count() == before


def test_2025_has_a_mix_of_states_in_one_cell(seeded):
    review = review_of(2025)
    states = list(SelfReview.objects.filter(unit_review=review).values_list("state", flat=True))
    assert {"submitted", "returned", "draft"} <= set(states)
    rows_with_form = SelfReview.objects.filter(unit_review=review).count()
    from appraisal.selectors.self_reviews import cell_self_reviews

    view = cell_self_reviews(review)
    assert any(r.self_review is None for r in view.required)  # missing ones
    assert rows_with_form < len(view.required)


def test_dangvien_can_file_their_2025_self_review(seeded, client):
    user = get_user_model().objects.get(username="dangvien")
    review = review_of(2025)
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    url = reverse("appraisal:self_review", args=[review.pk, user.member.pk])
    assert url in home
    page = client.get(url).content.decode()
    assert 'id="self-review-form"' in page
    structure = member_form(review, user.member).structure
    response = client.post(url, {**form_data(structure, level="httnv"), "action": "submit"})
    assert response.status_code == 302
    assert SelfReview.objects.get(unit_review=review, member=user.member).state == "submitted"
