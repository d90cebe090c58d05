"""What a page says when someone else saved the unit's work first (``services.progress.ConflictError``): the
meeting page and the decision page keep what the user typed and list where it differs from what is now saved,
so they can compare, correct and save again (their form now carries the new revision). Plain values, no HTML."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .meeting_forms import HEADER_FIELDS, TEXT_FIELDS, MeetingForm
from .meeting_input import COLUMN_LABELS, LEVELS, SCORE_FIELDS, subject_field, votes_column
from .models import UnitReview, VoteMethod
from .rules import Level

SHOWN_CHANGES = 30  # a page lists at most this many differences (then says how many more)


@dataclass(frozen=True)
class Change:
    """One input whose typed value differs from the saved one."""

    who: str  # the member or subject, or "" for the meeting's record
    what: str  # the column
    saved: str
    typed: str


@dataclass
class Conflict:
    message: str
    changes: list[Change] = field(default_factory=list)
    more: int = 0  # differences not listed

    @classmethod
    def of(cls, message: str, changes: list[Change]) -> Conflict:
        return cls(message=message, changes=changes[:SHOWN_CHANGES], more=max(0, len(changes) - SHOWN_CHANGES))


def _level(value: str) -> str:
    try:
        return Level(value).label
    except ValueError:
        return value


def _clean(value: str | None) -> str:
    return " ".join(str(value or "").split())


HEADER_LABELS = {
    "held_on": gettext_lazy("Ngày họp"),
    "starts_at": gettext_lazy("Giờ bắt đầu"),
    "ends_at": gettext_lazy("Giờ kết thúc"),
    "place": gettext_lazy("Địa điểm"),
    "chair": gettext_lazy("Chủ trì"),
    "minute_taker": gettext_lazy("Thư ký"),
    "vote_method": gettext_lazy("Hình thức biểu quyết"),
    "conclusions": gettext_lazy("Kết luận của hội nghị"),
}


def meeting_conflict(typed: MeetingForm, review: UnitReview, *, editable: bool) -> Conflict:
    """The meeting page's conflict: ``typed`` is the posted form over the sheet as it is now saved."""
    sheet = typed.sheet
    saved = typed._raw_from_stored()
    names = {str(row.member.pk): row.member.full_name for row in sheet.members}
    methods = {value: str(label) for value, label in VoteMethod.choices}
    levels = {level.value: level.label for level in LEVELS}
    changes: list[Change] = []

    def compare(key: str, who: str, what: str, shown: dict[str, str] | None = None) -> None:
        before, after = _clean(saved.get(key)), _clean(typed.raw.get(key))
        if before != after:
            shown = shown or {}
            changes.append(Change(who, str(what), shown.get(before, before) or "—", shown.get(after, after) or "—"))

    for name in HEADER_FIELDS:
        compare(name, "", HEADER_LABELS[name], names if name in ("chair", "minute_taker") else methods)
    attended = {"1": _("có mặt"), "": _("vắng")}
    for row in sheet.members:
        mid = row.member.pk
        compare(f"a{mid}-present", row.member.full_name, COLUMN_LABELS["present"], attended)
        compare(f"a{mid}-absence_reason", row.member.full_name, COLUMN_LABELS["absence_reason"])
    for subject in sheet.subjects:
        if not subject.rated:
            continue
        columns = [(f"votes-{level.value}", votes_column(level)) for level in LEVELS]
        columns += [("proposed_level", COLUMN_LABELS["proposed_level"])]
        columns += [(name, COLUMN_LABELS[name]) for name in TEXT_FIELDS]
        if sheet.score_method:
            columns += list(SCORE_FIELDS)
        for name, label in columns:
            compare(subject_field(subject.key, name), subject.name, label, levels if name == "proposed_level" else None)
    if editable:
        kept = _("Những gì bạn nhập vẫn còn trên trang: xem lại rồi bấm lưu lại.")
    else:
        kept = _("Đề nghị đã gửi lên cấp trên nên không sửa được; những gì bạn đã nhập được ghi dưới đây để đối chiếu.")
    return Conflict.of(_saved_first(review) + " " + kept, changes)


def decision_conflict(form, review: UnitReview, *, decidable: bool) -> Conflict:
    """The decision page's conflict: ``form`` is the posted ``DecisionForm`` over the ratings as now saved."""
    changes: list[Change] = []
    typed = form.typed()
    for rating in form.ratings:
        who = rating.member.full_name if rating.member_id else (rating.unit.name if rating.unit_id else "")
        shown = typed[rating.pk]
        saved_level = rating.decided_level or rating.proposed_level
        if shown.level != saved_level:
            changes.append(Change(who, _("Mức xếp loại"), _level(saved_level) or "—", _level(shown.level) or "—"))
        if _clean(shown.reason) and _clean(shown.reason) != _clean(rating.decision_reason):
            changes.append(Change(who, _("Lý do điều chỉnh"), rating.decision_reason or "—", _clean(shown.reason)))
    if not form.has_unit_rating and form["unit_level"].value():
        changes.append(Change(review.unit.name, _("Mức xếp loại"), "—", _level(form["unit_level"].value())))
    for name, label in (
        ("quota_exception_reason", _("Lý do phê duyệt vượt tỷ lệ")),
        ("reason", _("Lý do trả lại hoặc mở lại")),
    ):
        value = _clean(form.data.get(name))
        if value:
            changes.append(Change("", label, "—", value))
    message = _saved_first(review) + " " + _("Tiến độ hiện nay: %(state)s.") % {"state": review.get_state_display()}
    if decidable:
        message += " " + _("Những gì bạn chọn vẫn còn trên trang: xem lại rồi bấm lại nút để quyết định.")
    else:
        message += " " + _("Không thể quyết định ở tiến độ này; những gì bạn đã nhập được ghi dưới đây để đối chiếu.")
    return Conflict.of(message, changes)


def _saved_first(review: UnitReview) -> str:
    return _(
        "Người khác vừa thay đổi phần việc của %(unit)s và đã lưu trước bạn, nên những gì bạn gửi chưa được lưu."
    ) % {"unit": review.unit.name}
