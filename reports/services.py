"""Start a report job (queued on commit) and run it (in a Celery worker, or in-process without a broker)."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from party_units.access import Actor, Perm, require_actor
from party_units.models import PartyUnit

from .models import CommitteeTerm, IssuedNumber, JobStatus, NumberSequence, ReportJob
from .renderers import RENDERERS, Rendered

logger = logging.getLogger(__name__)


class ReportError(Exception):
    pass


# Errors worth another try: the database or the broker went away for a moment. Anything else fails the job.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def job_start(
    *, actor: Actor, kind: str, unit: PartyUnit, params: dict | None = None, owner_id: int | None = None
) -> ReportJob:
    if kind not in RENDERERS:
        raise ReportError(f"Không có loại văn bản “{kind}”.")
    params = dict(params or {})
    formats = RENDERERS[kind].formats
    params.setdefault("format", formats[0])
    if params["format"] not in formats:
        raise ReportError(f"Văn bản này không có định dạng “{params['format']}”.")
    with transaction.atomic():
        job = ReportJob.objects.create(kind=kind, unit=unit, params=params, requested_by=actor, owner_id=owner_id)
        audit_log(
            actor=actor,
            action="report.requested",
            obj=job,
            after={"kind": kind, "unit_id": unit.pk, "unit": unit.name, **params},
        )
        _queue(job)
    return job


def document_request(
    *,
    actor: Actor,
    kind: str,
    unit: PartyUnit,
    params: dict,
    owner_id: int | None = None,
    issue: bool = False,
    review=None,
    cycle=None,
    rating=None,
) -> ReportJob:
    """A document asked for on a page: when ``issue``, its number first (a cell's minutes or report, a committee's
    summary: ``document_issue``; a decision re-rating ``rating``: ``rerating_issue``), so the document carries it,
    then its job (``job_start``), in one transaction: a number issued for a job that could not start is not kept.
    The records are the ones the caller fetched through their access checks; each write checks its own right."""
    with transaction.atomic():
        if issue and kind in ISSUERS:
            document_issue(actor=actor, kind=kind, unit=unit, review=review, cycle=cycle)
        elif issue and rating is not None:
            rerating_issue(actor=actor, unit=unit, rating=rating)
        return job_start(actor=actor, kind=kind, unit=unit, params=params, owner_id=owner_id)


def cycle_archive_request(*, actor: Actor, cycle) -> ReportJob:
    """The archive of a closed cycle asked for by the committee that issued it (or one above it): its job and the
    audit entry of the request, together."""
    require_actor(actor, Perm.MANAGE_CYCLES, cycle)
    if not cycle.is_closed:
        raise ReportError(_("Chỉ lập hồ sơ lưu trữ cho kỳ đánh giá đã kết thúc."))
    with transaction.atomic():
        job = job_start(actor=actor, kind="cycle_archive", unit=cycle.issuing_unit, params={"cycle": cycle.pk})
        audit_log(actor=actor, action="review_cycle.archive_requested", obj=cycle, after={"job": job.pk})
    return job


def _queue(job: ReportJob) -> None:
    # The worker must never see a job row before it is committed.
    transaction.on_commit(lambda: _send(job))


def _send(job: ReportJob) -> bool:
    """Hand the job to the queue. When the broker cannot be reached the job is kept (``sent`` False, still
    queued): the request is not lost, its page says so, and it is sent again by ``send_pending``."""
    from kombu.exceptions import OperationalError as BrokerUnreachable

    from .tasks import run_report_job

    try:
        run_report_job.delay(job.pk)
    except BrokerUnreachable:
        logger.warning("report job %s kept: the task queue cannot be reached", job.pk)
        if job.sent:
            ReportJob.objects.filter(pk=job.pk).update(sent=False)
            job.sent = False
        return False
    if not job.sent:
        ReportJob.objects.filter(pk=job.pk).update(sent=True)
        job.sent = True
    return True


def send_pending(job: ReportJob | None = None) -> int:
    """Send again the jobs kept while the queue was unreachable: ``job`` alone (its page asks for its state), or
    all of them (a worker starting: reports.signals). A job sent twice runs once (``_claim``). Returns how many
    went."""
    pending = [job] if job is not None else ReportJob.objects.filter(status=JobStatus.QUEUED, sent=False)
    sent = 0
    for each in pending:
        if each.status != JobStatus.QUEUED or each.sent:
            continue
        if not _send(each):
            break  # still unreachable: the others wait too
        sent += 1
    return sent


def job_retry(*, actor: Actor, job: ReportJob) -> ReportJob:
    """Offer a failed (or dead) job again: back to the queue, same kind and parameters, same row."""
    require_actor(actor, Perm.VIEW, job)
    with transaction.atomic():
        locked = ReportJob.objects.select_for_update().get(pk=job.pk)
        if locked.is_stale:
            _expire(locked)
        if locked.status != JobStatus.FAILED:
            raise ReportError("Chỉ tạo lại được văn bản bị lỗi.")
        locked.status, locked.error, locked.task_id = JobStatus.QUEUED, "", ""
        locked.started_at = locked.finished_at = None
        locked.created_at = timezone.now()
        locked.progress_done = 0
        locked.save()
        audit_log(actor=actor, action="report.retried", obj=locked, after={"kind": locked.kind})
        _queue(locked)
    return locked


def _expire(job: ReportJob) -> None:
    job.status = JobStatus.FAILED
    job.error = "Quá thời gian tạo văn bản: tiến trình tạo văn bản đã dừng. Hãy tạo lại."
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def job_expire_if_stale(job: ReportJob) -> ReportJob:
    """A job queued or running far longer than any render is shown as failed (and can be offered again)."""
    if not job.is_stale:
        return job
    with transaction.atomic():
        locked = ReportJob.objects.select_for_update().get(pk=job.pk)
        if locked.is_stale:
            _expire(locked)
    job.refresh_from_db()
    return job


def _claim(job_id: int, task_id: str) -> tuple[ReportJob, int] | tuple[ReportJob, None]:
    """Take the job for this run, or leave it (None) when it is finished or another live run holds it.

    A job "running" under the same task id is a redelivery: the worker that ran it died (acks_late with
    reject_on_worker_lost puts the message back), so this run takes it over."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().select_related("unit").get(pk=job_id)
        if job.is_finished:
            return job, None
        if job.status == JobStatus.RUNNING and not (task_id and job.task_id == task_id) and not job.is_stale:
            return job, None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.task_id = task_id
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "task_id", "started_at", "error"])
        return job, job.attempts


