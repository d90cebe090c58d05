"""Members pages: thin views that check access, validate a form, call one service and redirect."""

from __future__ import annotations

import datetime
import logging
import uuid
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.labels import EntryView, describe
from audit.models import AuditEntry
from party_units.access import Perm, can, get_object_or_deny, get_unit_or_deny, require
from party_units.panels import object_panels

from . import selectors, services
from .exporting import roster_xlsx, template_xlsx
from .forms import (
    AccountLinkForm,
    EndDateForm,
    ImportConfirmForm,
    ImportForm,
    MemberCreateForm,
    MemberForm,
    RosterFilterForm,
    StatusForm,
    TemporaryForm,
    TransferForm,
    add_errors,
)
from .importing import COLUMNS, MAX_ROWS, digest_of, import_members, plan_from_bytes
from .models import Member, Membership, MemberStatus
from .text import fold

logger = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_DIR = "members-import"
IMPORT_SALT = "members.import"
IMPORT_MAX_AGE = 2 * 3600  # seconds a preview stays confirmable


# A ward's roster can hold thousands of members: show them a page at a time (the count covers them all).
ROSTER_PAGE_SIZE = 100


def _form_page(request, form, *, member, title, save, done: str, extra: dict | None = None):
    """The shape every member form shares: on a valid POST call one service (`save(cleaned_data)`), show its
    ValidationError on the form, or redirect to the member's page with `done`; otherwise render the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("members:detail", pk=member.pk)
    context = {"form": form, "member": member, "title": title, **(extra or {})}
    return render(request, "members/member_form.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Roster and member pages


@login_required
def roster(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    today = timezone.localdate()
    form = RosterFilterForm(request.GET or None)
    year, status, search = today.year, "", ""
    if form.is_valid():
        year = form.cleaned_data["nam"] or today.year
        status = form.cleaned_data["tinh_trang"]
        search = form.cleaned_data["q"]
    # Sliced in the database; statuses are read for the shown rows only. The whole roster's size is the units'
    # stored counts summed (one small query); a filtered one is counted, unless its first page is not full.
    filtered = bool(status or search)
    size = selectors.roster_size(unit)
    cell_ids = selectors.roster_cells(unit, size)
    rows = selectors.roster_queryset(unit, year=year, status=status, search=search, cell_ids=cell_ids)
    paginator = Paginator(rows, ROSTER_PAGE_SIZE)
    if not filtered:
        paginator.count = size  # a cached_property: set, it is not counted again
    # A whole roster's page is found on the index first, then read (two queries: selectors.roster_rows); a
    # search or a filter finds its rows in one.
    read = (lambda a, b: list(rows[a:b])) if filtered else (lambda a, b: selectors.roster_rows(rows, a, b))
    number = request.GET.get("trang") or "1"
    shown = None
    if number == "1":  # the first page is read once, whatever the paginator needs to know
        shown = read(0, ROSTER_PAGE_SIZE)
        if filtered and len(shown) < ROSTER_PAGE_SIZE:
            paginator.count = len(shown)
    page = paginator.get_page(number)
    if shown is None or page.number != 1:
        first = (page.number - 1) * ROSTER_PAGE_SIZE
        shown = read(first, first + ROSTER_PAGE_SIZE)
    lines = selectors.roster_lines(shown, year, first_number=page.start_index())
    with_cell = not unit.is_cell
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "members/roster.html",
        {
            "unit": unit,
            "lines": lines,
            "with_cell": with_cell,
            "rows_version": selectors.roster_version(lines, with_cell=with_cell),
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "page_query": query.urlencode(),
            "form": form,
            "year": year,
            "can_manage": can(request.user, Perm.MANAGE_MEMBERS, unit),
            "filtered": filtered,
        },
    )


def _history(member: Member) -> list[EntryView]:
    entries = AuditEntry.objects.for_object(member).select_related("actor")[:100]
    return [describe(entry) for entry in entries]


@login_required
def member_detail(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.select_related("user"), Perm.VIEW, pk=pk)
    can_manage = can(request.user, Perm.MANAGE_MEMBERS, member)
    context = {
        "can_link": can(request.user, Perm.LINK_ACCOUNTS, member),
        "member": member,
        **selectors.member_page(member),
        "can_manage": can_manage,
        "history": _history(member) if can_manage else [],
        "cell": member.access_unit,
        "panels": object_panels("member_panels", request, member),  # ratings by year (appraisal)
    }
    return render(request, "members/member_detail.html", context)


@login_required
def member_create(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.MANAGE_MEMBERS)
    cells = selectors.manageable_cells(request.user, within=unit)
    form = MemberCreateForm(request.POST or None, cells=cells, initial={"cell": unit if unit.is_cell else None})
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            member = services.member_create(
                actor=request.user, cell=form.cleaned_data["cell"], start_date=form.cleaned_data["start_date"], **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đảng viên %(n)s.") % {"n": member.full_name})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "unit": unit, "title": _("Thêm đảng viên")})


@login_required
def member_edit(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.select_related("user"), Perm.MANAGE_MEMBERS, pk=pk)
    form = MemberForm(request.POST or None, instance=member)

    def save(_data):
        fresh = Member.objects.get(pk=member.pk)  # the form wrote into `member`: audit against the stored row
        fresh.current_membership = getattr(member, "current_membership", None)
        services.member_update(actor=request.user, member=fresh, **form.changes())

    return _form_page(
        request,
        form,
        member=member,
        title=_("Sửa thông tin đảng viên"),
        save=save,
        done=_("Đã lưu thông tin đảng viên."),
    )


@login_required
def account_link(request, pk: int):
    """Link a login account to the member, or unlink it: committee staff over the member only (audited)."""
    member = get_object_or_deny(request.user, Member.objects.select_related("user"), Perm.LINK_ACCOUNTS, pk=pk)
    form = AccountLinkForm(request.POST or None)
    if member.user_id:
        form = None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.member_link_account(actor=request.user, member=member, username=form.cleaned_data["username"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã gắn tài khoản đăng nhập với đảng viên."))
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/account_link.html",
        {"form": form, "member": member, "title": _("Tài khoản đăng nhập của đảng viên")},
    )


@login_required
@require_POST
def account_unlink(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.select_related("user"), Perm.LINK_ACCOUNTS, pk=pk)
    try:
        services.member_unlink_account(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã bỏ gắn tài khoản đăng nhập (tài khoản vẫn còn)."))
    return redirect("members:detail", pk=member.pk)


@login_required
def member_transfer(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.all(), Perm.MANAGE_MEMBERS, pk=pk)
    current = member.access_unit
    cells = selectors.manageable_cells(request.user).exclude(pk=current.pk if current else None)
    form = TransferForm(request.POST or None, cells=cells)
    return _form_page(
        request,
        form,
        member=member,
        title=_("Chuyển sinh hoạt đảng chính thức"),
        extra={"current": current},
        save=lambda data: services.member_transfer(
            actor=request.user, member=member, to_unit=data["to_unit"], on_date=data["on_date"], note=data["note"]
        ),
        done=_("Đã chuyển sinh hoạt đảng."),
    )


@login_required
def temporary_add(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.all(), Perm.MANAGE_MEMBERS, pk=pk)
    form = TemporaryForm(request.POST or None, cells=selectors.viewable_cells(request.user))
    return _form_page(
        request,
        form,
        member=member,
        title=_("Sinh hoạt tạm thời"),
        save=lambda data: services.membership_temporary_add(actor=request.user, member=member, **data),
        done=_("Đã ghi sinh hoạt tạm thời."),
    )


@login_required
def membership_end(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("member", "unit"), pk=pk)
    # A temporary membership's unit is the host cell; who manages it is decided by the member's official cell.
    require(request.user, Perm.MANAGE_MEMBERS, membership.member)
    member = membership.member
    return _form_page(
        request,
        EndDateForm(request.POST or None),
        member=member,
        title=_("Kết thúc sinh hoạt tạm thời ở %(u)s") % {"u": membership.unit.name},
        save=lambda data: services.membership_end(actor=request.user, membership=membership, end_date=data["end_date"]),
        done=_("Đã ghi ngày kết thúc sinh hoạt tạm thời."),
    )


@login_required
def status_add(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.all(), Perm.MANAGE_MEMBERS, pk=pk)
    form = StatusForm(request.POST or None)
    return _form_page(
        request,
        form,
        member=member,
        title=_("Thêm tình trạng ảnh hưởng đến xếp loại"),
        save=lambda _data: services.status_add(actor=request.user, member=member, **form.values()),
        done=_("Đã ghi tình trạng."),
    )


@login_required
def status_end(request, pk: int):
    status = get_object_or_deny(request.user, MemberStatus.objects.select_related("member"), Perm.MANAGE_MEMBERS, pk=pk)
    return _form_page(
        request,
        EndDateForm(request.POST or None),
        member=status.member,
        title=_("Kết thúc: %(s)s") % {"s": status},
        save=lambda data: services.status_end(actor=request.user, status=status, end_date=data["end_date"]),
        done=_("Đã ghi ngày kết thúc."),
    )


@login_required
@require_POST
def status_delete(request, pk: int):
    status = get_object_or_deny(request.user, MemberStatus.objects.select_related("member"), Perm.MANAGE_MEMBERS, pk=pk)
    member_pk = status.member_id
    services.status_delete(actor=request.user, status=status)
    messages.success(request, _("Đã xóa tình trạng ghi nhầm (nhật ký vẫn lưu lại)."))
    return redirect("members:detail", pk=member_pk)


# ---------------------------------------------------------------------------------------------------------------
# Import and export


def _import_context(unit, **extra) -> dict:
    return {"unit": unit, "columns": COLUMNS, "max_rows": MAX_ROWS, **extra}


def _store_upload(request, unit, data: bytes, file_name: str) -> str:
    """Keep the uploaded file until it is confirmed; the token names it, and is signed for this user and unit."""
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    path = default_storage.save(f"{IMPORT_DIR}/{uuid.uuid4().hex}{suffix}", ContentFile(data))
    _clean_old_uploads()
    payload = {"p": path, "u": request.user.pk, "unit": unit.pk, "sha": digest_of(data), "name": file_name[:200]}
    return signing.dumps(payload, salt=IMPORT_SALT)


def _clean_old_uploads() -> None:
    try:
        _, files = default_storage.listdir(IMPORT_DIR)
        limit = timezone.now() - datetime.timedelta(seconds=IMPORT_MAX_AGE * 2)
        for name in files:
            path = f"{IMPORT_DIR}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
    except (OSError, NotImplementedError):  # housekeeping only: never fail an import for it
        logger.warning("could not clean old member import files", exc_info=True)


def _load_upload(request, unit, token: str) -> tuple[bytes, dict] | None:
    try:
        payload = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return None
    path = payload.get("p", "")
    if payload.get("u") != request.user.pk or payload.get("unit") != unit.pk:
        return None
    if PurePosixPath(path).parent != PurePosixPath(IMPORT_DIR) or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        data = handle.read()
    if digest_of(data) != payload.get("sha"):
        return None
    return data, payload


@login_required
def import_upload(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.MANAGE_MEMBERS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "members/import.html", _import_context(unit, form=form), status=400)
        upload = form.cleaned_data["file"]
        data = upload.read()
        plan = plan_from_bytes(data, upload.name, actor=request.user, unit=unit)
        if plan.file_errors:
            for message in plan.file_errors:
                form.add_error("file", message)
            return render(request, "members/import.html", _import_context(unit, form=form), status=400)
        token = _store_upload(request, unit, data, upload.name) if plan.confirmable else ""
        return render(request, "members/import_preview.html", _import_context(unit, plan=plan, token=token))
    return render(request, "members/import.html", _import_context(unit, form=form))


@login_required
@require_POST
def import_confirm(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.MANAGE_MEMBERS)
    confirm = ImportConfirmForm(request.POST)
    token = confirm.cleaned_data["token"] if confirm.is_valid() else ""
    loaded = _load_upload(request, unit, token) if token else None
    if loaded is None:
        messages.error(request, _("Bản xem trước đã hết hạn hoặc không hợp lệ: hãy tải tệp lên lại."))
        return redirect("members:import", unit_pk=unit.pk)
    data, payload = loaded
    legacy = confirm.cleaned_data["chuyen_ma"]  # the user confirmed converting old-font text (TCVN3, VNI)
    try:
        plan = import_members(data, payload["name"], actor=request.user, unit=unit, legacy=legacy)
    except IntegrityError:
        logger.warning("member import conflicted with a concurrent change", exc_info=True)
        messages.error(request, _("Dữ liệu vừa bị thay đổi trong lúc nhập; chưa ghi gì. Hãy tải tệp lên lại."))
        return redirect("members:import", unit_pk=unit.pk)
    if plan.confirmable and plan.needs_legacy_confirmation:
        messages.error(request, _("Hãy xem các tên đã chuyển mã và đánh dấu ô xác nhận trước khi nhập."))
        return render(request, "members/import_preview.html", _import_context(unit, plan=plan, token=token))
    if not plan.is_valid:  # the database changed since the preview: show why, nothing was written
        messages.error(request, _("Dữ liệu đã thay đổi kể từ lúc xem trước; chưa ghi gì. Hãy sửa các lỗi dưới đây."))
        return render(request, "members/import_preview.html", _import_context(unit, plan=plan, token=""))
    default_storage.delete(payload["p"])
    counts = plan.counts
    messages.success(
        request,
        _("Đã nhập danh sách: %(new)s thêm mới, %(updated)s cập nhật, %(unchanged)s không đổi.") % counts,
    )
    return redirect("members:roster", unit_pk=unit.pk)


@login_required
def import_template(request):
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-dang-vien.xlsx"'
    return response


@login_required
def export(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    rows = selectors.roster_queryset(unit, year=timezone.localdate().year).iterator(chunk_size=2000)
    response = HttpResponse(roster_xlsx(rows, title=unit.short_name or unit.name), content_type=XLSX)
    name = slugify(fold(unit.short_name or unit.name)) or "don-vi"
    response["Content-Disposition"] = f'attachment; filename="danh-sach-dang-vien-{name}.xlsx"'
    return response
