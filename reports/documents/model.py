"""The plain data of an official document: what a selector builds and both renderers (PDF, .docx) read.

All text is normalised to NFC here, once, so a document extracts exactly as it was written whatever the
input method produced (NFD from some phones, NFC from most keyboards).
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def date_line(place: str, day: datetime.date | None) -> str:
    """ "Quyết Thắng, ngày 16 tháng 11 năm 2021"; a draft without a date leaves the blanks to fill by hand."""
    if day is None:
        return nfc(f"{place}, ngày     tháng     năm")
    return nfc(f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}")


def number_line(number: int | None, code: str) -> str:
    """ "Số 12-BB/CB" (no colon after "Số"); a draft not yet issued leaves the number blank: "Số     -BB/CB"."""
    return f"Số {number:02d}-{code}" if number is not None else f"Số      -{code}"


@dataclass(frozen=True)
class Header:
    """The header pair: on the left the direct superior body, the issuing body in bold and "*", then the number
    and code; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" with its rule, then the italic place and date."""

    superior: str  # "ĐẢNG BỘ PHƯỜNG QUYẾT THẮNG" (may be empty at the top of the tree)
    issuer: str  # "CHI BỘ TRƯỜNG TIỂU HỌC MẠC ĐĨNH CHI"
    code: str  # "BB/CB": the type and the body's abbreviation, after the number; "" for a paper without one
    place: str
    date: datetime.date | None = None
    number: int | None = None  # None: a draft, the number is assigned when the document is issued

    @property
    def number_text(self) -> str:
        """The number line, or "" for a paper that carries none (a member's self-review)."""
        return number_line(self.number, self.code) if self.code else ""

    @property
    def date_text(self) -> str:
        return date_line(self.place, self.date)


@dataclass(frozen=True)
class Issuer:
    """The body a document is issued by, as its header names it: built once from the unit by the selectors
    (``reports.selectors.issuer_of``), turned into the header by each document (``header``)."""

    superior: str  # the direct superior body: "Đảng ủy phường Quyết Thắng" ("" at the top of the tree)
    name: str  # "Chi bộ Trường Tiểu học Mạc Đĩnh Chi"
    abbreviation: str  # "CB", after the type in the number's code ("BB/CB")
    place: str  # the place of the date line ("Quyết Thắng")

    def header(self, doc_type: str, day: datetime.date | None, number: int | None) -> Header:
        """The header of a document of ``doc_type`` ("BB", "BC", "QĐ"; "" for a paper without a number) dated
        ``day`` and numbered ``number`` (None for a draft: both left blank)."""
        return Header(
            superior=self.superior,
            issuer=self.name,
            code=f"{doc_type}/{self.abbreviation}" if doc_type else "",
            place=self.place,
            date=day,
            number=number if doc_type else None,
        )


def start_of(day: datetime.date | None) -> datetime.datetime | None:
    """The moment a document dated ``day`` is fixed in its file (so the same data gives the same bytes)."""
    return datetime.datetime.combine(day, datetime.time()) if day else None


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Para:
    """A paragraph of body text: runs of plain, bold or italic text. ``indent`` is a first-line indent."""

    runs: tuple[Run, ...]
    align: str = "justify"  # justify | left | center | right
    indent: bool = True
    size: float | None = None  # None: the body size of the layout
    space_before: float = 0

    @classmethod
    def of(cls, *parts: str | Run, **kw) -> Para:
        return cls(tuple(part if isinstance(part, Run) else Run(part) for part in parts), **kw)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Table:
    """A ruled table. ``widths`` are fractions of the text width; numbers are right-aligned by ``align``."""

    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    align: tuple[str, ...] = ()  # per column: left | center | right (default left)
    size: float | None = None  # None: the table size of the layout
    bold_rows: tuple[int, ...] = ()  # indexes into rows set in bold (totals)


@dataclass(frozen=True)
class BarChart:
    """A grouped bar chart drawn with reportlab's graphics (PDF) and as a table of the same figures (.docx)."""

    title: str
    categories: tuple[str, ...]  # the levels
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, one value per category), e.g. percentages


@dataclass(frozen=True)
class Signature:
    """One signature block: "T/M CHI BỘ" / "BÍ THƯ", space to sign, the full name."""

    lines: tuple[str, ...]  # the capitals above the signature, in bold
    name: str
    note: str = ""  # "(Ký, ghi rõ họ tên)" under the captions, in italic


@dataclass(frozen=True)
class SignatureBlock:
    """Signatures inside the body, at the right (a form signed in turn: the member, then the cell's committee,
    then the grassroots committee, each under its own heading)."""

    signatures: tuple[Signature, ...]


Block = Para | Table | BarChart | SignatureBlock


@dataclass(frozen=True)
class OfficialDocument:
    header: Header
    doc_type: str  # "BIÊN BẢN"
    summary: tuple[str, ...]  # the lines of the trích yếu, under the type
    body: tuple[Block, ...]
    signatures: tuple[Signature, ...] = ()
    recipients: tuple[str, ...] = ()  # "Nơi nhận:" items, bottom left
    title: str = ""  # the file's title metadata
    author: str = ""
    created: datetime.datetime | None = None  # fixed in the file, so the same data gives the same bytes
    extra: dict = field(default_factory=dict, compare=False)
