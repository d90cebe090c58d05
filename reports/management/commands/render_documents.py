"""Render a unit's documents of a cycle into a folder, for offices that archive by script.

python manage.py render_documents --cycle 3 --unit 12 --kind minutes --out /srv/luu-tru/2025

``self-review`` writes every submitted self-review (its last submitted version) of each cell under the unit, in
a folder per cell when the unit is a committee; ``collective-report`` the own report of each cell that wrote one.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appraisal.models import ReviewCycle
from party_units.models import PartyUnit
from reports.renderers import (
    Rendered,
    ascii_slug,
    cell_reviews_of_cycle,
    collective_reports_of_cycle,
    minutes_of_cycle,
    self_reviews_of_cell,
    statistics,
    summary,
    unique_names,
)

KINDS = ("minutes", "self-review", "collective-report", "summary", "statistics")


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
        folders: dict[str, list[Rendered]] = {}
        if kind == "minutes":
            folders[""] = minutes_of_cycle(found_unit, cycle, format)
        elif kind == "summary":
            folders[""] = [summary(found_unit, {"cycle": cycle, "format": format})]
        elif kind == "statistics":
            folders[""] = [statistics(found_unit, {"cycle": cycle, "format": format})]
        elif kind == "collective-report":
            folders[""] = collective_reports_of_cycle(found_unit, cycle, format)
        else:
            for review_id, cell_name in cell_reviews_of_cycle(found_unit, cycle):
                folder = "" if found_unit.is_cell else ascii_slug(cell_name)
                folders.setdefault(folder, []).extend(self_reviews_of_cell(review_id, format))
        count = 0
        for folder, documents in folders.items():
            target = out / folder if folder else out
            target.mkdir(parents=True, exist_ok=True)
            for name, document in unique_names(documents):
                (target / name).write_bytes(document.content)
                count += 1
        self.stdout.write(f"Đã ghi {count} văn bản vào {out}.")
