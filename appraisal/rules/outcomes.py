"""What a rule set answers: plain, frozen result values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .levels import Level


@dataclass(frozen=True)
class Eligibility:
    """Whether a member takes part in the review (kiểm điểm) and whether they get a rating (xếp loại)."""

    reviews: bool
    rated: bool
    reason: str = ""


@dataclass(frozen=True)
class Cap:
    """An upper bound on the level, with the Vietnamese reason shown to the user."""

    max_level: Level
    reason: str


@dataclass(frozen=True)
class Outcome:
    """A level and every reason that bounded it."""

    level: Level
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormVariant:
    """A self-review or collective-report form: its code (``02B``), title and optional subtitle.

    The title's second line, "Năm …", is added by the renderer.
    """

    code: str
    title: str
    subtitle: str = ""

    @property
    def name(self) -> str:
        return f"Mẫu {self.code}"


@dataclass(frozen=True)
class QuotaResult:
    """The excellent-quota check over one group: ``ratio`` is excellent / good (``None`` with no good)."""

    ok: bool
    limit: int
    ratio: Decimal | None
    message: str


def format_percent(share: Decimal, places: int = 2) -> str:
    """A share as Vietnamese reports write it: ``Decimal("0.1619")`` → ``"16,19%"``."""
    exponent = Decimal(1).scaleb(-places)
    text = f"{(share * 100).quantize(exponent, rounding=ROUND_HALF_UP):f}"
    return text.replace(".", ",") + "%"
