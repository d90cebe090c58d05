"""The light paragraph of plain text (reports.documents.pdf.PlainParagraph) breaks, splits and draws as reportlab's
Paragraph parsing the same text would: the same lines at every width, the same parts across a page break, the same
words in the PDF. Tall or narrow, with words wider than the line or in two styles, it must not differ."""

import datetime
import io
import re
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from reports.documents import fonts, pdf
from reports.documents.layout import DEFAULT_LAYOUT
from reports.documents.model import Header, OfficialDocument, Para, Run, Table

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


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [40, 160, 453.5])
def test_plain_text_draws_the_same_bytes_as_reportlabs_paragraph(st, text, width):
    for style in (st.body["justify"], st.body["left"], st.body["center"], st.body["right"], indented(st)):
        light, parsed = st.text(text, style), Paragraph(escape(text), style)
        assert drawn(light, width) == drawn(parsed, width)


def test_plain_text_is_drawn_by_the_light_path(st, monkeypatch):
    def not_here(*args):
        raise AssertionError("reportlab's own drawing was used")

    monkeypatch.setattr(Paragraph, "drawPara", not_here)
    for style in (st.body["justify"], st.body["center"], indented(st)):
        drawn(st.text(TEXTS[0], style), 300)


def test_text_only_the_parser_reads_keeps_reportlabs_paragraph(st):
    assert type(st.text("a < b & c", st.body["left"])) is Paragraph
    assert type(st.text("dòng một\ndòng hai", st.body["left"])) is Paragraph


# Paragraphs of a few runs in one family and size (plain, bold, italic): pdf.RunsParagraph.
RUNS = (
    ("- Hội nghị đề nghị xếp loại: ", Run("Hoàn thành tốt nhiệm vụ", bold=True), ", đạt 18/19 phiếu."),
    (
        "Chủ trì hội nghị: đồng chí ",
        Run("Nguyễn Thị Ánh Tuyết", bold=True),
        " – Bí thư chi bộ; thư ký: đồng chí ",
        Run("Trần Văn Bình", bold=True),
        ".",
    ),
    (Run("Chi bộ đề nghị xếp loại 19 đồng chí: 04/19 đồng chí (21,05%) hoàn thành xuất sắc nhiệm vụ", bold=True),),
    ("  khoảng trắng ", Run(" đầu và cuối ", italic=True), Run("đậm", bold=True), Run("nghiêng", italic=True), "  "),
    (
        "Từ",
        Run("liền", bold=True),
        "nhau ",
        Run("MộttừrấtdàikhôngcókhoảngtrắngnàovừamộtdòngcủabảngnhỏhẹpnàyThịÁnh", bold=True),
        " sau.",
    ),
)


def runs_paragraphs(st, parts, style):
    """The light paragraph and reportlab's, each given the same fragments (as ``pdf._para`` makes them)."""
    block = Para.of(*parts)

    def frags():
        return [st.fragment(style, run.bold, run.italic).clone(text=run.text) for run in block.runs if run.text]

    return pdf.RunsParagraph(None, style, frags=frags()), Paragraph(None, style, frags=frags())


def frag_lines(paragraph):
    bl = paragraph.blPara
    if bl.kind == 0:
        return [(round(extra, 6), list(words)) for extra, words in bl.lines]
    return [
        (
            round(line.extraSpace, 6),
            line.wordCount,
            line.fontSize,
            line.ascent,
            line.descent,
            line.sFW,
            line.lineBreak,
            [(word.text, word.fontName, word.fontSize) for word in line.words],
        )
        for line in bl.lines
    ]


def frag_words(paragraph):
    if paragraph.blPara.kind == 0:
        return [(f.fontName, f.text) for f in paragraph.frags]
    return [(type(word).__name__, word[0], [(f.fontName, text) for f, text in word[1:]]) for word in paragraph.frags]


def drawn(paragraph, width):
    canvas = Canvas(io.BytesIO(), invariant=1)
    paragraph.wrap(width, 1000)
    paragraph.drawOn(canvas, 10, 20)
    return canvas.getpdfdata()


@pytest.mark.parametrize("parts", RUNS)
@pytest.mark.parametrize("width", [40, 90, 160, 300, 453.5])
def test_runs_break_into_the_same_lines_as_reportlabs_paragraph(st, parts, width):
    for style in (st.body["justify"], st.body["left"], st.cell["center"], indented(st)):
        ours, theirs = runs_paragraphs(st, parts, style)
        assert ours.wrap(width, 1000) == theirs.wrap(width, 1000)
        assert frag_lines(ours) == frag_lines(theirs)
        assert frag_words(ours) == frag_words(theirs)
        assert ours._width_max == theirs._width_max
        assert ours.wrap(width, 1000) == theirs.wrap(width, 1000)  # asked again: the lines it kept
        ours._wrapped = None  # broken again from the words it made, as reportlab breaks again from its own
        theirs.wrap(width + 1, 1000)
        assert ours.wrap(width + 1, 1000) == theirs.wrap(width + 1, 1000)
        assert frag_lines(ours) == frag_lines(theirs)


