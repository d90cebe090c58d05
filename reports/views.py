from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.models import CollectiveReport, Rating, ReviewCycle, SelfReview, UnitReview
from audit.services import audit_log
from party_units.access import Perm, can, get_object_or_deny, get_unit_or_deny, require
from party_units.models import PartyUnit

from .models import JobStatus, ReportJob
from .renderers import RENDERERS
from .selectors import is_rerated, rerating_subject
from .services import (
    ISSUERS,
    ReportError,
    document_issue,
    job_expire_if_stale,
    job_retry,
    job_start,
    number_issue,
    send_pending,
)


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number < 2**31:
        raise Http404
    return number


def _self_review(request, unit, params: dict) -> object:
    """The self-review named by the form, through its own access check (its member, or whoever may see its
    cell): the member renders the record as it stands, anyone else the last version the member submitted."""
    review = get_object_or_deny(
        request.user,
        SelfReview.objects.select_related("unit_review__unit", "member"),
        Perm.VIEW,
        pk=_int(request.POST.get("self_review")),
    )
    if review.unit_review.unit_id != unit.pk:
        raise Http404
    params["self_review"] = review.pk
    asked = request.POST.get("version", "")
    if asked:  # a version the page is showing ("Lần 1")
        number = _int(asked)
        if not review.versions.filter(number=number).exists():
            raise Http404
        params["version"] = number
    elif review.member.user_id is not None and review.member.user_id == request.user.pk:
        params["version"] = 0
    else:
        last = review.versions.order_by("-number").values_list("number", flat=True).first()
        if last is None:
            raise ReportError(_("Đảng viên chưa nộp bản kiểm điểm."))
        params["version"] = last
    return review.member.user_id


def _rerating(request, unit, params: dict) -> None:
    """A decision re-rating (Mẫu 03): the rating through its access check, decided by ``unit`` (the committee
    above its cell), whose level the committee changed; "issue" gives it its number from the register first."""
    rating = get_object_or_deny(
        request.user,
        Rating.objects.select_related("member", "unit", "unit_review__cycle", "unit_review__unit"),
        Perm.VIEW,
        pk=_int(request.POST.get("rating")),
    )
    if rating.unit_review.unit.parent_id != unit.pk:
        raise Http404
    require(request.user, Perm.APPROVE, unit)
    if not is_rerated(rating):
        raise ReportError(_("Mức xếp loại này không được cấp ủy điều chỉnh: không có quyết định xếp loại lại."))
    params["rating"] = rating.pk
    if request.POST.get("issue"):
        subject = rating.member.full_name if rating.member_id else rating.unit.name
        period = rating.unit_review.cycle.period_label
        number_issue(
            actor=request.user,
            unit=unit,
            doc_type="QĐ",
            subject=rerating_subject(rating),
            title=f"Quyết định xếp loại lại chất lượng {period[:1].lower()}{period[1:]} đối với {subject}",
        )


def _params(request, kind: str, unit) -> tuple[dict, object]:
    """The job's parameters from the form, each record fetched through the access check and tied to the unit,
    so nobody renders a record of a unit they may not see by changing an id; and the account the document
    belongs to, if any."""
    params = {"format": request.POST.get("format") or RENDERERS[kind].formats[0]}
    needs = RENDERERS[kind].needs
    owner = None
    if "self_review" in needs:
        owner = _self_review(request, unit, params)
    review = cycle = None
    if "review" in needs:
        review = get_object_or_deny(
            request.user, UnitReview.objects.select_related("unit"), Perm.VIEW, pk=_int(request.POST.get("review"))
        )
        if review.unit_id != unit.pk:
            raise Http404
        params["review"] = review.pk
        if kind == "collective_report" and not CollectiveReport.objects.filter(unit_review=review).exists():
            raise ReportError(_("Chi bộ chưa lập báo cáo kiểm điểm."))
    if "cycle" in needs:
        cycle = get_object_or_deny(
            request.user,
            ReviewCycle.objects.select_related("issuing_unit"),
            Perm.VIEW,
            pk=_int(request.POST.get("cycle")),
        )
        params["cycle"] = cycle.pk
    if request.POST.get("issue") and kind in ISSUERS:
        # Issued before it is rendered, so the document carries its number; a right the page's viewer may lack.
        require(request.user, ISSUERS[kind], unit)
        document_issue(actor=request.user, kind=kind, unit=unit, review=review, cycle=cycle)
    if "rating" in needs:
        _rerating(request, unit, params)
    if "member" in needs:
        params["member"] = _int(request.POST.get("member"))
    return params, owner


