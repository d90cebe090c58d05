"""The minutes of a review meeting, from the meeting's records to the exact words of the PDF and the .docx."""

import datetime

import pytest

from reports.documents import docx, minutes, pdf
from reports.selectors import minutes_data
from reports.services import number_issue

from .factories import add_members, hold_meeting, opened_cycle
from .pdftext import docx_text, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def review_of(cycle, unit):
    return cycle.unit_reviews.get(unit=unit) if cycle.unit_reviews.filter(unit=unit).exists() else None


@pytest.fixture
def held(personas):
    personas.cell_a1.place_name = "Quyết Thắng"
    personas.cell_a1.save()
    cycle = opened_cycle(personas.ward_a)
    review = review_of(cycle, personas.cell_a1)
    members = sorted(personas.cell_a1.memberships.all(), key=lambda m: m.member_id)
    members = [m.member for m in members]
    hold_meeting(review, members, absent={members[2].pk: "đi công tác"})
    return review, members


def test_the_minutes_say_who_came_how_each_voted_and_who_signs(held):
    review, members = held
    text = pdf_text(pdf.render(minutes.build(minutes_data(review.pk))))
    for expected in (
        "ĐẢNG ỦY PHƯỜNG A",
        "CHI BỘ A1",
        "Số -BB/CB",  # a draft: the number comes when the minutes are issued
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quyết Thắng, ngày 16 tháng 11 năm 2021",
        "BIÊN BẢN",
        "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng năm 2021",
        "Hồi 14 giờ 00 ngày 16 tháng 11 năm 2021, tại Phòng họp Hội đồng sư phạm, Chi bộ A1",
        "Dự và chỉ đạo hội nghị: đồng chí Nguyễn Hải An – Thành ủy viên, Bí thư Đảng ủy phường Quyết Thắng.",
        "Tổng số đảng viên: 03 đ/c; có mặt: 02 đ/c; vắng: 01 đ/c. Vắng: đồng chí Lê Văn Cường (đi công tác).",
        "Chủ trì: đồng chí Nguyễn Văn An; thư ký: đồng chí Trần Thị Bình.",
        "(bỏ phiếu kín)",
        "1. Đồng chí Nguyễn Văn An",
        "Hội nghị đề nghị xếp loại: Hoàn thành xuất sắc nhiệm vụ, đạt 02/02 phiếu tán thành (100%).",
        "Hội nghị đề nghị xếp loại: Hoàn thành tốt nhiệm vụ, đạt 01/02 phiếu tán thành (50%).",
        "Đối với chi bộ đề nghị xếp loại hoàn thành tốt nhiệm vụ; đối với đảng viên 01/03 đồng chí đề nghị xếp loại "
        "hoàn thành xuất sắc nhiệm vụ và 02/03 đồng chí xếp loại hoàn thành tốt nhiệm vụ.",
        "Chi bộ đề nghị xếp loại 3 đồng chí đảng viên: Hoàn thành xuất sắc nhiệm vụ: 01/03 đồng chí (33,33%); "
        "Hoàn thành tốt nhiệm vụ: 02/03 đồng chí (66,67%)",
        "Chi bộ tự đánh giá, đề nghị xếp loại tổ chức đảng: Hoàn thành tốt nhiệm vụ, đạt 02/02 phiếu tán thành",
        "Hội nghị kết thúc vào hồi 17 giờ 30 cùng ngày.",
        "THƯ KÝ",
        "CHỦ TRÌ",
    ):
        assert expected in text, expected
    assert all(pdf_fonts(pdf.render(minutes.build(minutes_data(review.pk)))).values())


def test_issuing_gives_the_minutes_their_number_once(held, personas):
    review, _members = held
    issued = number_issue(
        actor=personas.sec_a1,
        unit=personas.cell_a1,
        doc_type="BB",
        subject=f"minutes:{review.pk}",
        title="Biên bản hội nghị kiểm điểm",
        day=datetime.date(2021, 11, 16),
    )
    assert issued.code == "01-BB/CB"
    document = minutes.build(minutes_data(review.pk))
    assert "Số 01-BB/CB" in pdf_text(pdf.render(document))
    assert "Số 01-BB/CB" in docx_text(docx.render(document))


