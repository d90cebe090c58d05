"""seed_scale: the tree's shape, the derived columns as the models compute them, every state present, and the
refusal on a database that is not a development or measurement one. Runs on SQLite (bulk INSERT) and, with
DATABASE_URL, on PostgreSQL (COPY)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from appraisal.models import (
    Attendance,
    ProposalRound,
    Rating,
    ReviewMeeting,
    RoundOutcome,
    SelfReview,
    SelfReviewState,
    SelfReviewVersion,
    UnitReview,
    UnitReviewState,
)
from appraisal.rules import Level, Subject
from bench.scale import Seeder
from members.models import Member, Membership
from party_units.models import PATH_STEP, PartyUnit, UnitKind, fold

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shapes():
    return {}


def seed(members=600, **kw):
    seeder = Seeder(members=members, provinces=2, wards=4, **kw)
    seeder.run()
    return seeder


def test_the_tree_has_provinces_then_wards_then_cells_of_10_to_40_members():
    seeder = seed()
    root = PartyUnit.objects.get(depth=0)
    provinces = PartyUnit.objects.filter(parent=root)
    assert provinces.count() == 2 and all(p.kind == UnitKind.COMMITTEE for p in provinces)
    wards = PartyUnit.objects.filter(parent__in=provinces)
    assert wards.count() == 4
    assert {w.level_label for w in wards} <= {"Đảng ủy phường", "Đảng ủy xã"}
    cells = PartyUnit.objects.filter(kind=UnitKind.CELL)
    assert set(cells.values_list("parent__parent__parent_id", flat=True)) == {root.pk}  # no district level
    sizes = Counter(Membership.objects.current().official().values_list("unit_id", flat=True))
    assert set(sizes) == set(cells.values_list("pk", flat=True))
    assert all(10 <= n <= 40 for n in sizes.values())
    assert 40 in sizes.values()  # the meeting-entry page's cell
    assert Member.objects.count() == 600 == sum(sizes.values())
    # one open official membership each
    assert not Membership.objects.current().official().values("member").annotate(n=Count("id")).filter(n__gt=1)
    assert UnitReview.objects.filter(root=seeder.cycle).count() == PartyUnit.objects.count()


def test_the_2023_shape_has_districts_between_provinces_and_wards():
    seed(shape="2023")
    assert PartyUnit.objects.filter(level_label="Quận ủy", depth=2).count() == 2
    assert set(PartyUnit.objects.filter(kind=UnitKind.CELL).values_list("depth", flat=True)) == {4}


def test_derived_columns_equal_what_the_models_compute():
    seed(members=300)
    for member in Member.objects.order_by("?")[:150]:
        stored = {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields}
        member.normalise()
        assert {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields} == stored
        assert member.full_name == member.full_name.strip() and member.card_number
    for unit in PartyUnit.objects.select_related("parent"):
        assert unit.search_name == fold(f"{unit.name} {unit.short_name}")
        parent_path = unit.parent.path if unit.parent else ""
        assert unit.path == f"{parent_path}{unit.pk:0{PATH_STEP - 1}d}."
        assert unit.depth == unit.path.count(".") - 1
        before = (unit.name, unit.search_name, unit.path)
        unit.save()  # save() recomputes: nothing changes
        unit.refresh_from_db()
        assert (unit.name, unit.search_name, unit.path) == before
    # What the services keep (the copy writes past them and derives it after): each membership holds its
    # member's sort key, each unit the number of its open official memberships.
    assert not Membership.objects.exclude(sort_key=F("member__sort_key")).exists()
    counted = Count("memberships", filter=Q(memberships__end_date__isnull=True, memberships__kind="official"))
    stored = Coalesce(F("member_count__official_members"), 0)
    assert not PartyUnit.objects.annotate(n=counted, stored=stored).exclude(stored=F("n")).exists()
    # A unit created after the seed gets the next id (sequences moved past the copied rows).
    cell = PartyUnit.objects.filter(kind=UnitKind.CELL).first()
    extra = Member.objects.create(full_name="Nguyễn Văn Mới")
    assert extra.pk > Member.objects.exclude(pk=extra.pk).order_by("-pk").first().pk
    assert Membership.objects.create(member=extra, unit=cell, start_date="2025-01-01").pk


def test_every_state_appears_and_stages_agree_with_the_work_item():
    seed()
    cells = UnitReview.objects.filter(unit__kind=UnitKind.CELL)
    assert set(cells.values_list("state", flat=True)) == set(UnitReviewState.values)
    assert set(SelfReview.objects.values_list("state", flat=True)) == set(SelfReviewState.values)
    assert set(ProposalRound.objects.values_list("outcome", flat=True)) == set(RoundOutcome.values)
    decided = Rating.objects.exclude(decided_level="")
    assert set(decided.values_list("decided_level", flat=True)) == {level.value for level in Level}
    assert set(decided.values_list("unit_review__state", flat=True)) == {UnitReviewState.APPROVED}
    assert not Rating.objects.filter(unit_review__state=UnitReviewState.APPROVED, decided_level="").exists()
    assert not SelfReview.objects.filter(unit_review__state=UnitReviewState.NOT_STARTED).exists()
    proposed = cells.filter(state__in=["submitted", "returned", "resubmitted", "approved"])
    for review in proposed:
        n = Membership.objects.filter(unit=review.unit).count()
        assert review.ratings.filter(subject=Subject.MEMBER).exclude(proposed_level="").count() == n
        assert review.ratings.filter(subject=Subject.ORGANISATION, unit=review.unit).count() == 1
        assert Attendance.objects.filter(meeting__unit_review=review).count() == n
    assert ReviewMeeting.objects.count() >= proposed.count()
    returned = SelfReview.objects.filter(state=SelfReviewState.RESUBMITTED).first()
    assert list(SelfReviewVersion.objects.filter(self_review=returned).values_list("number", flat=True)) == [1, 2]
    pending = ProposalRound.objects.filter(unit_review__state="resubmitted").values_list("outcome", flat=True)
    assert set(pending) == {RoundOutcome.RETURNED, RoundOutcome.PENDING}


def test_command_prints_progress_and_refuses_a_database_that_is_not_for_measurement(settings, capsys):
    settings.DEBUG = False
    settings.SCALE_DATA = False
    with pytest.raises(CommandError, match="SCALE_DATA=1"):
        call_command("seed_scale", members=100)
    assert not PartyUnit.objects.exists() and not Member.objects.exists()
    settings.SCALE_DATA = True
    call_command("seed_scale", members=100)
    out = capsys.readouterr().out
    assert "100 / 100" in out or "members 100" in out
    assert Member.objects.count() == 100
    with pytest.raises(CommandError, match="trống"):
        call_command("seed_scale", members=100)
    assert Member.objects.count() == 100


def test_the_bulk_path_is_copy_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    seeder = seed(members=200)
    assert seeder.tables["members"].written == 200
