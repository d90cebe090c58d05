"""The forms of the committee's pages: they parse what is posted into the typed values the services take.

- ``DecisionForm``: the decision page's buttons (recount the quota, approve, return, reopen), the form's revision,
  and per rating its level (``level_<pk>``) and the reason of a change (``reason_<pk>``); the unit's own level
  when the cell proposed none (``unit_level``, ``unit_reason``) and the reason of an exception to the quota. The
  reason of a return or a reopening is read by ``forms.ReasonForm``.
- ``BulkApproveForm``: the dashboard's ticked units, ``<work item id>:<revision>``, those under the committee.
- ``QuotaGroupForm``: a committee's group of similar subjects (name, subject, codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms import ID_MAX
from party_units.models import PartyUnit

from .forms import REASON_MAX, ReasonForm
from .models import Rating, UnitReview
from .rules import Level, Subject
from .selectors.decisions import reviews_under, votes_text, who
from .services.decisions import Decision

LEVEL_CHOICES = Level.choices()
ROW_REASON_MAX = 500  # the page's input says so too (maxlength)


class Action(StrEnum):
    """What a button of the decision page asks for."""

    CHECK = "check"  # recount the quota with the levels chosen, nothing saved
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"


REASON_REQUIRED = {
    Action.RETURN: _("Trả lại đề nghị cần ghi rõ lý do để chi bộ sửa."),
    Action.REOPEN: _("Mở lại kết quả đã phê duyệt cần ghi rõ lý do."),
}
REVISION_MESSAGE = _("Trang thiếu phiên bản dữ liệu của đơn vị: hãy tải lại trang rồi quyết định lại.")


def _literal(text: str) -> str:
    """Text put in an error message that Django formats with its ``%(value)s``: a ``%`` stays a ``%``."""
    return text.replace("%", "%%")


@dataclass(frozen=True)
class Typed:
    """What the page shows in a rating's level and reason inputs."""

    level: str
    reason: str


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(action.value, action.value) for action in Action],
        required=False,
        error_messages={"invalid_choice": _("Thao tác không hợp lệ: hãy dùng các nút trên trang.")},
    )
    revision = forms.IntegerField(
        required=False, error_messages={"invalid": REVISION_MESSAGE, "required": REVISION_MESSAGE}
    )
    quota_exception_reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        error_messages={
            "max_length": _("Lý do vượt tỷ lệ dài tối đa %(limit_value)s ký tự (đã nhập %(show_value)s ký tự).")
        },
    )

    def __init__(self, *args: Any, review: UnitReview, ratings: Sequence[Rating], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.review, self.ratings = review, list(ratings)
        self.has_unit_rating = any(
            r.subject == Subject.ORGANISATION and r.unit_id == review.unit_id for r in self.ratings
        )
        for rating in self.ratings:
            name = _literal(who(rating))
            self.fields[f"level_{rating.pk}"] = forms.TypedChoiceField(
                choices=LEVEL_CHOICES,
                coerce=Level,
                required=False,
                initial=rating.decided_level or rating.proposed_level,
                error_messages={"invalid_choice": _("Mức xếp loại của %(who)s không hợp lệ.") % {"who": name}},
            )
            self.fields[f"reason_{rating.pk}"] = forms.CharField(
                required=False,
                max_length=ROW_REASON_MAX,
                error_messages={
                    "max_length": _("Lý do điều chỉnh của %(who)s dài tối đa %%(limit_value)s ký tự.") % {"who": name}
                },
            )
        if not self.has_unit_rating:
            unit = _literal(review.unit.name)
            self.fields["unit_level"] = forms.TypedChoiceField(
                choices=[("", "—"), *LEVEL_CHOICES],
                coerce=Level,
                required=False,
                error_messages={"invalid_choice": _("Mức xếp loại của %(who)s không hợp lệ.") % {"who": unit}},
            )
            self.fields["unit_reason"] = forms.CharField(
                required=False,
                max_length=ROW_REASON_MAX,
                error_messages={
                    "max_length": _("Ghi chú cho %(who)s dài tối đa %%(limit_value)s ký tự.") % {"who": unit}
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.action = Action(data.get("action") or Action.CHECK)
        if self.action is Action.CHECK:
            return data
        if data.get("revision") is None and "revision" not in self.errors:
            self.add_error("revision", REVISION_MESSAGE)
        if self.action in REASON_REQUIRED:
            reason = ReasonForm(self.data, required_message=REASON_REQUIRED[self.action])
            if reason.is_valid():
                data["reason"] = reason.cleaned_data["reason"]
            else:
                self.add_error(None, reason.errors["reason"])
        return data

    @property
    def action_requested(self) -> Action | None:
        """The move to make once the form is valid: None for the quota's recount (nothing is written)."""
        return None if self.action is Action.CHECK else self.action

    def typed(self) -> dict[int, Typed]:
        """Each rating's level and reason as the page shows them: as posted (the proposal where no level was
        posted), else the decided or proposed level."""
        shown = {}
        for rating in self.ratings:
            level = self[f"level_{rating.pk}"].value() or rating.proposed_level
            reason = self[f"reason_{rating.pk}"].value() if self.is_bound else ""
            shown[rating.pk] = Typed(str(level), str(reason or ""))
        return shown

    def rows(self) -> list[dict[str, Any]]:
        """The decision table's rows: the rating, what its inputs show, its votes as reports write them."""
        typed = self.typed()
        return [{"rating": r, "typed": typed[r.pk], "votes": votes_text(r)} for r in self.ratings]

    def levels(self) -> dict[int, str]:
        """The levels the quota is counted with: those posted (none before a post: the proposals count)."""
        return {pk: typed.level for pk, typed in self.typed().items()} if self.is_bound else {}

    def decisions(self) -> dict[int, Decision]:
        data = self.cleaned_data
        return {
            rating.pk: Decision(data.get(f"level_{rating.pk}") or rating.proposed_level, data[f"reason_{rating.pk}"])
            for rating in self.ratings
        }

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of the service the button asks for (with ``actor`` and ``review``)."""
        data = self.cleaned_data
        if self.action is Action.APPROVE:
            return {
                "revision": data["revision"],
                "decisions": self.decisions(),
                "unit_level": data.get("unit_level") or "",
                "unit_reason": data.get("unit_reason", ""),
                "quota_exception_reason": data["quota_exception_reason"],
            }
        return {"revision": data["revision"], "reason": data["reason"]}


class PicksField(forms.Field):
    """Ticked units as ``<work item id>:<revision>`` values; one that is not two numbers is no pick."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[tuple[int, int]]:
        picked = []
        for item in [value] if isinstance(value, str) else value or []:
            pk, _sep, revision = str(item).partition(":")
            if pk.isascii() and pk.isdigit() and revision.isascii() and revision.isdigit() and int(pk) <= ID_MAX:
                picked.append((int(pk), int(revision)))
        return picked


class BulkApproveForm(forms.Form):
    review = PicksField(error_messages={"required": _("Chưa chọn đơn vị nào để phê duyệt.")})

    def __init__(self, *args: Any, root_id: int, committee: PartyUnit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.root_id, self.committee = root_id, committee

    def clean_review(self) -> list[tuple[int, int]]:
        """The picks of units under the committee in the cycle, in the order ticked."""
        picked = self.cleaned_data["review"]
        allowed = reviews_under(self.root_id, self.committee, [pk for pk, _revision in picked])
        picked = [(pk, revision) for pk, revision in picked if pk in allowed]
        if not picked:
            raise forms.ValidationError(self.fields["review"].error_messages["required"], code="required")
        return picked


SUBJECT_CHOICES = [(subject.value, subject.label) for subject in Subject]


class QuotaGroupForm(forms.Form):
    name = forms.CharField(
        label=_("Tên nhóm"),
        max_length=200,
        error_messages={
            "required": _("Nhóm đối tượng cần có tên."),
            "max_length": _("Tên nhóm dài tối đa %(limit_value)s ký tự (đã nhập %(show_value)s ký tự)."),
        },
    )
    subject = forms.TypedChoiceField(
        label=_("Đối tượng"),
        choices=SUBJECT_CHOICES,
        coerce=Subject,
        error_messages={"required": _("Chọn đối tượng của nhóm."), "invalid_choice": _("Đối tượng không hợp lệ.")},
    )
    codes = forms.CharField(
        label=_("Mẫu bản kiểm điểm hoặc loại tổ chức"),
        max_length=1000,
        error_messages={
            "required": _("Nhóm đối tượng cần ít nhất một mẫu hoặc loại tổ chức."),
            "max_length": _("Danh sách mẫu dài tối đa %(limit_value)s ký tự (đã nhập %(show_value)s ký tự)."),
        },
    )

    def clean_codes(self) -> list[str]:
        """ "02A, 02B; cell" → the codes (commas or semicolons between them)."""
        codes = [code.strip() for code in self.cleaned_data["codes"].replace(";", ",").split(",")]
        codes = [code for code in codes if code]
        if not codes:
            raise forms.ValidationError(self.fields["codes"].error_messages["required"], code="required")
        return codes