def test_the_docx_says_the_same(held):
    review, _members = held
    text = docx_text(docx.render(minutes.build(minutes_data(review.pk))))
    for expected in (
        "CHI BỘ A1",
        "Quyết Thắng, ngày 16 tháng 11 năm 2021",
        "BIÊN BẢN",
        "Tổng số đảng viên: 03 đ/c; có mặt: 02 đ/c; vắng: 01 đ/c. Vắng: đồng chí Lê Văn Cường (đi công tác).",
        "Hội nghị đề nghị xếp loại: Hoàn thành xuất sắc nhiệm vụ, đạt 02/02 phiếu tán thành (100%).",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "Trần Thị Bình",
    ):
        assert expected in text, expected


def test_a_60_member_minutes_renders_every_member_in_a_constant_number_of_queries(
    personas, django_assert_max_num_queries
):
    cycle = opened_cycle(personas.ward_a)
    review = review_of(cycle, personas.cell_a2)
    existing = [m.member for m in personas.cell_a2.memberships.all()]
    members = existing + add_members(personas.cell_a2, 58)
    hold_meeting(review, members)
    with django_assert_max_num_queries(9):
        data = minutes_data(review.pk)
    assert data.total == 60 and data.present == 60
    content = pdf.render(minutes.build(data))
    text = pdf_text(content)
    assert text.count("Thị Ánh Tuyết") >= 58 * 2  # the assessment and the table row of each
    assert "Chi bộ đề nghị xếp loại 60 đồng chí đảng viên" in text
    assert "60. Đồng chí" in text
    assert "Tổng số đảng viên: 60 đ/c; có mặt: 60 đ/c; vắng: 00 đ/c." in text


def test_the_minutes_review_only_who_the_rules_review_and_count_the_rated_alike(personas):
    """An exempted member is not reviewed; one admitted less than six months before the end of the year reviews
    but is not rated (2021 rules): absent, neither gets an entry, and both summary lines count the rated only."""
    from members.models import StatusKind
    from members.tests.factories import member as make_member
    from members.tests.factories import status

    cycle = opened_cycle(personas.ward_a)
    review = review_of(cycle, personas.cell_a2)
    members = [m.member for m in personas.cell_a2.memberships.all()] + add_members(personas.cell_a2, 3)
    exempted = make_member("Cao Văn Miễn", cell=personas.cell_a2)
    status(exempted, StatusKind.EXEMPTED, datetime.date(2020, 1, 1))
    newcomer = make_member("Tạ Thị Mới", cell=personas.cell_a2, admitted_on=datetime.date(2021, 9, 1))
    newcomer.full_member_on = None
    newcomer.save()
    rated = len(members)
    hold_meeting(review, members + [exempted, newcomer], absent={exempted.pk: "", newcomer.pk: ""})
    from appraisal.models import Rating

    Rating.objects.filter(member__in=[exempted, newcomer]).delete()  # the meeting rates neither
    text = "\n".join(p.text for p in minutes.build(minutes_data(review.pk)).body if hasattr(p, "text"))
    assert "Cao Văn Miễn" not in text.split("II. NỘI DUNG", 1)[1]
    assert "Tạ Thị Mới" not in text.split("II. NỘI DUNG", 1)[1]
    assert text.count("Không có ý kiến khác") == 0
    assert f"Tổng số đảng viên: {rated + 2:02d} đ/c" in text
    summary = text.split("III. KẾT QUẢ", 1)[1]
    assert f"/{rated:02d} đồng chí" in summary and f"/{rated + 2:02d}" not in summary, summary
    assert f"Chi bộ đề nghị xếp loại {rated} đồng chí đảng viên" in summary


def test_a_new_member_present_is_reviewed_in_the_minutes_without_a_rating(personas):
    from members.tests.factories import member as make_member

    cycle = opened_cycle(personas.ward_a)
    review = review_of(cycle, personas.cell_a2)
    members = [m.member for m in personas.cell_a2.memberships.all()]
    newcomer = make_member("Tạ Thị Mới", cell=personas.cell_a2, admitted_on=datetime.date(2021, 9, 1))
    hold_meeting(review, members + [newcomer])
    from appraisal.models import Rating

    Rating.objects.filter(member=newcomer).update(proposed_level="", self_level="", votes={})
    text = "\n".join(p.text for p in minutes.build(minutes_data(review.pk)).body if hasattr(p, "text"))
    entry = text.split("Đồng chí Tạ Thị Mới", 1)[1].split("III. KẾT QUẢ", 1)[0]
    assert "có kiểm điểm nhưng không xếp loại" in entry
    summary = text.split("III. KẾT QUẢ", 1)[1]
    assert f"/{len(members):02d} đồng chí" in summary and "chưa có đề nghị" not in summary, summary
