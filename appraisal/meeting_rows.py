"""The fast-entry table's rows as ready HTML: a 40-member cell's page has some 400 inputs, each with its label,
its error class and messages; rendered by an ``{% include %}`` per row with a loop, a filter and a few ``{% if %}``
per cell they were most of the page's time (issue 13, bench/national.py ``meeting_40``). Same markup as the
template had, every value escaped here; what is the same on every row (the level options, the translated words,
``disabled``) is prepared once per page.
"""

from __future__ import annotations

import html

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .meeting_forms import Cell, Line
from .meeting_input import LEVELS


def conditional_escape(value) -> str:
    """Django's ``conditional_escape`` without its lazy-string wrapper (some 20,000 calls a page): safe text as
    it is, anything else through ``html.escape`` (quotes too), as ``django.utils.html.escape`` does."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class RowRenderer:
    """Renders ``Line`` rows of one page (``can_edit`` and ``score_method`` are the page's)."""

    def __init__(self, *, can_edit: bool, score_method: bool):
        self.disabled = "" if can_edit else " disabled"
        self.rating_columns = 16 if score_method else 8
        self.at_most = conditional_escape(_("Tối đa"))
        self.not_rated = conditional_escape(_("Không xếp loại"))
        # (value, the option's text): the proposal's select lists the same levels on every row.
        self.levels = [
            (str(level.value), f"{conditional_escape(level.short)} – {conditional_escape(level.label)}")
            for level in LEVELS
        ]
        self._labels: dict[str, str] = {}

    def _head(self, name: str, cell: Cell) -> tuple[str, str]:
        """The cell's hidden label and its escaped field name (each label's text escaped once a page)."""
        label = self._labels.get(cell.label)
        if label is None:
            label = self._labels[cell.label] = conditional_escape(cell.label)
        field = conditional_escape(cell.name)
        return f'<label class="visually-hidden" for="id_{field}">{name} – {label}</label>', field

    @staticmethod
    def _invalid(cell: Cell) -> str:
        return " is-invalid" if cell.errors else ""

    @staticmethod
    def _feedback(cell: Cell) -> str:
        return "".join(f'<div class="invalid-feedback d-block">{conditional_escape(e)}</div>' for e in cell.errors)

    def row(self, line: Line, *, with_attendance: bool, number: int | None = None) -> SafeString:
        name = conditional_escape(line.name)
        d = self.disabled
        key = conditional_escape(line.subject.key) if line.subject else f"a{conditional_escape(line.member_id)}"
        danger = ' class="table-danger"' if line.errors else ""
        parts = [f'<tr id="row-{key}"{danger}>\n']
        if with_attendance:
            parts.append(f'  <td class="num">{number}</td>\n')
        parts.append(f'  <th scope="row" class="fw-normal text-nowrap">{name}\n    ')
        for cap in line.caps:
            parts.append(
                f'<div class="small text-danger">{self.at_most}: {conditional_escape(cap.max_level.label)}</div>'
            )
        parts.append("\n    ")
        if line.note:
            parts.append(f'<div class="small text-muted">{conditional_escape(line.note)}</div>')
        parts.append("\n  </th>\n  ")
        if with_attendance:
            present, reason = line.present, line.absence_reason
            label, field = self._head(name, present)
            checked = " checked" if present.value else ""
            parts.append(
                f'<td class="text-center">{label}\n    <input class="form-check-input" type="checkbox" value="1"'
                f' name="{field}" id="id_{field}"{checked}{d}></td>\n'
            )
            label, field = self._head(name, reason)
            parts.append(
                f'  <td>{label}\n    <input class="form-control form-control-sm meeting-reason{self._invalid(reason)}"'
                f' name="{field}" id="id_{field}" value="{conditional_escape(reason.value)}"'
                f' maxlength="255"{d}></td>\n  '
            )
        parts.append(f'\n  <td class="small">{conditional_escape(line.self_level or "—")}</td>\n  ')
        proposal = line.proposed_level
        if proposal:
            for cell in line.votes:
                label, field = self._head(name, cell)
                parts.append(
                    f'<td>{label}\n    <input class="form-control form-control-sm meeting-count{self._invalid(cell)}"'
                    f' inputmode="numeric" name="{field}" id="id_{field}" value="{conditional_escape(cell.value)}"'
                    f' size="3" maxlength="4"{d}></td>'
                )
            options = "".join(
                f'<option value="{value}"{" selected" if proposal.value == value else ""}>{text}</option>'
                for value, text in self.levels
            )
            label, field = self._head(name, proposal)
            parts.append(
                f"\n  <td>{label}\n"
                f'    <select class="form-select form-select-sm meeting-level{self._invalid(proposal)}"'
                f' name="{field}" id="id_{field}"{d}>\n'
                f'      <option value="">—</option>\n      {options}\n    </select>\n'
                f"    {self._feedback(proposal)}</td>\n  "
            )
            for cell in line.texts:
                label, field = self._head(name, cell)
                parts.append(
                    f'<td>{label}\n    <textarea class="form-control form-control-sm meeting-text{self._invalid(cell)}"'
                    f' rows="1" name="{field}" id="id_{field}"{d}>{conditional_escape(cell.value)}</textarea>\n'
                    f"    {self._feedback(cell)}</td>"
                )
            parts.append("\n  ")
            for cell in line.scores:
                label, field = self._head(name, cell)
                parts.append(
                    f'<td>{label}\n    <input class="form-control form-control-sm meeting-count{self._invalid(cell)}"'
                    f' inputmode="decimal" name="{field}" id="id_{field}" value="{conditional_escape(cell.value)}"'
                    f' size="4" maxlength="6"{d}>\n    {self._feedback(cell)}</td>'
                )
            parts.append("\n  ")
        else:
            parts.append(f'<td colspan="{self.rating_columns}" class="small text-muted">{self.not_rated}</td>\n  ')
        parts.append("\n</tr>")
        return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped

    def rows(self, lines: list[Line], *, with_attendance: bool) -> list[SafeString]:
        return [
            self.row(line, with_attendance=with_attendance, number=number) for number, line in enumerate(lines, start=1)
        ]
