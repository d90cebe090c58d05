"""Self-review pages: the member's form (save, autosave, submit), the secretary's view of the cell (open,
return, reopen, remind), the cell's own report, the member's history, the cycle's 2025 criteria list."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Member
from party_units.access import Perm, can, get_object_or_deny, require
from party_units.feedback import error_messages
from party_units.panels import object_panels

from ..access import get_review_or_deny, get_self_review_or_deny
from ..forms import ReasonForm
from ..models import ReviewCycle, SelfReviewState
from ..rules import Grade, Level, RatingMethod, format_points
from ..selectors import self_reviews as selectors
from ..selectors.self_reviews import CONDITION_FIELDS, FILED
from ..self_review_forms import (
    ReopenForm,
    ScoreCriteriaForm,
    SelfReviewForm,
    VersionForm,
    points_label,
    points_refusal,
)
from ..services import self_reviews as service
from ..services.progress import CELL_EDITABLE
from ..services.self_reviews import SelfReviewEntry

# -- presenting a form -----------------------------------------------------------------------------------------


@dataclass
class ItemView:
    code: str
    title: str
    text: str
    graded: bool = False
    grade: str = ""
    leader_only: bool = False


@dataclass
class SectionView:
    code: str
    title: str
    kind: str
    text: str = ""
    items: list[ItemView] = field(default_factory=list)


def present(structure, content: dict, shortcomings: list[str] | None = None) -> dict:
    """The form's parts with the typed values in place, for the templates (edit and read-only alike)."""
    grades = content.get("grades") or {}
    parts = []
    for part in structure.parts:
        sections = []
        for section in part.sections:
            view = SectionView(section.code, section.title, section.kind.value, content.get(section.code, ""))
            for criterion in section.criteria:
                view.items.append(
                    ItemView(
                        criterion.code,
                        criterion.title,
                        content.get(criterion.code, ""),
                        criterion.graded,
                        grades.get(criterion.code, ""),
                        criterion.leader_only,
                    )
                )
            sections.append(view)
        parts.append({"heading": part.heading, "sections": sections})
    remedies = list(content.get("remedies") or [])
    known = {r.get("shortcoming") for r in remedies}
    for text in shortcomings or []:
        if text not in known:
            remedies.append({"shortcoming": text, "remedy": ""})
    scores = content.get("scores") or {}
    groups = [
        {
            "heading": group.heading,
            "max": format_points(group.max_points),
            "items": [
                {
                    "code": item.code,
                    "heading": item.heading,
                    "max": format_points(item.max_points),
                    "value": scores.get(item.code, ""),
                    "single": len(group.items) == 1,
                    "refused": points_refusal(item, points_label(group, item), scores.get(item.code, "")),
                }
                for item in group.items
            ],
        }
        for group in structure.score_groups
    ]
    typed = content.get("conditions") or {}
    conditions = [{"name": name, "label": label, "value": typed.get(name, "")} for name, label in CONDITION_FIELDS]
    if not structure.collective and structure.score_groups and not typed.get("shortcomings_total") and shortcomings:
        conditions[4]["value"] = str(len(shortcomings))
    return {
        "structure": structure,
        "parts": parts,
        "remedies": remedies,
        "groups": groups,
        "conditions": conditions if not structure.collective else [],
        "grade_choices": Grade.choices(),
        "level_choices": Level.choices(),
        "civil_servant_level": content.get("civil_servant_level", ""),
        "is_score": structure.method == RatingMethod.SCORE_100.value,
    }


def _is_owner(request, member: Member) -> bool:
    return member.user_id is not None and member.user_id == request.user.pk


# -- the member's form -----------------------------------------------------------------------------------------


@login_required
def my_self_review(request):
    """This year's form one click from home, and the member's self-reviews and final ratings of past years."""
    member = getattr(request.user, "member", None)
    if member is None:
        raise Http404
    return render(
        request,
        "appraisal/self_reviews/my.html",
        {
            "member": member,
            "current": selectors.current_unit_review(member),
            "history": selectors.self_review_history(member),
        },
    )


