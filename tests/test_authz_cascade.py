"""The authorisation matrix's cascaded-cycle case (issue 19, item 1): a unit's item is found from its own
committee's cycle or from any cycle above it in the cascade, with the same answer for every persona; never from a
sibling ward's cycle. And the access functions of ``appraisal.access`` one by one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from appraisal.access import (
    get_committee_or_deny,
    get_rating_or_deny,
    get_review_or_deny,
    get_self_review_or_deny,
)
from appraisal.models import ReviewCycle
from appraisal.tests.factories import cycle as make_cycle
from party_units.access import Perm

from .authz_cases import PERSONA_USERS, PERSONAS, ask, request_for
from .authz_world import build

pytestmark = pytest.mark.django_db

# The patterns that name a unit's item by (cycle, unit): the cell's and the ward's pages of a cycle.
BY_CYCLE_AND_UNIT = [
    "appraisal:unit_review",
    "appraisal:unit_review_document",
    "appraisal:meeting",
    "appraisal:meeting_submit",
    "appraisal:meeting_withdraw",
    "appraisal:cell_self_reviews",
    "appraisal:collective_report",
    "appraisal:level_summary",
    "appraisal:dashboard_unit",
]


@pytest.fixture
def cascaded(personas):
    """The matrix's world with a city cycle over both wards' cycles (the wards' cycles become its lower ones)."""
    world = build(personas)
    city_cycle = make_cycle(personas.city, year=2025, rule_set="hd43-2025", title="Kỳ của Thành ủy", opened=True)
    lower = ReviewCycle.objects.get(pk=world.a.cycle.pk)
    assert lower.parent_id == city_cycle.pk and lower.root_id == city_cycle.pk
    return world, city_cycle


def _answers(client, personas, world, name: str, kwargs_for) -> dict[tuple[str, str], str]:
    users = {key: (getattr(personas, user) if user else None) for key, user in PERSONA_USERS.items()}
    answers = {}
    for persona in PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        for method in ("GET", "POST"):
            request = request_for(world, name, "a")
            request.kwargs.update(kwargs_for(request.kwargs))
            code, _body, _audited, _response = ask(client, method, reverse(name, kwargs=request.kwargs), request)
            answers[(persona, method)] = code
    return answers


@pytest.mark.parametrize("name", BY_CYCLE_AND_UNIT)
def test_a_units_pages_answer_the_same_from_the_cycle_above(client, personas, cascaded, name):
    client.raise_request_exception = False
    world, city_cycle = cascaded
    own = _answers(client, personas, world, name, lambda kwargs: {})
    above = _answers(client, personas, world, name, lambda kwargs: {"cycle_pk": city_cycle.pk})
    assert above == own
    assert "200" in own.values() or "302" in own.values()  # someone in scope is let in


@pytest.mark.parametrize("name", [n for n in BY_CYCLE_AND_UNIT if n != "appraisal:dashboard_unit"])
def test_a_sibling_wards_cycle_finds_nothing_even_in_one_cascade(client, personas, cascaded, name):
    client.raise_request_exception = False
    world, _city_cycle = cascaded
    answers = _answers(client, personas, world, name, lambda kwargs: {"cycle_pk": world.b.cycle.pk})
    assert set(answers.values()) <= {"L", "404", "405"} and "404" in answers.values(), answers


def test_review_by_id_and_by_cycle_and_unit_are_the_same_item(personas, cascaded):
    world, city_cycle = cascaded
    by_pk = get_review_or_deny(personas.sec_a1, pk=world.a.cell_review.pk)
    by_own = get_review_or_deny(personas.sec_a1, cycle=world.a.cycle.pk, unit=personas.cell_a1.pk)
    by_city = get_review_or_deny(personas.sec_a1, cycle=city_cycle.pk, unit=personas.cell_a1.pk)
    assert by_pk.pk == by_own.pk == by_city.pk == world.a.cell_review.pk


def test_deciding_a_units_item_is_the_right_of_the_committee_above(personas, cascaded):
    world, _city_cycle = cascaded
    pk = world.a.cell_review.pk
    assert get_review_or_deny(personas.staff_a, perm=Perm.APPROVE, pk=pk).pk == pk
    with pytest.raises(PermissionDenied):  # sees the cell, may not decide it
        get_review_or_deny(personas.sec_a1, perm=Perm.APPROVE, pk=pk)
    with pytest.raises(Http404):  # does not even see it
        get_review_or_deny(personas.staff_b, perm=Perm.APPROVE, pk=pk)
    # The ward's own item is decided by the city: its staff may not decide it themselves.
    ward_pk = world.a.ward_review.pk
    with pytest.raises(PermissionDenied):
        get_review_or_deny(personas.staff_a, perm=Perm.APPROVE, pk=ward_pk)
    assert get_review_or_deny(personas.higher, perm=Perm.APPROVE, pk=ward_pk).pk == ward_pk


def test_a_cells_page_refuses_a_committees_item(personas, cascaded):
    world, _city_cycle = cascaded
    with pytest.raises(Http404):
        get_review_or_deny(personas.staff_a, cycle=world.a.cycle.pk, unit=personas.ward_a.pk, cell=True)
    with pytest.raises(TypeError):
        get_review_or_deny(personas.staff_a, cycle=world.a.cycle.pk)


def test_self_review_access_by_id_and_by_item_and_member(personas, cascaded):
    world, _city_cycle = cascaded
    mine = get_self_review_or_deny(personas.member_a1, perm=Perm.SELF_REVIEW, pk=world.a.self_review.pk)
    same = get_self_review_or_deny(
        personas.member_a1, review=world.a.cell_review.pk, member=world.a.record.pk, perm=Perm.SELF_REVIEW
    )
    assert mine.self_review == same.self_review == world.a.self_review and same.member == world.a.record
    not_started = get_self_review_or_deny(personas.sec_a1, review=world.a.cell_review.pk, member=world.a.other.pk)
    assert not_started.member == world.a.other
    with pytest.raises(PermissionDenied):  # the secretary sees it but does not file it
        get_self_review_or_deny(personas.sec_a1, perm=Perm.SELF_REVIEW, pk=world.a.self_review.pk)
    with pytest.raises(Http404):  # another cell's secretary does not see it
        get_self_review_or_deny(personas.sec_a2, pk=world.a.self_review.pk)
    with pytest.raises(Http404):  # a member never in that cell
        get_self_review_or_deny(personas.sec_a1, review=world.a.cell_review.pk, member=world.b.record.pk)


def test_rating_access(personas, cascaded):
    world, _city_cycle = cascaded
    pk = world.a.rating.pk
    assert get_rating_or_deny(personas.member_a1, pk=pk).pk == pk  # the member's own
    assert get_rating_or_deny(personas.staff_a, perm=Perm.APPROVE, pk=pk).pk == pk
    with pytest.raises(PermissionDenied):
        get_rating_or_deny(personas.sec_a1, perm=Perm.APPROVE, pk=pk)
    with pytest.raises(Http404):
        get_rating_or_deny(personas.member_b1, pk=pk)


def test_committee_in_cycle(personas, cascaded):
    world, city_cycle = cascaded
    found = get_committee_or_deny(personas.staff_a, cycle=city_cycle.pk, unit=personas.ward_a.pk)
    assert found.unit == personas.ward_a and found.above == [personas.city]
    assert get_committee_or_deny(personas.higher, cycle=city_cycle.pk).unit == personas.city
    with pytest.raises(Http404):  # a cell is no committee
        get_committee_or_deny(personas.staff_a, cycle=city_cycle.pk, unit=personas.cell_a1.pk)
    with pytest.raises(Http404):  # ward B is outside ward A's cycle
        get_committee_or_deny(personas.higher, cycle=world.a.cycle.pk, unit=personas.ward_b.pk)
    with pytest.raises(Http404):  # a cell's secretary does not see the ward's pages
        get_committee_or_deny(personas.sec_a1, perm=Perm.APPROVE, cycle=city_cycle.pk, unit=personas.ward_a.pk)
