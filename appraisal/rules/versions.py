"""The three regulation versions. Every rule that differs between them is a class attribute here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .base import RuleSet
from .facts import MemberFacts
from .levels import Level
from .outcomes import FormVariant
from .terms import Exclusion, QuotaBase, RatingMethod, ScoreRules, Timeline, Trigger

SELF_REVIEW_TITLE = "BẢN KIỂM ĐIỂM CÁ NHÂN"
SELF_REVIEW_TITLE_2025 = "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN"
LEADER_SUBTITLE = "(Cá nhân giữ chức vụ lãnh đạo, quản lý)"
OUTSIDE_POLITICAL_SYSTEM_SUBTITLE = "(Đảng viên không làm việc trong hệ thống chính trị)"


@dataclass(frozen=True)
class Hd21RuleSet(RuleSet):
    """Quy định 132-QĐ/TW (2018) and Hướng dẫn 21-HD/BTCTW (2019): cycles 2019–2022."""

    code: ClassVar[str] = "hd21-2019"
    title: ClassVar[str] = "Quy định 132-QĐ/TW và Hướng dẫn 21-HD/BTCTW"
    regulation: ClassVar[str] = "Quy định 132-QĐ/TW"
    guidance: ClassVar[str] = "Hướng dẫn 21-HD/BTCTW"
    first_year: ClassVar[int] = 2019
    last_year: ClassVar[int | None] = 2022
    method: ClassVar[RatingMethod] = RatingMethod.CRITERIA

    not_reviewed: ClassVar[frozenset[Exclusion]] = frozenset({Exclusion.EXEMPTED})
    reviewed_not_rated: ClassVar[frozenset[Exclusion]] = frozenset({Exclusion.NEWLY_ADMITTED})

    not_completed_triggers: ClassVar[frozenset[Trigger]] = frozenset(
        {
            Trigger.DEGENERATION,
            Trigger.TARGETS_BELOW_HALF,
            Trigger.CIVIL_SERVANT_NOT_COMPLETED,
            Trigger.DISCIPLINE,
        }
    )
    discipline_self_detected_exempts: ClassVar[bool] = False
    discipline_duty_related_only: ClassVar[bool] = False

    quota_base: ClassVar[QuotaBase] = QuotaBase.GRASSROOTS_ORGANISATION
    self_review_civil_servant_rating: ClassVar[bool] = True

    sick_leave_cap: bool = True

    def form_for(self, facts: MemberFacts) -> FormVariant:
        return FormVariant("02-HD KĐ.ĐG 2019", SELF_REVIEW_TITLE)


@dataclass(frozen=True)
class Hd25RuleSet(RuleSet):
    """Quy định 124-QĐ/TW (2023) and Hướng dẫn 25-HD/BTCTW (10/11/2023): cycles 2023–2024."""

    code: ClassVar[str] = "hd25-2023"
    title: ClassVar[str] = "Quy định 124-QĐ/TW và Hướng dẫn 25-HD/BTCTW"
    regulation: ClassVar[str] = "Quy định 124-QĐ/TW"
    guidance: ClassVar[str] = "Hướng dẫn 25-HD/BTCTW"
    first_year: ClassVar[int] = 2023
    last_year: ClassVar[int | None] = 2024
    method: ClassVar[RatingMethod] = RatingMethod.CRITERIA

    not_reviewed: ClassVar[frozenset[Exclusion]] = frozenset(Exclusion)
    reviewed_not_rated: ClassVar[frozenset[Exclusion]] = frozenset()

    not_completed_triggers: ClassVar[frozenset[Trigger]] = frozenset({Trigger.DEGENERATION, Trigger.DISCIPLINE})
    discipline_self_detected_exempts: ClassVar[bool] = True
    discipline_duty_related_only: ClassVar[bool] = False

    quota_base: ClassVar[QuotaBase] = QuotaBase.SIMILAR_SUBJECTS

    # The sources do not confirm the sick-leave cap for 2023: keep the 2019 rule, let a cycle turn it off.
    configurable: ClassVar[frozenset[str]] = frozenset({"vote_thresholds", "quorum", "sick_leave_cap"})
    sick_leave_cap: bool = True

    def form_for(self, facts: MemberFacts) -> FormVariant:
        if facts.holds_leadership_post:
            return FormVariant("02B", SELF_REVIEW_TITLE, LEADER_SUBTITLE)
        return FormVariant("02A", SELF_REVIEW_TITLE)


@dataclass(frozen=True)
class Hd43RuleSet(RuleSet):
    """Quy định 366-QĐ/TW (30/8/2025) and Hướng dẫn 43-HD/BTCTW (31/10/2025): cycles from 2025."""

    code: ClassVar[str] = "hd43-2025"
    title: ClassVar[str] = "Quy định 366-QĐ/TW và Hướng dẫn 43-HD/BTCTW"
    regulation: ClassVar[str] = "Quy định 366-QĐ/TW"
    guidance: ClassVar[str] = "Hướng dẫn 43-HD/BTCTW"
    first_year: ClassVar[int] = 2025
    last_year: ClassVar[int | None] = None
    method: ClassVar[RatingMethod] = RatingMethod.SCORE_100

    not_reviewed: ClassVar[frozenset[Exclusion]] = frozenset(Exclusion)
    reviewed_not_rated: ClassVar[frozenset[Exclusion]] = frozenset()

    not_completed_triggers: ClassVar[frozenset[Trigger]] = frozenset(
        {
            Trigger.DEGENERATION,
            Trigger.DISCIPLINE,
            Trigger.BREAKS_PROHIBITIONS,
            Trigger.TASKS_MOSTLY_NOT_COMPLETED,
            Trigger.LEADER_UNIT_BELOW_70,
            Trigger.LEADER_LOW_CONFIDENCE,
        }
    )
    discipline_self_detected_exempts: ClassVar[bool] = True
    discipline_duty_related_only: ClassVar[bool] = True

    quota_base: ClassVar[QuotaBase] = QuotaBase.SIMILAR_SUBJECTS
    raised_quota_ratio: ClassVar[Decimal | None] = Decimal("0.25")

    configurable: ClassVar[frozenset[str]] = frozenset({"vote_thresholds", "quorum", "missed_condition_steps_down"})

    score_rules: ClassVar[ScoreRules | None] = ScoreRules(
        general_max=Decimal(30),
        tasks_max=Decimal(70),
        bands=((Decimal(90), Level.EXCELLENT), (Decimal(70), Level.GOOD), (Decimal(50), Level.COMPLETED)),
        excellent_min_exceeding_share=Decimal("0.30"),
        completed_max_late_share=Decimal("0.20"),
    )
    timeline: ClassVar[Timeline | None] = Timeline(
        finish_month_day=(12, 31),
        special_cycle_finish_month_day=(1, 15),
        files_due_month_day=(2, 1),
        draft_report_working_days=3,
        meeting_min_days=1,
    )

    def form_for(self, facts: MemberFacts) -> FormVariant:
        # Outside the political system (retired, students, private sector) comes first: such a member's
        # post, if any, is not a leadership post in the sense of the regulation.
        if not facts.in_political_system:
            return FormVariant("2C", SELF_REVIEW_TITLE_2025, OUTSIDE_POLITICAL_SYSTEM_SUBTITLE)
        if facts.holds_leadership_post:
            return FormVariant("2A", SELF_REVIEW_TITLE_2025)
        return FormVariant("2B", SELF_REVIEW_TITLE_2025)
