"""Issuing the documents a cell or a committee signs — the minutes (BB) and the cell's own report (BC) by the
secretary, the summary report (BC) by the committee — from the pages that render their drafts: the number from the
unit's register in the PDF and the .docx, once (issuing again keeps it), audited; nobody else may issue, and a
refused request writes no number."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import UnitReview
from appraisal.selectors.self_reviews import collective_structure
from appraisal.services.self_reviews import collective_report_save
from appraisal.tests.factories import entry_of, form_data, open_review
from audit.models import AuditEntry
from reports.models import IssuedNumber, JobStatus, ReportJob

from .factories import hold_meeting, opened_cycle
from .pdftext import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def sent(review):
    """The cell has sent its proposals up: its meeting's record can no longer change."""
    UnitReview.objects.filter(pk=review.pk).update(state="submitted")


@pytest.fixture
def held(personas):
    """Cell A1's 2021 meeting held on 16/11/2021 (its work item not yet sent)."""
    cycle = opened_cycle(personas.ward_a)
    review = cycle.unit_reviews.get(unit=personas.cell_a1)
    hold_meeting(review, [m.member for m in personas.cell_a1.memberships.order_by("member_id")])
    return review


def post(client, unit, kind, field, value, *, issue=True, fmt="pdf", **extra):
    data = {field: value, "format": fmt, **extra}
    if issue:
        data["issue"] = "1"
    return client.post(reverse("reports:job_create", args=[unit.pk, kind]), data)


def download(client, job, fmt="pdf") -> str:
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return pdf_text(content) if fmt == "pdf" else docx_text(content)


def meeting_url(review):
    return reverse("appraisal:meeting", args=[review.cycle_id, review.unit_id])


def test_the_secretary_issues_the_minutes_with_their_number_once(
    held, personas, client_for, django_capture_on_commit_callbacks
):
    sent(held)
    client = client_for(personas.sec_a1)
    page = client.get(meeting_url(held)).content.decode()
    assert "Biên bản hội nghị: bản nháp, chưa cấp số." in page
    assert 'name="issue"' in page and "data-confirm=" in page and "Cấp số và ban hành (PDF)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, personas.cell_a1, "minutes", "review", held.pk)
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk])
    assert job.status == JobStatus.DONE, job.error
    issued = IssuedNumber.objects.get()
    assert (issued.code, issued.unit, issued.subject) == ("01-BB/CB", personas.cell_a1, f"minutes:{held.pk}")
    assert issued.issued_on == datetime.date(2021, 11, 16)  # the minutes' own date, not the day it was issued
    assert "Số 01-BB/CB" in download(client, job)
    entry = AuditEntry.objects.get(action="document.issued")
    assert entry.object_id == str(issued.pk) and entry.actor_id == personas.sec_a1.pk
    assert entry.after["code"] == "01-BB/CB"
    # Shown as issued on the page; the issue button is gone; the rendering (also .docx) carries the number.
    page = client.get(meeting_url(held)).content.decode()
    assert "Biên bản hội nghị đã ban hành: số 01-BB/CB, ngày 16/11/2021." in page
    assert 'name="issue"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        post(client, personas.cell_a1, "minutes", "review", held.pk, issue=False, fmt="docx")
    assert "Số 01-BB/CB" in download(client, ReportJob.objects.order_by("-pk").first(), "docx")
    # Issuing again (a second tab, a double click) keeps the number and writes nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, personas.cell_a1, "minutes", "review", held.pk, fmt="docx")
    assert IssuedNumber.objects.count() == 1
    assert AuditEntry.objects.filter(action="document.issued").count() == 1


def test_the_draft_stays_without_a_number_and_the_minutes_of_an_open_meeting_are_not_issued(
    held, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.sec_a1)
    page = client.get(meeting_url(held)).content.decode()
    assert 'name="issue"' not in page
    assert "Cấp số biên bản sau khi gửi đề nghị xếp loại lên cấp trên." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, personas.cell_a1, "minutes", "review", held.pk, next=meeting_url(held))
    assert response.url == meeting_url(held)
    assert not IssuedNumber.objects.exists() and not ReportJob.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Chỉ cấp số biên bản sau khi chi bộ đã gửi đề nghị xếp loại lên cấp trên: trước đó kết quả hội nghị còn "
        "sửa được."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        post(client, personas.cell_a1, "minutes", "review", held.pk, issue=False)
    assert "Số -BB/CB" in download(client, ReportJob.objects.get())  # the draft: the number left blank


@pytest.mark.parametrize("persona", ["staff_a", "member_a1", "sec_a2", "staff_b", "outsider"])
def test_nobody_but_the_cells_secretary_issues_its_minutes(held, personas, client_for, persona):
    sent(held)
    response = post(client_for(getattr(personas, persona)), personas.cell_a1, "minutes", "review", held.pk)
    assert response.status_code in (403, 404)
    assert not IssuedNumber.objects.exists() and not ReportJob.objects.exists()
    assert not AuditEntry.objects.filter(action="document.issued").exists()


