"""A member's self-review and the cell's own report as official documents, in the layout of the cycle's form
variant: the exact words of the PDF and the .docx, from the records the self-review pages write."""

import io
import zipfile

import pytest
from django.utils import timezone

from appraisal.models import CollectiveReport, Rating, SelfReview
from appraisal.rules import Subject
from appraisal.selectors.self_reviews import collective_structure, member_form
from appraisal.services import self_review_return, self_review_save, self_review_submit
from appraisal.services.self_reviews import collective_report_save
from appraisal.tests.factories import entry_of, form_data, open_review
from reports.documents import docx, pdf
from reports.documents import self_review as self_review_doc
from reports.renderers import bulk_self_reviews, collective_report, self_review
from reports.selectors import collective_report_data, self_review_data, self_reviews_of_cell

from .pdftext import docx_text, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def _today() -> str:
    day = timezone.localdate()
    return f"Quyết Thắng, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@pytest.fixture
def place(personas):
    personas.cell_a1.place_name = "Quyết Thắng"
    personas.cell_a1.save()


def submit(ur, personas, *, level="httnv", **kw):
    member = personas.member_record_a1
    data = form_data(member_form(ur, member).structure, level=level, **kw)
    data["t:A.I.1"] = "Luôn giữ vững lập trường tư tưởng; gương mẫu chấp hành đường lối của Đảng.\nTích cực học tập."
    entry = entry_of(member_form(ur, member).structure, data)
    review, _assessment = self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    self_review_submit(actor=personas.member_a1, unit_review=ur, member=member)
    review.refresh_from_db()
    return review


def both(document) -> tuple[str, str]:
    return pdf_text(pdf.render(document)), docx_text(docx.render(document))


def test_a_2025_self_review_in_the_layout_of_form_2b(personas, place):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2025)
    review = submit(ur, personas)
    assert review.form_code == "2B"
    document = self_review_doc.build(self_review_data(review.pk))
    content = pdf.render(document)
    for text in (pdf_text(content), docx_text(docx.render(document))):
        for expected in (
            "ĐẢNG ỦY PHƯỜNG A",
            "CHI BỘ A1",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            _today(),
            "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN",
            "Năm 2025",
            "- Họ và tên: Nguyễn Văn An",
            "- Chi bộ: Chi bộ A1",
            "A. NỘI DUNG KIỂM ĐIỂM",
            "I. Ưu điểm, kết quả đạt được",
            "Luôn giữ vững lập trường tư tưởng; gương mẫu chấp hành đường lối của Đảng. Tích cực học tập.",
            "II. Hạn chế, khuyết điểm và nguyên nhân",
            "Nội dung A.II",
            "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm Nội dung A.VI",
            "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI",
            "Nhóm tiêu chí chung 30 25",
            "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ 70 60",
            "Tổng điểm 100 85",
            "- Tổng số nhiệm vụ được giao trong năm: 10.",
            "Tự đề xuất xếp loại: Hoàn thành tốt nhiệm vụ.",
            "NGƯỜI TỰ KIỂM ĐIỂM",
            "(Ký, ghi rõ họ tên)",
            "NHẬN XÉT, ĐÁNH GIÁ, XẾP LOẠI CỦA CHI ỦY (CHI BỘ)",
            "T/M CHI ỦY (CHI BỘ)",
            "ĐÁNH GIÁ, XẾP LOẠI CỦA ĐẢNG ỦY CƠ SỞ",
            "T/M ĐẢNG ỦY",
        ):
            assert expected in text, expected
        assert "Số" not in text.split("ĐẢNG CỘNG SẢN")[0]  # a self-review carries no document number
    assert pdf_fonts(content) and all(pdf_fonts(content).values())


