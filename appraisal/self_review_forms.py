"""The forms of the self-review pages: they parse what is posted into the typed values the services take.

``SelfReviewForm`` is built from a form variant's structure (``rules.forms``: 02, 02A/02B, 2A/2B/2C, the
collective's Mẫu 01) with the page's own field names — ``t:<code>`` texts, ``g:<criterion>`` self-grades,
``s:<item>`` points, ``c:<condition>`` counts, ``rs:<n>``/``r:<n>`` last cycle's shortcomings and their remedies,
``cs`` 2019's civil-servant level, ``proposed_level`` — so the templates and the autosave script post it as they
are. A draft keeps whatever was typed (text in NFC without control characters, figures as typed: the rule set
checks them on submit); a choice that is not one of the form's is refused, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import date_input
from .rules import FormStructure, Grade, Level, ScoreGroup, SectionKind, format_points, parse_points
from .rules.forms import ScoreItem
from .selectors.self_reviews import CONDITION_FIELDS
from .services.self_reviews import (
    COUNT_CHARS,
    MAX_REMEDIES,
    MAX_TEXT,
    SCORE_CHARS,
    Remedy,
    SelfReviewEntry,
    clean_text,
)

TOKEN_CHARS = 80  # the page's token of the last change it sent (self_review.js)
REOPEN_DATE_MESSAGE = gettext_lazy("Ngày được nộp muộn cần nhập theo dạng dd/mm/yyyy.")


class TypedTextField(forms.CharField):
    """Text kept as typed: NFC, without NUL and other control characters, at most ``max_chars`` characters (a
    runaway paste is cut, never refused: a draft must never be lost)."""

    def __init__(self, *, max_chars: int = MAX_TEXT, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)
        self.max_chars = max_chars

    def to_python(self, value: Any) -> str:
        return clean_text(value)[: self.max_chars]


def _choice(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    message = _("«%(field)s»: lựa chọn không hợp lệ, hãy chọn lại.") % {"field": label.replace("%", "%%")}
    return forms.ChoiceField(
        label=label, required=False, choices=[("", "—"), *choices], error_messages={"invalid_choice": message}
    )


def points_label(group: ScoreGroup, item: ScoreItem) -> str:
    """How messages name a score item: its group, and the item when the group has several."""
    return group.heading if len(group.items) == 1 else f"{group.heading}, tiêu chí «{item.heading}»"


def points_refusal(item: ScoreItem, where: str, typed: str) -> str:
    """Why points typed for ``item`` are refused while typing — a number outside 0 to the item's maximum —, or
    "" (a figure still being typed, "-", is not judged; submitting checks everything)."""
    try:
        points = parse_points(typed, where)
    except ValueError:
        return ""
    if 0 <= points <= item.max_points:
        return ""
    return _("%(where)s: điểm phải từ 0 đến %(max)s, đã nhập %(got)s.") % {
        "where": where,
        "max": format_points(item.max_points),
        "got": format_points(points),
    }


class SelfReviewForm(forms.Form):
    """A self-review's (or the cell's report's) posted fields, read by its structure; ``entry()`` gives the
    service's ``SelfReviewEntry``. ``structure=None`` (a member who does not review): no fields, an empty
    entry, and the service says why."""

    action = forms.CharField(required=False)
    client_token = forms.CharField(required=False, strip=False)

    def __init__(self, data: Mapping[str, Any] | None = None, *, structure: FormStructure | None) -> None:
        super().__init__(data)
        self.structure = structure
        self.remedy_count = 0
        if structure is None:
            return
        titles = {s.code: s.title for s in structure.sections} | {c.code: c.title for c in structure.criteria}
        for code in structure.text_codes():
            self.fields[f"t:{code}"] = TypedTextField(label=titles.get(code, code))
        for criterion in structure.graded_criteria:
            self.fields[f"g:{criterion.code}"] = _choice(
                _("Tự đánh giá tiêu chí «%(title)s»") % {"title": criterion.title[:80].rstrip()}, Grade.choices()
            )
        for group in structure.score_groups:
            for item in group.items:
                label = points_label(group, item)
                self.fields[f"s:{item.code}"] = TypedTextField(label=label, max_chars=SCORE_CHARS)
        if structure.score_groups and not structure.collective:
            for name, label in CONDITION_FIELDS:
                self.fields[f"c:{name}"] = TypedTextField(label=label, max_chars=COUNT_CHARS)
        if structure.section(SectionKind.REMEDIES) is not None:
            while f"rs:{self.remedy_count}" in self.data and self.remedy_count < MAX_REMEDIES:
                self.fields[f"rs:{self.remedy_count}"] = TypedTextField(label=_("Hạn chế, khuyết điểm đã được chỉ ra"))
                self.fields[f"r:{self.remedy_count}"] = TypedTextField(label=_("Kết quả khắc phục"))
                self.remedy_count += 1
        if structure.civil_servant_rating:
            self.fields["cs"] = _choice(_("Xếp loại cán bộ, công chức, viên chức"), Level.choices())
        self.fields["proposed_level"] = _choice(_("Tự đề xuất xếp loại"), Level.choices())

    def clean_client_token(self) -> str:
        return self.cleaned_data["client_token"][:TOKEN_CHARS]

    @property
    def pressed(self) -> str:
        """The button pressed (``save``, ``submit``, ``complete``); saving when none is named."""
        return (getattr(self, "cleaned_data", None) or {}).get("action") or "save"

    @property
    def token(self) -> str:
        return (getattr(self, "cleaned_data", None) or {}).get("client_token", "")

    def error_list(self) -> list[str]:
        """Every error in the order of the fields, each naming its field."""
        return [message for errors in self.errors.values() for message in errors]

    def out_of_range(self) -> dict[str, str]:
        """The points typed as a number outside their item's range (0 to its maximum), after ``is_valid()``:
        field name → a Vietnamese message naming the item (``points_refusal``)."""
        data, found = getattr(self, "cleaned_data", {}), {}
        for group in self.structure.score_groups if self.structure is not None else ():
            for item in group.items:
                name = f"s:{item.code}"
                if message := points_refusal(item, self.fields[name].label, data.get(name) or ""):
                    found[name] = message
        return found

    def entry(self) -> SelfReviewEntry:
        """What the form read, after ``is_valid()``; a field that could not be read counts as left empty (so
        the page can show the rest again)."""
        data = getattr(self, "cleaned_data", {})

        def values(prefix: str) -> dict[str, str]:
            return {name[len(prefix) :]: value for name, value in data.items() if name.startswith(prefix) and value}

        grades = {code: Grade(value) for code, value in values("g:").items()}
        remedies = tuple(
            Remedy(shortcoming=data.get(f"rs:{i}", ""), remedy=data.get(f"r:{i}", "")) for i in range(self.remedy_count)
        )
        return SelfReviewEntry(
            texts=values("t:"),
            grades=grades,
            scores=values("s:"),
            conditions=values("c:"),
            remedies=remedies,
            civil_servant_level=Level(data["cs"]) if data.get("cs") else None,
            proposed_level=Level(data["proposed_level"]) if data.get("proposed_level") else None,
        )


class ReopenForm(forms.Form):
    """The secretary lets a member submit after the deadline, until a day (dd/mm/yyyy)."""

    until = forms.DateField(
        label=gettext_lazy("Cho phép nộp muộn đến ngày (dd/mm/yyyy)"),
        widget=date_input(),
        error_messages={"required": REOPEN_DATE_MESSAGE, "invalid": REOPEN_DATE_MESSAGE},
    )


class VersionForm(forms.Form):
    """Which submission of a self-review to show (``?lan=2``); anything else shows the default one."""

    lan = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    @property
    def number(self) -> int | None:
        return self.cleaned_data.get("lan") if self.is_valid() else None


def criteria_text(groups: Sequence[ScoreGroup], code: str) -> str:
    """A group's criteria as the page edits them: one "heading | points" a line."""
    for group in groups:
        if group.code == code:
            return "\n".join(f"{item.heading} | {format_points(item.max_points)}" for item in group.items)
    return ""


