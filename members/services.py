"""Changes to member records. Each function checks the actor's right, runs in one transaction and writes the
audit log in it; a refused change raises ValidationError (Vietnamese messages, keyed by form field) or
PermissionDenied."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, diff, snapshot
from party_units.access import Actor, Perm, require_actor
from party_units.models import PartyUnit

from .dates import activity_date_error, member_date_errors
from .models import MEMBER_FIELDS, Member, Membership, MembershipKind, MemberStatus, StatusKind
from .text import looks_like_formula

TEXT_FIELDS = ["full_name", "card_number", "government_post", "union_post", "workplace"]
MEMBERSHIP_FIELDS = ["member_id", "unit_id", "kind", "start_date", "end_date", "note"]
STATUS_FIELDS = [
    "member_id",
    "kind",
    "start_date",
    "end_date",
    "discipline_level",
    "decision_ref",
    "duty_related",
    "self_detected",
    "months",
    "note",
]


def _require_cell(unit: PartyUnit, field: str = "unit") -> None:
    if not unit.is_cell or not unit.is_active:
        raise ValidationError({field: _("Chỉ có thể sinh hoạt ở một chi bộ đang hoạt động.")})


def _check_activity_dates(**dates: datetime.date | None) -> None:
    """Refuse activity dates outside the sane range (members.dates), keyed by the form field's name."""
    errors = {field: message for field, value in dates.items() if (message := activity_date_error(value))}
    if errors:
        raise ValidationError(errors)


def current_official(member: Member) -> Membership | None:
    return member.memberships.filter(kind=MembershipKind.OFFICIAL, end_date__isnull=True).select_related("unit").first()


def validate_member(member: Member, *, today: datetime.date | None = None) -> None:
    """Rules about one record and its uniqueness against the others (card number; name + date of birth)."""
    today = today or timezone.localdate()
    member.normalise()
    errors: dict[str, str] = {}
    if not member.full_name:
        errors["full_name"] = _("Thiếu họ và tên.")
    for field in TEXT_FIELDS:
        if looks_like_formula(getattr(member, field) or ""):
            errors[field] = _("Không được bắt đầu bằng dấu =, +, -, @ như một công thức bảng tính.")
    errors |= member_date_errors(
        date_of_birth=member.date_of_birth,
        admitted_on=member.admitted_on,
        full_member_on=member.full_member_on,
        today=today,
    )
    if member.full_member_on and not member.admitted_on:
        errors["full_member_on"] = _("Cần có ngày vào Đảng trước khi ghi ngày chính thức.")
    others = Member.objects.exclude(pk=member.pk)
    if member.card_number and others.filter(card_number=member.card_number).exists():
        errors["card_number"] = _("Số thẻ đảng viên này đã được cấp cho một đảng viên khác.")
    # The same person: the same card number, or the same name and date of birth when a card is missing on
    # either side (two people with one name and birthday are told apart by their cards).
    namesakes = others.filter(name_key=member.name_key, date_of_birth=member.date_of_birth)
    if member.card_number:
        namesakes = namesakes.filter(card_number="")
    if member.full_name and namesakes.exists():
        errors["full_name"] = _(
            "Đã có một đảng viên cùng họ tên và ngày sinh; nếu là người khác, hãy ghi số thẻ đảng viên để phân biệt."
        )
    if member.user_id and others.filter(user_id=member.user_id).exists():
        errors["user"] = _("Tài khoản này đã gắn với một đảng viên khác.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def member_create(*, actor: Actor, cell: PartyUnit, start_date: datetime.date, **fields) -> Member:
    """A new member with an open official membership in `cell` from `start_date`."""
    require_actor(actor, Perm.MANAGE_MEMBERS, cell)
    _require_cell(cell, "cell")
    member = Member(**fields)
    validate_member(member)
    _check_activity_dates(start_date=start_date)
    if member.admitted_on and start_date < member.admitted_on:
        raise ValidationError({"start_date": _("Ngày bắt đầu sinh hoạt không được trước ngày vào Đảng.")})
    member.save()
    membership = Membership.objects.create(member=member, unit=cell, start_date=start_date)
    member.current_membership = membership
    audit_log(
        actor=actor,
        action="member.created",
        obj=member,
        after={**snapshot(member, MEMBER_FIELDS), "unit_id": cell.pk, "unit": cell.name, "start_date": start_date},
    )
    return member


@transaction.atomic
def member_update(*, actor: Actor, member: Member, **changes) -> Member:
    """Change the member's record; the linked account changes only through ``member_link_account``."""
    require_actor(actor, Perm.MANAGE_MEMBERS, member)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"member_update cannot change {sorted(unknown)}")
    before = snapshot(member, MEMBER_FIELDS)
    for field, value in changes.items():
        setattr(member, field, value)
    validate_member(member)
    member.save()
    old, new = diff(before, snapshot(member, MEMBER_FIELDS))
    if new:
        audit_log(actor=actor, action="member.updated", obj=member, before=old, after=new)
    return member


