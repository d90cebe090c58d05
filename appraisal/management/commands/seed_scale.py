"""``python manage.py seed_scale --members N``: a national-scale tree and a 2025 cycle in every state.

The seeder lives in ``bench/scale/`` (development and benchmarking only) and is imported when the command runs,
so the application's runtime modules never load it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appraisal.models import ReviewCycle
from party_units.models import PartyUnit


class Command(BaseCommand):
    help = "Nạp dữ liệu quy mô lớn (cây tổ chức, đảng viên, kỳ đánh giá 2025) để đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="số đảng viên, ví dụ 300000 hoặc 5600000")
        parser.add_argument("--provinces", type=int, default=None, help="số tỉnh/thành (mặc định: theo số đảng viên)")
        parser.add_argument("--wards", type=int, default=None, help="số xã/phường (mặc định: ~1.700 đảng viên mỗi nơi)")
        parser.add_argument("--shape", choices=["2025", "2023"], default="2025", help="2023: có cấp quận/huyện")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        # Thousands of invented members and ratings: never on a real database by accident.
        if not (settings.DEBUG or settings.SCALE_DATA):
            raise CommandError(
                "Từ chối nạp dữ liệu quy mô lớn: đây không phải cơ sở dữ liệu phát triển hay đo hiệu năng "
                "(DEBUG tắt). Nếu đúng là cơ sở dữ liệu đo hiệu năng, đặt biến môi trường SCALE_DATA=1."
            )
        if PartyUnit.objects.exists() or ReviewCycle.objects.exists():
            raise CommandError(
                "Cơ sở dữ liệu đã có tổ chức đảng: dữ liệu quy mô lớn chỉ nạp vào cơ sở dữ liệu trống "
                "(tạo cơ sở dữ liệu mới rồi chạy migrate)."
            )
        if options["members"] < 10:
            raise CommandError("Cần ít nhất 10 đảng viên.")
        from bench.scale import Seeder

        seeder = Seeder(
            members=options["members"],
            provinces=options["provinces"],
            wards=options["wards"],
            shape=options["shape"],
            seed=options["seed"],
            progress=self.stdout.write,
        )
        seeder.run()
        self.stdout.write(self.style.SUCCESS(f"Kỳ đánh giá: {seeder.cycle} (id {seeder.cycle.pk})"))