def criteria_rows(text: str, prefix: str) -> list[dict[str, str]]:
    """The rows the service reads from "heading | points" lines (a line without "|" has no points: the service
    says so)."""
    rows = []
    for index, line in enumerate((line for line in text.splitlines() if line.strip()), start=1):
        heading, sep, points = line.rpartition("|")
        if not sep:
            heading, points = line, ""
        rows.append({"code": f"{prefix}{index}", "heading": heading.strip(), "max_points": points.strip()})
    return rows


class ScoreCriteriaForm(forms.Form):
    """The issuing committee's list of 2025 criteria: each group's lines, or ``action=reset`` to go back to the
    central groups."""

    general = forms.CharField(label=gettext_lazy("Nhóm tiêu chí chung"), required=False, widget=forms.Textarea)
    tasks = forms.CharField(
        label=gettext_lazy("Nhóm tiêu chí về kết quả thực hiện nhiệm vụ"), required=False, widget=forms.Textarea
    )
    action = forms.CharField(required=False)

    def __init__(self, data: Mapping[str, Any] | None = None, *, groups: Sequence[ScoreGroup]) -> None:
        super().__init__(data)
        self.groups = groups

    def texts(self) -> tuple[str, str]:
        """The two lists as the page shows them: as posted, else as the cycle has them."""
        if self.is_bound:
            return self.data.get("general", ""), self.data.get("tasks", "")
        return criteria_text(self.groups, "general"), criteria_text(self.groups, "tasks")

    def error_list(self) -> list[str]:
        return [f"{self.fields[name].label}: {message}" for name, errors in self.errors.items() for message in errors]

    def criteria(self) -> dict:
        """The service's ``data``: empty to go back to the central groups, else each group's rows."""
        if self.cleaned_data.get("action") == "reset":
            return {}
        return {
            "general": criteria_rows(self.cleaned_data["general"], "g"),
            "tasks": criteria_rows(self.cleaned_data["tasks"], "t"),
        }