def test_the_ward_staff_sees_the_issued_minutes_but_no_button(held, personas, client_for):
    sent(held)
    post(client_for(personas.sec_a1), personas.cell_a1, "minutes", "review", held.pk)
    page = client_for(personas.staff_a).get(meeting_url(held)).content.decode()
    assert "Biên bản hội nghị đã ban hành: số 01-BB/CB" in page and 'name="issue"' not in page


def test_the_cells_own_report_is_issued_once_completed_and_sent(
    personas, client_for, django_capture_on_commit_callbacks
):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2025)
    collective_report_save(
        actor=personas.sec_a1,
        unit_review=ur,
        entry=entry_of(collective_structure(ur), form_data(collective_structure(ur), level="httnv")),
        complete=True,
    )
    client = client_for(personas.sec_a1)
    url = reverse("appraisal:collective_report", args=[ur.cycle_id, ur.unit_id])
    assert (
        "Cấp số báo cáo sau khi hoàn thành báo cáo và gửi đề nghị xếp loại lên cấp trên."
        in client.get(url).content.decode()
    )
    sent(ur)
    assert 'name="issue"' in client.get(url).content.decode()
    for persona in ("staff_a", "sec_a2", "member_a1"):
        refused = post(client_for(getattr(personas, persona)), personas.cell_a1, "collective_report", "review", ur.pk)
        assert refused.status_code in (403, 404)
    assert not IssuedNumber.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(personas.sec_a1), personas.cell_a1, "collective_report", "review", ur.pk, fmt="docx")
    issued = IssuedNumber.objects.get()
    assert issued.code == "01-BC/CB" and issued.doc_type == "BC"
    text = download(client, ReportJob.objects.get(), "docx")
    assert "Số 01-BC/CB" in text and "BÁO CÁO KIỂM ĐIỂM TẬP THỂ" in text
    assert "Báo cáo kiểm điểm đã ban hành: số 01-BC/CB" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(action="document.issued", object_id=str(issued.pk)).exists()


def dashboard_url(cycle, unit):
    return reverse("appraisal:dashboard_unit", args=[cycle.pk, unit.pk])


def test_the_committee_issues_its_summary_report_from_its_dashboard(
    held, personas, client_for, django_capture_on_commit_callbacks
):
    cycle = held.cycle
    client = client_for(personas.staff_a)
    page = client.get(dashboard_url(cycle, personas.ward_a)).content.decode()
    assert "Báo cáo tổng hợp: bản nháp, chưa cấp số." in page and 'name="issue"' in page
    for persona in ("sec_a1", "member_a1", "staff_b", "outsider"):
        refused = post(client_for(getattr(personas, persona)), personas.ward_a, "summary", "cycle", cycle.pk)
        assert refused.status_code in (403, 404)
    assert not IssuedNumber.objects.exists()
    client = client_for(personas.staff_a)  # one test client, logged in as each persona in turn
    with django_capture_on_commit_callbacks(execute=True):
        post(client, personas.ward_a, "summary", "cycle", cycle.pk)
    issued = IssuedNumber.objects.get()
    assert (issued.code, issued.unit) == ("01-BC/ĐU", personas.ward_a)
    text = download(client, ReportJob.objects.get())
    assert "Số 01-BC/ĐU" in text and "BÁO CÁO" in text
    assert issued.issued_on.strftime("ngày %d tháng %m năm %Y") in text  # dated the day it was issued
    page = client.get(dashboard_url(cycle, personas.ward_a)).content.decode()
    assert "Báo cáo tổng hợp đã ban hành: số 01-BC/ĐU" in page and 'name="issue"' not in page
    # The statistics table is not the report: it does not take the report's number.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, personas.ward_a, "statistics", "cycle", cycle.pk, issue=False)
    assert "Số -BC/ĐU" in download(client, ReportJob.objects.order_by("-pk").first())
    # A cell's secretary sees the dashboard of no committee, and a cell issues no summary.
    response = post(client_for(personas.sec_a1), personas.cell_a1, "summary", "cycle", cycle.pk)
    assert response.status_code in (302, 403, 404) and IssuedNumber.objects.count() == 1


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_read_the_number_in_one_query_issued_or_not(held, personas, client_for):
    """The meeting page and the dashboard read the register once, whether the document is issued or not."""
    sent(held)
    meeting, dashboard = meeting_url(held), dashboard_url(held.cycle, personas.ward_a)

    def counts():
        secretary = client_for(personas.sec_a1)
        queries(secretary, meeting)  # the first request after a login reads more (the session, the roles)
        counted = [queries(secretary, meeting)]
        staff = client_for(personas.staff_a)
        queries(staff, dashboard)
        return (*counted, queries(staff, dashboard))

    before = counts()
    post(client_for(personas.sec_a1), personas.cell_a1, "minutes", "review", held.pk)
    post(client_for(personas.staff_a), personas.ward_a, "summary", "cycle", held.cycle_id)
    assert IssuedNumber.objects.count() == 2
    assert counts() == before
