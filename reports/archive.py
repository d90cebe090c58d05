"""The archive of a closed cycle that a committee keeps: one zip with everything of the cycle's cascade under the
issuing unit.

    manifest.json         the cycle, when and by what the archive was made, every file with its size and SHA-256
    SHA256SUMS            the same checksums, for ``sha256sum -c SHA256SUMS`` in the unpacked folder
    <table>.csv / .json   the records, one row per record: CSV for a spreadsheet (dates dd/mm/yyyy, local time,
                          UTF-8 with a byte-order mark so Excel reads the Vietnamese), JSON with the exact values
                          (don_vi: the units' work, xep_loai: every rating with the cell's proposal and the
                          committee's decision, de_nghi: every proposal round and its outcome, ban_kiem_diem:
                          the self-reviews, hoi_nghi: the meetings, nang_ty_le / nhom_doi_tuong: quota raises and
                          groups, nhat_ky: every audit entry of the cycle's work)
    van-ban/              the documents rendered for the cycle and kept (PDF, Word, Excel), by job
    bien-ban/             every cell's minutes, rendered as PDF when the archive is made
    huong-dan/            the guidance documents' files

Made by ``manage.py archive_cycle`` or by the committee's button on a closed cycle (a report job, kind
``cycle_archive``).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import hashlib
import io
import json
import zipfile
from pathlib import PurePosixPath

from django.db.models import Q
from django.utils import timezone

from audit.labels import label_of
from audit.services import snapshot
from party_units.models import PartyUnit


class ArchiveRefused(ValueError):
    pass


def _local(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S") if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def _csv_cell(value) -> str:
    value = _local(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, decimal.Decimal):
        return str(value)
    text = str(value)
    # A cell starting like a formula is kept as text (the spreadsheet must not run it).
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def _json_default(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def _rows(queryset, extra: dict[str, str] | None = None) -> list[dict]:
    """Every concrete field of each record (foreign keys as ids, values as stored) and the readable columns named in
    ``extra`` (column → dotted attribute path)."""
    rows = []
    for obj in queryset:
        row = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        for column, path in (extra or {}).items():
            value = obj
            for part in path.split("."):
                value = getattr(value, part, None) if value is not None else None
            row[column] = value
        rows.append(row)
    return rows


def _tables(cycle, unit: PartyUnit) -> dict[str, list[dict]]:
    from appraisal.selectors.audit import cycle_entries, cycle_records

    root = cycle.root_id_or_self
    records = cycle_records(root, unit)
    return {
        "ky": _rows(
            records.cycles.select_related("issuing_unit").order_by("pk"),
            {"issuing_unit_name": "issuing_unit.name"},
        ),
        "don_vi": _rows(
            records.unit_reviews.select_related("unit").order_by("unit__path"),
            {"unit_name": "unit.name", "unit_path": "unit.path"},
        ),
        "xep_loai": _rows(
            records.ratings.select_related("unit_review__unit", "member", "unit", "decided_by").order_by(
                "unit_review__unit__path", "subject", "pk"
            ),
            {
                "cell_name": "unit_review.unit.name",
                "member_name": "member.full_name",
                "rated_unit_name": "unit.name",
                "decided_by_name": "decided_by.username",
            },
        ),
        "de_nghi": _rows(
            records.proposal_rounds.select_related("unit_review__unit").order_by("unit_review__unit__path", "number"),
            {"unit_name": "unit_review.unit.name"},
        ),
        "ban_kiem_diem": _rows(
            records.self_reviews.select_related("unit_review__unit", "member").order_by(
                "unit_review__unit__path", "pk"
            ),
            {"cell_name": "unit_review.unit.name", "member_name": "member.full_name"},
        ),
        "hoi_nghi": _rows(
            records.meetings.select_related("unit_review__unit").order_by("unit_review__unit__path"),
            {"cell_name": "unit_review.unit.name"},
        ),
        "nang_ty_le": _rows(records.quota_raises.select_related("unit"), {"unit_name": "unit.name"}),
        "nhom_doi_tuong": _rows(records.quota_groups.order_by("pk")),
        "nhat_ky": [
            {**snapshot(entry), "action_label": label_of(entry.action)}
            for entry in cycle_entries(root, unit).order_by("at", "id")
        ],
    }


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    if rows:
        columns = list(rows[0])
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode()


def _documents(cycle, unit: PartyUnit) -> dict[str, bytes]:
    """The stored files: the jobs rendered for the cycle's cascade under ``unit``, the guidance documents."""
    from appraisal.models import ReviewCycle, SelfReview

    from .models import JobStatus, ReportJob

    root = cycle.root_id_or_self
    cycle_ids = list(ReviewCycle.objects.filter(Q(pk=root) | Q(root_id=root)).values_list("pk", flat=True))
    files: dict[str, bytes] = {}
    jobs = ReportJob.objects.filter(
        status=JobStatus.DONE, unit__path__startswith=unit.path, params__cycle__in=cycle_ids
    ).exclude(kind="cycle_archive")
    reviews = _review_ids(root, unit)
    review_jobs = ReportJob.objects.filter(
        status=JobStatus.DONE, unit__path__startswith=unit.path, params__review__in=reviews
    )
    self_review_jobs = ReportJob.objects.filter(
        status=JobStatus.DONE,
        params__self_review__in=list(
            SelfReview.objects.filter(unit_review_id__in=reviews).values_list("pk", flat=True)
        ),
    )
    for job in (jobs | review_jobs | self_review_jobs).order_by("pk"):
        if job.file:
            with job.file.open("rb") as stored:
                files[f"van-ban/{job.pk}-{PurePosixPath(job.filename).name}"] = stored.read()
    for document in cycle.guidance_documents.all().order_by("issued_on", "pk"):
        if document.file:
            with document.file.open("rb") as stored:
                files[f"huong-dan/{document.pk}-{PurePosixPath(document.file.name).name}"] = stored.read()
    return files


def _review_ids(root: int, unit: PartyUnit) -> list[int]:
    from appraisal.models import UnitReview

    return list(UnitReview.objects.filter(root_id=root, unit__path__startswith=unit.path).values_list("pk", flat=True))


def build(cycle, unit: PartyUnit | None = None) -> tuple[bytes, dict]:
    """The archive's bytes and its manifest. ``unit``: the issuing unit (default) or a unit under it."""
    from .renderers import minutes_of_cycle, unique_names

    if not cycle.is_closed:
        raise ArchiveRefused("Chỉ lập hồ sơ lưu trữ cho kỳ đánh giá đã kết thúc.")
    unit = unit or cycle.issuing_unit
    files: dict[str, bytes] = {}
    counts = {}
    for name, rows in _tables(cycle, unit).items():
        counts[name] = len(rows)
        files[f"{name}.csv"] = _csv(rows)
        files[f"{name}.json"] = json.dumps(rows, ensure_ascii=False, indent=1, default=_json_default).encode()
    files.update(_documents(cycle, unit))
    for name, document in unique_names(minutes_of_cycle(unit, cycle.pk, "pdf")):
        files[f"bien-ban/{name}"] = document.content
    listing = [
        {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        for path, content in sorted(files.items())
    ]
    manifest = {
        "cycle": {"id": cycle.pk, "title": cycle.title, "year": cycle.year, "state": cycle.state},
        "unit": {"id": unit.pk, "name": unit.name},
        "made_at": timezone.localtime().isoformat(),
        "records": counts,
        "files": listing,
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    files["SHA256SUMS"] = "".join(f"{item['sha256']}  {item['path']}\n" for item in listing).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue(), manifest