@pytest.mark.parametrize("parts", RUNS)
@pytest.mark.parametrize("width", [90, 160, 300, 453.5])
def test_runs_draw_the_same_bytes_as_reportlabs_paragraph(st, parts, width):
    for style in (st.body["justify"], st.body["left"], st.body["center"], st.body["right"], indented(st)):
        ours, theirs = runs_paragraphs(st, parts, style)
        assert drawn(ours, width) == drawn(theirs, width)


def test_runs_split_across_a_page_as_reportlab_does(st):
    parts = RUNS[1] * 4 + RUNS[0] * 3
    for style in (st.body["justify"], indented(st)):
        ours, theirs = runs_paragraphs(st, parts, style)
        ours.wrap(300, 1000), theirs.wrap(300, 1000)
        for height in (10, 40, 100, 170):
            mine_parts, their_parts = ours.split(300, height), theirs.split(300, height)
            assert len(mine_parts) == len(their_parts)
            for mine, other in zip(mine_parts, their_parts, strict=True):
                assert type(mine) is pdf.RunsParagraph
                assert mine.wrap(300, 1000) == other.wrap(300, 1000)
                assert frag_lines(mine) == frag_lines(other)
                assert drawn(mine, 300) == drawn(other, 300)
            ours._wrapped = None
            ours.wrap(300, 1000), theirs.wrap(300, 1000)


def test_a_paragraph_in_two_styles_is_the_light_one(st, monkeypatch):
    block = Para.of("- Hội nghị đề nghị xếp loại: ", Run("Hoàn thành tốt nhiệm vụ", bold=True), ", đạt 18/19 phiếu.")
    ours = pdf._para(block, st)
    assert type(ours) is pdf.RunsParagraph

    def not_here(*args):
        raise AssertionError("reportlab's own breaking or drawing was used")

    # The light path breaks and draws it, over the comparisons above, without falling back to reportlab's.
    monkeypatch.setattr(Paragraph, "breakLines", not_here)
    monkeypatch.setattr(Paragraph, "drawPara", not_here)
    for width in (160, 300, 453.5):
        ours._wrapped = None
        ours.wrap(width, 1000)
        ours.drawOn(Canvas(io.BytesIO(), invariant=1), 0, 0)
    assert type(pdf._para(Para.of("a < b ", Run("đậm", bold=True)), st)) is Paragraph


@pytest.mark.parametrize("text", [TEXTS[0], "Nguyễn Thị Ánh Tuyết", "  a  b  ", "", "Hoàn thành tốt nhiệm vụ"])
def test_a_cells_width_from_its_words_decides_as_the_whole_string(st, text):
    style = st.cell["left"]
    exact = pdf.stringWidth(text, style.fontName, style.fontSize)
    for room in (exact - 0.5, exact - 1e-9, exact, exact + 1e-9, exact + 0.5):
        assert (pdf._text_width(text, style.fontName, style.fontSize, room) <= room) == (exact <= room)


def test_a_columns_recurring_text_is_one_paragraph_drawn_as_separate_ones_would_be(st, monkeypatch):
    """A level's name that wraps recurs down its column: one paragraph, broken once and drawn in each of its cells,
    across the pages the table runs over, gives the same document as one paragraph a cell."""
    levels = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Không hoàn thành nhiệm vụ")
    rows = tuple((str(i + 1), f"Nguyễn Văn {i}", levels[i % 3], levels[(i + 1) % 3], f"{i % 19}/19") for i in range(70))
    table = Table(
        header=(("STT", "Họ và tên", "Tự xếp loại", "Chi bộ đề nghị", "Tán thành"),),
        rows=rows,
        widths=(0.07, 0.31, 0.22, 0.25, 0.15),
        align=("center", "left", "center", "center", "center"),  # centred: the width a paragraph was broken for shows
    )
    document = OfficialDocument(
        header=Header(superior="ĐẢNG BỘ PHƯỜNG", issuer="CHI BỘ KHU PHỐ 1", code="BB/CB", place="Quyết Thắng"),
        doc_type="Biên bản",
        summary=("Hội nghị kiểm điểm",),
        body=(Para.of("Kết quả:"), table),
        created=datetime.datetime(2021, 12, 1, tzinfo=datetime.UTC),
    )
    cells = pdf._table(table, st, 453.5)
    paragraphs = [cell for row in cells._cellvalues for cell in row if isinstance(cell, Paragraph)]
    assert len(paragraphs) > len({id(cell) for cell in paragraphs}) > 0  # shared within a column
    shared = pdf.render(document)
    monkeypatch.setattr(pdf, "_cell", lambda text, style, room, st, shared=None: unshared(text, style, room, st))
    assert pdf.render(document) == shared
    assert len(re.findall(rb"/Type /Page(?!s)", shared)) >= 3  # the table runs over pages


unshared = pdf._cell
