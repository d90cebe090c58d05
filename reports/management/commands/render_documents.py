"""Render a unit's documents of a cycle into a folder, for offices that archive by script.

python manage.py render_documents --cycle 3 --unit 12 --kind minutes --out /srv/luu-tru/2025
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appraisal.models import ReviewCycle
from party_units.models import PartyUnit
from reports.renderers import minutes_of_cycle, statistics, summary, unique_names

KINDS = ("minutes", "self-review", "summary", "statistics")


class Command(BaseCommand):
    help = "Ghi các văn bản của một đơn vị trong một kỳ đánh giá vào một thư mục."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True)
        parser.add_argument("--unit", type=int, required=True)
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--format", choices=("pdf", "docx", "xlsx"), default="pdf")

    def handle(self, *args, cycle: int, unit: int, kind: str, out: Path, format: str, **options):  # noqa: A002
        try:
            found_unit = PartyUnit.objects.get(pk=unit)
            ReviewCycle.objects.get(pk=cycle)
        except (PartyUnit.DoesNotExist, ReviewCycle.DoesNotExist) as exc:
            raise CommandError(f"Không tìm thấy: {exc}") from exc
        if format == "xlsx" and kind != "statistics":
            raise CommandError("Chỉ biểu thống kê có định dạng xlsx.")
        if kind == "minutes":
            documents = minutes_of_cycle(found_unit, cycle, format)
        elif kind == "summary":
            documents = [summary(found_unit, {"cycle": cycle, "format": format})]
        elif kind == "statistics":
            documents = [statistics(found_unit, {"cycle": cycle, "format": format})]
        else:
            raise CommandError("Bản kiểm điểm cá nhân chưa xuất được bằng lệnh này.")
        out.mkdir(parents=True, exist_ok=True)
        for name, document in unique_names(documents):
            (out / name).write_bytes(document.content)
        self.stdout.write(f"Đã ghi {len(documents)} văn bản vào {out}.")
