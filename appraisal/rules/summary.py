"""The summary line of a cell's proposals, as the articles and minutes write it (pure Python).

"Đối với chi bộ đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ; đối với đảng viên 04/19 đồng chí đề nghị xếp loại
hoàn thành xuất sắc nhiệm vụ và 15/19 đồng chí xếp loại hoàn thành tốt nhiệm vụ" (the 2021 source): counts on
two digits over the number of members rated, levels best first, only the levels someone was proposed for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .levels import _LEVEL_ORDER, Level


def _lower(level: Level) -> str:
    label = level.label
    return label[:1].lower() + label[1:]


def _count(number: int) -> str:
    return f"{number:02d}"


def proposal_summary(organisation: Level | None, members: Iterable[Level | None], *, rated: int | None = None) -> str:
    """The summary line for the cell's proposal (``organisation``) and its members' proposals.

    ``members`` holds one entry per member rated (``None`` for one not yet proposed); ``rated`` overrides the
    denominator when the caller knows the number rated otherwise.
    """
    levels = list(members)
    total = len(levels) if rated is None else rated
    if organisation is None:
        cell = "Đối với chi bộ chưa có đề nghị xếp loại"
    else:
        cell = f"Đối với chi bộ đề nghị xếp loại {_lower(organisation)}"
    counts = Counter(level for level in levels if level is not None)
    parts = []
    for level in _LEVEL_ORDER:
        if counts[level]:
            verb = "đề nghị xếp loại" if not parts else "xếp loại"
            parts.append(f"{_count(counts[level])}/{_count(total)} đồng chí {verb} {_lower(level)}")
    if not total:
        people = "đối với đảng viên: không có đảng viên được xếp loại"
    elif not parts:
        people = "đối với đảng viên chưa có đề nghị xếp loại"
    else:
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]
        people = f"đối với đảng viên {joined}"
    pending = total - sum(counts.values())
    if parts and pending > 0:
        people += f"; {_count(pending)}/{_count(total)} đồng chí chưa có đề nghị"
    return f"{cell}; {people}"
