"""The shared shape of a rule set and the logic every version runs on its own data.

A concrete rule set (``versions.py``) is a frozen dataclass: its class attributes are the rules fixed by its
regulation, its fields are the options a review cycle may override (only those in ``configurable``).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

from .facts import (
    CollectiveFacts,
    CriteriaAssessment,
    Discipline,
    MemberFacts,
    Period,
    ScoreAssessment,
    ScoreConditions,
)
from .forms import FormStructure, ScoreGroup, collective_structure, self_review_structure
from .levels import Grade, Level, cap, level_below
from .outcomes import Cap, Eligibility, FormVariant, Outcome, QuotaResult, format_percent
from .terms import (
    _TRIGGER_REASONS,
    COLLECTIVE_DISCIPLINE_REASON,
    HALF,
    LEADER_UNIT_MIN_SHARE,
    NEW_MEMBER_MONTHS,
    SICK_LEAVE_CAP_MONTHS,
    SICK_LEAVE_REASON,
    STAYS_COMPLETED_REASON,
    Exclusion,
    NotRated,
    QuotaBase,
    RatingMethod,
    ScoreRules,
    Subject,
    Timeline,
    Trigger,
    VoteThresholds,
    WrongMethod,
    _to_decimal,
    add_months,
)


@dataclass(frozen=True)
class RuleSet(ABC):
    """One regulation's rules. Subclasses set the class attributes; fields are per-cycle options."""

    code: ClassVar[str]
    title: ClassVar[str]
    regulation: ClassVar[str]
    guidance: ClassVar[str]
    first_year: ClassVar[int]
    last_year: ClassVar[int | None]
    method: ClassVar[RatingMethod]

    # Who is left out: not reviewed at all / reviewed but not rated.
    not_reviewed: ClassVar[frozenset[Exclusion]]
    reviewed_not_rated: ClassVar[frozenset[Exclusion]]

    # What makes a member "not completed", and the nuances of the discipline trigger.
    not_completed_triggers: ClassVar[frozenset[Trigger]]
    discipline_self_detected_exempts: ClassVar[bool]
    discipline_duty_related_only: ClassVar[bool]

    quota_base: ClassVar[QuotaBase]
    quota_ratio: ClassVar[Decimal] = Decimal("0.20")
    raised_quota_ratio: ClassVar[Decimal | None] = None

    rated_subjects: ClassVar[frozenset[Subject]] = frozenset(Subject)
    collective_form: ClassVar[FormVariant] = FormVariant("01", "BÁO CÁO KIỂM ĐIỂM TẬP THỂ")
    # The self-review's proposal section also asks the member's civil-servant rating (2019's form).
    self_review_civil_servant_rating: ClassVar[bool] = False
    score_rules: ClassVar[ScoreRules | None] = None
    timeline: ClassVar[Timeline | None] = None

    # Written comments (the same in every version so far): a member transferred in during the period needs the
    # old cell's comment when they spent at least this many months of the period there; temporary activity
    # elsewhere needs the host cell's comment; every yearly review needs the place of residence's comment.
    old_cell_comment_months: ClassVar[int] = 6

    # A cell with at least this many full members has its own committee (chi ủy, RULES.md "Words"): its
    # meeting then also rates the leadership collective and each leading individual (if ``rated_subjects``
    # names them).
    cell_committee_min_full_members: ClassVar[int] = 9

    # Options a cycle may override; every other field must keep its default.
    configurable: ClassVar[frozenset[str]] = frozenset({"vote_thresholds", "quorum"})

    sick_leave_cap: bool = False
    vote_thresholds: VoteThresholds | None = None
    # Score method (2025): whether a member with a "completed" score (>= 50 points) who misses a condition of
    # "completed" (one task of twenty unfinished) steps down to "not completed". Not confirmed by the 2025
    # text (RULES.md): off by default, so only a not-completed trigger (a cap) makes such a member not completed.
    missed_condition_steps_down: bool = False
    # The share of the cell's full members who must be present for the meeting to be valid; below it the
    # meeting is warned, not refused (the record keeps what happened).
    quorum: Fraction = Fraction(1, 2)

    def __post_init__(self) -> None:
        if isinstance(self.vote_thresholds, Mapping):
            object.__setattr__(self, "vote_thresholds", VoteThresholds.from_setting(self.vote_thresholds))
        quorum = Fraction(str(self.quorum))
        if not 0 < quorum <= 1:
            raise ValueError(f"Tỷ lệ có mặt tối thiểu phải lớn hơn 0 và không quá 1, nhận được {quorum}.")
        object.__setattr__(self, "quorum", quorum)
        for field in dataclasses.fields(self):
            if field.name not in self.configurable and getattr(self, field.name) != field.default:
                raise ValueError(f"Bộ quy tắc {self.code} không cho phép thay đổi tùy chọn «{field.name}».")

    def with_options(self, **options: Any) -> RuleSet:
        """A copy with the given per-cycle options, e.g. ``with_options(sick_leave_cap=False)``."""
        known = {field.name for field in dataclasses.fields(self)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"Bộ quy tắc {self.code} không có tùy chọn: {', '.join(unknown)}.")
        return dataclasses.replace(self, **options)

    # -- who is reviewed and rated -------------------------------------------------------------------------

    def exclusions(self, facts: MemberFacts, period: Period) -> list[Exclusion]:
        """The statuses of ``facts`` that may keep the member out, whatever the version does with them."""
        found = []
        if facts.exempted:
            found.append(Exclusion.EXEMPTED)
        if facts.suspended:
            found.append(Exclusion.SUSPENDED)
        if facts.admitted_on is not None and add_months(facts.admitted_on, NEW_MEMBER_MONTHS) > period.end:
            found.append(Exclusion.NEWLY_ADMITTED)
        return found

    def review_status(self, facts: MemberFacts, period: Period) -> Eligibility:
        found = self.exclusions(facts, period)
        for exclusion in found:
            if exclusion in self.not_reviewed:
                return Eligibility(False, False, f"{exclusion.label}: không kiểm điểm, xếp loại")
        for exclusion in found:
            if exclusion in self.reviewed_not_rated:
                return Eligibility(True, False, f"{exclusion.label}: có kiểm điểm nhưng không xếp loại")
        return Eligibility(True, True)

    # -- forms ----------------------------------------------------------------------------------------------

    @abstractmethod
    def form_for(self, facts: MemberFacts) -> FormVariant:
        """The self-review form this member files under this version (each version has its own letters)."""

    def form_structure(
        self, variant: FormVariant, *, leader: bool = False, score_groups: Sequence[ScoreGroup] | None = None
    ) -> FormStructure:
        """The sections and criteria of a self-review ``variant`` (``forms.py``); ``leader`` adds the leaders'
        criteria where the variant does not fix it (2019's single form). ``score_groups``: the cycle's 2025
        criteria list (default: the central 30 + 70 groups)."""
        return self_review_structure(
            variant,
            method=self.method.value,
            leader=leader,
            score_groups=score_groups,
            civil_servant_rating=self.self_review_civil_servant_rating,
        )

    def member_form(self, facts: MemberFacts, *, score_groups: Sequence[ScoreGroup] | None = None) -> FormStructure:
        """The structure of the form this member files."""
        return self.form_structure(self.form_for(facts), leader=facts.holds_leadership_post, score_groups=score_groups)

    def collective_form_structure(self) -> FormStructure:
        """The collective's own report: Mẫu 01 with its 30/70 score (2025), graded criteria before."""
        return collective_structure(self.collective_form, method=self.method.value)

    def variant_for_code(self, code: str) -> FormVariant:
        """The ``FormVariant`` of a stored form code (e.g. a self-review's ``form_code``)."""
        if code == self.collective_form.code:
            return self.collective_form
        for facts in (
            MemberFacts(),
            MemberFacts(holds_leadership_post=True),
            MemberFacts(in_political_system=False),
        ):
            variant = self.form_for(facts)
            if variant.code == code:
                return variant
        raise ValueError(f"Bộ quy tắc {self.code} không có mẫu «{code}».")

    # -- caps -----------------------------------------------------------------------------------------------

    def counted_disciplines(self, facts: MemberFacts, period: Period) -> list[Discipline]:
        """The disciplines that make the member "not completed" in this period under this version."""
        return [
            discipline
            for discipline in facts.disciplines
            if period.contains(discipline.decided_on)
            and not discipline.already_counted
            and not (self.discipline_self_detected_exempts and discipline.self_detected)
            and (discipline.duty_related or not self.discipline_duty_related_only)
        ]

    def _triggered(self, trigger: Trigger, facts: MemberFacts, period: Period) -> bool:
        leader = facts.holds_leadership_post
        match trigger:
            case Trigger.DEGENERATION:
                return facts.degeneration_concluded
            case Trigger.TARGETS_BELOW_HALF:
                return facts.targets_done_ratio is not None and facts.targets_done_ratio < HALF
            case Trigger.CIVIL_SERVANT_NOT_COMPLETED:
                return facts.civil_servant_not_completed
            case Trigger.DISCIPLINE:
                return bool(self.counted_disciplines(facts, period))
            case Trigger.BREAKS_PROHIBITIONS:
                return facts.breaks_member_prohibitions
            case Trigger.TASKS_MOSTLY_NOT_COMPLETED:
                return facts.tasks_not_completed_ratio is not None and facts.tasks_not_completed_ratio > HALF
            case Trigger.LEADER_UNIT_BELOW_70:
                share = facts.leader_unit_tasks_done_ratio
                return leader and share is not None and share < LEADER_UNIT_MIN_SHARE
            case Trigger.LEADER_LOW_CONFIDENCE:
                share = facts.leader_low_confidence_ratio
                return leader and share is not None and share > HALF
        raise AssertionError(trigger)  # pragma: no cover - every member of Trigger is matched above

    def _trigger_reason(self, trigger: Trigger, facts: MemberFacts, period: Period) -> str:
        if trigger is not Trigger.DISCIPLINE:
            return _TRIGGER_REASONS[trigger]
        worst_discipline = max(self.counted_disciplines(facts, period), key=lambda d: d.level.severity)
        reason = f"Bị thi hành kỷ luật ({worst_discipline.level.label}) trong năm đánh giá"
        if self.discipline_duty_related_only:
            reason += " do vi phạm liên quan đến chức trách, nhiệm vụ được giao"
        return reason

    def caps(self, facts: MemberFacts | CollectiveFacts, period: Period) -> list[Cap]:
        """Every upper bound that applies; the worst one wins (see ``rate``)."""
        if isinstance(facts, CollectiveFacts):
            if any(period.contains(day) for day in facts.subordinate_disciplined_on):
                return [Cap(Level.GOOD, COLLECTIVE_DISCIPLINE_REASON)]
            return []
        caps = [
            Cap(Level.NOT_COMPLETED, self._trigger_reason(trigger, facts, period))
            for trigger in Trigger
            if trigger in self.not_completed_triggers and self._triggered(trigger, facts, period)
        ]
        if self.sick_leave_cap and facts.sick_leave_months >= SICK_LEAVE_CAP_MONTHS:
            caps.append(Cap(Level.COMPLETED, SICK_LEAVE_REASON))
        return caps

    # -- the rating method ---------------------------------------------------------------------------------

    def _require(self, method: RatingMethod) -> None:
        if self.method is not method:
            raise WrongMethod(f"Bộ quy tắc {self.code} xếp loại theo cách: {self.method.label}.")

    def level_from_grades(self, task_result: Grade, others: Sequence[Grade]) -> Level:
        """Criteria method. Excellent: task result Xuất sắc and every other criterion Tốt or better;
        good: every criterion Tốt or better; completed: no criterion Kém; otherwise not completed."""
        self._require(RatingMethod.CRITERIA)
        grades = [task_result, *others]
        if task_result is Grade.EXCELLENT and all(g.at_least(Grade.GOOD) for g in others):
            return Level.EXCELLENT
        if all(g.at_least(Grade.GOOD) for g in grades):
            return Level.GOOD
        if all(g.at_least(Grade.AVERAGE) for g in grades):
            return Level.COMPLETED
        return Level.NOT_COMPLETED

    def total_score(self, general: Decimal | int | str, tasks: Decimal | int | str) -> Decimal:
        """The validated total of the two groups of points."""
        self._require(RatingMethod.SCORE_100)
        assert self.score_rules is not None
        rules = self.score_rules
        general_points = _to_decimal(general, "Điểm nhóm tiêu chí chung")
        task_points = _to_decimal(tasks, "Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ")
        if not 0 <= general_points <= rules.general_max:
            raise ValueError(f"Điểm nhóm tiêu chí chung phải từ 0 đến {rules.general_max}, nhận được {general_points}.")
        if not 0 <= task_points <= rules.tasks_max:
            raise ValueError(
                f"Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ phải từ 0 đến {rules.tasks_max}, "
                f"nhận được {task_points}."
            )
        return general_points + task_points

    def _unmet_conditions(self, level: Level, conditions: ScoreConditions) -> list[str]:
        """Why ``conditions`` do not allow ``level`` (empty if they do)."""
        assert self.score_rules is not None
        rules = self.score_rules
        unmet = []
        if level in (Level.EXCELLENT, Level.GOOD) and conditions.on_time_share < 1:
            unmet.append("chưa hoàn thành 100% nhiệm vụ đúng tiến độ")
        if level is Level.EXCELLENT:
            if conditions.exceeding_share < rules.excellent_min_exceeding_share:
                minimum = format_percent(rules.excellent_min_exceeding_share, 0)
                unmet.append(f"chưa có từ {minimum} nhiệm vụ trở lên hoàn thành vượt mức")
            if conditions.shortcomings_fixed_share < 1:
                unmet.append("chưa khắc phục 100% hạn chế, khuyết điểm đã được chỉ ra")
        if level is Level.COMPLETED:
            if conditions.done_share < 1:
                unmet.append("chưa hoàn thành 100% nhiệm vụ")
            if conditions.late_share > rules.completed_max_late_share:
                unmet.append(f"có trên {format_percent(rules.completed_max_late_share, 0)} nhiệm vụ chậm tiến độ")
        return unmet

    def _score_outcome(self, assessment: ScoreAssessment) -> Outcome:
        total = self.total_score(assessment.general, assessment.tasks)
        assert self.score_rules is not None
        level = next((lvl for floor, lvl in self.score_rules.bands if total >= floor), Level.NOT_COMPLETED)
        reasons = []
        while unmet := self._unmet_conditions(level, assessment.conditions):
            reasons.append(f"Chưa đủ điều kiện {level.label.lower()}: {'; '.join(unmet)}")
            if level is Level.COMPLETED and not self.missed_condition_steps_down:
                # The project's default reading (docs/rules.md): 50 points or more stays "completed" unless a
                # not-completed trigger applies; the triggers are caps, applied by ``rate``.
                reasons.append(STAYS_COMPLETED_REASON)
                break
            level = level_below(level)
        return Outcome(level, tuple(reasons))

    def score_outcome(self, assessment: ScoreAssessment) -> Outcome:
        """The level the points and hard conditions allow, with the reasons that lowered (or kept) it."""
        self._require(RatingMethod.SCORE_100)
        return self._score_outcome(assessment)

    def level_from_score(
        self, general: Decimal | int | str, tasks: Decimal | int | str, conditions: ScoreConditions
    ) -> Level:
        """Score method: the band of general (0–30) + tasks (0–70), lowered until the hard conditions hold."""
        return self._score_outcome(ScoreAssessment(general, tasks, conditions)).level

    def rate(
        self,
        facts: MemberFacts | CollectiveFacts,
        period: Period,
        assessment: CriteriaAssessment | ScoreAssessment,
    ) -> Outcome:
        """The method's level, lowered by every cap, with every reason that bounded it."""
        if isinstance(facts, MemberFacts):
            eligibility = self.review_status(facts, period)
            if not eligibility.rated:
                raise NotRated(eligibility.reason)
        if isinstance(assessment, CriteriaAssessment):
            outcome = Outcome(self.level_from_grades(assessment.task_result, assessment.others))
        else:
            outcome = self._score_outcome(assessment)
        level, reasons = outcome.level, list(outcome.reasons)
        for bound in self.caps(facts, period):
            level = cap(level, bound.max_level)
            reasons.append(bound.reason)
        return Outcome(level, tuple(reasons))

    # -- the excellent quota --------------------------------------------------------------------------------

    def _ratio(self, raised: bool) -> Decimal:
        if not raised:
            return self.quota_ratio
        if self.raised_quota_ratio is None:
            raise ValueError(f"Bộ quy tắc {self.code} không cho phép nâng tỷ lệ hoàn thành xuất sắc nhiệm vụ.")
        return self.raised_quota_ratio

    def max_excellent(self, good_count: int, raised: bool = False) -> int:
        """At most this many "excellent" for ``good_count`` rated "good" in the same group (rounded down)."""
        if good_count < 0:
            raise ValueError("Số xếp loại hoàn thành tốt nhiệm vụ không được âm.")
        return int(good_count * self._ratio(raised))

    def quota_check(self, excellent: int, good: int, raised: bool = False) -> QuotaResult:
        """Check one group's counts (the group per ``quota_base``) against the quota."""
        if excellent < 0:
            raise ValueError("Số xếp loại hoàn thành xuất sắc nhiệm vụ không được âm.")
        limit = self.max_excellent(good, raised)
        share = format_percent(self._ratio(raised), 0)
        ok = excellent <= limit
        if not good:
            ratio = None
            detail = f"{excellent} hoàn thành xuất sắc nhiệm vụ, không có hoàn thành tốt nhiệm vụ"
        else:
            ratio = Decimal(excellent) / Decimal(good)
            detail = (
                f"{excellent}/{good} hoàn thành xuất sắc nhiệm vụ so với hoàn thành tốt nhiệm vụ "
                f"({format_percent(ratio)})"
            )
        if ok:
            message = f"Đạt tỷ lệ: {detail}, không vượt quá {share}."
        else:
            message = f"Vượt tỷ lệ {share}: {detail}; tối đa {limit} hoàn thành xuất sắc nhiệm vụ."
        return QuotaResult(ok, limit, ratio, message)

    # -- votes ----------------------------------------------------------------------------------------------

    def quorum_met(self, present: int, full_members: int) -> bool:
        """Whether ``present`` full members reach the quorum share of ``full_members``."""
        return full_members == 0 or Fraction(present, full_members) >= self.quorum

    def votes_allow(self, level: Level, votes_for: int, official_members: int) -> bool:
        """Whether the tally allows proposing ``level``; always true while vote thresholds are off."""
        if official_members < 1:
            raise ValueError("Số đảng viên chính thức phải lớn hơn 0.")
        if not 0 <= votes_for <= official_members:
            raise ValueError(
                f"Số phiếu tán thành ({votes_for}) phải từ 0 đến số đảng viên chính thức ({official_members})."
            )
        if self.vote_thresholds is None:
            return True
        share = Fraction(votes_for, official_members)
        if level is Level.EXCELLENT:
            return share >= self.vote_thresholds.excellent
        if level is Level.GOOD:
            return share > self.vote_thresholds.good
        return True

    # -- flags ----------------------------------------------------------------------------------------------

    @staticmethod
    def not_completed_two_years_running(previous_level: Level | None, level: Level) -> bool:
        """A member "not completed" this year and last: the cell must consider the case (Party rules)."""
        return previous_level is Level.NOT_COMPLETED and level is Level.NOT_COMPLETED

    @staticmethod
    def may_propose_reward(level: Level) -> bool:
        """Only excellent organisations and members may be proposed for commendation."""
        return level is Level.EXCELLENT