def _form_context(
    request, sheet: selectors.MemberForm, *, typed: SelfReviewEntry | None = None, errors: list[str] | None = None
) -> dict:
    """The form page: ``typed`` is what was posted and could not be stored (shown again as typed)."""
    review = sheet.self_review
    owner = _is_owner(request, sheet.member)
    editable = (
        owner
        and sheet.reviews
        and (review is None or review.is_editable_by_member)
        and not sheet.cycle.is_closed
        and sheet.unit_review.state in CELL_EDITABLE
    )
    content = sheet.content
    level = review.proposed_level if review else ""
    if typed is not None and sheet.structure is not None:
        content, level = typed.content(sheet.structure), typed.level
    shows_content = owner or (
        review is not None and (review.state in FILED or review.state == SelfReviewState.RETURNED)
    )
    versions = selectors.self_review_versions(review)
    number = VersionForm(request.GET).number
    if review is not None and not owner and review.state not in FILED and number is None:
        number = len(versions)  # others read the last submitted version, not the new draft
    version = next((v for v in versions if v.number == number), None)
    if version is not None:
        content, level = version.content, version.proposed_level
        editable = False
    assessment = None
    if sheet.structure is not None and sheet.row is not None:
        assessment = selectors.assess(
            sheet.structure, content, rules=sheet.cycle.rules(), period=sheet.cycle.period, facts=sheet.row.facts
        )
    cell_manager = can(request.user, Perm.HOLD_MEETING, sheet.unit_review)
    return {
        "form": sheet,
        "unit_review": sheet.unit_review,
        "cycle": sheet.cycle,
        "member": sheet.member,
        "review": review,
        "owner": owner,
        "editable": editable,
        "shows_content": shows_content,
        "view": present(sheet.structure, content, sheet.shortcomings) if sheet.structure and shows_content else None,
        "proposed_level": level,
        "assessment": assessment,
        "errors": errors or [],
        "versions": versions if owner or cell_manager or shows_content else [],
        "version": version,
        "deadline_passed": sheet.deadline_passed(),
        "can_return": cell_manager and review is not None and review.state in FILED,
        "can_reopen": cell_manager
        and sheet.reviews
        and (review is None or review.state not in FILED)
        and sheet.unit_review.state in CELL_EDITABLE,
        "storage_key": f"kd-self-review:{sheet.unit_review.pk}:{sheet.member.pk}",
        "confirmed_token": request.session.get(_token_key(sheet.unit_review.pk, sheet.member.pk), ""),
        "today": timezone.localdate(),
    }


def _token_key(ur_pk: int, member_pk: int) -> str:
    """Where the session keeps the page's token of the last change the server stored (self_review.js)."""
    return f"sr-token:{ur_pk}:{member_pk}"


@login_required
def self_review(request, ur_pk: int, member_pk: int):
    access = get_self_review_or_deny(request.user, review=ur_pk, member=member_pk)
    unit_review, member = access.unit_review, access.member
    sheet = selectors.member_form(unit_review, member)
    if request.method != "POST":
        return render(request, "appraisal/self_reviews/form.html", _form_context(request, sheet))
    if not _is_owner(request, member):
        raise PermissionDenied
    form = SelfReviewForm(request.POST, structure=sheet.structure)
    errors, saved = [] if form.is_valid() else form.error_list(), False
    if not errors:
        try:
            service.self_review_save(actor=request.user, unit_review=unit_review, member=member, entry=form.entry())
            saved = True
            request.session[_token_key(unit_review.pk, member.pk)] = form.token
            if form.pressed == "submit":
                service.self_review_submit(actor=request.user, unit_review=unit_review, member=member)
                messages.success(request, _("Đã nộp bản kiểm điểm. Cảm ơn đồng chí."))
            else:
                messages.success(request, _("Đã lưu bản nháp."))
            return redirect("appraisal:self_review", ur_pk=unit_review.pk, member_pk=member.pk)
        except ValidationError as exc:
            errors = exc.messages
    # What was typed stays on the page even when it could not be stored.
    sheet = selectors.member_form(unit_review, member)
    context = _form_context(request, sheet, typed=None if saved else form.entry(), errors=errors)
    return render(request, "appraisal/self_reviews/form.html", context)


