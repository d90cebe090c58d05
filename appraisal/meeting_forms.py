"""The fast-entry form of a cell's review meeting: one row per member, the cell's own rows, a tally table
that may be pasted from a spreadsheet.

The page posts plain fields (``a12-present``, ``m12-votes-htxsnv``, ``m12-proposed_level``…); ``MeetingForm``
turns them into the service's typed ``MeetingInput``, keeps every raw value to show again on error, and
collects the errors of what cannot be read (a tally that is not a whole number, a date that is not dd/mm/yyyy)
under the same keys and wording as the service's checks, each naming the subject and the column.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django import forms
from django.utils.translation import gettext as _

from members.models import name_key
from party_units.models import nfc

from .meeting_input import (
    COLUMN_LABELS,
    LEVELS,
    SCORE_FIELDS,
    Errors,
    GuestEntry,
    MeetingInput,
    SubjectEntry,
    subject_field,
    votes_column,
)
from .rules import Level, Subject
from .selectors.meetings import MeetingSheet, SubjectRow

EXTRA_GUEST_ROWS = 2
TEXT_FIELDS = ("comments", "shortcomings", "proposal_ground")
HEADER_FIELDS = ("held_on", "starts_at", "ends_at", "place", "chair", "minute_taker", "vote_method", "conclusions")
# What a pasted cell may say for a level: its short code or its label, in any case.
LEVEL_WORDS = {
    **{level.short.casefold(): level for level in LEVELS},
    **{name_key(level.label): level for level in LEVELS},
    "xs": Level.EXCELLENT,
    "tốt": Level.GOOD,
}
ORGANISATION_WORDS = {"chi bộ", "tổ chức đảng"}
COLLECTIVE_WORDS = {"tập thể chi ủy", "chi ủy", "tập thể lãnh đạo"}


def parse_date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text.strip(), "%d/%m/%Y").date()


def parse_time(text: str) -> datetime.time:
    text = text.strip().lower().replace("h", ":").rstrip(":")
    if ":" not in text:
        text += ":00"
    return datetime.datetime.strptime(text, "%H:%M").time()


def parse_count(text: str) -> int | None:
    """A tally cell: blank is no vote; otherwise a whole number ≥ 0 (``ValueError`` if not)."""
    text = text.strip().replace("\u00a0", "")
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def parse_level(text: str) -> str:
    text = " ".join(nfc(text).split())
    if not text:
        return ""
    level = LEVEL_WORDS.get(text.casefold()) or LEVEL_WORDS.get(name_key(text))
    if level is None:
        raise ValueError(text)
    return level.value


class RevisionForm(forms.Form):
    """The work item's revision a submit or withdraw button was drawn with (``services.progress.review_lock``)."""

    revision = forms.IntegerField(required=False)


@dataclass
class Cell:
    name: str
    value: str
    errors: list[str] = field(default_factory=list)
    label: str = ""


@dataclass
class Line:
    """One row of the fast-entry table: a member (attendance and, if rated, their rating) or another subject."""

    subject: SubjectRow | None
    name: str
    member_id: int | None = None
    present: Cell | None = None
    absence_reason: Cell | None = None
    votes: list[Cell] = field(default_factory=list)
    proposed_level: Cell | None = None
    texts: list[Cell] = field(default_factory=list)
    scores: list[Cell] = field(default_factory=list)
    caps: list = field(default_factory=list)
    note: str = ""
    self_level: str = ""

    @property
    def errors(self) -> list[str]:
        cells = [self.present, self.absence_reason, self.proposed_level, *self.votes, *self.texts, *self.scores]
        return [e for c in cells if c is not None for e in c.errors]


