"""The light paragraph of plain text (reports.documents.pdf.PlainParagraph) breaks, splits and draws as reportlab's
Paragraph parsing the same text would: the same lines at every width, the same parts across a page break, the same
words in the PDF. Tall or narrow, with words wider than the line or in two styles, it must not differ."""

import io
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from reports.documents import fonts, pdf
from reports.documents.layout import DEFAULT_LAYOUT
from reports.documents.model import Para, Run

TEXTS = (
    "Đồng chí Nguyễn Thị Ánh Tuyết trình bày bản kiểm điểm, tự đánh giá, xếp loại chất lượng năm 2021; hội nghị "
    "góp ý, phê bình và biểu quyết đề nghị mức xếp loại (bỏ phiếu kín).",
    "- Ý kiến góp ý, phê bình: Gương mẫu, nhiệt tình; cần phát huy hơn nữa (12).",
    "Chi bộ đề nghị xếp loại 19 đồng chí đảng viên: Hoàn thành xuất sắc nhiệm vụ: 04/19 đồng chí (21,05%); "
    "Hoàn thành tốt nhiệm vụ: 15/19 đồng chí (78,95%).",
    "MộttừrấtdàikhôngcókhoảngtrắngnàovừamộtdòngcủabảngnhỏhẹpnàyđâuThịÁnhTuyếtThịÁnhTuyết ngắn",
    "*",
    "   khoảng   trắng   thừa   ",
)


@pytest.fixture(scope="module")
def st():
    return pdf.Styles(DEFAULT_LAYOUT, fonts.register())


def indented(st):
    return ParagraphStyle("test-indented", parent=st.body["justify"], firstLineIndent=28.35)


def lines(paragraph) -> list[tuple[float, list[str]]]:
    return [(round(extra, 6), list(words)) for extra, words in paragraph.blPara.lines]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [40, 90, 160, 300, 453.5])
def test_the_same_lines_as_reportlabs_paragraph(st, text, width):
    for style in (st.body["justify"], st.cell["left"], indented(st)):
        light, parsed = st.text(text, style), Paragraph(escape(text), style)
        assert type(light) is pdf.PlainParagraph
        assert light.wrap(width, 1000) == parsed.wrap(width, 1000)
        assert light.blPara.kind == parsed.blPara.kind
        if parsed.blPara.kind == 0:
            assert lines(light) == lines(parsed)
        assert light.wrap(width, 1000) == parsed.wrap(width, 1000)  # asked again: the lines it kept


def test_split_across_a_page_as_reportlab_does(st):
    text = " ".join(TEXTS[:3]) * 3
    style = indented(st)
    light, parsed = st.text(text, style), Paragraph(escape(text), style)
    light.wrap(300, 1000), parsed.wrap(300, 1000)
    for height in (10, 40, 100, 170):
        ours, theirs = light.split(300, height), parsed.split(300, height)
        assert len(ours) == len(theirs)
        for mine, other in zip(ours, theirs, strict=True):
            assert mine.wrap(300, 1000) == other.wrap(300, 1000)
            assert lines(mine) == lines(other)


def test_two_styles_in_one_paragraph_draw_as_the_markup_would(st):
    block = Para.of("- Hội nghị đề nghị xếp loại: ", Run("Hoàn thành tốt nhiệm vụ", bold=True), ", đạt 18/19 phiếu.")
    ours = pdf._para(block, st)
    theirs = Paragraph(pdf.markup(block.runs), ours.style)
    assert ours.wrap(200, 1000) == theirs.wrap(200, 1000)
    drawn = []
    for paragraph in (ours, theirs):
        canvas = Canvas(io.BytesIO(), invariant=1)
        paragraph.drawOn(canvas, 0, 0)
        drawn.append(canvas.getpdfdata())
    assert drawn[0] == drawn[1]


def test_text_only_the_parser_reads_keeps_reportlabs_paragraph(st):
    assert type(st.text("a < b & c", st.body["left"])) is Paragraph
    assert type(st.text("dòng một\ndòng hai", st.body["left"])) is Paragraph
