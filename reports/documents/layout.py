"""The sizes, weights and margins of the official format (Hướng dẫn 36-HD/VPTW, appendix 3), as settings.

The element sizes come from the guidance's table (RULES.md "Party document format"); the margins and the place
of the page number are not confirmed from the original text, so they are settings here, with the values of a
provincial Party handbook as defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Layout:
    page_width_mm: float = 210  # A4
    page_height_mm: float = 297
    margin_top_mm: float = 25
    margin_bottom_mm: float = 25
    margin_left_mm: float = 35
    margin_right_mm: float = 15
    national_size: float = 15  # "ĐẢNG CỘNG SẢN VIỆT NAM", bold capitals, a rule under it
    superior_size: float = 14  # the direct superior body, regular capitals
    issuer_size: float = 14  # the issuing body, bold capitals, "*" under it
    number_size: float = 14  # "Số 12-BB/CB"
    date_size: float = 14  # italic
    type_size: float = 16  # "BIÊN BẢN", bold capitals, centred (15–16)
    summary_size: float = 14  # the trích yếu, bold (14–15)
    body_size: float = 14  # 14–15
    table_size: float = 12
    signature_size: float = 14
    recipients_title_size: float = 12  # "Nơi nhận:", bold italic
    recipients_size: float = 11
    page_number_size: float = 14  # from page 2, centred at the top
    leading: float = 1.25  # line height as a multiple of the size
    header_left_share: float = 0.44  # the left column of the header pair, as a share of the text width
    docx_font_name: str = "Times New Roman"  # what Word shows; LibreOffice substitutes Liberation Serif

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm


DEFAULT_LAYOUT = Layout()
