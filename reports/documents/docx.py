"""``OfficialDocument`` → an editable .docx in the same layout (python-docx), for offices that finish and sign
documents in Word. The file names its font "Times New Roman" (``Layout.docx_font_name``); Word has it, LibreOffice
substitutes the metric-compatible Liberation Serif. The zip is written with fixed timestamps, so the same data
gives the same bytes."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .layout import DEFAULT_LAYOUT, Layout
from .model import BarChart, OfficialDocument, Para, Run, SignatureBlock, Table, nfc

ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _set_font(run, layout: Layout, size: float, *, bold=False, italic=False, underline=False) -> None:
    run.font.name = layout.docx_font_name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), layout.docx_font_name)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if underline:
        run.font.underline = True


def _paragraph(
    container,
    text: str,
    layout: Layout,
    size: float,
    *,
    align="center",
    bold=False,
    italic=False,
    underline=False,
    space_after: float = 0,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    _set_font(paragraph.add_run(nfc(text)), layout, size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _first_paragraph(cell):
    """A new cell holds one empty paragraph: use it for the first line, add the others."""
    return cell.paragraphs[0]


def _cell_lines(cell, lines: list[tuple[str, dict]], layout: Layout) -> None:
    for index, (text, style) in enumerate(lines):
        paragraph = _first_paragraph(cell) if index == 0 else cell.add_paragraph()
        paragraph.alignment = ALIGN[style.get("align", "center")]
        paragraph.paragraph_format.space_after = Pt(0)
        options = {key: value for key, value in style.items() if key not in ("align", "size")}
        _set_font(paragraph.add_run(nfc(text)), layout, style["size"], **options)


def _header(doc, document: OfficialDocument, layout: Layout) -> None:
    head = document.header
    width = Mm(layout.text_width_mm)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left_width = int(width * layout.header_left_share)
    for cell, cell_width in zip(table.rows[0].cells, (left_width, width - left_width), strict=True):
        cell.width = cell_width
    left = []
    if head.superior:
        left.append((head.superior.upper(), {"size": layout.superior_size}))
    left += [
        (head.issuer.upper(), {"size": layout.issuer_size, "bold": True}),
        ("*", {"size": layout.issuer_size, "bold": True}),
    ]
    if head.number_text:
        left.append((head.number_text, {"size": layout.number_size}))
    _cell_lines(table.rows[0].cells[0], left, layout)
    _cell_lines(
        table.rows[0].cells[1],
        [
            ("ĐẢNG CỘNG SẢN VIỆT NAM", {"size": layout.national_size, "bold": True, "underline": True}),
            ("", {"size": 6}),
            (head.date_text, {"size": layout.date_size, "italic": True}),
        ],
        layout,
    )
    _paragraph(doc, "", layout, layout.body_size)
    _paragraph(doc, document.doc_type.upper(), layout, layout.type_size, bold=True)
    for line in document.summary:
        _paragraph(doc, line, layout, layout.summary_size, bold=True)
    _paragraph(doc, "", layout, layout.body_size)


def _para(doc, block: Para, layout: Layout) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = ALIGN[block.align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(0)
    fmt.space_before = Pt(3 + block.space_before)
    if block.indent:
        fmt.first_line_indent = Mm(10)
    for run in block.runs:
        lines = nfc(run.text).split("\n")
        for index, line in enumerate(lines):
            added = paragraph.add_run(line)
            _set_font(added, layout, block.size or layout.body_size, bold=run.bold, italic=run.italic)
            if index < len(lines) - 1:
                added.add_break()


def _grid(
    doc, header: tuple[tuple[str, ...], ...], rows, widths, aligns, layout: Layout, size: float, bold_rows=()
) -> None:
    table = doc.add_table(rows=len(header) + len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = Mm(layout.text_width_mm)
    for row_index, row in enumerate(table.rows):
        cells = row.cells
        if row_index < len(header):
            values, bold, row_aligns = header[row_index], True, ("center",) * len(widths)
        else:
            index = row_index - len(header)
            values, bold, row_aligns = rows[index], index in bold_rows, aligns
        for cell, text, share, align in zip(cells, values, widths, row_aligns, strict=True):
            cell.width = int(width * share)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = ALIGN[align]
            paragraph.paragraph_format.space_after = Pt(0)
            _set_font(paragraph.add_run(nfc(text)), layout, size, bold=bold)
    for row_index in range(len(header)):  # repeat the header on every page
        tr_pr = table.rows[row_index]._tr.get_or_add_trPr()
        element = OxmlElement("w:tblHeader")
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _table(doc, block: Table, layout: Layout) -> None:
    aligns = block.align or ("left",) * len(block.widths)
    _grid(doc, block.header, block.rows, block.widths, aligns, layout, block.size or layout.table_size, block.bold_rows)


def _chart(doc, block: BarChart, layout: Layout) -> None:
    """Word gets the chart's figures as a table (the PDF draws the bars)."""
    _paragraph(doc, block.title, layout, layout.table_size, bold=True, space_after=3)
    header = (("", *block.categories),)
    rows = tuple((name, *(f"{value:.1f}".replace(".", ",") for value in values)) for name, values in block.series)
    share = 1 / (len(block.categories) + 1)
    widths = (share,) * (len(block.categories) + 1)
    _grid(doc, header, rows, widths, ("left",) + ("right",) * len(block.categories), layout, layout.table_size)


