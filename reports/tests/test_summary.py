"""The committee's summary report, the statistics table (PDF, .docx, .xlsx) and the bulk minutes."""

import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from appraisal.models import Rating
from reports.documents import docx, pdf
from reports.documents import summary as summary_doc
from reports.renderers import bulk_minutes, statistics
from reports.selectors import summary_data

from .factories import add_members, hold_meeting, opened_cycle
from .pdftext import docx_text, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(personas):
    """Ward A: cell A1 (3 members: 1 excellent, 2 good), cell A2 (2 members: 1 excellent, 1 good); both cells
    good; one exception with its reason."""
    cycle = opened_cycle(personas.ward_a)
    for cell in (personas.cell_a1, personas.cell_a2):
        review = cycle.unit_reviews.get(unit=cell)
        members = [m.member for m in cell.memberships.order_by("member_id")]
        hold_meeting(review, members, levels=("htxsnv", "httnv"))
    Rating.objects.filter(member=personas.member_record_a1).update(
        decided_level="htxsnv", quota_exception_reason="Thành tích nổi bật, được khen thưởng cấp thành phố."
    )
    return cycle


def test_the_summary_counts_and_shares_each_level_per_unit_with_the_quota_and_exceptions(personas, rated):
    data = summary_data(personas.ward_a, rated.pk)
    assert [line.name for line in data.lines] == ["Chi bộ A1", "Chi bộ A2"]
    assert data.total_members.total == 5 and data.total_members.levels == {"htxsnv": 3, "httnv": 2}
    content = pdf.render(summary_doc.build(data))
    text = pdf_text(content)
    for expected in (
        "ĐẢNG ỦY PHƯỜNG A",
        "BÁO CÁO",
        "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2021",
        "Đã xếp loại 5/5 đảng viên; Hoàn thành xuất sắc nhiệm vụ: 3 đảng viên (60%); "
        "Hoàn thành tốt nhiệm vụ: 2 đảng viên (40%)",
        "Đã xếp loại 2/2 tổ chức; Hoàn thành xuất sắc nhiệm vụ: 0 tổ chức (0%); "
        "Hoàn thành tốt nhiệm vụ: 2 tổ chức (100%)",
        "Chi bộ A1 3/3 2 (66,67%) 1 (33,33%) 0 (0%) 0 (0%)",
        "Tổng cộng 5/5 3 (60%) 2 (40%) 0 (0%) 0 (0%)",
        "Tỷ lệ từng mức xếp loại (%)",
        "Chi bộ A1: Vượt tỷ lệ 20%",
        "Nguyễn Văn An (Chi bộ A1): Hoàn thành xuất sắc nhiệm vụ. "
        "Lý do: Thành tích nổi bật, được khen thưởng cấp thành phố.",
        "Nơi nhận:",
    ):
        assert expected in text, expected + " ¶ " + text[text.find("II. K") : text.find("II. K") + 500]
    assert all(pdf_fonts(content).values())
    assert "Tổng cộng 5/5 3 (60%) 2 (40%) 0 (0%) 0 (0%)" in docx_text(docx.render(summary_doc.build(data)))


def test_the_statistics_spreadsheet_holds_numbers_not_text(personas, rated):
    rendered = statistics(personas.ward_a, {"cycle": rated.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(rendered.content))["Đảng viên"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows[0][:5] == ("Chi bộ A1", 3, 3, 2, 0.6667)
    assert rows[-1][:5] == ("Tổng cộng", 5, 5, 3, 0.6)
    assert sheet.cell(row=4, column=5).number_format == "0.00%"
    text = pdf_text(statistics(personas.ward_a, {"cycle": rated.pk, "format": "pdf"}).content)
    assert "BIỂU THỐNG KÊ" in text and "Tổng cộng 5/5 3 (60%) 2 (40%) 0 (0%) 0 (0%)" in text


def test_a_2000_member_summary_renders(personas, django_assert_max_num_queries):
    from party_units.tests.personas import make_unit

    cycle = None
    cells = [make_unit(personas.ward_b, f"Chi bộ khu phố {i + 1}") for i in range(40)]
    cycle = opened_cycle(personas.ward_b)
    for cell in cells:
        members = add_members(cell, 50)
        hold_meeting(cycle.unit_reviews.get(unit=cell), members, guests=())
    with django_assert_max_num_queries(6):
        data = summary_data(personas.ward_b, cycle.pk)
    assert data.total_members.total == 2000 + 0  # the personas' cell B1 held no meeting
    text = pdf_text(pdf.render(summary_doc.build(data)))
    assert "Đã xếp loại 2000/2000 đảng viên" in text and "Chi bộ khu phố 40" in text


def test_every_cells_minutes_in_one_zip_with_progress(personas, rated, monkeypatch):
    progress = []
    monkeypatch.setattr("reports.services.job_progress", lambda job, done, total: progress.append((done, total)))
    rendered = bulk_minutes(personas.ward_a, {"cycle": rated.pk, "format": "pdf", "_job": 1})
    archive = zipfile.ZipFile(io.BytesIO(rendered.content))
    assert archive.namelist() == ["bien-ban-chi-bo-a1.pdf", "bien-ban-chi-bo-a2.pdf"]
    assert "CHI BỘ A2" in pdf_text(archive.read("bien-ban-chi-bo-a2.pdf"))
    assert progress == [(1, 2), (2, 2)]


def test_the_command_writes_the_documents_of_every_unit_into_a_folder(personas, rated, tmp_path):
    call_command("render_documents", cycle=rated.pk, unit=personas.ward_a.pk, kind="minutes", out=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bien-ban-chi-bo-a1.pdf", "bien-ban-chi-bo-a2.pdf"]
    call_command(
        "render_documents", cycle=rated.pk, unit=personas.ward_a.pk, kind="statistics", out=tmp_path, format="xlsx"
    )
    assert (tmp_path / "bieu-thong-ke-dang-uy-phuong-a.xlsx").is_file()
