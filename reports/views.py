from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.access import get_rating_or_deny, get_review_or_deny, get_self_review_or_deny
from appraisal.models import CollectiveReport, Rating, ReviewCycle, SelfReviewVersion, UnitReview
from party_units.access import Perm, can, get_object_or_deny, get_unit_or_deny, require
from party_units.models import PartyUnit

from .forms import DocumentRequestForm
from .models import JobStatus, ReportJob
from .renderers import RENDERERS
from .selectors import is_rerated, self_review_version
from .services import (
    ISSUERS,
    ReportError,
    cycle_archive_request,
    document_request,
    job_expire_if_stale,
    job_retry,
    send_pending,
)


@dataclass
class _Asked:
    """A document request's records, each fetched through its access check and tied to the unit, so nobody
    renders a record of a unit they may not see by changing an id; the job's parameters; the account the
    document belongs to, if any."""

    params: dict
    owner_id: int | None = None
    review: UnitReview | None = None
    cycle: ReviewCycle | None = None
    rating: Rating | None = None


def _self_review(request, unit, form: DocumentRequestForm, asked: _Asked) -> None:
    """The self-review named by the form, through its own access check (its member, or whoever may see its
    cell), and the version the viewer gets (``self_review_version``)."""
    review = get_self_review_or_deny(request.user, pk=form.value("self_review"), of_unit=unit).self_review
    assert review is not None  # fetched by its id
    try:
        version = self_review_version(review, viewer_id=request.user.pk, asked=form.value("version"))
    except SelfReviewVersion.DoesNotExist:
        raise Http404 from None
    if version is None:
        raise ReportError(_("Đảng viên chưa nộp bản kiểm điểm."))
    asked.params.update(self_review=review.pk, version=version)
    asked.owner_id = review.member.user_id


def _rerating(request, unit, form: DocumentRequestForm, asked: _Asked) -> None:
    """A decision re-rating (Mẫu 03): the rating through its access check, decided by ``unit`` (the committee
    above its cell), whose level the committee changed; issuing it needs the right to approve there."""
    rating = get_rating_or_deny(request.user, perm=Perm.APPROVE, pk=form.value("rating"), decided_by=unit)
    if not is_rerated(rating):
        raise ReportError(_("Mức xếp loại này không được cấp ủy điều chỉnh: không có quyết định xếp loại lại."))
    asked.params["rating"] = rating.pk
    asked.rating = rating


def _asked(request, kind: str, unit, form: DocumentRequestForm) -> _Asked:
    """The records the request names, through their access checks; a format the kind lacks is refused after them."""
    if form.names_no_record:
        raise Http404  # an id that is missing or no number names no record
    asked = _Asked(params={})
    needs = RENDERERS[kind].needs
    if "self_review" in needs:
        _self_review(request, unit, form, asked)
    if "review" in needs:
        asked.review = get_review_or_deny(request.user, pk=form.value("review"), of_unit=unit)
        asked.params["review"] = asked.review.pk
        if kind == "collective_report" and not CollectiveReport.objects.filter(unit_review=asked.review).exists():
            raise ReportError(_("Chi bộ chưa lập báo cáo kiểm điểm."))
    if "cycle" in needs:
        asked.cycle = get_object_or_deny(
            request.user, ReviewCycle.objects.select_related("issuing_unit"), Perm.VIEW, pk=form.value("cycle")
        )
        asked.params["cycle"] = asked.cycle.pk
    if form.value("issue") and kind in ISSUERS:
        require(request.user, ISSUERS[kind], unit)  # a right the page's viewer may lack
    if "rating" in needs:
        _rerating(request, unit, form, asked)
    if form.format_error:
        raise ReportError(form.format_error)
    asked.params = {"format": form.value("format"), **asked.params}
    return asked


def _back(request, unit, form: DocumentRequestForm | None = None):
    """Where a refused request returns: the page it came from (this site only), else the unit's page."""
    target = (form.value("next") if form is not None else "") or ""
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
    known = RENDERERS.get(kind)
    form = DocumentRequestForm(request.POST, needs=known.needs if known else (), formats=known.formats if known else ())
    try:
        if known is None or not known.direct:
            raise ReportError(_("Không có loại văn bản “%(kind)s”.") % {"kind": kind})
        asked = _asked(request, kind, unit, form)
        job = document_request(
            actor=request.user,
            kind=kind,
            unit=unit,
            params=asked.params,
            owner_id=asked.owner_id,
            issue=bool(form.value("issue")),
            review=asked.review,
            cycle=asked.cycle,
            rating=asked.rating,
        )
    except ReportError as exc:
        messages.error(request, str(exc))
        return _back(request, unit, form)
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
    try:
        job = cycle_archive_request(actor=request.user, cycle=cycle)
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("appraisal:cycle_detail", pk=cycle.pk)
    return redirect("reports:job", pk=job.pk)