class MeetingForm:
    def __init__(self, sheet: MeetingSheet, post=None):
        self.sheet = sheet
        self.bound = post is not None
        self.errors = Errors()
        self.raw: dict[str, str] = {}
        self.paste = ""
        if post is None:
            self.raw = self._raw_from_stored()
            self.revision = sheet.review.revision
        else:
            self.raw = {k: post.get(k, "") for k in post}
            self.documents = set(post.getlist("documents"))
            try:
                self.revision = int(post.get("revision", ""))
            except ValueError:
                self.revision = None
            self.paste = post.get("paste", "")
            if self.paste.strip():
                self._apply_paste(self.paste)
        if post is None:
            self.documents = {str(pk) for pk in (sheet.chosen_documents or {d.pk for d in sheet.documents})}
        self.data = self._read()

    # -- the stored meeting as raw values ---------------------------------------------------------------------

    def _raw_from_stored(self) -> dict[str, str]:
        sheet, raw = self.sheet, {}
        meeting = sheet.meeting
        if meeting is not None:
            raw["held_on"] = meeting.held_on.strftime("%d/%m/%Y") if meeting.held_on else ""
            raw["starts_at"] = meeting.starts_at.strftime("%H:%M") if meeting.starts_at else ""
            raw["ends_at"] = meeting.ends_at.strftime("%H:%M") if meeting.ends_at else ""
            raw["place"] = meeting.place
            raw["chair"] = str(meeting.chair_id or "")
            raw["minute_taker"] = str(meeting.minute_taker_id or "")
            raw["vote_method"] = meeting.vote_method
            raw["conclusions"] = meeting.conclusions
        else:
            raw["vote_method"] = "secret_ballot"
        for index, guest in enumerate(sheet.guests):
            raw[f"guest-{index}-full_name"] = guest.full_name
            raw[f"guest-{index}-title"] = guest.title
            raw[f"guest-{index}-unit_name"] = guest.unit_name
        for row in sheet.members:
            attendance = sheet.attendance.get(row.member.pk)
            if attendance is None:
                present = row.eligibility.reviews
                reason = "" if present else row.eligibility.reason
            else:
                present, reason = attendance.present, attendance.absence_reason
            if present:
                raw[f"a{row.member.pk}-present"] = "1"
            raw[f"a{row.member.pk}-absence_reason"] = reason
        for subject in sheet.subjects:
            rating = subject.rating
            if rating is None:
                continue
            for level in LEVELS:
                count = (rating.votes or {}).get(level.value)
                raw[subject_field(subject.key, f"votes-{level.value}")] = str(count) if count else ""
            raw[subject_field(subject.key, "proposed_level")] = rating.proposed_level
            raw[subject_field(subject.key, "comments")] = rating.comments
            raw[subject_field(subject.key, "shortcomings")] = rating.shortcomings
            raw[subject_field(subject.key, "proposal_ground")] = rating.proposal_ground
            for name, _label in SCORE_FIELDS:
                value = (rating.assessment or {}).get(name)
                raw[subject_field(subject.key, name)] = "" if value is None else str(value)
        return raw

    # -- the paste path ----------------------------------------------------------------------------------------

    def _paste_targets(self) -> dict[str, list[SubjectRow]]:
        targets: dict[str, list[SubjectRow]] = {}
        for subject in self.sheet.subjects:
            names = [subject.name]
            if subject.subject == Subject.ORGANISATION:
                names += list(ORGANISATION_WORDS)
            elif subject.subject == Subject.LEADERSHIP_COLLECTIVE:
                names += list(COLLECTIVE_WORDS)
            for name in names:
                targets.setdefault(name_key(name), []).append(subject)
        return targets

    def _apply_paste(self, text: str) -> None:
        """Rows as Excel and LibreOffice copy them: cells separated by tabs, one row per line. Columns: [STT,]
        name, the four tallies (best level first), [the proposed level]. A header row is skipped."""
        targets = self._paste_targets()
        seen: set[str] = set()
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in line.split("\t")]
            if len(cells) > 1 and (cells[0].rstrip(".").isdigit() or not cells[0]):
                cells = cells[1:]  # the STT column, or its empty cell on a row without a number (the cell's own)
            while cells and not cells[-1]:
                cells.pop()
            where = _("Dòng %(n)s của bảng dán") % {"n": number}
            if not seen and any("tên" in c.casefold() for c in cells[:2]):
                continue  # the header row ("STT, Họ và tên, …")
            if len(cells) < 1 + len(LEVELS):
                self.errors.add(
                    "paste",
                    _("cần ít nhất %(n)s cột (họ và tên và số phiếu của bốn mức xếp loại), tách bằng phím Tab.")
                    % {"n": 1 + len(LEVELS)},
                    who=where,
                )
                continue
            if len(cells) > 2 + len(LEVELS):
                self.errors.add(
                    "paste",
                    _("có %(n)s cột; chỉ dán họ và tên, số phiếu của bốn mức xếp loại và mức đề nghị.")
                    % {"n": len(cells)},
                    who=where,
                )
                continue
            found = targets.get(name_key(cells[0]), [])
            if len(found) != 1:
                message = (
                    _("không có «%(name)s» trong danh sách xếp loại của chi bộ.")
                    if not found
                    else _("có nhiều người tên «%(name)s»: nhập trực tiếp trên dòng của từng người.")
                )
                self.errors.add("paste", message % {"name": cells[0]}, who=where)
                continue
            subject = found[0]
            if subject.key in seen:
                self.errors.add("paste", _("«%(name)s» được dán hai lần.") % {"name": cells[0]}, who=where)
                continue
            seen.add(subject.key)
            who = f"{where} ({subject.name})"
            for level, cell in zip(LEVELS, cells[1 : 1 + len(LEVELS)], strict=True):
                key = subject_field(subject.key, f"votes-{level.value}")
                self.raw[key] = cell
                try:
                    parse_count(cell)
                except ValueError:
                    self.errors.add(
                        "paste",
                        _("«%(value)s» không phải số nguyên không âm.") % {"value": cell},
                        who=who,
                        column=votes_column(level),
                    )
            if len(cells) == 2 + len(LEVELS):
                key = subject_field(subject.key, "proposed_level")
                try:
                    self.raw[key] = parse_level(cells[-1])
                except ValueError:
                    self.errors.add(
                        "paste",
                        _("«%(value)s» không phải mức xếp loại (HTXSNV, HTTNV, HTNV, KHTNV hoặc tên đầy đủ).")
                        % {"value": cells[-1]},
                        who=who,
                        column=COLUMN_LABELS["proposed_level"],
                    )

    # -- reading the raw values --------------------------------------------------------------------------------

    def _read(self) -> MeetingInput:
        raw, errors, sheet = self.raw, self.errors, self.sheet
        data = MeetingInput(
            place=raw.get("place", "").strip(),
            vote_method=raw.get("vote_method", ""),
            conclusions=raw.get("conclusions", "").strip(),
        )
        for name, label, parse in (
            ("held_on", _("Ngày họp"), parse_date),
            ("starts_at", _("Bắt đầu lúc"), parse_time),
            ("ends_at", _("Kết thúc lúc"), parse_time),
        ):
            text = raw.get(name, "").strip()
            if not text:
                continue
            try:
                setattr(data, name, parse(text))
            except ValueError:
                hint = "dd/mm/yyyy" if name == "held_on" else "hh:mm"
                message = _("«%(value)s» không đúng dạng %(hint)s.") % {"value": text, "hint": hint}
                errors.add(name, message, column=label)
        for name in ("chair", "minute_taker"):
            text = raw.get(name, "").strip()
            if text:
                try:
                    setattr(data, f"{name}_id", int(text))
                except ValueError:
                    errors.add(f"{name}_id", _("Chọn trong danh sách."))
        for text in getattr(self, "documents", set()):
            if text.isdigit():
                try:
                    data.document_ids.add(int(text))
                except ValueError:  # "²" is a digit int() does not read; 5,000 digits are past its limit
                    data.document_ids.add(0)  # no document has id 0: the checks report an unknown document
        index = 0
        while f"guest-{index}-full_name" in raw or f"guest-{index}-title" in raw:
            data.guests.append(
                GuestEntry(
                    full_name=nfc(raw.get(f"guest-{index}-full_name", "")).strip(),
                    title=nfc(raw.get(f"guest-{index}-title", "")).strip(),
                    unit_name=nfc(raw.get(f"guest-{index}-unit_name", "")).strip(),
                )
            )
            index += 1
        for row in sheet.members:
            mid = row.member.pk
            data.attendance[mid] = (bool(raw.get(f"a{mid}-present")), raw.get(f"a{mid}-absence_reason", "").strip())
        for subject in sheet.subjects:
            data.subjects[subject.key] = self._read_subject(subject)
        return data

    def _read_subject(self, subject: SubjectRow) -> SubjectEntry:
        raw, errors = self.raw, self.errors
        entry = SubjectEntry(
            comments=nfc(raw.get(subject_field(subject.key, "comments"), "")).strip(),
            shortcomings=nfc(raw.get(subject_field(subject.key, "shortcomings"), "")).strip(),
            proposal_ground=nfc(raw.get(subject_field(subject.key, "proposal_ground"), "")).strip(),
            proposed_level=raw.get(subject_field(subject.key, "proposed_level"), "").strip(),
        )
        for level in LEVELS:
            key = subject_field(subject.key, f"votes-{level.value}")
            text = raw.get(key, "")
            try:
                count = parse_count(text)
            except ValueError:
                errors.add(
                    key,
                    _("«%(value)s» không phải số nguyên không âm.") % {"value": text.strip()},
                    who=subject.name,
                    column=votes_column(level),
                )
                continue
            if count is not None:
                entry.votes[level.value] = count
        if self.sheet.score_method:
            for name, label in SCORE_FIELDS:
                key = subject_field(subject.key, name)
                text = raw.get(key, "").strip().replace(",", ".")
                if not text:
                    continue
                try:
                    if name in ("general", "tasks"):
                        value = Decimal(text)
                        if not value.is_finite():
                            raise ValueError(text)
                    else:
                        value = parse_count(text)
                except (InvalidOperation, ValueError):
                    errors.add(
                        key, _("«%(value)s» không phải số hợp lệ.") % {"value": text}, who=subject.name, column=label
                    )
                    continue
                entry.assessment[name] = value
        return entry

    # -- errors and display ------------------------------------------------------------------------------------

    def add_errors(self, messages: dict[str, list[str]]) -> None:
        for key, texts in messages.items():
            for text in texts:
                if text not in self.errors.get(key, []):
                    self.errors.setdefault(key, []).append(text)

    @property
    def all_errors(self) -> list[str]:
        return [text for texts in self.errors.values() for text in texts]

    def value(self, name: str) -> str:
        return self.raw.get(name, "")

    def cell(self, name: str, label: str = "") -> Cell:
        errors = list(self.errors.get(name, []))
        return Cell(name=name, value=self.raw.get(name, ""), errors=errors, label=label)

    def header(self) -> dict[str, Cell]:
        cells = {name: self.cell(name) for name in HEADER_FIELDS}
        for name in ("chair", "minute_taker"):
            cells[name].errors += self.errors.get(f"{name}_id", [])
        cells["documents"] = Cell("documents", "", list(self.errors.get("documents", [])))
        return cells

    def guest_rows(self) -> list[list[Cell]]:
        count = 0
        while f"guest-{count}-full_name" in self.raw:
            count += 1
        rows = []
        for index in range(count + EXTRA_GUEST_ROWS):
            rows.append(
                [
                    self.cell(f"guest-{index}-full_name", _("Họ và tên")),
                    self.cell(f"guest-{index}-title", _("Chức vụ")),
                    self.cell(f"guest-{index}-unit_name", _("Đơn vị")),
                ]
            )
        return rows

    def lines(self) -> list[Line]:
        subjects = self.sheet.by_key
        lines = []
        for row in self.sheet.members:
            mid = row.member.pk
            subject = subjects.get(f"m{mid}")
            name = row.member.full_name
            line = self._line(subject, name) if subject is not None else Line(None, name)
            line.member_id = mid
            line.present = self.cell(f"a{mid}-present", COLUMN_LABELS["present"])
            line.absence_reason = self.cell(f"a{mid}-absence_reason", COLUMN_LABELS["absence_reason"])
            if not row.eligibility.rated:
                line.note = row.eligibility.reason
            lines.append(line)
        return lines

    def other_lines(self) -> list[Line]:
        return [self._line(s, s.name) for s in self.sheet.subjects if s.subject != Subject.MEMBER]

    @cached_property
    def _vote_columns(self) -> list[tuple[str, str]]:
        """Each level's value and its tally column's label, translated once a page (not once a row)."""
        return [(level.value, votes_column(level)) for level in LEVELS]

    def _line(self, subject: SubjectRow, name: str) -> Line:
        key = subject.key
        line = Line(subject=subject, name=name, caps=subject.caps, self_level=subject.self_level_label)
        if not subject.rated:
            line.note = subject.reason
            return line
        line.votes = [self.cell(subject_field(key, f"votes-{value}"), label) for value, label in self._vote_columns]
        line.proposed_level = self.cell(subject_field(key, "proposed_level"), COLUMN_LABELS["proposed_level"])
        line.texts = [self.cell(subject_field(key, name), COLUMN_LABELS[name]) for name in TEXT_FIELDS]
        if self.sheet.score_method:
            line.scores = [self.cell(subject_field(key, name), label) for name, label in SCORE_FIELDS]
        # Errors about the tally as a whole are shown on the proposal's cell.
        line.proposed_level.errors += self.errors.get(subject_field(key, "votes"), [])
        line.proposed_level.errors += self.errors.get(subject_field(key, "general"), []) if not line.scores else []
        return line
