"""Reading a roster file: .xlsx or .csv bytes into a header and rows (`read_table`), or an ImportFileError with a
Vietnamese message; a .xlsx is refused before parsing when its zip or its first sheet declares too much."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from ..legacy import LABELS as LEGACY_LABELS
from ..legacy import detect as detect_legacy
from ..legacy import to_unicode as legacy_to_unicode
from ..text import fold
from .plan import COLUMN_BY_FOLD, COLUMN_BY_KEY, Formula, ImportFileError, LegacyCell, Table, present

MAX_FILE_BYTES = 5 * 1024 * 1024
# A .xlsx is a zip: its declared sizes and the first sheet's declared dimensions are checked before any parsing
# (a roster of 10,000 rows expands to about 8 MB; a "decompression bomb" to hundreds).
MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_COLUMNS = 100
MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 10


# ---------------------------------------------------------------------------------------------------------------
# Reading files


def read_table(data: bytes, file_name: str) -> Table:
    """The header and data rows of a .xlsx or .csv file; ImportFileError if the file cannot be used at all."""
    if not data:
        raise ImportFileError(_("Tệp rỗng."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    name = file_name.lower()
    if name.endswith(".xlsx"):
        rows, merged = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows, merged = _read_csv(data), []
    elif name.endswith(".xls"):
        raise ImportFileError(_("Tệp .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại thành .xlsx."))
    else:
        raise ImportFileError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    legacy = _convert_legacy(rows)
    header_index = _find_header(rows)
    header_row, header = rows[header_index]
    # A merged title above the header is common and harmless; merged cells in the table hide values.
    merged_in_table = [coord for first, last, coord in merged if last >= header_row]
    if merged_in_table:
        raise ImportFileError(
            _("Bảng tính có ô gộp (%(ranges)s): hãy bỏ gộp ô rồi nhập lại.")
            % {"ranges": ", ".join(merged_in_table[:5])}
        )
    data_rows = [(n, cells) for n, cells in rows[header_index + 1 :] if any(present(c) for c in cells)]
    if not data_rows:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."))
    if len(data_rows) > MAX_ROWS:
        raise ImportFileError(
            _("Tệp có %(n)s dòng dữ liệu, quá giới hạn %(max)s dòng: hãy chia thành nhiều tệp.")
            % {"n": len(data_rows), "max": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    return Table(
        header=header,
        header_row=header_row,
        rows=data_rows,
        legacy=[c for c in legacy if c.row > header_row],
    )


def _convert_legacy(rows: list[tuple[int, list[Any]]]) -> list[LegacyCell]:
    """Convert, in place, every text cell typed with an old Vietnamese font; the plan shows them to be confirmed."""
    found: list[LegacyCell] = []
    for number, cells in rows:
        for index, value in enumerate(cells):
            encoding = detect_legacy(value) if isinstance(value, str) else None
            if encoding:
                converted = legacy_to_unicode(value, encoding)
                cells[index] = converted
                found.append(LegacyCell(number, get_column_letter(index + 1), value, converted, encoding))
    return found


def _find_header(rows: list[tuple[int, list[Any]]]) -> int:
    nonblank = [i for i, (_, cells) in enumerate(rows) if any(present(c) for c in cells)]
    if not nonblank:
        raise ImportFileError(_("Tệp không có dữ liệu."))
    for i in nonblank[:HEADER_SEARCH_ROWS]:
        folded = {fold(c) for c in rows[i][1] if isinstance(c, str)}
        if COLUMN_BY_KEY["full_name"] in {COLUMN_BY_FOLD.get(f) for f in folded}:
            return i
    raise ImportFileError(
        _("Không tìm thấy dòng tiêu đề có cột «Họ và tên» trong %(n)s dòng đầu của tệp.") % {"n": HEADER_SEARCH_ROWS}
    )


def _read_csv(data: bytes) -> list[tuple[int, list[Any]]]:
    if b"\x00" in data:
        raise ImportFileError(_("Tệp CSV chứa ký tự NUL: đây không phải tệp văn bản CSV hợp lệ."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_csv_encoding_message(data)) from None
    if not text.strip():
        raise ImportFileError(_("Tệp rỗng."))
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])  # a title may sit above the header
    delimiter = max([",", ";", "\t"], key=head.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for cells in reader:
            rows.append((len(rows) + 1, list(cells)))  # numbered as a spreadsheet shows them: one per record
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
                break
    except csv.Error as exc:
        raise ImportFileError(
            _("Không đọc được tệp CSV ở dòng %(line)s: ô dữ liệu quá lớn hoặc dấu ngoặc kép không khớp.")
            % {"line": reader.line_num}
        ) from exc
    return rows


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_REL = re.compile(rb"<Relationship\b[^>]*>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
XML_HEAD_BYTES = 64 * 1024  # the dimension element comes before the sheet's data


def _head(archive: zipfile.ZipFile, name: str, size: int = XML_HEAD_BYTES) -> bytes:
    """The first bytes of a member, decompressing no more than that."""
    with archive.open(name) as handle:
        return handle.read(size)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet (the one the import reads), from workbook.xml and its relations."""
    names = set(archive.namelist())
    try:
        match = _SHEET.search(_head(archive, "xl/workbook.xml", 1024 * 1024))
        rels = _head(archive, "xl/_rels/workbook.xml.rels", 1024 * 1024)
    except KeyError:
        match, rels = None, b""
    if match:
        for rel in _REL.findall(rels):
            if f'Id="{match.group(1).decode()}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
                if target:
                    path = target.group(1).decode().lstrip("/")
                    path = path if path.startswith("xl/") else f"xl/{path}"
                    if path in names:
                        return path
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def check_xlsx_archive(archive: zipfile.ZipFile) -> None:
    """Refuse, before any parsing, a .xlsx that would expand too much: the sizes its zip directory declares
    (the zip reader never inflates a member past its declared size) and the first sheet's declared dimensions."""
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _(
                "Tệp Excel khi giải nén quá lớn (%(mb)s MB, tối đa %(max)s MB): tệp có thể chứa dữ liệu thừa hoặc "
                "bị làm giả. Hãy sao chép bảng danh sách sang một tệp mới, hoặc chia thành nhiều tệp."
            )
            % {"mb": max(1, total // (1024 * 1024)), "max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )
    sheet = _first_sheet(archive)
    if sheet is None:
        return
    match = _DIMENSION.search(_head(archive, sheet))
    if not match:
        return
    last_col, last_row = (match.group(3) or match.group(1)).decode(), int(match.group(4) or match.group(2))
    columns = column_index_from_string(last_col)
    if last_row > MAX_ROWS + HEADER_SEARCH_ROWS + 1000 or columns > MAX_COLUMNS:
        raise ImportFileError(_too_many_cells(last_row, columns))


def _too_many_cells(rows: int, columns: int) -> str:
    return _(
        "Trang tính đầu tiên của tệp có %(rows)s dòng × %(cols)s cột, quá giới hạn %(max)s dòng, %(maxcols)s cột: "
        "hãy xóa các dòng, cột thừa (kể cả ô trống đã định dạng) hoặc chia thành nhiều tệp."
    ) % {
        "rows": f"{rows:,}".replace(",", "."),
        "cols": columns,
        "max": f"{MAX_ROWS:,}".replace(",", "."),
        "maxcols": MAX_COLUMNS,
    }


def _csv_encoding_message(data: bytes) -> str:
    """How to fix a CSV saved in an old 8-bit encoding (not where its first odd byte is)."""
    text = data.decode("cp1252", errors="replace")
    found = [e for e in (detect_legacy(word) for word in text.split()) if e]
    typed = (
        _(" Chữ trong tệp có vẻ được gõ bằng bảng mã %(enc)s.")
        % {"enc": LEGACY_LABELS[max(set(found), key=found.count)]}
        if found
        else ""
    )
    return (
        _("Tệp CSV không được lưu ở dạng Unicode UTF-8.")
        + typed
        + _(
            " Cách sửa: mở tệp bằng Excel, chọn Tệp → Lưu thành (Save As), ở «Kiểu tệp» chọn «CSV UTF-8 (Comma "
            "delimited) (*.csv)» rồi tải tệp mới lên; hoặc lưu thành Sổ làm việc Excel (.xlsx). Nếu chữ hiển thị "
            "sai dấu, hãy chuyển mã sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) trước khi lưu."
        )
    )


def _read_xlsx(data: bytes) -> tuple[list[tuple[int, list[Any]]], list[tuple[int, int, str]]]:
    from openpyxl import load_workbook

    bad = _("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải định dạng .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_xlsx_archive(archive)
    except ImportFileError:
        raise
    except Exception:  # BadZipFile, NotImplementedError (odd versions), ValueError, EOFError…: all "broken"
        raise ImportFileError(bad) from None
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
        sheet = workbook.worksheets[0]
        if sheet.max_row > MAX_ROWS + HEADER_SEARCH_ROWS + 1000 or sheet.max_column > MAX_COLUMNS:
            raise ImportFileError(_too_many_cells(sheet.max_row, sheet.max_column))  # a sheet that declared none
        merged = [(r.min_row, r.max_row, r.coord) for r in sheet.merged_cells.ranges]
        rows: list[tuple[int, list[Any]]] = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (value is not None and type(value).__name__ == "ArrayFormula"):
                    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
                    value = Formula(str(text))
                cells.append(value)
            rows.append((row[0].row if row else len(rows) + 1, cells))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
                break
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors…) for a broken file
        raise ImportFileError(bad) from None
    return rows, merged
