"""``OfficialDocument`` → PDF bytes with reportlab's platypus, in the layout of ``layout.Layout``.

Output is byte-for-byte reproducible (reportlab's invariant mode and the document's own ``created``), so
rendering the same data twice stores one file, not two.
"""

from __future__ import annotations

import io
from string import whitespace as WHITESPACE
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.paragraph import FragLine, ParaLines, _HSFrag, sameFrag
from reportlab.platypus.paragraph import _centerDrawParaLine as rl_draw_centre
from reportlab.platypus.paragraph import _justifyDrawParaLine as rl_draw_justified
from reportlab.platypus.paragraph import _leftDrawParaLine as rl_draw_left
from reportlab.platypus.paragraph import _rightDrawParaLine as rl_draw_right
from reportlab.platypus.paragraph import lstrip as rl_strip_start
from reportlab.platypus.paragraph import setXPos as rl_set_x
from reportlab.platypus.paragraph import split as rl_split
from reportlab.platypus.paragraph import strip as rl_strip
from reportlab.rl_config import paraFontSizeHeightOffset

from . import fonts
from .layout import DEFAULT_LAYOUT, MM, Layout
from .model import BarChart, OfficialDocument, Para, Run, Signature, SignatureBlock, Table, nfc

ALIGN = {"justify": TA_JUSTIFY, "left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
SERIES_COLOURS = (colors.HexColor("#b71c1c"), colors.HexColor("#1565c0"), colors.HexColor("#2e7d32"))


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


class _KeptLines(Paragraph):
    """Reportlab's Paragraph keeping the lines it broke for a width: the frame asks the same width more than once
    (to place it, to keep the signatures together)."""

    _wrapped: tuple[float, float] | None = None

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's signature
        if self._wrapped is not None and self._wrapped[0] == availWidth and hasattr(self, "blPara"):
            return self.width, self._wrapped[1]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, height)
        return width, height

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's signature
        self._wrapped = None  # the parts are new paragraphs; this one may be wrapped again at another height
        return super().split(availWidth, availHeight)


