"""Renderers take plain inputs and return bytes; the job service stores them. Registry keyed by job kind."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from members.spreadsheet import write_row
from party_units.models import PartyUnit, UnitKind, nfc
from party_units.selectors import flatten, unit_tree

from .documents import docx, pdf
from .documents import minutes as minutes_doc
from .documents import rerating as rerating_doc
from .documents import self_review as self_review_doc
from .documents import summary as summary_doc
from .documents.model import OfficialDocument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    content_type: str


def unit_tree_xlsx(unit: PartyUnit, params: dict) -> Rendered:  # noqa: ARG001 - same signature for every renderer
    """The organisation tree under `unit` with its member counts, as a spreadsheet."""
    nodes = flatten(unit_tree(None, root=unit))
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổ chức đảng")
    ws.append([_("DANH SÁCH TỔ CHỨC ĐẢNG TRỰC THUỘC %(unit)s") % {"unit": unit.name.upper()}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Ngày lập: %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}])
    ws.append([])
    header = [_("STT"), _("Tổ chức đảng"), _("Cấp"), _("Ký hiệu"), _("Đảng viên trực tiếp"), _("Tổng số đảng viên")]
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, node in enumerate(nodes, start=1):
        write_row(
            ws,
            [
                number,
                "    " * (node.unit.depth - unit.depth) + node.unit.name,
                node.unit.level_label,
                node.unit.abbreviation,
                node.direct_members,
                node.total_members,
            ],
        )
    for column, width in zip("ABCDEF", (6, 60, 18, 10, 14, 14), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return Rendered(buffer.getvalue(), f"to-chuc-dang-{unit.pk}.xlsx", XLSX)


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
CONTENT_TYPES = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "zip": ZIP}


def ascii_slug(text: str) -> str:
    """A file name from Vietnamese text: "Chi bộ Đoàn Kết" → "chi-bo-doan-ket"."""
    return slugify(nfc(text).replace("đ", "d").replace("Đ", "D")) or "van-ban"


def official(document: OfficialDocument, fmt: str, stem: str) -> Rendered:
    """One official document as PDF or .docx: the same data, the same layout."""
    content = docx.render(document) if fmt == "docx" else pdf.render(document)
    return Rendered(content, f"{ascii_slug(stem)}.{fmt}", CONTENT_TYPES[fmt])


def minutes(unit: PartyUnit, params: dict) -> Rendered:
    from .selectors import minutes_data

    data = minutes_data(int(params["review"]))
    return official(minutes_doc.build(data), params.get("format", "pdf"), f"bien-ban-{data.issuer.name}")


def summary(unit: PartyUnit, params: dict) -> Rendered:
    from .selectors import summary_data

    data = summary_data(unit, int(params["cycle"]))
    return official(summary_doc.build(data), params.get("format", "pdf"), f"bao-cao-tong-hop-{data.issuer.name}")


def statistics(unit: PartyUnit, params: dict) -> Rendered:
    from .selectors import summary_data

    data = summary_data(unit, int(params["cycle"]))
    fmt = params.get("format", "pdf")
    stem = ascii_slug(f"bieu-thong-ke-{data.issuer.name}")
    if fmt == "xlsx":
        return Rendered(summary_doc.statistics_xlsx(data), f"{stem}.xlsx", XLSX)
    return official(summary_doc.build_statistics(data), fmt, stem)


def minutes_of_cycle(unit: PartyUnit, cycle_id: int, fmt: str = "pdf", progress=None) -> list[Rendered]:
    """The minutes of every cell under ``unit`` (itself included) that held its meeting in the cycle's cascade."""
    from appraisal.models import UnitReview

    from .selectors import minutes_data

    cycle_root = _root_id(cycle_id)
    reviews = list(
        UnitReview.objects.filter(root_id=cycle_root, unit__path__startswith=unit.path, meeting__isnull=False)
        .order_by("unit__path")
        .values_list("pk", flat=True)
    )
    documents = []
    for index, review_id in enumerate(reviews, start=1):
        data = minutes_data(review_id)
        documents.append(official(minutes_doc.build(data), fmt, f"bien-ban-{data.issuer.name}"))
        if progress is not None:
            progress(index, len(reviews))
    return documents


def _root_id(cycle_id: int) -> int:
    from appraisal.models import ReviewCycle

    return ReviewCycle.objects.get(pk=cycle_id).root_id_or_self


def unique_names(documents: list[Rendered]) -> list[tuple[str, Rendered]]:
    """File names made unique in order: two cells of the same name give "bien-ban-chi-bo-1.pdf", "…-2.pdf"."""
    seen: dict[str, int] = {}
    named = []
    for document in documents:
        name = document.filename
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            stem, _dot, ext = name.rpartition(".")
            name = f"{stem}-{seen[document.filename]}.{ext}"
        named.append((name, document))
    return named


def zip_of(documents: list[Rendered]) -> bytes:
    """One zip of many documents, reproducible (fixed timestamps, names made unique in order)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, document in unique_names(documents):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, document.content)
    return buffer.getvalue()


def bulk_minutes(unit: PartyUnit, params: dict) -> Rendered:
    from .services import job_progress

    job_id = params.get("_job")
    documents = minutes_of_cycle(
        unit,
        int(params["cycle"]),
        params.get("format", "pdf"),
        progress=(lambda done, total: job_progress(job_id, done, total)) if job_id else None,
    )
    return Rendered(zip_of(documents), f"bien-ban-{ascii_slug(unit.name)}.zip", ZIP)


def self_review(unit: PartyUnit, params: dict) -> Rendered:
    """A member's self-review in the layout of its form variant: the version named (0: as it stands)."""
    from .selectors import self_review_data

    data = self_review_data(int(params["self_review"]), int(params.get("version") or 0) or None)
    return official(self_review_doc.build(data), params.get("format", "pdf"), f"ban-kiem-diem-{data.signer}")


