"""The fast-entry table's rows prepared for the template (``templates/appraisal/meetings/_rows.html``, one inline
loop over rows and cells): a 40-member cell's page has some 400 inputs, each with its hidden label, its error
marks and messages. What the template would otherwise look up or translate on every row — each cell's label
("name – column"), the words «Tối đa» and «Không xếp loại», the level options with the selected one — is
prepared here once, as plain text: the template writes and escapes every value. Rows and cells are dictionaries
(``TypedDict``): the template's first lookup of ``cell.name`` is ``cell["name"]``, which a dictionary answers at
once where an object raises an exception first (some 5,000 lookups a page).

Rendering those inputs is most of the page's time (some 13 ms of CPU for 40 members under the 100-point method,
where the same rows written as Python strings took 1 ms), so the template caches each row's HTML (``{% cache %}``)
under the row's ``version``: a digest of everything the row shows (its number, every value, label, error and mark)
and of whether the page may edit it. The same row gives the same HTML, so an entry is never stale; a changed row
gets a new key, and after a save only the rows that changed are rendered again.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import TypedDict

from django.utils.translation import gettext as _

from .meeting_forms import Cell, Line
from .meeting_input import LEVELS


class RowCell(TypedDict):
    """One input of a row: its field name (the id is ``id_<name>``), the value as typed, the hidden label."""

    name: str
    value: str
    label: str
    errors: list[str]


class Row(TypedDict):
    """One row of the table: a member (with attendance) or another subject; ``rated`` False shows ``not_rated``
    across ``colspan`` columns."""

    key: str  # the row's id is ``row-<key>``
    number: int  # in its table, from 1
    name: str
    errors: bool
    caps: list[str]
    note: str
    self_level: str
    present: RowCell | None
    absence_reason: RowCell | None
    rated: bool
    not_rated: str
    colspan: int
    votes: list[RowCell]
    proposal: RowCell | None
    options: list[tuple[str, str, bool]]  # value, text, selected
    texts: list[RowCell]
    scores: list[RowCell]
    version: str  # the digest its HTML is cached under


class RowPreparer:
    """Prepares the ``Line`` rows of one page; the words the same on every row are translated once."""

    def __init__(self, *, score_method: bool, can_edit: bool) -> None:
        self.can_edit = can_edit
        self.rating_columns = 16 if score_method else 8
        self.at_most = _("Tối đa")
        self.not_rated = _("Không xếp loại")
        # (value, the option's text): the proposal's select lists the same levels on every row.
        self.levels = [(str(level.value), f"{level.short} – {level.label}") for level in LEVELS]

    @staticmethod
    def _cell(name: str, cell: Cell) -> RowCell:
        return {"name": cell.name, "value": cell.value, "label": f"{name} – {cell.label}", "errors": cell.errors}

    def row(self, line: Line, number: int) -> Row:
        name, present, reason, proposal = line.name, line.present, line.absence_reason, line.proposed_level
        return {
            "key": line.subject.key if line.subject else f"a{line.member_id}",
            "number": number,
            "name": name,
            "errors": bool(line.errors),
            "caps": [f"{self.at_most}: {cap.max_level.label}" for cap in line.caps],
            "note": line.note,
            "self_level": line.self_level or "—",
            "present": self._cell(name, present) if present is not None else None,
            "absence_reason": self._cell(name, reason) if reason is not None else None,
            "rated": proposal is not None,
            "not_rated": self.not_rated if proposal is None else "",
            "colspan": self.rating_columns if proposal is None else 0,
            "votes": [self._cell(name, cell) for cell in line.votes],
            "proposal": self._cell(name, proposal) if proposal is not None else None,
            "options": [(value, text, proposal.value == value) for value, text in self.levels]
            if proposal is not None
            else [],
            "texts": [self._cell(name, cell) for cell in line.texts],
            "scores": [self._cell(name, cell) for cell in line.scores],
            "version": "",
        }

    def rows(self, lines: list[Line]) -> list[Row]:
        rows = [self.row(line, number) for number, line in enumerate(lines, start=1)]
        for row in rows:
            # Plain data (strings, numbers, lists, booleans): pickled, different rows never give the same bytes.
            shown = pickle.dumps((self.can_edit, row), protocol=pickle.HIGHEST_PROTOCOL)
            row["version"] = hashlib.blake2b(shown, digest_size=16).hexdigest()
        return rows