@require_POST
def self_review_autosave(request, ur_pk: int, member_pk: int):
    """Save the draft while the member types. JSON always: 401 when the session timed out (the page keeps the
    text on the device and asks to log in again), 404/403 when not theirs, 409 when the form may no longer be
    changed, a field cannot be read or a score is out of range (``fields``: the inputs to mark), 200 with what
    the rule set derives so far."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "ok": False,
                "login": True,
                "message": _("Phiên đăng nhập đã hết hạn. Nội dung vẫn được giữ trên máy này; hãy đăng nhập lại."),
                "login_url": f"{reverse('login')}?next={reverse('appraisal:self_review', args=[ur_pk, member_pk])}",
            },
            status=401,
        )
    try:
        access = get_self_review_or_deny(request.user, review=ur_pk, member=member_pk)
    except Http404:
        return JsonResponse({"ok": False, "message": _("Không tìm thấy bản kiểm điểm.")}, status=404)
    except PermissionDenied:
        return JsonResponse({"ok": False, "message": _("Đồng chí không có quyền sửa bản kiểm điểm này.")}, status=403)
    unit_review, member = access.unit_review, access.member
    if not _is_owner(request, member):
        return JsonResponse({"ok": False, "message": _("Chỉ người viết mới sửa được bản kiểm điểm.")}, status=403)
    form = SelfReviewForm(request.POST, structure=selectors.posted_structure(unit_review, member, access.self_review))
    if not form.is_valid():
        return JsonResponse({"ok": False, "message": " ".join(form.error_list())}, status=409)
    if out_of_range := form.out_of_range():
        # Refused, the fields marked on the page (the text stays on the device until they are corrected).
        return JsonResponse(
            {"ok": False, "fields": out_of_range, "message": " ".join(out_of_range.values())}, status=409
        )
    try:
        review, assessment = service.self_review_save(
            actor=request.user, unit_review=unit_review, member=member, entry=form.entry(), autosave=True
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=409)
    request.session[_token_key(unit_review.pk, member.pk)] = form.token
    saved = timezone.localtime(review.updated_at)
    return JsonResponse(
        {
            "ok": True,
            "token": form.token,
            "saved_at": saved.isoformat(),
            "message": _("Đã tự động lưu lúc %(time)s") % {"time": saved.strftime("%H:%M:%S")},
            "max_level": assessment.max_level.value if assessment.max_level else "",
            "max_level_label": assessment.max_level.label if assessment.max_level else "",
            "general": format_points(assessment.general),
            "tasks": format_points(assessment.tasks),
            "total": format_points(assessment.total),
            "problems": assessment.errors[:20],
            "reasons": list(assessment.outcome.reasons) if assessment.outcome else [],
            "fields": {},
        }
    )


# -- the secretary's moves -------------------------------------------------------------------------------------


@login_required
@require_POST
def self_review_return(request, pk: int):
    review = get_self_review_or_deny(request.user, perm=Perm.HOLD_MEETING, pk=pk).self_review
    form = ReasonForm(request.POST, required_message=_("Cần ghi lý do trả lại bản kiểm điểm."))
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            service.self_review_return(actor=request.user, self_review=review, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Đã trả lại bản kiểm điểm của %(name)s.") % {"name": review.member.full_name})
    return redirect("appraisal:self_review", ur_pk=review.unit_review_id, member_pk=review.member_id)


@login_required
@require_POST
def self_review_reopen(request, ur_pk: int, member_pk: int):
    access = get_self_review_or_deny(request.user, perm=Perm.HOLD_MEETING, review=ur_pk, member=member_pk)
    unit_review, member = access.unit_review, access.member
    form = ReopenForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        until = form.cleaned_data["until"]
        try:
            service.self_review_reopen(actor=request.user, unit_review=unit_review, member=member, until=until)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s được nộp bản kiểm điểm đến hết ngày %(day)s.")
                % {"name": member.full_name, "day": until.strftime("%d/%m/%Y")},
            )
    return redirect("appraisal:self_review", ur_pk=unit_review.pk, member_pk=member.pk)


def _form_errors(request, form) -> None:
    """A form's errors as the next page's error messages, as a service's refusal would be."""
    error_messages(request, ValidationError(form.errors.as_data()))


