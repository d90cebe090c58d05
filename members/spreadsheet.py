"""The one guard for every spreadsheet the application writes (roster export, report tables).

A text that starts with = + - @ (or a tab or carriage return, which some programs strip before reading a
formula) is written as an explicit text cell — never as a formula — with Excel's "quote prefix" style, so the
spreadsheet shows exactly the stored text, keeps it text when someone edits the cell, and never runs it. Nothing
is added to the value: "- Giáo viên Tin học" and "+84 912 345 678" read back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_START)


def write_row(sheet, values: Iterable[Any]) -> int:
    """Append ``values`` as the next row of ``sheet`` with every risky text made an inert text cell; the row's
    number is returned (for formatting its cells)."""
    values = list(values)
    sheet.append(values)
    number = sheet.max_row
    for index, value in enumerate(values, start=1):
        if is_risky(value):
            cell = sheet.cell(row=number, column=index)
            cell.data_type = "s"  # openpyxl took the leading "=" for a formula: store the text as text
            cell.quotePrefix = True
    return number
