"""The party_units app's audit actions: what the admin records for units, roles and accounts, and unlocking
a throttled login."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.labels import register

from .models import RoleKind

register(
    {
        "party_unit.created": _("Thêm đơn vị (quản trị)"),
        "party_unit.updated": _("Sửa đơn vị (quản trị)"),
        "party_unit.deleted": _("Xóa đơn vị (quản trị)"),
    },
    fields={
        "name": _("tên"),
        "short_name": _("tên ngắn"),
        "abbreviation": _("ký hiệu"),
        "level_label": _("cấp"),
        "place_name": _("địa danh"),
        "is_active": _("đang hoạt động"),
    },
)
register(
    {
        "role.created": _("Giao vai trò (quản trị)"),
        "role.updated": _("Sửa vai trò (quản trị)"),
        "role.deleted": _("Thu hồi vai trò (quản trị)"),
    },
    fields={"kind": _("vai trò")},
    values={"kind": RoleKind},
)
register(
    {
        "user.created": _("Tạo tài khoản (quản trị)"),
        "user.updated": _("Sửa tài khoản (quản trị)"),
        "user.deleted": _("Xóa tài khoản (quản trị)"),
        "user.password_set": _("Đặt lại mật khẩu (quản trị)"),
        "group.created": _("Thêm nhóm quyền (quản trị)"),
        "group.updated": _("Sửa nhóm quyền (quản trị)"),
        "group.deleted": _("Xóa nhóm quyền (quản trị)"),
    },
    fields={
        "username": _("tên đăng nhập"),
        "first_name": _("tên"),
        "last_name": _("họ"),
        "email": _("thư điện tử"),
        "is_active": _("đang hoạt động"),
        "is_staff": _("vào trang quản trị"),
        "is_superuser": _("toàn quyền"),
        "password": _("mật khẩu"),
    },
)
register(
    {"login.unlocked": _("Mở khóa đăng nhập"), "login.deleted": _("Xóa lượt đăng nhập sai (quản trị)")},
    fields={"username": _("tên đăng nhập"), "ip_address": _("địa chỉ máy")},
)