def collective_report(unit: PartyUnit, params: dict) -> Rendered:
    from .selectors import collective_report_data

    data = collective_report_data(int(params["review"]))
    return official(self_review_doc.build(data), params.get("format", "pdf"), f"bao-cao-kiem-diem-{data.issuer.name}")


def self_reviews_of_cell(review_id: int, fmt: str = "pdf", progress=None) -> list[Rendered]:
    """Every submitted self-review of one cell's work item, each at its last submitted version."""
    from .selectors import self_reviews_of_cell as forms_of_cell

    forms = forms_of_cell(review_id)
    documents = []
    for index, data in enumerate(forms, start=1):
        documents.append(official(self_review_doc.build(data), fmt, f"ban-kiem-diem-{data.signer}"))
        if progress is not None:
            progress(index, len(forms))
    return documents


def cell_reviews_of_cycle(unit: PartyUnit, cycle_id: int) -> list[tuple[int, str]]:
    """(work item id, cell name) of every cell under ``unit`` (itself included) in the cycle's cascade."""
    from appraisal.models import UnitReview

    return list(
        UnitReview.objects.filter(
            root_id=_root_id(cycle_id), unit__path__startswith=unit.path, unit__kind=UnitKind.CELL
        )
        .order_by("unit__path")
        .values_list("pk", "unit__name")
    )


def collective_reports_of_cycle(unit: PartyUnit, cycle_id: int, fmt: str = "pdf") -> list[Rendered]:
    """The own report of every cell under ``unit`` that has written one."""
    from appraisal.models import CollectiveReport

    cells = [pk for pk, _name in cell_reviews_of_cycle(unit, cycle_id)]
    written = set(CollectiveReport.objects.filter(unit_review_id__in=cells).values_list("unit_review_id", flat=True))
    return [collective_report(unit, {"review": pk, "format": fmt}) for pk in cells if pk in written]


def bulk_self_reviews(unit: PartyUnit, params: dict) -> Rendered:
    from .services import job_progress

    job_id = params.get("_job")
    documents = self_reviews_of_cell(
        int(params["review"]),
        params.get("format", "pdf"),
        progress=(lambda done, total: job_progress(job_id, done, total)) if job_id else None,
    )
    return Rendered(zip_of(documents), f"ban-kiem-diem-{ascii_slug(unit.name)}.zip", ZIP)


def rerating(unit: PartyUnit, params: dict) -> Rendered:
    """Mẫu 03: the committee's decision re-rating one member or organisation (its number once issued)."""
    from .selectors import rerating_data

    data = rerating_data(int(params["rating"]))
    return official(rerating_doc.build(data), params.get("format", "pdf"), f"quyet-dinh-xep-loai-lai-{data.subject}")


def cycle_archive(unit: PartyUnit, params: dict) -> Rendered:
    """Everything of a closed cycle under ``unit``, with a checksum manifest (reports.archive)."""
    from appraisal.models import ReviewCycle

    from .archive import build

    cycle = ReviewCycle.objects.get(pk=int(params["cycle"]))
    content, _manifest = build(cycle, unit)
    return Rendered(content, f"luu-tru-{ascii_slug(cycle.title)}.zip", ZIP)


@dataclass(frozen=True)
class Kind:
    label: str
    produce: Callable[[PartyUnit, dict], Rendered]
    formats: tuple[str, ...] = ("pdf", "docx")
    needs: tuple[str, ...] = ()  # the records a request names: "review", "cycle", "member"
    # False: not asked for through the generic job_create (a view of its own checks a stronger right).
    direct: bool = True


RENDERERS: dict[str, Kind] = {
    "unit_tree_xlsx": Kind("Danh sách tổ chức đảng và số đảng viên (Excel)", unit_tree_xlsx, ("xlsx",)),
    "minutes": Kind("Biên bản hội nghị kiểm điểm", minutes, needs=("review",)),
    "summary": Kind("Báo cáo tổng hợp kết quả xếp loại", summary, needs=("cycle",)),
    "statistics": Kind("Biểu thống kê kết quả xếp loại", statistics, ("pdf", "xlsx", "docx"), needs=("cycle",)),
    "bulk_minutes": Kind("Biên bản của mọi chi bộ (tệp nén)", bulk_minutes, needs=("cycle",)),
    "self_review": Kind("Bản kiểm điểm cá nhân", self_review, needs=("self_review",)),
    "collective_report": Kind("Báo cáo kiểm điểm của chi bộ", collective_report, needs=("review",)),
    "rerating": Kind("Quyết định xếp loại lại (Mẫu 03)", rerating, needs=("rating",)),
    "bulk_self_reviews": Kind(
        "Bản kiểm điểm của mọi đảng viên trong chi bộ (tệp nén)", bulk_self_reviews, needs=("review",)
    ),
    "cycle_archive": Kind(
        "Hồ sơ lưu trữ kỳ đánh giá (tệp nén)", cycle_archive, ("zip",), needs=("cycle",), direct=False
    ),
}