def test_a_2023_leaders_form_02b_grades_each_criterion_and_carries_the_cells_comments(personas, place):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2023, rule_set="hd25-2023")
    member = personas.member_record_a1
    review = SelfReview.objects.create(
        unit_review=ur,
        member=member,
        form_code="02B",
        leader=True,
        state="submitted",
        content={
            "A.I.4": "Lãnh đạo nhà trường hoàn thành 100% chỉ tiêu năm học.",
            "grades": {"A.I.1": "xuat_sac", "A.I.2": "tot", "A.I.3": "tot", "A.I.4": "tot", "A.I.5": "xuat_sac"},
            "remedies": [{"shortcoming": "Chưa sâu sát cơ sở.", "remedy": "Đã xuống cơ sở hằng tháng."}],
        },
        proposed_level="htxsnv",
        submitted_at=timezone.now(),
    )
    Rating.objects.create(
        unit_review=ur,
        subject=Subject.MEMBER,
        member=member,
        comments="Đồng chí gương mẫu, đoàn kết.\nCần phát huy vai trò nêu gương.",
        proposed_level="httnv",
        decided_level="httnv",
    )
    for text in both(self_review_doc.build(self_review_data(review.pk))):
        for expected in (
            "BẢN KIỂM ĐIỂM CÁ NHÂN",
            "Năm 2023",
            "(Cá nhân giữ chức vụ lãnh đạo, quản lý)",
            "4. Đối với cán bộ lãnh đạo, quản lý: kết quả lãnh đạo, chỉ đạo, quản lý, điều hành cơ quan, đơn vị, "
            "lĩnh vực được giao phụ trách Lãnh đạo nhà trường hoàn thành 100% chỉ tiêu năm học. Tự đánh giá: Tốt.",
            "Tự đánh giá: Xuất sắc.",
            "- Hạn chế, khuyết điểm: Chưa sâu sát cơ sở. Kết quả khắc phục: Đã xuống cơ sở hằng tháng.",
            "VII. Tự nhận mức xếp loại chất lượng",
            "Tự đề xuất xếp loại: Hoàn thành xuất sắc nhiệm vụ.",
            "NHẬN XÉT, ĐÁNH GIÁ, XẾP LOẠI CỦA CHI ỦY (CHI BỘ) Đồng chí gương mẫu, đoàn kết. "
            "Cần phát huy vai trò nêu gương. - Xếp loại chất lượng: Hoàn thành tốt nhiệm vụ",
            "ĐÁNH GIÁ, XẾP LOẠI CỦA ĐẢNG ỦY CƠ SỞ - Xếp loại chất lượng: Hoàn thành tốt nhiệm vụ",
        ):
            assert expected in text, expected
        assert "B. NỘI DUNG TỰ ĐÁNH GIÁ" not in text  # no points before 2025


def test_the_2019_form_asks_the_civil_servant_rating_beside_the_members(personas, place):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2021, rule_set="hd21-2019")
    review = submit(ur, personas)
    text = pdf_text(self_review(personas.cell_a1, {"self_review": review.pk, "format": "pdf"}).content)
    assert "- Xếp loại cán bộ, công chức, viên chức: Hoàn thành tốt nhiệm vụ" in text
    assert "- Xếp loại đảng viên: Hoàn thành tốt nhiệm vụ." in text
    assert "Năm 2021" in text and "BẢN KIỂM ĐIỂM CÁ NHÂN" in text


def test_the_cells_own_report_mau_01_with_its_score_signed_for_the_cell(personas, place):
    from members.models import Member, PartyPost

    ur = open_review(personas.ward_a, personas.cell_a1, year=2025)
    Member.objects.filter(pk=personas.member_record_a1.pk).update(party_post=PartyPost.SECRETARY)
    data = form_data(collective_structure(ur), level="httnv")
    data["t:A.I.1"] = "Chi bộ duy trì nghiêm nguyên tắc tập trung dân chủ."
    collective_report_save(
        actor=personas.sec_a1, unit_review=ur, entry=entry_of(collective_structure(ur), data), complete=True
    )
    rendered = collective_report(personas.cell_a1, {"review": ur.pk, "format": "docx"})
    assert rendered.filename == "bao-cao-kiem-diem-chi-bo-a1.docx"
    for text in (docx_text(rendered.content), both(self_review_doc.build(collective_report_data(ur.pk)))[0]):
        for expected in (
            "CHI BỘ A1",
            "Số -BC/CB",
            "BÁO CÁO KIỂM ĐIỂM TẬP THỂ",
            "Năm 2025",
            "- Tổ chức đảng: Chi bộ A1",
            "1. Việc thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc "
            "Chi bộ duy trì nghiêm nguyên tắc tập trung dân chủ.",
            "Tổng điểm 100 85",
            "Tập thể tự đề xuất xếp loại: Hoàn thành tốt nhiệm vụ.",
            "T/M CHI BỘ",
            "BÍ THƯ",
            "Nguyễn Văn An",
        ):
            assert expected in text, expected
    assert CollectiveReport.objects.get().state != "draft"


