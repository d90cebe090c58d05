"""The members app's audit actions as a person reads them (registered with audit.labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.labels import field_labels, register

from .models import MEMBER_FIELDS, DisciplineLevel, Gender, Member, MembershipKind, PartyPost, StatusKind

COMMON = {
    "unit": _("chi bộ"),
    "start_date": _("từ ngày"),
    "end_date": _("đến ngày"),
    "note": _("ghi chú"),
}

register(
    {
        "member.created": _("Thêm đảng viên"),
        "member.updated": _("Sửa thông tin"),
        "member.transferred": _("Chuyển sinh hoạt"),
        "member.imported": _("Thêm qua nhập danh sách"),
        "member.import_updated": _("Cập nhật qua nhập danh sách"),
        "member.account_linked": _("Gắn tài khoản đăng nhập"),
        "member.account_unlinked": _("Bỏ gắn tài khoản đăng nhập"),
    },
    fields={
        **COMMON,
        **field_labels(Member, *MEMBER_FIELDS),
        "user": _("tài khoản đăng nhập"),
        "old_end_date": _("kết thúc ở chi bộ cũ"),
    },
    values={"gender": Gender, "party_post": PartyPost},
)
register(
    {"members.import": _("Nhập danh sách đảng viên")},
    fields={
        "file": _("tệp"),
        "new": _("thêm mới"),
        "updated": _("cập nhật"),
        "unchanged": _("không đổi"),
        "error": _("lỗi"),
    },
)
register(
    {"membership.temporary_added": _("Sinh hoạt tạm thời"), "membership.ended": _("Kết thúc sinh hoạt tạm thời")},
    fields={**COMMON, "kind": _("hình thức")},
    values={"kind": MembershipKind},
)
register(
    {
        "status.added": _("Thêm tình trạng"),
        "status.ended": _("Kết thúc tình trạng"),
        "status.deleted": _("Xóa tình trạng"),
    },
    fields={
        **COMMON,
        "kind": _("tình trạng"),
        "discipline_level": _("hình thức kỷ luật"),
        "decision_ref": _("số quyết định"),
        "duty_related": _("liên quan đến chức trách, nhiệm vụ"),
        "self_detected": _("tự phát hiện, tự khắc phục"),
        "months": _("số tháng"),
    },
    values={"kind": StatusKind, "discipline_level": DisciplineLevel},
)
register(
    {
        "member.deleted": _("Xóa đảng viên (quản trị)"),
        "membership.created": _("Thêm quá trình sinh hoạt (quản trị)"),
        "membership.updated": _("Sửa quá trình sinh hoạt (quản trị)"),
        "membership.deleted": _("Xóa quá trình sinh hoạt"),
        "status.created": _("Thêm tình trạng (quản trị)"),
        "status.updated": _("Sửa tình trạng (quản trị)"),
    },
    fields={**COMMON, "full_name": _("họ và tên"), "kind": _("loại")},
)
