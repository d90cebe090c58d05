"""The shared layout: every element of the official format is where a reader expects it, in both formats."""

import datetime
import io
import unicodedata

import docx as python_docx
from pypdf import PdfReader

from reports.documents import docx, pdf
from reports.documents.model import Header, OfficialDocument, Para, Run, Signature, Table

from .pdftext import docx_text, is_nfc, pdf_fonts, pdf_pages, pdf_text


def sample(paragraphs: int = 3, **header) -> OfficialDocument:
    header = {
        "superior": "Đảng bộ phường Quyết Thắng",
        "issuer": "Chi bộ Trường Tiểu học Mạc Đĩnh Chi",
        "code": "BC/CB",
        "place": "Quyết Thắng",
        "date": datetime.date(2021, 11, 16),
        "number": 12,
    } | header
    return OfficialDocument(
        header=Header(**header),
        doc_type="Báo cáo",
        summary=("Kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2021",),
        body=(
            *[Para.of("Đồng chí ", Run("Nguyễn Thị Ánh Tuyết", bold=True), " trình bày bản kiểm điểm.")] * paragraphs,
            Table(
                header=(("STT", "Họ và tên", "Kết quả"),),
                rows=(("1", "Đặng Văn Hải", "18/22 đ/c"),),
                widths=(0.1, 0.6, 0.3),
            ),
        ),
        signatures=(Signature(("T/M Chi bộ", "Bí thư"), "Lê Thị Hường"),),
        recipients=("Đảng ủy phường (để b/c)", "Lưu chi bộ"),
        created=datetime.datetime(2021, 11, 16),
    )


def test_the_pdf_has_every_element_of_the_format_as_exact_text():
    text = pdf_text(pdf.render(sample()))
    for expected in (
        "ĐẢNG BỘ PHƯỜNG QUYẾT THẮNG",
        "CHI BỘ TRƯỜNG TIỂU HỌC MẠC ĐĨNH CHI",
        "Số 12-BC/CB",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quyết Thắng, ngày 16 tháng 11 năm 2021",
        "BÁO CÁO",
        "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2021",
        "Đồng chí Nguyễn Thị Ánh Tuyết trình bày bản kiểm điểm.",
        "Đặng Văn Hải 18/22 đ/c",
        "Nơi nhận:",
        "- Đảng ủy phường (để b/c)",
        "T/M CHI BỘ BÍ THƯ",
        "Lê Thị Hường",
    ):
        assert expected in text, expected
    assert "Số:" not in text  # no colon after "Số"


def test_every_font_is_embedded_and_the_styles_are_real_faces():
    fonts = pdf_fonts(pdf.render(sample()))
    assert fonts and all(fonts.values()), fonts
    names = " ".join(fonts)
    assert "Bold" in names or "bold" in names
    assert "italic" in names.lower()  # the date line


def test_a_draft_leaves_the_number_and_date_blank():
    text = pdf_text(pdf.render(sample(number=None, date=None)))
    assert "Số -BC/CB" in text and "Quyết Thắng, ngày tháng năm" in text


def test_text_typed_in_nfd_comes_out_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    document = sample()
    document = OfficialDocument(**{**document.__dict__, "body": (Para.of(f"Đồng chí {decomposed} phát biểu."),)})
    text = pdf_text(pdf.render(document))
    assert "Đồng chí Nguyễn Thị Ánh Tuyết phát biểu." in text and is_nfc(text)
    assert "Đồng chí Nguyễn Thị Ánh Tuyết phát biểu." in docx_text(docx.render(document))


def test_page_numbers_start_on_page_two_at_the_top():
    pages = pdf_pages(pdf.render(sample(paragraphs=60)))
    assert len(pages) >= 3
    assert not pages[0].lstrip().startswith("1")
    assert pages[1].lstrip().startswith("2") and pages[2].lstrip().startswith("3")


def test_a4_and_the_margins_of_the_layout():
    page = PdfReader(io.BytesIO(pdf.render(sample()))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    section = python_docx.Document(io.BytesIO(docx.render(sample()))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (35, 15)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (25, 25)


def test_the_same_data_gives_the_same_bytes_in_both_formats():
    assert pdf.render(sample()) == pdf.render(sample())
    assert docx.render(sample()) == docx.render(sample())


def test_the_docx_has_the_same_text_in_times_new_roman_with_page_numbers_from_page_two():
    content = docx.render(sample())
    text = docx_text(content)
    for expected in (
        "ĐẢNG BỘ PHƯỜNG QUYẾT THẮNG",
        "CHI BỘ TRƯỜNG TIỂU HỌC MẠC ĐĨNH CHI",
        "Số 12-BC/CB",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quyết Thắng, ngày 16 tháng 11 năm 2021",
        "BÁO CÁO",
        "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm 2021",
        "Đồng chí Nguyễn Thị Ánh Tuyết trình bày bản kiểm điểm.",
        "Nơi nhận:",
        "T/M CHI BỘ BÍ THƯ",
        "Lê Thị Hường",
    ):
        assert expected in text, expected
    document = python_docx.Document(io.BytesIO(content))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs if run.text == "BÁO CÁO"]
    assert runs and runs[0].bold and runs[0].font.size.pt == 16
