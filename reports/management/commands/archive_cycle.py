"""Write the archive of a closed cycle (reports.archive) to a file, and record it in the audit log.

python manage.py archive_cycle 3 --out /srv/luu-tru/ky-2025.zip
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appraisal.models import ReviewCycle
from audit.services import audit_log
from reports.archive import ArchiveRefused, build


class Command(BaseCommand):
    help = "Lập hồ sơ lưu trữ (tệp nén có bảng kê mã kiểm tra) của một kỳ đánh giá đã kết thúc."

    def add_arguments(self, parser):
        parser.add_argument("cycle", type=int, help="mã số kỳ đánh giá")
        parser.add_argument("--out", type=Path, required=True, help="tệp .zip sẽ ghi")

    def handle(self, *args, cycle: int, out: Path, **options):
        found = ReviewCycle.objects.select_related("issuing_unit").filter(pk=cycle).first()
        if found is None:
            raise CommandError(f"Không có kỳ đánh giá mã {cycle}.")
        if out.exists():
            raise CommandError(f"Tệp {out} đã có: chọn tên khác, không ghi đè.")
        try:
            content, manifest = build(found)
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(content)
        digest = hashlib.sha256(content).hexdigest()
        with transaction.atomic():
            audit_log(
                actor=None,
                action="review_cycle.archive_exported",
                obj=found,
                after={"file": out.name, "sha256": digest, "size": len(content)},
            )
            partial.replace(out)
        records = ", ".join(f"{name}: {count}" for name, count in manifest["records"].items())
        self.stdout.write(f"{out} ({len(content)} byte, SHA-256 {digest}); {len(manifest['files'])} tệp; {records}")