def _draws_itself(para, debug, kind: int, drawers: dict) -> bool:
    """Whether a light paragraph draws its lines itself: reportlab's case ``kind`` (0: one plain fragment, 1: plain
    fragments) aligned by one of ``drawers``, with none of what the light drawing leaves out (bullets, a
    background, borders, right-to-left text, dots, automatic leading); else reportlab's own drawPara does it."""
    style, bl_para = para.style, para.blPara
    return not (
        debug
        or bl_para.kind != kind
        or not bl_para.lines
        or para.bulletText
        or style.backColor
        or (getattr(style, "borderWidth", None) and getattr(style, "borderColor", None))
        or style.wordWrap
        or style.endDots
        or style.alignment not in drawers
        or getattr(para, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off")
    )


class PlainParagraph(_KeptLines):
    """A paragraph of one plain run (no markup): reportlab's own Paragraph, so it breaks, justifies, splits across
    pages and draws exactly as one, without what it costs that plain text does not need. Its one fragment is
    copied from the style's (``Styles.fragment``) instead of parsed from markup, and the lines it broke for a width
    are kept (``_KeptLines``)."""

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        """Paragraph.breakLines for one plain fragment (its first case), step for step, with the words' widths
        remembered across paragraphs (``word_width``); anything else it does (a word wider than the line, to be
        split; hyphenation; bullets) is left to it."""
        style = self.style
        max_widths = list(width) if isinstance(width, list | tuple) else [width]
        if (
            len(self.frags) != 1
            or self.bulletText
            or style.hyphenationLang
            or style.embeddedHyphenation
            or style.uriWasteReduce
            or style.wordWrap
            or style.endDots
        ):
            return super().breakLines(width)
        fragment = self.frags[0]
        if hasattr(fragment, "text"):
            words = rl_split(rl_strip(fragment.text))
        else:
            words = list(fragment.words)
        font, size = fragment.fontName, fragment.fontSize
        widths = _widths(font, size)
        narrowest = min(max_widths)
        measured = []
        for word in words:
            if type(word) is not str:  # a word reportlab split or hyphenated before: its own kind
                return super().breakLines(width)
            word_width = widths.get(word)
            if word_width is None:
                word_width = widths[word] = stringWidth(word, font, size)
            if word_width > narrowest:
                return super().breakLines(width)
            measured.append(word_width)
        ascent, descent = getAscentDescent(font, size)
        self._width_max = 0
        self._splitLongWordCount = self._hyphenations = 0
        if not words:
            return fragment.clone(kind=0, lines=[], ascent=ascent, descent=descent, fontSize=size)
        space = widths.get(" ")
        if space is None:
            space = widths[" "] = stringWidth(" ", font, size)
        shrink = style.spaceShrinkage * space
        last = len(max_widths) - 1
        lines, line, current, number, max_width = [], [], -space, 0, max_widths[0]
        for word, word_width in zip(words, measured, strict=True):
            new = current + space + word_width
            if new <= max_width + shrink * len(line) or not line:
                line.append(word)
                current = new
            else:
                self._width_max = max(self._width_max, current)
                lines.append((max_width - current, line))
                line, current = [word], word_width
                number += 1
                max_width = max_widths[min(last, number)]
        self._width_max = max(self._width_max, current)
        lines.append((max_width - current, line))
        return fragment.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)

    def drawPara(self, debug=0):  # noqa: N802 - reportlab's name
        """Paragraph.drawPara for lines of one plain fragment (its first case), step for step and with its own
        line drawers, without the set-up it does for what plain text has none of (bullets, borders, background,
        underlines, links, right-to-left text). Anything else is left to it."""
        style, bl_para = self.style, self.blPara
        lines = bl_para.lines
        if (
            not _draws_itself(self, debug, 0, _PLAIN_LINE_DRAWERS)
            or getattr(bl_para, "us_lines", None)
            or getattr(bl_para, "link", None)
        ):
            return super().drawPara(debug)
        canvas = self.canv
        count = len(lines)
        offsets = getattr(self, "_offsets", [0])
        offsets += (count - len(offsets)) * [offsets[-1]]  # reportlab pads the paragraph's own list
        canvas.saveState()
        offset = style.firstLineIndent + offsets[0]
        no_justify_last = not getattr(self, "_JustifyLast", False)
        justify_last = style.justifyLastLine
        top = bl_para.fontSize if paraFontSizeHeightOffset else getattr(bl_para, "ascent", bl_para.fontSize)
        canvas.setFillColor(bl_para.textColor)
        tx = self.beginText(style.leftIndent, self.height - top)
        tx.preformatted = False
        tx.direction = style.wordWrap
        tx.setFont(bl_para.fontName, bl_para.fontSize, style.leading)
        draw_line = _PLAIN_LINE_DRAWERS[style.alignment]
        for index, (extra, words) in enumerate(lines):
            last = no_justify_last and index == count - 1
            if last and justify_last and len(words) > justify_last:
                last = False
            draw_line(tx, offset if index == 0 else offsets[index], extra, words, last)
        canvas.drawText(tx)
        canvas.restoreState()
        return None


