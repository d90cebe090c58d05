"""Wording shared by the documents: tallies and percentages as Vietnamese reports write them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

LEVEL_ORDER = ("htxsnv", "httnv", "htnv", "khtnv")
LEVEL_LABELS = {
    "htxsnv": "Hoàn thành xuất sắc nhiệm vụ",
    "httnv": "Hoàn thành tốt nhiệm vụ",
    "htnv": "Hoàn thành nhiệm vụ",
    "khtnv": "Không hoàn thành nhiệm vụ",
}


def percent(part: int, whole: int, places: int = 2) -> str:
    """ "16,19%" — a decimal comma; a whole number keeps no decimals ("100%"); nothing of nothing is "0%"."""
    if not whole:
        return "0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral():
        return f"{int(value)}%"
    return f"{value:f}".replace(".", ",") + "%"


def tally(part: int, whole: int, unit: str = "đ/c") -> str:
    """ "18/22 đ/c", "04/19 đồng chí": the count padded to two digits, as reports write it."""
    return f"{part:02d}/{whole:02d} {unit}"


def level_label(value: str) -> str:
    return LEVEL_LABELS.get(value, "")