def _closing(doc, document: OfficialDocument, layout: Layout) -> None:
    _signature_row(doc, document.signatures, document.recipients, layout)


def _signature_row(doc, signatures, recipients, layout: Layout) -> None:
    columns: list[list[tuple[str, dict]]] = []
    if recipients:
        recipients_column = [
            ("Nơi nhận:", {"size": layout.recipients_title_size, "bold": True, "italic": True, "align": "left"})
        ]
        recipients_column += [("- " + item, {"size": layout.recipients_size, "align": "left"}) for item in recipients]
        columns.append(recipients_column)
    for signature in signatures:
        lines = [(line.upper(), {"size": layout.signature_size, "bold": True}) for line in signature.lines]
        if signature.note:
            lines.append((signature.note, {"size": layout.signature_size - 1, "italic": True}))
        lines += [("", {"size": layout.signature_size})] * 4
        lines.append((signature.name, {"size": layout.signature_size, "bold": True}))
        columns.append(lines)
    if not columns:
        return
    if len(columns) == 1:
        columns.insert(0, [("", {"size": layout.body_size})])
    _paragraph(doc, "", layout, layout.body_size)
    table = doc.add_table(rows=1, cols=len(columns))
    _no_borders(table)
    for cell, lines in zip(table.rows[0].cells, columns, strict=True):
        _cell_lines(cell, lines, layout)


def _page_numbers(section, layout: Layout) -> None:
    """Page numbers from page 2, centred at the top: the first page has its own, empty header."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _reproducible(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and a fixed order: the same document gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render(document: OfficialDocument, layout: Layout = DEFAULT_LAYOUT) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(layout.page_width_mm), Mm(layout.page_height_mm)
    section.top_margin, section.bottom_margin = Mm(layout.margin_top_mm), Mm(layout.margin_bottom_mm)
    section.left_margin, section.right_margin = Mm(layout.margin_left_mm), Mm(layout.margin_right_mm)
    section.header_distance = Mm(layout.margin_top_mm / 2)
    normal = doc.styles["Normal"]
    normal.font.name = layout.docx_font_name
    normal.font.size = Pt(layout.body_size)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), layout.docx_font_name)
    _page_numbers(section, layout)
    properties = doc.core_properties
    properties.title = nfc(document.title or document.doc_type)
    properties.author = nfc(document.author)
    properties.last_modified_by = nfc(document.author)
    properties.revision = 1
    if document.created is not None:
        properties.created = properties.modified = document.created.replace(tzinfo=None)
    _header(doc, document, layout)
    for block in document.body:
        if isinstance(block, Para):
            _para(doc, block, layout)
        elif isinstance(block, Table):
            _table(doc, block, layout)
        elif isinstance(block, BarChart):
            _chart(doc, block, layout)
        elif isinstance(block, SignatureBlock):
            _signature_row(doc, block.signatures, (), layout)
    _closing(doc, document, layout)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible(buffer.getvalue())


__all__ = ["render", "Run"]
