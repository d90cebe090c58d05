"""Pure-Python rules of the annual review and rating, one policy object per regulation version.

No Django here: a review cycle stores a rule-set code and calls ``get_rule_set(code, **options)``.
See docs/rules.md for the rules as implemented.
"""

from .base import RuleSet
from .facts import (
    CollectiveFacts,
    CriteriaAssessment,
    Discipline,
    DisciplineLevel,
    MemberFacts,
    Period,
    ScoreAssessment,
    ScoreConditions,
)
from .forms import (
    Criterion,
    FormStructure,
    Part,
    ScoreGroup,
    ScoreItem,
    Section,
    SectionKind,
    Signature,
    default_score_groups,
    format_points,
    parse_points,
    score_groups_from_data,
    score_groups_to_data,
)
from .levels import Grade, Level, cap, worst
from .outcomes import Cap, Eligibility, FormVariant, Outcome, QuotaResult, format_percent
from .registry import RULE_SET_CHOICES, RULE_SETS, UnknownRuleSet, get_rule_set, rule_set_code_for_year, rule_set_name
from .summary import proposal_summary
from .terms import (
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
)
from .versions import Hd21RuleSet, Hd25RuleSet, Hd43RuleSet

__all__ = [
    "score_groups_to_data",
    "score_groups_from_data",
    "parse_points",
    "format_points",
    "default_score_groups",
    "Signature",
    "SectionKind",
    "Section",
    "ScoreItem",
    "ScoreGroup",
    "Part",
    "FormStructure",
    "Criterion",
    "RULE_SETS",
    "RULE_SET_CHOICES",
    "Cap",
    "CollectiveFacts",
    "CriteriaAssessment",
    "Discipline",
    "DisciplineLevel",
    "Eligibility",
    "Exclusion",
    "FormVariant",
    "Grade",
    "Hd21RuleSet",
    "Hd25RuleSet",
    "Hd43RuleSet",
    "Level",
    "proposal_summary",
    "MemberFacts",
    "NotRated",
    "Outcome",
    "Period",
    "QuotaBase",
    "QuotaResult",
    "RatingMethod",
    "RuleSet",
    "ScoreAssessment",
    "ScoreConditions",
    "ScoreRules",
    "Subject",
    "Timeline",
    "Trigger",
    "UnknownRuleSet",
    "VoteThresholds",
    "WrongMethod",
    "cap",
    "format_percent",
    "get_rule_set",
    "rule_set_code_for_year",
    "rule_set_name",
    "worst",
]