def stored_name(content: bytes, extension: str) -> str:
    """Files are named by their SHA-256: rendering the same version again finds the same file."""
    digest = hashlib.sha256(content).hexdigest()
    return f"reports/{digest[:2]}/{digest}.{extension}"


def _store(rendered: Rendered) -> tuple[str, str]:
    """Save the content under its checksum name unless it is there already: (name saved, checksum name)."""
    canonical = stored_name(rendered.content, rendered.filename.rsplit(".", 1)[-1])
    if default_storage.exists(canonical):
        return canonical, canonical
    return default_storage.save(canonical, ContentFile(rendered.content)), canonical


def job_run(*, job_id: int, task_id: str = "") -> ReportJob:
    """Render and store one job, exactly once: a finished job is left alone; a second run of a job that a
    live run holds does nothing; only the run that holds the latest attempt may finish it."""
    job, attempt = _claim(job_id, task_id)
    if attempt is None:
        return job
    try:
        rendered = RENDERERS[job.kind].produce(job.unit, {**job.params, "_job": job.pk})
    except TRANSIENT_ERRORS:
        with transaction.atomic():  # back to the queue: the task's retry takes it again
            ReportJob.objects.filter(pk=job_id, attempts=attempt).update(status=JobStatus.QUEUED, task_id="")
        raise
    except Exception as exc:  # noqa: BLE001 - any renderer failure is shown on the job page
        return _finish(job_id, attempt, error=f"{type(exc).__name__}: {exc}"[:2000])
    name, canonical = _store(rendered)
    finished = _finish(job_id, attempt, rendered=rendered, name=name)
    if name != canonical and finished.file.name != name:
        default_storage.delete(name)  # a copy saved beside a concurrent run's file: no orphan left behind
    return finished


