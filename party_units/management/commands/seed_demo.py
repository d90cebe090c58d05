from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from party_units.demo import DEMO_PASSWORD

DEMO_LOGINS = [
    ("admin", "quản trị hệ thống (superuser)"),
    ("quanuy", "cán bộ Quận ủy Hai Bà Trưng"),
    ("danguy", "cán bộ Đảng ủy phường Quyết Thắng"),
    ("bithu", "Bí thư Chi bộ Trường Tiểu học Mạc Đĩnh Chi"),
    ("dangvien", "đảng viên Chi bộ Trường Tiểu học Mạc Đĩnh Chi"),
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (chạy lại nhiều lần không thay đổi gì thêm)."

    def handle(self, *args, **options):
        # The demo creates `admin` with a published password: never on a production database by accident.
        if not (settings.DEBUG or settings.DEMO_DATA):
            raise CommandError(
                "Từ chối nạp dữ liệu mẫu: đây không phải cơ sở dữ liệu phát triển hay trình diễn "
                "(DEBUG tắt). Dữ liệu mẫu tạo tài khoản quản trị với mật khẩu công khai. "
                "Nếu đúng là máy trình diễn, đặt biến môi trường DEMO_DATA=1."
            )
        # Each app contributes its part through AppConfig.seed_demo, lowest layer first, in one transaction.
        with transaction.atomic():
            for config in apps.get_app_configs():
                seed = getattr(config, "seed_demo", None)
                if seed is not None:
                    self.stdout.write(f"{config.verbose_name}:")
                    seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu đã sẵn sàng. Mật khẩu mọi tài khoản: {DEMO_PASSWORD}"))
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<10} {role}")