class RunsParagraph(_KeptLines):
    """A paragraph of a few runs of plain text in one family and size (plain, bold, italic: "Hội nghị đề nghị xếp
    loại: **Hoàn thành tốt nhiệm vụ**, đạt 18/19 phiếu."): reportlab's own Paragraph, which splits and draws it,
    with its line breaking for several fragments (``Paragraph.breakLines``, its second case) done step for step
    over words whose widths are remembered across paragraphs (``_widths``) instead of measured again, each word
    and each space on every candidate line, and the lines kept for a width as ``PlainParagraph`` keeps them.
    Anything the plain case does not cover (a word wider than the line, hyphenation, bullets, images, parts of
    a word reportlab split) is left to reportlab."""

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        style = self.style
        max_widths = list(width) if isinstance(width, list | tuple) else [width]
        words = None if len(self.frags) == 1 else self._fragment_words()  # one fragment: reportlab's first case
        if (
            words is None
            or self.bulletText
            or style.hyphenationLang
            or style.embeddedHyphenation
            or style.uriWasteReduce
            or style.wordWrap
            or style.endDots
            or style.shaping
            or getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off")
            or max(word[0] for word in words) > min(max_widths)
        ):
            return super().breakLines(width)
        self._width_max = 0
        self.height = 0
        self._splitLongWordCount = self._hyphenations = 0
        shrinkage = style.spaceShrinkage
        last = len(max_widths) - 1
        lineno, max_width = 0, max_widths[0]
        lines, done, line = [], [], []
        first = 0  # the index in ``done`` of the first word of the line (reportlab's sFW)
        for word in words:
            done.append(word)
            fragment = word[-1][0]
            font, size = fragment.fontName, fragment.fontSize
            if not line:
                count = space = current = 0
                line_size = size
                ascent, descent = _metrics(font, size)[1:]
            word_width = word[0]
            fragment = word[1][0]
            new = current + space + word_width if word_width > 0 else current
            limit = max_width
            # The shrinkable spaces (never less than none) only decide a word that overflows the width.
            if shrinkage and (shrinkage < 0 or (new > max_width and count > 0)):
                shrink = space
                for part in line:
                    spaces = part.text.count(" ")
                    if spaces:
                        shrink += spaces * _metrics(part.fontName, part.fontSize)[0]
                limit += shrink * shrinkage
            if not (new > limit and count > 0):
                text = word[1][1]
                if text:
                    count += 1
                line_size = max(line_size, fragment.fontSize)
                a, d = _metrics(fragment.fontName, fragment.fontSize)[1:]
                ascent, descent = max(ascent, a), min(descent, d)
                if not line:
                    g, source = fragment.clone(), fragment
                    line = [g]
                    g.text = text
                elif fragment is not source and not sameFrag(g, fragment):  # a clone is the same as its source
                    if space:
                        previous = line[-1]
                        if not previous.text.endswith(" "):
                            previous.text += " "
                    g, source = fragment.clone(), fragment
                    line.append(g)
                    g.text = text
                elif space:
                    g.text += text if g.text.endswith(" ") else " " + text
                else:
                    g.text += text
                space = _metrics(font, size)[0] if isinstance(word, _HSFrag) else 0
                more = 0
                for piece, piece_text in word[2:]:
                    g, source = piece.clone(), piece
                    g.text = piece_text
                    if piece_text:
                        more = 1
                    line.append(g)
                    line_size = max(line_size, piece.fontSize)
                    a, d = _metrics(piece.fontName, piece.fontSize)[1:]
                    ascent, descent = max(ascent, a), min(descent, d)
                if not text and more:
                    count += 1
                current = new
            else:
                self._width_max = max(self._width_max, current)
                lines.append(
                    FragLine(
                        extraSpace=max_width - current,
                        wordCount=count,
                        lineBreak=False,
                        words=line,
                        fontSize=line_size,
                        ascent=ascent,
                        descent=descent,
                        maxWidth=max_width,
                        sFW=first,
                    )
                )
                first = len(done) - 1
                lineno += 1
                max_width = max_widths[min(last, lineno)]
                space = _metrics(font, size)[0] if isinstance(word, _HSFrag) else 0
                current = word_width
                count = 1
                g, source = fragment.clone(), fragment
                line_size = g.fontSize
                ascent, descent = _metrics(g.fontName, line_size)[1:]
                line = [g]
                g.text = word[1][1]
                for piece, piece_text in word[2:]:
                    g, source = piece.clone(), piece
                    g.text = piece_text
                    line.append(g)
                    line_size = max(line_size, piece.fontSize)
                    a, d = _metrics(piece.fontName, piece.fontSize)[1:]
                    ascent, descent = max(ascent, a), min(descent, d)
        if line:
            self._width_max = max(self._width_max, current)
            lines.append(
                FragLine(
                    extraSpace=max_width - current,
                    wordCount=count,
                    lineBreak=False,
                    words=line,
                    fontSize=line_size,
                    ascent=ascent,
                    descent=descent,
                    maxWidth=max_width,
                    sFW=first,
                )
            )
        self.frags = done
        return ParaLines(kind=1, lines=lines)

    def drawPara(self, debug=0):  # noqa: N802 - reportlab's name
        """Paragraph.drawPara for lines of plain text fragments (its second case), step for step: one text object,
        each line's fragments written in turn, changing font and colour where they change, with word spacing to
        justify; without what reportlab does per fragment for what plain text has none of (measuring each run for
        underlines, links and backgrounds, then drawing none). Anything else is left to it."""
        style, bl_para = self.style, self.blPara
        lines = bl_para.lines
        if not _draws_itself(self, debug, 1, _LINE_DRAWERS) or not all(
            _plain_fragment(fragment) for line in lines for fragment in line.words
        ):
            return super().drawPara(debug)
        canvas = self.canv
        count = len(lines)
        offsets = getattr(self, "_offsets", [0])
        offsets += (count - len(offsets)) * [offsets[-1]]  # reportlab pads the paragraph's own list
        canvas.saveState()
        offset = style.firstLineIndent + offsets[0]
        no_justify_last = not getattr(self, "_JustifyLast", False)
        justify_last = style.justifyLastLine
        first = lines[0]
        top = first.fontSize if paraFontSizeHeightOffset else getattr(first, "ascent", first.fontSize)
        tx = self.beginText(style.leftIndent, self.height - top)
        tx.preformatted = False
        tx.direction = style.wordWrap
        tx._fontname = tx._fontsize = tx._leading = None
        state = [None, 0]  # the text colour and rise set so far (reportlab's XtraState)
        draw_line = _LINE_DRAWERS[style.alignment]
        leading = style.leading
        for index, line in enumerate(lines):
            last = no_justify_last and index == count - 1
            if last and justify_last and line.wordCount > justify_last:
                last = False
            draw_line(tx, offset if index == 0 else offsets[index], line, last, leading, state)
        canvas.drawText(tx)
        canvas.restoreState()
        return None

    def _fragment_words(self):
        """The paragraph's words as reportlab's ``_getFragWords`` makes them of plain text fragments: each
        ``[width, (fragment, text), …]`` (a word may span two fragments: "vụ**,"), an ``_HSFrag`` when a space
        follows it; or None when the fragments are anything but plain text."""
        frags = self.frags
        if not frags:
            return None
        if isinstance(frags[0], list):  # broken before: reportlab's own words, kept if none was split
            return frags if all(type(word) in (list, _HSFrag) for word in frags) else None
        words, pending, width, strip_start = [], [], 0, True
        for fragment in frags:
            text = getattr(fragment, "text", None)
            if text is None or hasattr(fragment, "cbDefn") or hasattr(fragment, "lineBreak"):
                return None
            if text == "":
                continue
            if not NOT_PLAIN.isdisjoint(text):
                return None
            fragment._fkind = 0  # reportlab's _FK_TEXT, as _getFragWords marks it
            if strip_start:
                text = rl_strip_start(text)
                if not text:
                    continue
                strip_start = False
            pieces = rl_split(text)
            font, size = fragment.fontName, fragment.fontSize
            widths = _widths(font, size)
            if text[0] in WHITESPACE or not pieces:
                if pending:
                    pending.insert(0, width)
                    words.append(pending)
                    hangs = False  # reportlab's hangingSpace, never set for text
                    pending, width = [], 0
                else:
                    hangs = words and isinstance(words[-1], _HSFrag)
                if not hangs:
                    pieces.insert(0, "")
                elif not pieces:
                    continue
            for piece in pieces[:-1]:
                pending.append((fragment, piece))
                width += _width(widths, piece, font, size)
                pending.insert(0, width)
                words.append(_HSFrag(pending))
                pending, width = [], 0
            piece = pieces[-1]
            pending.append((fragment, piece))
            width += _width(widths, piece, font, size)
            if text[-1] in WHITESPACE:
                pending.insert(0, width)
                words.append(_HSFrag(pending))
                pending, width = [], 0
        if pending:
            pending.insert(0, width)
            words.append(pending)
        return words or None


