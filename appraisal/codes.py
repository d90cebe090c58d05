"""Party document codes (số và ký hiệu văn bản): ``163-CV/ĐU`` → number 163, type CV, issuing body ĐU.

Pure Python, no ORM. The shape follows Hướng dẫn 36-HD/VPTW (2018): ``{number}-{TYPE}/{BODY}``; the type is
one of the abbreviations below, the body the issuing body's abbreviation (TW, BTCTW, QU, ĐU, CB…), several
bodies joined by "-" for a joint document. Input is forgiving about what people really type (NFD text,
a leading "Số", spaces around the separators, an en dash, the Icelandic "Ð" that some keyboards produce for
"Đ", lower case) and strict about the shape: anything else is refused with a Vietnamese message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Document types and their abbreviations (HD 36-HD/VPTW, Phụ lục). "QĐ" covers both Quyết định and Quy định.
DOC_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định, Quy định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "TT": "Thông tri",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "TC": "Thông cáo",
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "QH": "Quy hoạch",
    "CTr": "Chương trình",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "TTr": "Tờ trình",
    "CV": "Công văn",
    "CĐ": "Công điện",
    "BB": "Biên bản",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GCN": "Giấy chứng nhận",
}
# Upper-cased key → the abbreviation as the format writes it ("CTR" → "CTr").
_TYPES_BY_UPPER = {abbr.upper(): abbr for abbr in DOC_TYPES}

# Issuing bodies that are not units of the tree (central bodies) or that are common enough to name.
KNOWN_BODIES: dict[str, str] = {
    "TW": "Ban Chấp hành Trung ương",
    "BCT": "Bộ Chính trị",
    "BBT": "Ban Bí thư",
    "BTCTW": "Ban Tổ chức Trung ương",
    "VPTW": "Văn phòng Trung ương Đảng",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BTGDVTW": "Ban Tuyên giáo và Dân vận Trung ương",
    "BNCTW": "Ban Nội chính Trung ương",
    "BDVTW": "Ban Dân vận Trung ương",
    "TU": "Tỉnh ủy, Thành ủy",
    "QU": "Quận ủy",
    "HU": "Huyện ủy",
    "ĐU": "Đảng ủy",
    "ĐUK": "Đảng ủy khối",
    "CB": "Chi bộ",
}
# Bodies above every unit of the tree: documents they issue are central documents (no local issuing unit).
CENTRAL_BODIES = frozenset({"TW", "BCT", "BBT", "BTCTW", "VPTW", "UBKTTW", "BTGTW", "BTGDVTW", "BNCTW", "BDVTW"})

# "Đ" as people type it: the real letter (U+0110), the look-alike Icelandic eth (U+00D0), the African D
# (U+0189), or a D followed by a combining stroke (U+0335/U+0336) — NFC does not fold any of these.
_D_VARIANTS = str.maketrans({"\u00d0": "Đ", "\u0189": "Đ", "\u00f0": "đ", "\u0256": "đ"})
_D_STROKE = re.compile("([Dd])[\u0335\u0336]")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")

_UPPER_LETTERS = "A-ZĐ"  # after NFC + upper(), the body's letters are these (accents do not occur in codes)
_SHAPE = re.compile(
    rf"^(?P<number>[0-9]+)\s*-\s*(?P<type>[A-Za-zĐđ]+)\s*/\s*(?P<body>[{_UPPER_LETTERS}a-zđ0-9]+(?:\s*-\s*[{_UPPER_LETTERS}a-zđ0-9]+)*)$"
)
_BODY_PART = re.compile(rf"^[{_UPPER_LETTERS}][{_UPPER_LETTERS}0-9]*$")
_PREFIX = re.compile(r"^(?:số|so)\s*[:.]?\s*", re.IGNORECASE)

EXAMPLE = "163-CV/ĐU"


class DocumentCodeError(ValueError):
    """The code is not a valid Party document code; the message is Vietnamese and says why."""


@dataclass(frozen=True)
class DocumentCode:
    number: int
    number_text: str  # as written, with its leading zeros ("01")
    doc_type: str  # the canonical abbreviation: "CV", "QĐ", "CTr"
    issuing_body: str  # "ĐU", "BTCTW", or "BTCTW-BTGTW" for a joint document

    @property
    def code(self) -> str:
        return f"{self.number_text}-{self.doc_type}/{self.issuing_body}"

    @property
    def type_label(self) -> str:
        return DOC_TYPES[self.doc_type]

    @property
    def bodies(self) -> tuple[str, ...]:
        return tuple(self.issuing_body.split("-"))

    @property
    def body_label(self) -> str:
        return ", ".join(KNOWN_BODIES.get(body, body) for body in self.bodies)

    @property
    def is_central(self) -> bool:
        return any(body in CENTRAL_BODIES for body in self.bodies)

    def __str__(self) -> str:
        return self.code


def normalise(text: str) -> str:
    """NFC, the Đ look-alikes folded to Đ, dashes to "-", no leading "Số", no surrounding spaces."""
    text = unicodedata.normalize("NFC", text or "")
    text = _D_STROKE.sub(lambda m: "Đ" if m.group(1) == "D" else "đ", text)
    text = text.translate(_D_VARIANTS)
    text = _DASHES.sub("-", text)
    text = " ".join(text.split())
    return _PREFIX.sub("", text).strip()


def parse_code(text: str) -> DocumentCode:
    """Parse a document code or raise DocumentCodeError with a Vietnamese message."""
    cleaned = normalise(text)
    if not cleaned:
        raise DocumentCodeError(f"Chưa nhập số, ký hiệu văn bản (ví dụ: {EXAMPLE}).")
    match = _SHAPE.match(cleaned)
    if match is None:
        raise DocumentCodeError(
            f"Số, ký hiệu văn bản «{cleaned}» không đúng dạng «số-LOẠI/CƠ QUAN BAN HÀNH» (ví dụ: {EXAMPLE})."
        )
    number_text = match["number"]
    number = int(number_text)
    if number == 0:
        raise DocumentCodeError(f"Số văn bản phải lớn hơn 0 (nhận được «{number_text}»).")
    doc_type = _TYPES_BY_UPPER.get(match["type"].upper())
    if doc_type is None:
        known = ", ".join(DOC_TYPES)
        raise DocumentCodeError(f"Loại văn bản «{match['type']}» không có trong danh mục ký hiệu ({known}).")
    parts = [part.strip().upper() for part in match["body"].split("-")]
    for part in parts:
        if not _BODY_PART.match(part):
            raise DocumentCodeError(
                f"Ký hiệu cơ quan ban hành «{part}» không hợp lệ: chỉ gồm chữ in hoa, bắt đầu bằng một chữ cái "
                "(ví dụ: ĐU, QU, BTCTW)."
            )
    return DocumentCode(number=number, number_text=number_text, doc_type=doc_type, issuing_body="-".join(parts))


def body_matches_unit(code: DocumentCode, unit_abbreviation: str) -> bool:
    """Whether a unit whose documents use ``unit_abbreviation`` (ĐU, QU, CB…) may have issued this code.

    A committee's own bodies append its abbreviation: the organisation board of a district committee signs
    "BTCQU", its inspection commission "UBKTQU"; so one of the bodies must end with the unit's abbreviation.
    """
    abbreviation = normalise(unit_abbreviation).upper()
    return bool(abbreviation) and any(body.endswith(abbreviation) for body in code.bodies)
