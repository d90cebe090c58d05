"""The "excellent" quota's counts at the superior committee's decision (RULES.md: a check at approval, not at the
cell). The writes (groups, a raised ratio) are ``services/quota.py``; the check at approval ``services/decisions.py``.

The arithmetic (``max_excellent``, ``quota_check``, the ratios) is the rule set's; this module only counts, in
the database, the levels of the subjects a committee decides, per group:

- the **base** is the committee deciding (``review.unit.parent``): the ward for its cells and their members, the
  district for its wards' own ratings; under ``QuotaBase.GRASSROOTS_ORGANISATION`` (2019) one group per kind
  of subject over that whole base, under ``SIMILAR_SUBJECTS`` (from 2023) groups of similar subjects: those the
  committee defined for the cycle (``QuotaGroup``), otherwise members and leading individuals by their
  self-review form (02A / 02B…), organisations by kind (cell / committee), leadership collectives together;
- a rating counts with its **decided** level once its unit is approved, with its **proposed** level while its
  unit's proposals wait for the decision, and the unit being decided counts with the levels in the form;
- the ratio is raised (2025: 25%) for every group of a base with a recorded ``QuotaRaise``.

Three queries whatever the number of cells and members (groups, raise, the grouped counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from party_units.models import PartyUnit, UnitKind

from ..models import QuotaGroup, QuotaRaise, Rating, SelfReview, UnitReview, UnitReviewState
from ..rules import Level, QuotaBase, QuotaResult, RuleSet, Subject

EXCELLENT, GOOD = Level.EXCELLENT.value, Level.GOOD.value
PENDING_STATES = (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED)
COUNTED_STATES = (*PENDING_STATES, UnitReviewState.APPROVED)
PERSONS = (Subject.MEMBER.value, Subject.LEADING_INDIVIDUAL.value)


@dataclass
class GroupTally:
    """One group's counts: proposed (units that submitted), decided (approved units), and the projection the
    check runs on (decided where approved, proposed where pending, the form's values for the unit decided)."""

    key: tuple
    name: str
    raised: bool = False
    proposed: Counter = field(default_factory=Counter)
    decided: Counter = field(default_factory=Counter)
    effective: Counter = field(default_factory=Counter)
    unit_excellent: int = 0  # excellent in the unit being decided
    result: QuotaResult | None = None

    @property
    def allowed(self) -> int:
        return self.result.limit if self.result else 0

    @property
    def ok(self) -> bool:
        return self.result is None or self.result.ok

    @property
    def blocks(self) -> bool:
        """The unit being decided adds excellent ratings to a group over the quota."""
        return not self.ok and self.unit_excellent > 0


def quota_base(review: UnitReview) -> PartyUnit | None:
    """The committee whose decisions are counted together: the one deciding ``review``."""
    return review.unit.parent


def _default_key(rules: RuleSet, subject: str, code: str) -> tuple[tuple, str]:
    label = Subject(subject).label
    if rules.quota_base is QuotaBase.GRASSROOTS_ORGANISATION or subject == Subject.LEADERSHIP_COLLECTIVE:
        return (subject, ""), label
    if subject == Subject.ORGANISATION:
        kind_label = {UnitKind.CELL.value: "chi bộ", UnitKind.COMMITTEE.value: "đảng bộ"}.get(code, code or "—")
        return (subject, code), f"{label} – {kind_label}"
    if not code:
        return (subject, ""), f"{label} – chưa có bản kiểm điểm"
    return (subject, code), f"{label} – Mẫu {code}"


class Grouping:
    """Which group a rating falls in, for one base and rule set."""

    def __init__(self, rules: RuleSet, groups: Iterable[QuotaGroup]):
        self.rules = rules
        self.groups = list(groups) if rules.quota_base is QuotaBase.SIMILAR_SUBJECTS else []

    def key(self, subject: str, code: str) -> tuple[tuple, str]:
        for group in self.groups:
            if group.subject == subject and code in (group.codes or []):
                return ("group", group.pk), group.name
        return _default_key(self.rules, subject, code)


def _code_expr(root_id: int):
    """A rating's grouping code: the subject's self-review form in the cascade, or the organisation's kind."""
    form = SelfReview.objects.filter(member=OuterRef("member"), unit_review__root_id=root_id).values("form_code")[:1]
    return Coalesce(Subquery(form), "unit__kind", Value(""))


def rating_codes(ratings: Iterable[Rating], root_id: int) -> dict[int, str]:
    """The grouping code of each of ``ratings`` (one query)."""
    ids = [rating.pk for rating in ratings]
    return dict(Rating.objects.filter(pk__in=ids).annotate(code=_code_expr(root_id)).values_list("pk", "code"))


def is_raised(root_id: int, base: PartyUnit | None) -> bool:
    return base is not None and QuotaRaise.objects.filter(root_id=root_id, unit=base).exists()


def raise_record(root_id: int, unit: PartyUnit) -> QuotaRaise | None:
    """The recorded decision raising the ratio for ``unit`` in the cascade ``root_id``, if any (one query)."""
    return QuotaRaise.objects.filter(root_id=root_id, unit=unit).first()


def committee_groups(root_id: int, committee: PartyUnit | None) -> QuerySet[QuotaGroup]:
    """The groups of similar subjects ``committee`` defined for the cascade ``root_id``."""
    return QuotaGroup.objects.filter(root_id=root_id, committee=committee)


def tallies(
    *,
    root_id: int,
    base: PartyUnit | None,
    rules: RuleSet,
    deciding: UnitReview | None = None,
    deciding_levels: Mapping[int, str] | None = None,
    deciding_ratings: Iterable[Rating] = (),
) -> list[GroupTally]:
    """Every group's counts over ``base``; ``deciding`` is the unit whose form is shown (its ratings count with
    ``deciding_levels``: rating pk → level, defaulting to the proposed level)."""
    if base is None:
        return []
    grouping = Grouping(rules, QuotaGroup.objects.filter(root_id=root_id, committee=base))
    raised = is_raised(root_id, base) and rules.raised_quota_ratio is not None
    by_key: dict[tuple, GroupTally] = {}

    def tally(subject: str, code: str) -> GroupTally:
        key, name = grouping.key(subject, code)
        if key not in by_key:
            by_key[key] = GroupTally(key=key, name=name, raised=raised)
        return by_key[key]

    rows = (
        Rating.objects.filter(
            unit_review__root_id=root_id, unit_review__unit__parent=base, unit_review__state__in=COUNTED_STATES
        )
        .exclude(unit_review_id=deciding.pk if deciding is not None else None)
        .annotate(code=_code_expr(root_id))
        .values("subject", "code", "unit_review__state", "proposed_level", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        group = tally(row["subject"], row["code"])
        n, proposed, decided = row["n"], row["proposed_level"], row["decided_level"]
        if proposed:
            group.proposed[proposed] += n
        if row["unit_review__state"] == UnitReviewState.APPROVED:
            if decided:
                group.decided[decided] += n
            group.effective[decided or proposed] += n
        else:
            group.effective[proposed] += n
    deciding_levels = deciding_levels or {}
    ratings = list(deciding_ratings)
    codes = rating_codes(ratings, root_id) if ratings else {}
    for rating in ratings:
        group = tally(rating.subject, codes.get(rating.pk, ""))
        if rating.proposed_level:
            group.proposed[rating.proposed_level] += 1
        level = deciding_levels.get(rating.pk) or rating.proposed_level
        group.effective[level] += 1
        if level == EXCELLENT:
            group.unit_excellent += 1
    for group in by_key.values():
        group.effective.pop("", None)
        group.result = rules.quota_check(group.effective[EXCELLENT], group.effective[GOOD], raised=group.raised)
    return sorted(by_key.values(), key=lambda g: (str(g.key[0]), g.name))
