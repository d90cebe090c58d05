"""Import a roster file from the command line, with the same checks and the same all-or-nothing rule as the page.

python manage.py import_members danh-sach.xlsx --unit 12 --user danguy [--dry-run]
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from members.importing import MAX_FILE_BYTES, import_members
from party_units.access import Perm, can
from party_units.models import PartyUnit


class Command(BaseCommand):
    help = "Nhập danh sách đảng viên từ tệp .xlsx hoặc .csv (chỉ ghi khi cả tệp hợp lệ)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp .xlsx hoặc .csv")
        parser.add_argument("--unit", required=True, type=int, help="Mã (id) chi bộ hoặc đảng bộ nhận danh sách")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của người nhập (quyền và nhật ký)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và báo cáo, không ghi")
        parser.add_argument(
            "--chuyen-ma",
            dest="legacy",
            choices=["tcvn3", "vni"],
            default="",
            help="Xác nhận chuyển các ô gõ bằng bảng mã cũ (TCVN3, VNI) sang Unicode",
        )

    def handle(self, *args, path, unit, user, dry_run, legacy="", **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Không có tài khoản «{user}».")
        target = PartyUnit.objects.filter(pk=unit).first()
        if target is None or not can(actor, Perm.MANAGE_MEMBERS, target):
            raise CommandError(f"Tài khoản «{user}» không được quản lý đảng viên của đơn vị {unit}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"Tệp quá lớn: tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        plan = import_members(file.read_bytes(), file.name, actor=actor, unit=target, dry_run=dry_run, legacy=legacy)
        if plan.needs_legacy_confirmation:
            for cell in plan.legacy[:20]:
                self.stdout.write(f"dòng {cell.row}, cột {cell.column}: {cell.original} → {cell.converted}")
            self.stderr.write(
                f"Có {len(plan.legacy)} ô gõ bằng bảng mã cũ {plan.legacy_label}: kiểm tra bản chuyển mã ở trên rồi "
                f"chạy lại với --chuyen-ma {plan.legacy_encoding}."
            )
        for message in plan.file_errors:
            self.stderr.write(message)
        for warning in plan.warnings:
            self.stdout.write(warning)
        if options["verbosity"] >= 2:
            for row in plan.rows:
                self.stdout.write(f"dòng {row.number}: {row.full_name} – {row.fate_label}")
        for error in plan.errors:
            where = f", cột {error.column}" if error.column else ""
            self.stderr.write(f"dòng {error.row}{where}: {error.message}")
        counts = plan.counts
        summary = (
            f"{counts['new']} thêm mới, {counts['updated']} cập nhật, {counts['unchanged']} không đổi, "
            f"{counts['error']} dòng lỗi."
        )
        if not plan.is_valid:
            raise CommandError(f"Tệp có lỗi, chưa ghi gì. {summary}")
        self.stdout.write(("Kiểm tra xong (không ghi): " if dry_run else "Đã nhập: ") + summary)