def _finish(job_id: int, attempt: int, *, rendered: Rendered | None = None, name: str = "", error: str = ""):
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.attempts != attempt or job.status != JobStatus.RUNNING:
            return job  # another run took the job over (or it was expired): its result stands
        job.finished_at = timezone.now()
        if rendered is None:
            job.status, job.error = JobStatus.FAILED, error
        else:
            job.status = JobStatus.DONE
            job.file.name = name
            job.filename = rendered.filename
            job.content_type = rendered.content_type
            job.size = len(rendered.content)
            job.checksum = hashlib.sha256(rendered.content).hexdigest()
        job.save()
    return job


def job_fail(*, job_id: int, error: str) -> ReportJob:
    """Give up on a job (its transient error outlasted the retries)."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if not job.is_finished:
            job.status, job.error, job.finished_at = JobStatus.FAILED, error[:2000], timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
    return job


def job_progress(job_id: int, done: int, total: int) -> None:
    """A bulk job's progress, written as it goes (outside the job's lock: the page reads it while it runs)."""
    ReportJob.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)


# --- The document number register -------------------------------------------------------------------------

TERM_YEARS = 5  # a committee's term when it has recorded none: the five-year congress terms (…, 2020, 2025, …)
TERM_ANCHOR_YEAR = 2020


def term_start_for(unit: PartyUnit, day: datetime.date) -> datetime.date:
    """The start of the unit's term that covers ``day``: its recorded term, else the five-year congress term."""
    term = (
        CommitteeTerm.objects.filter(unit=unit, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("-starts_on")
        .first()
    )
    if term is not None:
        return term.starts_on
    year = TERM_ANCHOR_YEAR + TERM_YEARS * ((day.year - TERM_ANCHOR_YEAR) // TERM_YEARS)
    return datetime.date(year, 1, 1)


def number_issue(
    *, actor: Actor, unit: PartyUnit, doc_type: str, subject: str, title: str, day: datetime.date | None = None
) -> IssuedNumber:
    """Give the document ``subject`` its number in ``unit``'s register: the next number of ``doc_type`` in the
    term, from 01. A subject already issued keeps its number (issuing twice changes nothing); a number once
    given is never given again, also when two people issue at the same moment (the sequence row is locked)."""
    require_actor(actor, Perm.HOLD_MEETING if unit.is_cell else Perm.APPROVE, unit)
    day = day or timezone.localdate()
    term_start = term_start_for(unit, day)
    with transaction.atomic():
        # Create the sequence row if it is missing without failing when another transaction creates it at the
        # same time (ON CONFLICT DO NOTHING), then lock it: the lock serialises everyone issuing this type.
        NumberSequence.objects.bulk_create(
            [NumberSequence(unit=unit, doc_type=doc_type, term_start=term_start)], ignore_conflicts=True
        )
        sequence = NumberSequence.objects.select_for_update().get(unit=unit, doc_type=doc_type, term_start=term_start)
        existing = IssuedNumber.objects.filter(unit=unit, subject=subject).first()
        if existing is not None:
            return existing
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        issued = IssuedNumber.objects.create(
            unit=unit,
            doc_type=doc_type,
            term_start=term_start,
            number=sequence.last_number,
            code=f"{sequence.last_number:02d}-{doc_type}/{unit.abbreviation}",
            subject=subject,
            title=title[:300],
            issued_on=day,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(
            actor=actor,
            action="document.issued",
            obj=issued,
            after={"code": issued.code, "subject": subject, "title": issued.title},
        )
    return issued


def issued_number(unit: PartyUnit, subject: str) -> IssuedNumber | None:
    return IssuedNumber.objects.filter(unit=unit, subject=subject).first()


# --- Issuing the documents a cell or a committee signs -----------------------------------------------------


def _cell_paper_issue(
    actor: Actor, review, *, kind: str, doc_type: str, title: str, day: datetime.date | None, too_early: str
) -> IssuedNumber:
    """The number of a paper a cell issues on its work item (``kind``: its minutes, its own report), once the cell
    has sent its proposals: before that the paper can still change (``too_early`` says so)."""
    from appraisal.services.progress import CELL_EDITABLE

    from .selectors import period_words, subject_key

    if review.state in CELL_EDITABLE:
        raise ReportError(too_early)
    return number_issue(
        actor=actor,
        unit=review.unit,
        doc_type=doc_type,
        subject=subject_key(kind, review.pk),
        title=f"{title} {period_words(review)}",
        day=day,
    )


def _minutes_issue(actor: Actor, review) -> IssuedNumber:
    from appraisal.models import ReviewMeeting

    meeting = ReviewMeeting.objects.filter(unit_review=review).first()
    if meeting is None or meeting.held_on is None:
        raise ReportError(_("Chưa ghi ngày họp: chưa có biên bản để cấp số."))
    return _cell_paper_issue(
        actor,
        review,
        kind="minutes",
        doc_type="BB",
        title="Biên bản hội nghị kiểm điểm, đánh giá, xếp loại chất lượng",
        day=meeting.held_on,  # the minutes are dated the day of the meeting: the number is of that day's term
        too_early=_(
            "Chỉ cấp số biên bản sau khi chi bộ đã gửi đề nghị xếp loại lên cấp trên: trước đó kết quả hội nghị "
            "còn sửa được."
        ),
    )


def _collective_report_issue(actor: Actor, review) -> IssuedNumber:
    from appraisal.models import CollectiveReport, SelfReviewState

    report = CollectiveReport.objects.filter(unit_review=review).first()
    if report is None or report.state == SelfReviewState.DRAFT:
        raise ReportError(_("Báo cáo kiểm điểm của chi bộ chưa hoàn thành: chưa cấp số được."))
    return _cell_paper_issue(
        actor,
        review,
        kind="collective_report",
        doc_type="BC",
        title="Báo cáo kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng",
        day=timezone.localtime(report.submitted_at).date() if report.submitted_at else None,
        too_early=_(
            "Chỉ cấp số báo cáo sau khi chi bộ đã gửi đề nghị xếp loại lên cấp trên: trước đó báo cáo còn sửa được."
        ),
    )


def _summary_issue(actor: Actor, unit: PartyUnit, cycle) -> IssuedNumber:
    from .selectors import subject_key

    if unit.is_cell:
        raise ReportError(_("Báo cáo tổng hợp do cấp ủy ban hành, không phải chi bộ."))
    if not unit.is_within(cycle.issuing_unit):
        raise ReportError(_("Đơn vị này không thuộc phạm vi của kỳ đánh giá."))
    period = cycle.period_label
    return number_issue(
        actor=actor,
        unit=unit,
        doc_type="BC",
        # The cascade's root: the same report whether it is asked for under the district's cycle or the ward's.
        subject=subject_key("summary", cycle.root_id_or_self),
        title=(
            "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên "
            f"{period[:1].lower()}{period[1:]}"
        ),
    )


def rerating_issue(*, actor: Actor, unit: PartyUnit, rating) -> IssuedNumber:
    """Give a decision re-rating (Mẫu 03) of ``rating`` its number in the register of ``unit``, the committee that
    decided it (``number_issue``: once, audited)."""
    from .selectors import rerating_subject

    subject = rating.member.full_name if rating.member_id else rating.unit.name
    period = rating.unit_review.cycle.period_label
    return number_issue(
        actor=actor,
        unit=unit,
        doc_type="QĐ",
        subject=rerating_subject(rating),
        title=f"Quyết định xếp loại lại chất lượng {period[:1].lower()}{period[1:]} đối với {subject}",
    )


# Who issues each kind: the cell's secretary its minutes and own report, the committee its summary.
ISSUERS: dict[str, Perm] = {
    "minutes": Perm.HOLD_MEETING,
    "collective_report": Perm.HOLD_MEETING,
    "summary": Perm.APPROVE,
}


def document_issue(*, actor: Actor, kind: str, unit: PartyUnit, review=None, cycle=None) -> IssuedNumber:
    """Give a cell's minutes (BB) or own report (BC), or a committee's summary report (BC), its number from
    ``unit``'s register (``number_issue``: once, audited). The minutes and the cell's report are issued once the
    cell has sent its proposals (before that they can still change); issuing again keeps the number."""
    if kind not in ISSUERS:
        raise ReportError(_("Văn bản này không cấp số."))
    require_actor(actor, ISSUERS[kind], unit)
    if kind == "minutes":
        return _minutes_issue(actor, review)
    if kind == "collective_report":
        return _collective_report_issue(actor, review)
    return _summary_issue(actor, unit, cycle)
