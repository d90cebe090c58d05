"""Rule sets by code, as a review cycle stores them."""

from __future__ import annotations

from typing import Any

from .base import RuleSet
from .versions import Hd21RuleSet, Hd25RuleSet, Hd43RuleSet

RULE_SETS: dict[str, type[RuleSet]] = {cls.code: cls for cls in (Hd21RuleSet, Hd25RuleSet, Hd43RuleSet)}


def rule_set_name(code: str) -> str:
    """What a user reads for a rule set: its guidance and first year ("Hướng dẫn 43-HD/BTCTW (2025)"), never
    the code a cycle stores; an unknown code is shown as stored."""
    cls = RULE_SETS.get(code)
    return f"{cls.guidance} ({cls.first_year})" if cls is not None else code


RULE_SET_CHOICES: list[tuple[str, str]] = [(code, cls.title) for code, cls in RULE_SETS.items()]


class UnknownRuleSet(ValueError):
    """No rule set has this code (or covers this year)."""


def get_rule_set(code: str, **options: Any) -> RuleSet:
    """The rule set for ``code`` with a cycle's options.

    ``get_rule_set("hd25-2023", sick_leave_cap=False)``; options a version does not allow raise ValueError.
    """
    try:
        cls = RULE_SETS[code]
    except KeyError:
        known = ", ".join(RULE_SETS)
        raise UnknownRuleSet(f"Không có bộ quy tắc mã «{code}». Các mã hợp lệ: {known}.") from None
    return cls().with_options(**options)


def rule_set_code_for_year(year: int) -> str:
    """The code of the rule set in force for a cycle of ``year`` (a default a cycle may change)."""
    for code, cls in RULE_SETS.items():
        if cls.first_year <= year and (cls.last_year is None or year <= cls.last_year):
            return code
    raise UnknownRuleSet(f"Không có bộ quy tắc cho năm {year}.")