@login_required
def cell_self_reviews(request, cycle_pk: int, unit_pk: int):
    """Every member of the cell with the state of their self-review; who is not required and why; late ones."""
    unit_review = get_review_or_deny(request.user, cycle=cycle_pk, unit=unit_pk, cell=True)
    manager = can(request.user, Perm.HOLD_MEETING, unit_review)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        try:
            count = service.self_review_remind(actor=request.user, unit_review=unit_review)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            if count:
                messages.success(request, _("Đã nhắc %(n)s đảng viên chưa nộp.") % {"n": count})
            else:
                messages.info(request, _("Không có ai cần nhắc thêm hôm nay (đã nhắc, đã nộp hoặc chưa có tài khoản)."))
        return redirect("appraisal:cell_self_reviews", cycle_pk=cycle_pk, unit_pk=unit_pk)
    view = selectors.cell_self_reviews(unit_review)
    return render(
        request,
        "appraisal/self_reviews/cell.html",
        {
            "unit_review": unit_review,
            "cycle": unit_review.cycle,
            "unit": unit_review.unit,
            "view": view,
            "manager": manager,
        },
    )


@login_required
def collective_report(request, cycle_pk: int, unit_pk: int):
    """The cell's own review report (Mẫu 01 in 2025), drafted by the secretary."""
    unit_review = get_review_or_deny(request.user, cycle=cycle_pk, unit=unit_pk, cell=True)
    manager = can(request.user, Perm.HOLD_MEETING, unit_review)
    report = selectors.collective_report_of(unit_review)
    structure = selectors.collective_structure(unit_review)
    errors: list[str] = []
    content = report.content if report else {}
    level = report.proposed_level if report else ""
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        form = SelfReviewForm(request.POST, structure=structure)
        if not form.is_valid():
            errors = form.error_list()
        else:
            try:
                service.collective_report_save(
                    actor=request.user,
                    unit_review=unit_review,
                    entry=form.entry(),
                    complete=form.pressed == "complete",
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Đã lưu báo cáo kiểm điểm của chi bộ."))
                return redirect("appraisal:collective_report", cycle_pk=cycle_pk, unit_pk=unit_pk)
        typed = form.entry()
        content, level = typed.content(structure), typed.level
    assessment = selectors.collective_assessment(unit_review, content)
    editable = manager and not unit_review.cycle.is_closed and unit_review.state in CELL_EDITABLE
    return render(
        request,
        "appraisal/self_reviews/collective.html",
        {
            "unit_review": unit_review,
            "cycle": unit_review.cycle,
            "unit": unit_review.unit,
            "report": report,
            "view": present(structure, content),
            "proposed_level": level,
            "assessment": assessment,
            "errors": errors,
            "editable": editable,
            "panels": object_panels("collective_panels", request, unit_review),  # the report's document (reports)
        },
    )


# -- the cycle's 2025 criteria ---------------------------------------------------------------------------------


@login_required
def cycle_score_criteria(request, pk: int):
    """The issuing committee details the 2025 criteria and their points before the cycle opens."""
    cycle = get_object_or_deny(request.user, ReviewCycle.objects.select_related("issuing_unit"), Perm.VIEW, pk=pk)
    if cycle.rules().method is not RatingMethod.SCORE_100:
        raise Http404
    can_edit = can(request.user, Perm.MANAGE_CYCLES, cycle) and cycle.is_draft
    groups = cycle.score_groups()
    form = ScoreCriteriaForm(request.POST if request.method == "POST" else None, groups=groups)
    error = ""
    if request.method == "POST":
        require(request.user, Perm.MANAGE_CYCLES, cycle)
        if not form.is_valid():
            error = " ".join(form.error_list())
        else:
            try:
                service.cycle_score_criteria_update(actor=request.user, cycle=cycle, data=form.criteria())
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("Đã lưu tiêu chí chấm điểm của kỳ đánh giá."))
                return redirect("appraisal:cycle_score_criteria", pk=cycle.pk)
    general, tasks = form.texts()
    return render(
        request,
        "appraisal/self_reviews/score_criteria.html",
        {"cycle": cycle, "groups": groups, "general": general, "tasks": tasks, "error": error, "can_edit": can_edit},
    )