def _back(request, unit):
    """Where a refused request returns: the page it came from (this site only), else the unit's page."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)  # never redirect(): it reads any other text as a view's name
    return redirect("party_units:detail", pk=unit.pk)


@login_required
@require_POST
def job_create(request, unit_pk: int, kind: str):
    # The access check: a member's own paper is checked on the record (its member may render it without any
    # right on the unit); every other document on the unit.
    if kind in RENDERERS and "self_review" in RENDERERS[kind].needs:
        unit = get_object_or_404(PartyUnit, pk=unit_pk)
    else:
        unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    try:
        if kind not in RENDERERS or not RENDERERS[kind].direct:
            raise ReportError(_("Không có loại văn bản “%(kind)s”.") % {"kind": kind})
        with transaction.atomic():  # a number issued for the job is kept only with the job
            params, owner = _params(request, kind, unit)
            job = job_start(actor=request.user, kind=kind, unit=unit, params=params, owner_id=owner)
    except ReportError as exc:
        messages.error(request, str(exc))
        return _back(request, unit)
    return redirect("reports:job", pk=job.pk)  # a job kept while the queue is down says so on its page


def kept_message() -> str:
    return _(
        "Hàng đợi tạo văn bản tạm thời không hoạt động. Yêu cầu đã được lưu và sẽ được thực hiện khi hàng đợi "
        "hoạt động lại; không cần gửi lại."
    )


def _state(job: ReportJob) -> dict:
    return {
        "status": job.status,
        "finished": job.is_finished,
        "label": job.get_status_display(),
        "error": job.error if job.status == JobStatus.FAILED else "",
        "progress": [job.progress_done, job.progress_total] if job.progress_total else None,
        "download": reverse("reports:download", args=[job.pk]) if job.status == JobStatus.DONE else None,
        "filename": job.filename,
        "kept": not job.sent,
    }


@login_required
def job_detail(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    job = job_expire_if_stale(job)
    if job.status == JobStatus.QUEUED and not job.sent:
        send_pending(job)  # the queue may be back
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(_state(job))
    kind = RENDERERS.get(job.kind)
    label = kind.label if kind else job.kind
    return render(
        request,
        "reports/job_detail.html",
        {
            "job": job,
            "label": label,
            "unit_visible": can(request.user, Perm.VIEW, job.unit),
            "kept": kept_message(),
        },
    )


@login_required
@require_POST
def job_again(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    try:
        job_retry(actor=request.user, job=job)
    except ReportError as exc:
        messages.error(request, str(exc))
    return redirect("reports:job", pk=job.pk)


@login_required
def job_download(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type)


@login_required
@require_POST
def cycle_archive(request, cycle_pk: int):
    """The committee that issued a closed cycle (or one above it) asks for its archive: a report job (audited)."""
    cycle = get_object_or_deny(
        request.user, ReviewCycle.objects.select_related("issuing_unit"), Perm.MANAGE_CYCLES, pk=cycle_pk
    )
    if not cycle.is_closed:
        messages.error(request, _("Chỉ lập hồ sơ lưu trữ cho kỳ đánh giá đã kết thúc."))
        return redirect("appraisal:cycle_detail", pk=cycle.pk)
    with transaction.atomic():
        job = job_start(actor=request.user, kind="cycle_archive", unit=cycle.issuing_unit, params={"cycle": cycle.pk})
        audit_log(actor=request.user, action="review_cycle.archive_requested", obj=cycle, after={"job": job.pk})
    return redirect("reports:job", pk=job.pk)
