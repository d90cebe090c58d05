"""Mẫu 03: the decision re-rating a member or an organisation when the committee changes the level a cell
proposed — its words in the PDF and the .docx, its number from the register when issued (never before, never
twice), offered on the decision page to the committee above the cell and to nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Rating
from appraisal.rules import Subject
from appraisal.services import proposals_approve, review_reopen
from appraisal.services.decisions import Decision
from appraisal.tests.factories import cycle as make_cycle
from appraisal.tests.factories import propose, review_of
from audit.models import AuditEntry
from reports.documents import docx, pdf
from reports.documents import rerating as rerating_doc
from reports.models import IssuedNumber, JobStatus, ReportJob
from reports.selectors import rerating_data

from .pdftext import docx_text, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db
REASON = "Chưa hoàn thành chỉ tiêu phát triển đảng viên được giao."


@pytest.fixture
def decided(personas):
    """Cell A1's 2025 proposals approved by ward A, which lowered Nguyễn Văn An from good to completed."""
    personas.ward_a.place_name = "Quyết Thắng"
    personas.ward_a.save()
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    members = [m.member for m in personas.cell_a1.memberships.order_by("member_id")][:2]
    review = propose(review_of(cycle, personas.cell_a1), levels=("httnv", "httnv"), members=members)
    lowered = Rating.objects.get(unit_review=review, member=personas.member_record_a1)
    proposals_approve(actor=personas.staff_a, review=review, decisions={lowered.pk: Decision("htnv", REASON)})
    lowered.refresh_from_db()
    return review, lowered


def issue(client, rating, personas, fmt="pdf"):
    return client.post(
        reverse("reports:job_create", args=[personas.ward_a.pk, "rerating"]),
        {"rating": rating.pk, "issue": "1", "format": fmt},
    )


def test_the_decision_in_the_layout_of_a_party_decision(personas, decided):
    _review, rating = decided
    document = rerating_doc.build(rerating_data(rating.pk))
    content = pdf.render(document)
    for text in (pdf_text(content), docx_text(docx.render(document))):
        for expected in (
            "THÀNH ỦY THỬ NGHIỆM",
            "ĐẢNG ỦY PHƯỜNG A",
            "Số -QĐ/ĐU",  # a draft: the number comes when it is issued
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Quyết Thắng, ngày tháng năm",
            "QUYẾT ĐỊNH",
            "về việc xếp loại lại chất lượng đảng viên năm 2025",
            "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            "- Căn cứ Quy định 366-QĐ/TW và Hướng dẫn 43-HD/BTCTW về kiểm điểm, đánh giá, xếp loại chất lượng",
            "- Căn cứ kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2025 và đề nghị của Chi bộ A1;",
            "QUYẾT ĐỊNH:",
            "Điều 1. Xếp loại lại chất lượng năm 2025 đối với đồng chí Nguyễn Văn An, đảng viên Chi bộ A1: từ mức "
            "“Hoàn thành tốt nhiệm vụ” (Chi bộ A1 đề nghị) thành mức “Hoàn thành nhiệm vụ”.",
            f"Lý do: {REASON}",
            "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
            "Điều 3. Chi bộ A1, đồng chí Nguyễn Văn An và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi "
            "hành Quyết định này.",
            "Nơi nhận:",
            "- Như Điều 3",
            "- Thành ủy Thử nghiệm (để báo cáo)",
            "T/M ĐẢNG ỦY",
            "BÍ THƯ",
        ):
            assert expected in text, expected
    assert all(pdf_fonts(content).values())


def test_an_organisation_re_rated(personas, decided):
    review, _rating = decided
    unit_rating = Rating.objects.get(unit_review=review, subject=Subject.ORGANISATION)
    Rating.objects.filter(pk=unit_rating.pk).update(decided_level="htxsnv", decision_reason="Dẫn đầu phong trào.")
    text = pdf_text(pdf.render(rerating_doc.build(rerating_data(unit_rating.pk))))
    assert "về việc xếp loại lại chất lượng tổ chức đảng năm 2025" in text
    assert "Điều 1. Xếp loại lại chất lượng năm 2025 đối với Chi bộ A1: từ mức “Hoàn thành tốt nhiệm vụ”" in text
    assert "Điều 3. Chi bộ A1 và các tổ chức, cá nhân có liên quan" in text