def _width(widths: dict[str, float], word: str, font: str, size: float) -> float:
    found = widths.get(word)
    if found is None:
        found = widths[word] = stringWidth(word, font, size)
    return found


_METRICS: dict[tuple[str, float], tuple[float, float, float]] = {}


def _metrics(font: str, size: float) -> tuple[float, float, float]:
    """The width of a space, the ascent and the descent of a font at a size (reportlab measures them per word)."""
    key = (font, size)
    found = _METRICS.get(key)
    if found is None:
        found = _METRICS[key] = (stringWidth(" ", font, size), *getAscentDescent(font, size))
    return found


def _plain_fragment(fragment) -> bool:
    """A fragment of text only: no image, line break, link, underline, background or raised text."""
    found = fragment.__dict__
    return not (
        "cbDefn" in found
        or "lineBreak" in found
        or found.get("link")
        or found.get("us_lines")
        or found.get("backColor")
        or found.get("rise")
    )


def _put_line(tx, line, leading, state) -> None:
    """reportlab's ``_putFragLine`` for plain text fragments: what it writes, in the same order."""
    x0 = tx._x0
    if tx._leading != leading:
        tx.setLeading(leading)
    words = line.words
    final = words[-1]
    for fragment in words:
        font, size, colour = fragment.fontName, fragment.fontSize, fragment.textColor
        if tx._fontname != font or tx._fontsize != size:
            tx._setFont(font, size)
        if state[0] != colour:
            state[0] = colour
            tx.setFillColor(colour)
        tx._textOut(fragment.text, fragment is final)
    if tx._x0 != x0:
        rl_set_x(tx, x0 - tx._x0)


