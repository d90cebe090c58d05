"""``OfficialDocument`` → PDF bytes with reportlab's platypus, in the layout of ``layout.Layout``.

Everything is set by reportlab's own flowables through their public API: ``Paragraph`` for text (its markup for
bold and italic runs), ``Table`` for tables and the header and signature pairs, ``KeepTogether`` and
``CondPageBreak`` for the signatures, reportlab's graphics for a chart. What is built once a process is the
styles (``styles``): the paragraph styles of a layout and the table styles that do not depend on a document.

Output is byte-for-byte reproducible (reportlab's invariant mode and the document's own ``created``), so
rendering the same data twice stores one file, not two.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Preformatted,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from . import fonts
from .layout import DEFAULT_LAYOUT, MM, Layout
from .model import BarChart, OfficialDocument, Para, Run, Signature, SignatureBlock, Table, nfc

ALIGN = {"justify": TA_JUSTIFY, "left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
SERIES_COLOURS = (colors.HexColor("#b71c1c"), colors.HexColor("#1565c0"), colors.HexColor("#2e7d32"))
CELL_PADDING = 12  # reportlab's default left + right padding of a table cell (6 + 6)


class RuledLine(Flowable):
    """A centred line of bold capitals with a solid rule under it as long as the words (ĐẢNG CỘNG SẢN VIỆT NAM)."""

    def __init__(self, text: str, font: str, size: float):
        super().__init__()
        self.text, self.font, self.size = nfc(text), font, size

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.size * 1.6

    def draw(self):
        canvas = self.canv
        words = stringWidth(self.text, self.font, self.size)
        left = (self.width - words) / 2
        baseline = self.size * 0.55
        canvas.setFont(self.font, self.size)
        canvas.drawString(left, baseline, self.text)
        canvas.setLineWidth(0.8)
        canvas.line(left, baseline - 4, left + words, baseline - 4)


class Styles:
    """The paragraph and table styles of a layout in a font family (``styles``: made once a process)."""

    def __init__(self, layout: Layout, family: fonts.FontFamily):
        self.layout, self.family = layout, family
        self.derived: dict[tuple, ParagraphStyle] = {}  # body styles with an indent, size or space: one each
        # A table names a font for its cells even when they hold paragraphs: ours, not the unembedded Helvetica.
        self.table_font = ("FONTNAME", (0, 0), (-1, -1), family.face())
        # The header pair and the signature row: two columns of paragraphs, top-aligned, flush left.
        self.pair = TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), self.table_font]
        )

        def style(name, size, *, bold=False, italic=False, align=TA_LEFT, **kw):
            kw.setdefault("leading", size * layout.leading)
            return ParagraphStyle(
                name, fontName=family.face(bold=bold, italic=italic), fontSize=size, alignment=align, **kw
            )

        self.superior = style("superior", layout.superior_size, align=TA_CENTER)
        self.issuer = style("issuer", layout.issuer_size, bold=True, align=TA_CENTER)
        self.number = style("number", layout.number_size, align=TA_CENTER)
        self.date = style("date", layout.date_size, italic=True, align=TA_CENTER)
        self.doc_type = style("type", layout.type_size, bold=True, align=TA_CENTER, spaceBefore=layout.type_size)
        self.summary = style("summary", layout.summary_size, bold=True, align=TA_CENTER)
        self.body = {
            align: style(f"body-{align}", layout.body_size, align=ALIGN[align], spaceBefore=3) for align in ALIGN
        }
        self.cell = {
            align: style(f"cell-{align}", layout.table_size, align=ALIGN[align], leading=layout.table_size * 1.15)
            for align in ALIGN
        }
        self.cell_bold = {
            align: style(
                f"cellb-{align}", layout.table_size, bold=True, align=ALIGN[align], leading=layout.table_size * 1.15
            )
            for align in ALIGN
        }
        self.signature = style("signature", layout.signature_size, bold=True, align=TA_CENTER)
        self.signature_note = style("signature-note", layout.signature_size - 1, italic=True, align=TA_CENTER)
        self.recipients_title = style("recipients-title", layout.recipients_title_size, bold=True, italic=True)
        self.recipients = style("recipients", layout.recipients_size)
        size = self.cell["left"].fontSize
        # The commands every ruled table starts with (``_table`` adds its header, alignments and bold rows).
        self.grid = (
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            self.table_font,
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), self.cell["left"].leading),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        )

    def text(self, text: str, style: ParagraphStyle, *, bold: bool = False, italic: bool = False) -> Paragraph:
        """A paragraph of one run of plain text (escaped for reportlab's markup; a line break stays one)."""
        return Paragraph(markup((Run(text, bold=bold, italic=italic),)), style)


_STYLES: dict[tuple[Layout, str], Styles] = {}


def styles(layout: Layout, family: fonts.FontFamily) -> Styles:
    """The styles of a layout in a font family, made once a process: each render would otherwise build some twenty
    paragraph styles and the table styles. They are read, not changed, by a render; a derived style added by one
    is the same for all (named and keyed by what makes it)."""
    key = (layout, family.name)  # the styles name its faces only
    found = _STYLES.get(key)
    if found is None:
        found = _STYLES.setdefault(key, Styles(layout, family))
    return found


def markup(runs: tuple[Run, ...]) -> str:
    """Runs as reportlab's paragraph markup: the text escaped, a line break as <br/>, bold and italic tags."""
    parts = []
    for run in runs:
        text = escape(nfc(run.text)).replace("\n", "<br/>")
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(text)
    return "".join(parts)


def _header(document: OfficialDocument, st: Styles, width: float) -> list:
    head = document.header
    left_width = width * st.layout.header_left_share
    left = []
    if head.superior:
        left.append(st.text(head.superior.upper(), st.superior))
    left += [st.text(head.issuer.upper(), st.issuer), st.text("*", st.issuer)]
    if head.number_text:
        left.append(st.text(head.number_text, st.number))
    right = [
        RuledLine("ĐẢNG CỘNG SẢN VIỆT NAM", st.family.face(bold=True), st.layout.national_size),
        Spacer(1, 6),
        st.text(head.date_text, st.date),
    ]
    table = RLTable([[left, right]], colWidths=[left_width, width - left_width])
    table.setStyle(st.pair)
    story = [table, st.text(document.doc_type.upper(), st.doc_type)]
    story += [st.text(line, st.summary) for line in document.summary]
    story.append(Spacer(1, st.layout.body_size * 0.8))
    return story


def _para(block: Para, st: Styles, width: float) -> Flowable:
    style = st.body[block.align]
    if block.indent or block.size or block.space_before:
        key = (block.align, block.indent, block.size, block.space_before)
        derived = st.derived.get(key)
        if derived is None:  # named by its key: the styles are shared by the renders of a process
            derived = ParagraphStyle(
                f"{style.name}+{key}",
                parent=style,
                firstLineIndent=10 * MM if block.indent else 0,
                fontSize=block.size or style.fontSize,
                leading=(block.size or style.fontSize) * st.layout.leading,
                spaceBefore=style.spaceBefore + block.space_before,
            )
            derived = st.derived.setdefault(key, derived)
        style = derived
    runs = block.runs
    if runs and all((run.bold, run.italic) == (runs[0].bold, runs[0].italic) for run in runs):  # one style
        bold, italic = runs[0].bold, runs[0].italic
        return _one_line(nfc(block.text), style, st, width, bold, italic) or st.text(
            block.text, style, bold=bold, italic=italic
        )
    return Paragraph(markup(runs), style)


# Whitespace other than the plain space, and the soft hyphen: text the paragraph breaks or draws its own way.
NOT_ONE_LINE = re.compile(r"[^\S ]|\xad")


def _one_line(text: str, style: ParagraphStyle, st: Styles, width: float, bold: bool, italic: bool):
    """A left-aligned or justified paragraph of one style whose words fit on its first line: nothing to break,
    so reportlab's Preformatted sets it, the words one space apart from the first line's indent, as reportlab's
    Paragraph would set its one line (a justified paragraph's last line is not stretched), without parsing markup
    or breaking lines (most of a minutes' paragraphs: each member's heading, level, comments). None for anything
    else, or for a line that only just fits (the paragraph's own measure decides those)."""
    if style.alignment not in (TA_LEFT, TA_JUSTIFY) or NOT_ONE_LINE.search(text):
        return None
    line = " ".join(text.split())  # the words one space apart, as the paragraph sets them
    if not line:
        return None
    font = st.family.face(bold=bold, italic=italic)
    room = width - style.leftIndent - style.firstLineIndent - style.rightIndent
    if stringWidth(line, font, style.fontSize) > room - 0.5:
        return None
    key = ("line", style.name, font)
    found = st.derived.get(key)
    if found is None:  # the paragraph's style set in the run's face, the first line's indent as the indent
        found = ParagraphStyle(
            f"{style.name}+{font}",
            parent=style,
            fontName=font,
            leftIndent=style.leftIndent + style.firstLineIndent,
            firstLineIndent=0,
        )
        found = st.derived.setdefault(key, found)
    return Preformatted(line, found)


class CellText(Flowable):
    """A paragraph set once for its column's room and drawn in each cell that holds its text (a level's name down
    a column): the table asks a cell's size when it measures the rows, again for each page the table runs over,
    and when it draws the cell, and a cell is never split, so the paragraph is wrapped once, here, and drawn with
    its own ``drawOn``."""

    def __init__(self, paragraph: Paragraph, room: float):
        super().__init__()
        self.paragraph = paragraph
        self.width, self.height = paragraph.wrap(room, 72000)

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.paragraph.drawOn(self.canv, 0, 0)


def _cell(text: str, style: ParagraphStyle, room: float, st: Styles, column: dict):
    """A cell's content: the plain string when it fits on one line (the table sets it in its own font, size and
    alignment: most cells of a minutes' or a summary's table), else a paragraph wrapping in the column's room.
    ``column`` holds the paragraphs of one column of one table, one for each text (``CellText``)."""
    text = nfc(text)
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= room:
        return text
    key = (text, style.name)
    found = column.get(key)
    if found is None:
        found = column[key] = CellText(st.text(text, style), room)
    return found


def _table(block: Table, st: Styles, width: float) -> RLTable:
    aligns = block.align or ("left",) * len(block.widths)
    widths = [width * share for share in block.widths]
    rooms = [w - CELL_PADDING for w in widths]
    commands = list(st.grid)
    header = len(block.header)
    columns: list[dict] = [{} for _ in widths]  # each column's paragraphs (``_cell``)
    data = [
        [
            _cell(text, st.cell_bold["center"], room, st, column)
            for text, room, column in zip(row, rooms, columns, strict=True)
        ]
        for row in block.header
    ]
    if header:
        commands += [
            ("FONTNAME", (0, 0), (-1, header - 1), st.family.face(bold=True)),
            ("ALIGN", (0, 0), (-1, header - 1), "CENTER"),
        ]
    for column, align in enumerate(aligns):
        commands.append(("ALIGN", (column, header), (column, -1), align.upper() if align != "justify" else "LEFT"))
    for index, row in enumerate(block.rows):
        bold = index in block.bold_rows
        cells = st.cell_bold if bold else st.cell
        data.append(
            [
                _cell(text, cells[align], room, st, column)
                for text, align, room, column in zip(row, aligns, rooms, columns, strict=True)
            ]
        )
        if bold:
            commands.append(("FONTNAME", (0, header + index), (-1, header + index), st.family.face(bold=True)))
    table = RLTable(data, colWidths=widths, repeatRows=header)
    table.setStyle(TableStyle(commands))
    return table


def _chart(block: BarChart, st: Styles, width: float) -> Drawing:
    # A drawing starts from reportlab's default state, whose font is the unembedded Helvetica: use ours.
    STATE_DEFAULTS["fontName"] = st.family.face()
    height = 200
    drawing = Drawing(width, height + 40)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 60, height - 40
    chart.data = [list(values) for _name, values in block.series]
    chart.categoryAxis.categoryNames = [nfc(name) for name in block.categories]
    chart.categoryAxis.labels.fontName = st.family.face()
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.labels.fontName = st.family.face()
    chart.valueAxis.valueMin = 0
    top = max((max(values) for _name, values in block.series if values), default=0)
    chart.valueAxis.valueMax = max(10, ((int(top) // 10) + 1) * 10)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 5
    chart.barLabelFormat = lambda value: f"{value:.1f}".replace(".", ",")
    chart.barLabels.fontName = st.family.face()
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 6
    for index in range(len(block.series)):
        chart.bars[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, 14
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = st.family.face()
    legend.fontSize = 9
    legend.colorNamePairs = [
        (SERIES_COLOURS[i % len(SERIES_COLOURS)], nfc(name)) for i, (name, _v) in enumerate(block.series)
    ]
    drawing.add(legend)
    drawing.add(
        String(
            width / 2,
            height + 24,
            nfc(block.title),
            fontName=st.family.face(bold=True),
            fontSize=12,
            textAnchor="middle",
        )
    )
    return drawing


def _signature(signature: Signature, st: Styles) -> list:
    cell = [st.text(line.upper(), st.signature) for line in signature.lines]
    if signature.note:
        cell.append(st.text(signature.note, st.signature_note))
    cell += [Spacer(1, 62), st.text(signature.name, st.signature)]
    return cell


def _closing(document: OfficialDocument, st: Styles, width: float) -> list:
    """The signatures at the bottom: minutes put THƯ KÝ left and CHỦ TRÌ right; a letter puts "Nơi nhận:" left
    and the one signature right."""
    return _signature_row(document.signatures, document.recipients, st, width)


def _signature_row(signatures, recipients, st: Styles, width: float) -> list:
    columns = [_signature(signature, st) for signature in signatures]
    if recipients:
        recipients_column = [st.text("Nơi nhận:", st.recipients_title)]
        recipients_column += [st.text("- " + item, st.recipients) for item in recipients]
        columns.insert(0, recipients_column)
    if not columns:
        return []
    if len(columns) == 1:
        columns.insert(0, [])
    table = RLTable([columns], colWidths=[width / len(columns)] * len(columns))
    table.setStyle(st.pair)
    return [CondPageBreak(150), Spacer(1, 12), KeepTogether([table])]


def render(document: OfficialDocument, layout: Layout = DEFAULT_LAYOUT) -> bytes:
    family = fonts.register()
    st = styles(layout, family)
    buffer = io.BytesIO()
    page = (layout.page_width_mm * MM, layout.page_height_mm * MM)
    template = BaseDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=layout.margin_left_mm * MM,
        rightMargin=layout.margin_right_mm * MM,
        topMargin=layout.margin_top_mm * MM,
        bottomMargin=layout.margin_bottom_mm * MM,
        title=nfc(document.title or document.doc_type),
        author=nfc(document.author),
        creator="kiemdiem",
        producer="kiemdiem",
        invariant=1,
        initialFontName=family.face(),  # else every page names Helvetica, a font that is not embedded
        initialFontSize=layout.body_size,
    )
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        template.width,
        template.height,
        id="text",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def page_number(canvas, doc):
        if doc.page >= 2:  # from page 2, centred at the top
            canvas.setFont(family.face(), layout.page_number_size)
            canvas.drawCentredString(
                page[0] / 2 + (template.leftMargin - template.rightMargin) / 2,
                page[1] - template.topMargin / 2,
                str(doc.page),
            )

    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page_number)])
    width = template.width
    story = _header(document, st, width)
    for block in document.body:
        if isinstance(block, Para):
            story.append(_para(block, st, width))
        elif isinstance(block, Table):
            story += [Spacer(1, 4), _table(block, st, width), Spacer(1, 4)]
        elif isinstance(block, BarChart):
            story += [Spacer(1, 6), _chart(block, st, width)]
        elif isinstance(block, SignatureBlock):
            story += _signature_row(block.signatures, (), st, width)
    story += _closing(document, st, width)
    template.build(story)
    return buffer.getvalue()