def test_the_committee_issues_it_from_the_decision_page_with_the_next_number_once(
    personas, decided, client_for, django_capture_on_commit_callbacks
):
    review, rating = decided
    client = client_for(personas.staff_a)
    page = client.get(reverse("appraisal:decision", args=[review.pk])).content.decode()
    assert 'data-document="rerating"' in page and "Cấp số và ban hành (PDF)" in page
    assert not IssuedNumber.objects.exists()
    # A draft takes no number.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:job_create", args=[personas.ward_a.pk, "rerating"]), {"rating": rating.pk, "format": "pdf"}
        )
    assert not IssuedNumber.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = issue(client, rating, personas)
    job = ReportJob.objects.latest("pk")
    assert response.url == reverse("reports:job", args=[job.pk]) and job.status == JobStatus.DONE, job.error
    issued = IssuedNumber.objects.get()
    assert issued.code == "01-QĐ/ĐU" and issued.unit == personas.ward_a
    assert AuditEntry.objects.filter(action="document.issued", object_id=str(issued.pk)).exists()
    day = timezone.localdate()
    text = pdf_text(b"".join(client.get(reverse("reports:download", args=[job.pk])).streaming_content))
    assert "Số 01-QĐ/ĐU" in text
    assert f"Quyết Thắng, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" in text
    assert job.filename == "quyet-dinh-xep-loai-lai-nguyen-van-an.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        issue(client, rating, personas, fmt="docx")  # issuing again keeps the number
    assert IssuedNumber.objects.count() == 1
    assert "Số 01-QĐ/ĐU" in docx_text(
        b"".join(client.get(reverse("reports:download", args=[ReportJob.objects.latest("pk").pk])).streaming_content)
    )
    page = client.get(reverse("appraisal:decision", args=[review.pk])).content.decode()
    assert "Đã ban hành: số 01-QĐ/ĐU" in page and "Cấp số và ban hành (PDF)" not in page


def test_a_decision_taken_again_after_a_reopening_is_a_new_document(personas, decided, client_for):
    review, rating = decided
    client = client_for(personas.staff_a)
    issue(client, rating, personas)
    review_reopen(actor=personas.staff_a, review=review, reason="Xem xét lại.")
    review.refresh_from_db()
    review.state = "submitted"
    review.save(update_fields=["state"])
    proposals_approve(actor=personas.staff_a, review=review, decisions={rating.pk: Decision("khtnv", REASON)})
    rating.refresh_from_db()
    assert rerating_data(rating.pk).number is None
    issue(client, rating, personas)
    assert sorted(IssuedNumber.objects.values_list("code", flat=True)) == ["01-QĐ/ĐU", "02-QĐ/ĐU"]


def test_a_level_the_committee_kept_has_no_decision_to_issue(personas, decided, client_for):
    review, _rating = decided
    kept = Rating.objects.get(unit_review=review, subject=Subject.MEMBER, decided_level="httnv")
    client = client_for(personas.staff_a)
    response = client.post(
        reverse("reports:job_create", args=[personas.ward_a.pk, "rerating"]),
        {"rating": kept.pk, "issue": "1", "next": reverse("appraisal:decision", args=[review.pk])},
        follow=True,
    )
    assert "không có quyết định xếp loại lại" in response.content.decode()
    assert not ReportJob.objects.exists() and not IssuedNumber.objects.exists()


@pytest.mark.parametrize("persona", ["sec_a1", "member_a1", "staff_b", "sec_b1", "outsider"])
def test_the_wrong_person_cannot_render_or_issue_it(personas, decided, client_for, persona):
    _review, rating = decided
    assert issue(client_for(getattr(personas, persona)), rating, personas).status_code in (403, 404)
    assert not ReportJob.objects.exists() and not IssuedNumber.objects.exists()


def test_a_rating_cannot_be_named_under_another_committee(personas, decided, client_for):
    _review, rating = decided
    response = client_for(personas.higher).post(
        reverse("reports:job_create", args=[personas.city.pk, "rerating"]), {"rating": rating.pk, "issue": "1"}
    )
    assert response.status_code == 404
    assert not IssuedNumber.objects.exists()


def test_the_decision_page_keeps_its_query_count_as_lowered_ratings_grow(personas, client_for):
    from members.tests.factories import member as make_member

    counts = []
    for year, size in ((2025, 2), (2026, 12)):
        cycle = make_cycle(personas.ward_a, year=year, rule_set="hd43-2025", opened=True)
        members = [make_member(cell=personas.cell_a2) for _ in range(size)]
        review = propose(review_of(cycle, personas.cell_a2), levels=("httnv",) * size, members=members)
        ratings = Rating.objects.filter(unit_review=review, subject=Subject.MEMBER)
        proposals_approve(
            actor=personas.staff_a, review=review, decisions={r.pk: Decision("htnv", REASON) for r in ratings}
        )
        client = client_for(personas.staff_a)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("appraisal:decision", args=[review.pk])).content.decode()
        assert page.count('data-document="rerating"') == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