def _spaces(line) -> int:
    return line.wordCount + sum(fragment.text.count("\xa0") for fragment in line.words) - 1


def _draw_left(tx, offset, line, last, leading, state) -> None:
    tx._x_offset = offset
    rl_set_x(tx, offset)
    extra = line.extraSpace
    spaces = 0 if extra > -1e-8 else _spaces(line)
    if spaces <= 0:
        _put_line(tx, line, leading, state)
    else:
        tx.setWordSpace(extra / float(spaces))
        _put_line(tx, line, leading, state)
        tx.setWordSpace(0)
    rl_set_x(tx, -offset)


def _draw_centre(tx, offset, line, last, leading, state) -> None:
    tx._x_offset = offset
    extra = line.extraSpace
    spaces = 0 if extra > -1e-8 else _spaces(line)
    if spaces <= 0:
        moved = offset + 0.5 * extra
        rl_set_x(tx, moved)
        _put_line(tx, line, leading, state)
    else:
        moved = offset
        tx.setWordSpace(extra / float(spaces))
        _put_line(tx, line, leading, state)
        tx.setWordSpace(0)
    rl_set_x(tx, -moved)


def _draw_right(tx, offset, line, last, leading, state) -> None:
    tx._x_offset = offset
    extra = line.extraSpace
    spaces = 0 if extra > -1e-8 else _spaces(line)
    if spaces <= 0:
        moved = offset + extra
        rl_set_x(tx, moved)
        _put_line(tx, line, leading, state)
    else:
        moved = offset
        tx.setWordSpace(extra / float(spaces))
        _put_line(tx, line, leading, state)
        tx.setWordSpace(0)
    rl_set_x(tx, -moved)


def _draw_justified(tx, offset, line, last, leading, state) -> None:
    tx._x_offset = offset
    rl_set_x(tx, offset)
    extra = line.extraSpace
    simple = line.lineBreak or (-1e-8 < extra <= 1e-8) or (last and extra > -1e-8)
    spaces = 0 if simple else _spaces(line)
    if spaces > 0:
        tx.setWordSpace(extra / float(spaces))
        _put_line(tx, line, leading, state)
        tx.setWordSpace(0)
    else:
        _put_line(tx, line, leading, state)
    rl_set_x(tx, -offset)


_PLAIN_LINE_DRAWERS = {
    TA_LEFT: rl_draw_left,
    TA_CENTER: rl_draw_centre,
    TA_RIGHT: rl_draw_right,
    TA_JUSTIFY: rl_draw_justified,
}
_LINE_DRAWERS = {TA_LEFT: _draw_left, TA_CENTER: _draw_centre, TA_RIGHT: _draw_right, TA_JUSTIFY: _draw_justified}


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def _widths(font: str, size: float) -> dict[str, float]:
    """The widths of the words met so far in one font and size (a document repeats most of its words)."""
    key = (font, size)
    found = _WIDTHS.get(key)
    if found is None or len(found) > 100_000:
        found = _WIDTHS[key] = {}
    return found


# Text the paragraph parser would read as anything but plain words: markup, entities, line breaks, the soft
# hyphen and the no-break space (reportlab splits and hyphenates those itself).
NOT_PLAIN = frozenset("<>&\n\r\t\xad\xa0")


class Styles:
    def __init__(self, layout: Layout, family: fonts.FontFamily):
        self.layout, self.family = layout, family
        self.derived: dict[tuple, ParagraphStyle] = {}  # body styles with an indent, size or space: one each
        # A table names a font for its cells even when they hold paragraphs: ours, not the unembedded Helvetica.
        self.table_font = ("FONTNAME", (0, 0), (-1, -1), family.face())

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
        self.fragments: dict[tuple[str, bool, bool], object] = {}

    def fragment(self, style: ParagraphStyle, bold: bool = False, italic: bool = False):
        """The fragment the parser makes of one plain run in ``style`` (its font, size, colour), parsed once."""
        key = (style.name, bold, italic)
        found = self.fragments.get(key)
        if found is None:
            sample = escape("x")
            if bold:
                sample = f"<b>{sample}</b>"
            if italic:
                sample = f"<i>{sample}</i>"
            found = self.fragments.setdefault(key, Paragraph(sample, style).frags[0])
        return found

    def text(self, text: str, style: ParagraphStyle, *, bold: bool = False, italic: bool = False) -> Paragraph:
        """A paragraph of one run of plain text: the light one unless the text holds what only the parser reads."""
        text = nfc(text)
        if NOT_PLAIN.isdisjoint(text):
            return PlainParagraph(text, style, frags=[self.fragment(style, bold, italic).clone(text=text)])
        run = escape(text).replace("\n", "<br/>")
        if bold:
            run = f"<b>{run}</b>"
        if italic:
            run = f"<i>{run}</i>"
        return Paragraph(run, style)