def _account_message(username: str) -> str:
    # One message for "no such account" and "not linkable": the page never tells whether a login name exists.
    return _(
        "Không thể gắn tài khoản «%(u)s» với đảng viên này: tài khoản không có, hoặc không thể gắn (đã gắn với "
        "đảng viên khác, là tài khoản quản trị, hoặc có vai trò ngoài chi bộ của đảng viên)."
    ) % {"u": username}


@transaction.atomic
def member_link_account(*, actor: Actor, member: Member, username: str) -> Member:
    """Link the login account ``username`` to ``member`` so that the person reads their own record.

    Committee staff over the member only (``Perm.LINK_ACCOUNTS``). Refused, with one message whatever the reason,
    for an account that does not exist, is inactive, is an administrator's, is linked to another member, or holds
    a role on a unit outside the member's cell.
    """
    require_actor(actor, Perm.LINK_ACCOUNTS, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    username = username.strip()
    if member.user_id:
        raise ValidationError({"username": _("Đảng viên này đã gắn với một tài khoản: hãy bỏ gắn tài khoản đó trước.")})
    cell = member.access_unit
    user = get_user_model().objects.select_for_update().filter(username=username).first() if username else None
    linkable = (
        user is not None
        and cell is not None
        and user.is_active
        and not user.is_superuser
        and not user.is_staff
        and not Member.objects.filter(user=user).exists()
        and not user.party_roles.exclude(unit__path__startswith=cell.path).exists()
    )
    if not linkable:
        raise ValidationError({"username": _account_message(username)})
    _set_account(member, user, actor=actor, action="member.account_linked")
    return member


@transaction.atomic
def member_unlink_account(*, actor: Actor, member: Member) -> Member:
    """Remove the member's link to a login account (the account itself stays)."""
    require_actor(actor, Perm.LINK_ACCOUNTS, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.user is None:
        raise ValidationError(_("Đảng viên này chưa gắn với tài khoản nào."))
    _set_account(member, None, actor=actor, action="member.account_unlinked")
    return member


def _set_account(member: Member, user, *, actor: Actor, action: str) -> None:
    """Link the member to ``user`` (None: unlink), audited with the account before and after."""

    def shown(account) -> dict:
        return {"user_id": account.pk, "user": account.get_username()} if account is not None else {"user": None}

    before = shown(member.user)
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit_log(actor=actor, action=action, obj=member, before=before, after=shown(user))


@transaction.atomic
def member_transfer(
    *, actor: Actor, member: Member, to_unit: PartyUnit, on_date: datetime.date, note: str = ""
) -> Membership:
    """Close the current official membership the day before `on_date` and open one in `to_unit` on it.

    The actor needs to manage members in both cells (ward staff within the ward; staff above both otherwise).
    """
    current = current_official(member)
    if current is None:
        raise ValidationError({"to_unit": _("Đảng viên này hiện không sinh hoạt chính thức ở chi bộ nào.")})
    require_actor(actor, Perm.MANAGE_MEMBERS, current.unit)
    require_actor(actor, Perm.MANAGE_MEMBERS, to_unit)
    _require_cell(to_unit, "to_unit")
    if to_unit.pk == current.unit_id:
        raise ValidationError({"to_unit": _("Đảng viên đang sinh hoạt ở chi bộ này.")})
    _check_activity_dates(on_date=on_date)
    if on_date <= current.start_date:
        raise ValidationError(
            {
                "on_date": _("Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (%(date)s).")
                % {"date": current.start_date.strftime("%d/%m/%Y")}
            }
        )
    before = {"unit_id": current.unit_id, "unit": current.unit.name, "old_end_date": None}
    current.end_date = on_date - datetime.timedelta(days=1)
    current.save(update_fields=["end_date"])
    new = Membership.objects.create(member=member, unit=to_unit, start_date=on_date, note=note)
    member.current_membership = new
    audit_log(
        actor=actor,
        action="member.transferred",
        obj=member,
        before=before,
        after={"unit_id": to_unit.pk, "unit": to_unit.name, "old_end_date": current.end_date, "start_date": on_date},
        note=note,
    )
    return new


@transaction.atomic
def membership_temporary_add(
    *,
    actor: Actor,
    member: Member,
    unit: PartyUnit,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    note: str = "",
) -> Membership:
    """Record temporary activity (sinh hoạt tạm thời) in another cell; the official cell does not change."""
    require_actor(actor, Perm.MANAGE_MEMBERS, member)
    require_actor(actor, Perm.VIEW, unit)
    _require_cell(unit)
    current = current_official(member)
    if current is not None and current.unit_id == unit.pk:
        raise ValidationError({"unit": _("Đây là chi bộ sinh hoạt chính thức của đảng viên.")})
    _check_activity_dates(start_date=start_date, end_date=end_date)
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    overlapping = member.memberships.filter(kind=MembershipKind.TEMPORARY, unit=unit).overlapping(
        start_date, end_date or datetime.date.max
    )
    if overlapping.exists():
        raise ValidationError({"start_date": _("Đã có một lần sinh hoạt tạm thời ở chi bộ này trùng thời gian.")})
    membership = Membership.objects.create(
        member=member, unit=unit, kind=MembershipKind.TEMPORARY, start_date=start_date, end_date=end_date, note=note
    )
    audit_log(
        actor=actor,
        action="membership.temporary_added",
        obj=member,
        after=snapshot(membership, MEMBERSHIP_FIELDS) | {"unit": unit.name},
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership, end_date: datetime.date) -> Membership:
    """End a temporary activity. (An official membership ends only by a transfer.)"""
    member = membership.member
    require_actor(actor, Perm.MANAGE_MEMBERS, member)
    if membership.kind != MembershipKind.TEMPORARY:
        raise ValidationError({"end_date": _("Sinh hoạt chính thức chỉ kết thúc khi chuyển sinh hoạt.")})
    _check_activity_dates(end_date=end_date)
    if end_date < membership.start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    old, new = diff(before, snapshot(membership, MEMBERSHIP_FIELDS))
    audit_log(actor=actor, action="membership.ended", obj=member, before=old, after=new, note=str(membership.unit))
    return membership


def validate_status(status: MemberStatus) -> None:
    errors: dict[str, str] = {}
    if status.end_date and status.end_date < status.start_date:
        errors["end_date"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
    if status.kind == StatusKind.DISCIPLINED:
        if not status.discipline_level:
            errors["discipline_level"] = _("Cần chọn hình thức kỷ luật.")
        if status.end_date:
            errors["end_date"] = _("Kỷ luật ghi theo ngày quyết định, không có ngày kết thúc.")
    else:
        status.discipline_level = ""
    if status.kind == StatusKind.SICK_LEAVE:
        if status.months is None or status.months <= 0:
            errors["months"] = _("Cần ghi số tháng nghỉ ốm (lớn hơn 0).")
        elif status.months > Decimal(120):
            errors["months"] = _("Số tháng nghỉ ốm không hợp lệ.")
    else:
        status.months = None
    if looks_like_formula(status.decision_ref or "") or looks_like_formula(status.note or ""):
        errors["decision_ref"] = _("Không được bắt đầu bằng dấu =, +, -, @ như một công thức bảng tính.")
    for field in ("start_date", "end_date"):
        message = activity_date_error(getattr(status, field))
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def status_add(*, actor: Actor, member: Member, kind: str, start_date: datetime.date, **fields) -> MemberStatus:
    """Record a dated fact a rating depends on (exempted, suspended, disciplined, sick or maternity leave)."""
    require_actor(actor, Perm.MANAGE_MEMBERS, member)
    status = MemberStatus(member=member, kind=kind, start_date=start_date, **fields)
    validate_status(status)
    status.save()
    audit_log(actor=actor, action="status.added", obj=member, after=snapshot(status, STATUS_FIELDS))
    return status


@transaction.atomic
def status_end(*, actor: Actor, status: MemberStatus, end_date: datetime.date) -> MemberStatus:
    require_actor(actor, Perm.MANAGE_MEMBERS, status.member)
    if status.kind == StatusKind.DISCIPLINED:
        raise ValidationError({"end_date": _("Kỷ luật ghi theo ngày quyết định, không có ngày kết thúc.")})
    before = snapshot(status, STATUS_FIELDS)
    status.end_date = end_date
    validate_status(status)
    status.save(update_fields=["end_date"])
    old, new = diff(before, snapshot(status, STATUS_FIELDS))
    audit_log(actor=actor, action="status.ended", obj=status.member, before=old, after=new)
    return status


@transaction.atomic
def status_delete(*, actor: Actor, status: MemberStatus) -> None:
    """Remove a status entered by mistake (the audit log keeps what it was)."""
    member = status.member
    require_actor(actor, Perm.MANAGE_MEMBERS, member)
    before = snapshot(status, STATUS_FIELDS)
    status.delete()
    audit_log(actor=actor, action="status.deleted", obj=member, before=before)
