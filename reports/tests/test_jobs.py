import datetime
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.django_db(transaction=False)


def start(client, unit):
    return client.post(reverse("reports:job_create", args=[unit.pk, "unit_tree_xlsx"]))


def test_staff_start_wait_download_the_tree_export(personas, client_for, django_capture_on_commit_callbacks):
    client = client_for(personas.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, personas.ward_a)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:job", args=[job.pk])
    assert job.status == JobStatus.DONE
    page = client.get(response.url)
    assert "Tải về" in page.content.decode()
    state = client.get(response.url, HTTP_ACCEPT="application/json").json()
    assert state["status"] == "done" and state["finished"] is True
    assert state["download"] == reverse("reports:download", args=[job.pk])
    download = client.get(reverse("reports:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job.checksum
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    names = [row[1].strip() for row in rows[4:]]
    assert names == ["Đảng ủy phường A", "Chi bộ A1", "Chi bộ A2"]
    assert [row[5] for row in rows[4:]] == [5, 3, 2]
    assert AuditEntry.objects.filter(action="report.requested", object_id=str(job.pk)).exists()


def test_the_job_is_queued_only_on_commit(personas, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start(client_for(personas.staff_a), personas.ward_a)
    assert len(callbacks) == 1
    assert ReportJob.objects.get().status == JobStatus.QUEUED


@pytest.mark.parametrize("persona", ["staff_b", "sec_a2", "member_a1", "outsider"])
def test_wrong_person_cannot_start_see_or_download(personas, client_for, persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(client_for(personas.staff_a), personas.ward_a)
    job = ReportJob.objects.get()
    client = client_for(getattr(personas, persona))
    assert start(client, personas.ward_a).status_code in (403, 404)
    assert ReportJob.objects.count() == 1
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_unknown_kind_is_refused_with_a_message(personas, client_for):
    response = client_for(personas.staff_a).post(
        reverse("reports:job_create", args=[personas.ward_a.pk, "khong-co"]), follow=True
    )
    assert "Không có loại văn bản" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_a_failing_renderer_marks_the_job_failed(personas, monkeypatch):
    from reports import renderers
    from reports.services import job_run

    def boom(unit, params):
        raise RuntimeError("hỏng")

    monkeypatch.setitem(renderers.RENDERERS, "unit_tree_xlsx", renderers.Kind("x", boom, ("xlsx",)))
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    job = job_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED and "hỏng" in job.error


def test_running_a_finished_job_again_changes_nothing(personas):
    from reports.services import job_run

    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    first = job_run(job_id=job.pk)
    again = job_run(job_id=job.pk)
    assert again.checksum == first.checksum and again.finished_at == first.finished_at


def test_job_page_query_count_is_bounded(personas, client_for, django_assert_max_num_queries):
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    client = client_for(personas.staff_a)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200


# --- Official documents as jobs ------------------------------------------------------------------------------


def _held_minutes(personas):
    from reports.tests.factories import hold_meeting, opened_cycle

    cycle = opened_cycle(personas.ward_a)
    review = cycle.unit_reviews.get(unit=personas.cell_a1)
    members = [m.member for m in personas.cell_a1.memberships.order_by("member_id")]
    hold_meeting(review, members)
    return review


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_secretary_renders_the_minutes_and_downloads_them(
    personas, client_for, django_capture_on_commit_callbacks, fmt
):
    from reports.tests.pdftext import docx_text, pdf_text

    review = _held_minutes(personas)
    client = client_for(personas.sec_a1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:job_create", args=[personas.cell_a1.pk, "minutes"]), {"review": review.pk, "format": fmt}
        )
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk]) and job.status == JobStatus.DONE, job.error
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert "no-store" in download["Cache-Control"]
    content = b"".join(download.streaming_content)
    assert job.filename == f"bien-ban-chi-bo-a1.{fmt}"
    text = pdf_text(content) if fmt == "pdf" else docx_text(content)
    assert "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng năm 2021" in text


def test_a_review_of_another_unit_cannot_be_named(personas, client_for):
    review = _held_minutes(personas)
    client = client_for(personas.sec_a2)  # may see cell A2, not A1
    response = client.post(reverse("reports:job_create", args=[personas.cell_a2.pk, "minutes"]), {"review": review.pk})
    assert response.status_code == 404
    client = client_for(personas.staff_a)  # may see both, but the review is not A2's
    response = client.post(reverse("reports:job_create", args=[personas.cell_a2.pk, "minutes"]), {"review": review.pk})
    assert response.status_code == 404
    for bad in ("x", "99999999999999999999"):
        response = client.post(reverse("reports:job_create", args=[personas.cell_a1.pk, "minutes"]), {"review": bad})
        assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_rendering_the_same_version_twice_stores_one_file(personas, media_root):
    from reports.services import job_run

    review = _held_minutes(personas)
    jobs = [
        ReportJob.objects.create(kind="minutes", unit=personas.cell_a1, params={"review": review.pk, "format": "pdf"})
        for _ in range(2)
    ]
    done = [job_run(job_id=job.pk) for job in jobs]
    assert done[0].file.name == done[1].file.name and done[0].checksum == done[1].checksum
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 1


def test_a_redelivered_task_finishes_a_job_its_dead_worker_left_running(personas, media_root):
    from reports.services import job_run

    review = _held_minutes(personas)
    job = ReportJob.objects.create(
        kind="minutes",
        unit=personas.cell_a1,
        params={"review": review.pk, "format": "pdf"},
        status=JobStatus.RUNNING,
        task_id="task-1",
        attempts=1,
        started_at=timezone.now(),
    )
    assert job_run(job_id=job.pk, task_id="another-task").status == JobStatus.RUNNING  # a live run holds it
    finished = job_run(job_id=job.pk, task_id="task-1")  # the same task delivered again: its worker died
    assert finished.status == JobStatus.DONE and finished.attempts == 2
    assert job_run(job_id=job.pk, task_id="task-1").finished_at == finished.finished_at  # exactly once
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 1


def test_a_job_running_far_too_long_is_shown_failed_and_offered_again(
    personas, client_for, settings, django_capture_on_commit_callbacks
):
    review = _held_minutes(personas)
    job = ReportJob.objects.create(
        kind="minutes",
        unit=personas.cell_a1,
        params={"review": review.pk, "format": "pdf"},
        status=JobStatus.RUNNING,
        task_id="dead",
        attempts=1,
        started_at=timezone.now() - datetime.timedelta(seconds=settings.REPORTS_STALE_AFTER + 60),
    )
    client = client_for(personas.sec_a1)
    state = client.get(reverse("reports:job", args=[job.pk]), HTTP_ACCEPT="application/json").json()
    assert state["status"] == "failed" and "Quá thời gian" in state["error"]
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Tạo lại" in page
    assert client_for(personas.sec_a2).post(reverse("reports:again", args=[job.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.sec_a1).post(reverse("reports:again", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert AuditEntry.objects.filter(action="report.retried", object_id=str(job.pk)).exists()


def test_a_transient_error_is_retried_then_the_job_finishes(personas, monkeypatch):
    from django.db import OperationalError

    from reports import renderers
    from reports.tasks import run_report_job

    calls = []
    real = renderers.RENDERERS["unit_tree_xlsx"]

    def flaky(unit, params):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real.produce(unit, params)

    monkeypatch.setitem(renderers.RENDERERS, "unit_tree_xlsx", renderers.Kind("x", flaky, ("xlsx",)))
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a, params={"format": "xlsx"})
    run_report_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert len(calls) == 3 and job.status == JobStatus.DONE


def test_a_transient_error_that_outlasts_the_retries_fails_the_job(personas, monkeypatch):
    from django.db import OperationalError

    from reports import renderers
    from reports.tasks import run_report_job

    def down(unit, params):
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(renderers.RENDERERS, "unit_tree_xlsx", renderers.Kind("x", down, ("xlsx",)))
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a, params={"format": "xlsx"})
    run_report_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "could not connect" in job.error


def test_unit_tree_sheet_writes_formula_like_names_as_text_exactly(personas):
    import io

    from openpyxl import load_workbook

    from reports.renderers import unit_tree_xlsx

    personas.cell_a1.abbreviation = "=cmd|' /C calc'!A0"
    personas.cell_a1.save()
    sheet = load_workbook(io.BytesIO(unit_tree_xlsx(personas.ward_a, {}).content)).worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("target", ["a b", "reports:job", "javascript:alert(1)", "//evil.example/x", "\x00"])
def test_a_refused_request_goes_back_only_to_a_path_of_this_site(personas, client_for, target):
    """An unknown kind is refused and the page returns to "next" only when it is a path here: any other text was
    read by redirect() as a view's name (NoReverseMatch, a 500; found by the bad-input property tests)."""
    client = client_for(personas.staff_a)
    client.raise_request_exception = False
    response = client.post(reverse("reports:job_create", args=[personas.ward_a.pk, "khong-co"]), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("party_units:detail", args=[personas.ward_a.pk])
    back = client.post(reverse("reports:job_create", args=[personas.ward_a.pk, "khong-co"]), {"next": "/danh-gia/"})
    assert back.url == "/danh-gia/"