_STYLES: dict[tuple[Layout, str], Styles] = {}


def styles(layout: Layout, family: fonts.FontFamily) -> Styles:
    """The styles of a layout in a font family, made once a process: each render would otherwise build some twenty
    and parse a sample of each run's style (reportlab's parser) before setting a word. They are read, not changed,
    by a render; a derived style or a fragment added by one is the same for all (named and keyed by what makes
    it)."""
    key = (layout, family.name)  # the styles name its faces only
    found = _STYLES.get(key)
    if found is None:
        found = _STYLES.setdefault(key, Styles(layout, family))
    return found


def markup(runs: tuple[Run, ...]) -> str:
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
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), st.table_font])
    )
    story = [table, st.text(document.doc_type.upper(), st.doc_type)]
    story += [st.text(line, st.summary) for line in document.summary]
    story.append(Spacer(1, st.layout.body_size * 0.8))
    return story


def _para(block: Para, st: Styles) -> Paragraph:
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
    if runs and all((run.bold, run.italic) == (runs[0].bold, runs[0].italic) for run in runs):
        return st.text(block.text, style, bold=runs[0].bold, italic=runs[0].italic)
    if NOT_PLAIN.isdisjoint(block.text):
        # Runs of plain text in two styles (a bold level within a sentence): the parser's fragments, one a run,
        # copied from the style's instead of parsed; reportlab breaks and draws them as it would have.
        frags = [st.fragment(style, run.bold, run.italic).clone(text=nfc(run.text)) for run in runs if run.text]
        return RunsParagraph(None, style, frags=frags)
    return Paragraph(markup(runs), style)


CELL_PADDING = 12  # reportlab's default left + right padding of a cell (6 + 6)


def _cell(text: str, style: ParagraphStyle, room: float, st: Styles, shared: dict | None = None):
    """A cell's content: the plain string when it fits on one line (drawn by the table itself, no paragraph to
    parse and wrap: most cells of a minutes' or a summary's table), else a wrapping paragraph. ``shared`` holds
    the paragraphs of one column of one table: a text that recurs in it (a level's name) is one paragraph, broken
    once for the column's width and drawn in each of its cells (a cell draws, never splits, its content)."""
    text = nfc(text)
    if "\n" not in text and _text_width(text, style.fontName, style.fontSize, room) <= room:
        return text
    if shared is None:
        return st.text(text, style)
    key = (text, style.name)
    found = shared.get(key)
    if found is None:
        found = shared[key] = st.text(text, style)
    return found


def _text_width(text: str, font: str, size: float, room: float) -> float:
    """``stringWidth(text)``, added up from the widths of its words and spaces (remembered across cells: names
    and levels repeat); measured whole when the sum is too near ``room`` for its rounding to decide."""
    widths = _widths(font, size)
    words = text.split(" ")
    total = (len(words) - 1) * _metrics(font, size)[0]
    for word in words:
        total += _width(widths, word, font, size)
    if abs(total - room) < 1e-6:
        return stringWidth(text, font, size)
    return total


def _table(block: Table, st: Styles, width: float) -> RLTable:
    aligns = block.align or ("left",) * len(block.widths)
    widths = [width * share for share in block.widths]
    rooms = [w - CELL_PADDING for w in widths]
    size = st.cell["left"].fontSize
    data = []
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        st.table_font,
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), st.cell["left"].leading),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    header = len(block.header)
    columns = [{} for _ in widths]  # each column's recurring paragraphs (``_cell``)
    for row in block.header:
        data.append([_cell(text, st.cell_bold["center"], room, st) for text, room in zip(row, rooms, strict=True)])
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
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), st.table_font])
    )
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
            story.append(_para(block, st))
        elif isinstance(block, Table):
            story += [Spacer(1, 4), _table(block, st, width), Spacer(1, 4)]
        elif isinstance(block, BarChart):
            story += [Spacer(1, 6), _chart(block, st, width)]
        elif isinstance(block, SignatureBlock):
            story += _signature_row(block.signatures, (), st, width)
    story += _closing(document, st, width)
    template.build(story)
    return buffer.getvalue()