def test_a_returned_self_review_is_rendered_as_submitted_for_others_and_as_it_stands_for_its_member(personas, place):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2025)
    review = submit(ur, personas)
    self_review_return(actor=personas.sec_a1, self_review=review, reason="Bổ sung phần II.")
    member = personas.member_record_a1
    data = form_data(member_form(ur, member).structure, level="httnv")
    data["t:A.II"] = "Bản nháp mới: còn chậm đổi mới phương pháp."
    self_review_save(
        actor=personas.member_a1, unit_review=ur, member=member, entry=entry_of(member_form(ur, member).structure, data)
    )
    draft = pdf_text(pdf.render(self_review_doc.build(self_review_data(review.pk))))
    first = pdf_text(pdf.render(self_review_doc.build(self_review_data(review.pk, 1))))
    assert "Bản nháp mới" in draft and "Bản nháp mới" not in first
    assert "Nội dung A.II" in first


def test_every_submitted_self_review_of_a_cell_in_one_zip(personas, place, monkeypatch):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2025)
    submit(ur, personas)
    other = personas.cell_a1.memberships.exclude(member=personas.member_record_a1).first().member
    SelfReview.objects.create(unit_review=ur, member=other, form_code="2B", state="draft")  # never submitted
    progress = []
    monkeypatch.setattr("reports.services.job_progress", lambda job, done, total: progress.append((done, total)))
    rendered = bulk_self_reviews(personas.cell_a1, {"review": ur.pk, "format": "pdf", "_job": 1})
    archive = zipfile.ZipFile(io.BytesIO(rendered.content))
    assert archive.namelist() == ["ban-kiem-diem-nguyen-van-an.pdf"]
    assert "Nội dung A.II" in pdf_text(archive.read("ban-kiem-diem-nguyen-van-an.pdf"))
    assert progress == [(1, 1)]


@pytest.mark.parametrize("size", [3, 30])
def test_the_cells_self_reviews_are_read_in_a_constant_number_of_queries(personas, size, django_assert_max_num_queries):
    from appraisal.models import SelfReviewVersion

    from .factories import add_members

    ur = open_review(personas.ward_a, personas.cell_a2, year=2025)
    members = add_members(personas.cell_a2, size)
    now = timezone.now()
    reviews = SelfReview.objects.bulk_create(
        SelfReview(
            unit_review=ur,
            member=m,
            form_code="2B",
            state="submitted",
            content={"A.II": f"Nội dung của {m.full_name}"},
            proposed_level="httnv",
            submitted_at=now,
        )
        for m in members
    )
    SelfReviewVersion.objects.bulk_create(
        SelfReviewVersion(self_review=r, number=1, content=r.content, proposed_level="httnv", submitted_at=now)
        for r in reviews
    )
    with django_assert_max_num_queries(4):
        forms = self_reviews_of_cell(ur.pk)
    assert len(forms) == size
    assert all(f.content["A.II"] == f"Nội dung của {f.signer}" for f in forms)


def test_the_command_writes_every_self_review_and_report_of_the_cells_under_a_committee(personas, place, tmp_path):
    from django.core.management import call_command

    ur = open_review(personas.ward_a, personas.cell_a1, year=2025)
    submit(ur, personas)
    collective_report_save(
        actor=personas.sec_a1,
        unit_review=ur,
        entry=entry_of(collective_structure(ur), form_data(collective_structure(ur), level="httnv")),
    )
    call_command("render_documents", cycle=ur.cycle_id, unit=personas.ward_a.pk, kind="self-review", out=tmp_path)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["chi-bo-a1/ban-kiem-diem-nguyen-van-an.pdf"]
    assert "Nội dung A.II" in pdf_text((tmp_path / written[0]).read_bytes())
    cell = tmp_path / "cell"
    call_command(
        "render_documents", cycle=ur.cycle_id, unit=personas.cell_a1.pk, kind="self-review", out=cell, format="docx"
    )
    assert [p.name for p in cell.iterdir()] == ["ban-kiem-diem-nguyen-van-an.docx"]
    reports = tmp_path / "reports"
    call_command("render_documents", cycle=ur.cycle_id, unit=personas.ward_a.pk, kind="collective-report", out=reports)
    assert [p.name for p in reports.iterdir()] == ["bao-cao-kiem-diem-chi-bo-a1.pdf"]
