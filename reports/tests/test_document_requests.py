"""The documents offered on the pages that need them, all through the one request endpoint and job page: who may
ask for which, what each gets, and who is refused."""

import pytest
from django.urls import reverse

from appraisal.models import SelfReview
from appraisal.selectors.self_reviews import member_form
from appraisal.services import self_review_save, self_review_submit
from appraisal.tests.factories import entry_of, form_data, open_review
from reports.models import JobStatus, ReportJob

from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ur(personas):
    return open_review(personas.ward_a, personas.cell_a1, year=2025)


def draft(ur, personas, text="Nội dung bản nháp"):
    member = personas.member_record_a1
    data = form_data(member_form(ur, member).structure, level="httnv")
    data["t:A.II"] = text
    entry = entry_of(member_form(ur, member).structure, data)
    review, _a = self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    return review


def request_self_review(client, review, **extra):
    return client.post(
        reverse("reports:job_create", args=[review.unit_review.unit_id, "self_review"]),
        {"self_review": review.pk, "format": "pdf", **extra},
    )


def download_text(client, job) -> str:
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content))


def test_the_member_renders_her_own_draft_and_alone_may_see_that_job(
    ur, personas, client_for, django_capture_on_commit_callbacks
):
    review = draft(ur, personas)
    client = client_for(personas.member_a1)
    page = client.get(reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])).content.decode()
    assert 'data-document="self_review"' in page and "Bản kiểm điểm (Word)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = request_self_review(client, review)
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk])
    assert job.status == JobStatus.DONE, job.error
    assert job.owner_id == personas.member_a1.pk and job.params["version"] == 0
    assert "Nội dung bản nháp" in download_text(client, job)
    assert job.filename == "ban-kiem-diem-nguyen-van-an.pdf"
    for persona in ("member_b1", "sec_a2", "staff_b", "outsider"):
        other = client_for(getattr(personas, persona))
        assert other.get(reverse("reports:job", args=[job.pk])).status_code == 404
        assert other.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_the_secretary_renders_what_was_submitted_not_the_new_draft(
    ur, personas, client_for, django_capture_on_commit_callbacks
):
    review = draft(ur, personas, text="Bản đã nộp")
    self_review_submit(actor=personas.member_a1, unit_review=ur, member=personas.member_record_a1)
    SelfReview.objects.filter(pk=review.pk).update(
        state="returned", content={**review.content, "A.II": "Bản nháp sau khi bị trả lại"}
    )
    client = client_for(personas.sec_a1)
    page = client.get(reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])).content.decode()
    assert 'data-document="self_review"' in page
    with django_capture_on_commit_callbacks(execute=True):
        request_self_review(client, review)
    job = ReportJob.objects.get()
    assert job.params["version"] == 1
    text = download_text(client, job)
    assert "Bản đã nộp" in text and "Bản nháp sau khi bị trả lại" not in text
    # The member may see the job made of her paper.
    assert client_for(personas.member_a1).get(reverse("reports:job", args=[job.pk])).status_code == 200


def test_nobody_else_renders_a_draft_never_submitted(ur, personas, client_for):
    review = draft(ur, personas)
    page = reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, ur.unit_id])
    client = client_for(personas.sec_a1)
    response = client.post(
        reverse("reports:job_create", args=[personas.cell_a1.pk, "self_review"]),
        {"self_review": review.pk, "next": page},
    )
    assert response.status_code == 302 and response.url == page
    assert not ReportJob.objects.exists()
    response = client.get(page)
    assert "Đảng viên chưa nộp bản kiểm điểm." in response.content.decode()


@pytest.mark.parametrize("persona", ["member_b1", "sec_a2", "sec_b1", "staff_b", "outsider"])
def test_the_wrong_person_cannot_render_a_self_review(ur, personas, client_for, persona):
    review = draft(ur, personas)
    self_review_submit(actor=personas.member_a1, unit_review=ur, member=personas.member_record_a1)
    assert request_self_review(client_for(getattr(personas, persona)), review).status_code == 404
    assert not ReportJob.objects.exists()


def test_a_self_review_cannot_be_named_under_another_unit_nor_an_unknown_version(ur, personas, client_for):
    review = draft(ur, personas)
    self_review_submit(actor=personas.member_a1, unit_review=ur, member=personas.member_record_a1)
    client = client_for(personas.staff_a)
    response = client.post(
        reverse("reports:job_create", args=[personas.cell_a2.pk, "self_review"]), {"self_review": review.pk}
    )
    assert response.status_code == 404
    assert request_self_review(client, review, version="7").status_code == 404
    assert request_self_review(client, review, version="x").status_code == 404
    assert not ReportJob.objects.exists()


def test_an_unsafe_next_address_is_not_followed(ur, personas, client_for):
    review = draft(ur, personas)
    response = client_for(personas.sec_a1).post(
        reverse("reports:job_create", args=[personas.cell_a1.pk, "self_review"]),
        {"self_review": review.pk, "next": "https://evil.example/"},
    )
    assert response.url == reverse("party_units:detail", args=[personas.cell_a1.pk])


def test_the_secretary_gets_every_self_review_of_the_cell_and_its_report_from_her_pages(
    ur, personas, client_for, django_capture_on_commit_callbacks
):
    draft(ur, personas)
    self_review_submit(actor=personas.member_a1, unit_review=ur, member=personas.member_record_a1)
    client = client_for(personas.sec_a1)
    page = client.get(reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, ur.unit_id])).content.decode()
    assert 'data-document="bulk_self_reviews"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:job_create", args=[personas.cell_a1.pk, "bulk_self_reviews"]), {"review": ur.pk}
        )
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk])
    assert job.status == JobStatus.DONE and job.filename == "ban-kiem-diem-chi-bo-a1.zip"
    assert job.progress_done == job.progress_total == 1
    # The cell's report is offered once it exists; asking before gives a message, not a failed job.
    report_page = reverse("appraisal:collective_report", args=[ur.cycle_id, ur.unit_id])
    assert 'data-document="collective_report"' not in client.get(report_page).content.decode()
    response = client.post(
        reverse("reports:job_create", args=[personas.cell_a1.pk, "collective_report"]),
        {"review": ur.pk, "next": report_page},
        follow=True,
    )
    assert "Chi bộ chưa lập báo cáo kiểm điểm." in response.content.decode()
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize("persona", ["member_a1", "sec_a2", "staff_b", "outsider"])
def test_the_wrong_person_cannot_render_a_cells_papers(ur, personas, client_for, persona):
    client = client_for(getattr(personas, persona))
    for kind in ("bulk_self_reviews", "collective_report"):
        response = client.post(reverse("reports:job_create", args=[personas.cell_a1.pk, kind]), {"review": ur.pk})
        assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_the_committees_dashboard_offers_the_summary_the_statistics_and_every_cells_minutes(
    ur, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.staff_a)
    page = client.get(reverse("appraisal:dashboard_unit", args=[ur.cycle_id, personas.ward_a.pk])).content.decode()
    for kind in ("summary", "statistics", "bulk_minutes"):
        assert f'data-document="{kind}"' in page
    assert "Biểu thống kê (Excel)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:job_create", args=[personas.ward_a.pk, "statistics"]),
            {"cycle": ur.cycle_id, "format": "xlsx"},
        )
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk]) and job.status == JobStatus.DONE
    assert job.filename.endswith(".xlsx")
