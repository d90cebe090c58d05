"""The personas of the benchmark and of the scale tests: `bench_*` accounts given roles on the seeded units, and the
main pages each of them opens (`main_pages`)."""

from __future__ import annotations

from django.db.models import Count

from appraisal.models import (
    ReviewCycle,
    UnitReview,
)
from bench.scale.data import (
    YEAR,
)
from members.models import Member, Membership
from party_units.models import PartyUnit, UnitKind

# --- the personas of the benchmark and of the scale tests --------------------------------------------------


def personas():
    """Accounts and roles for the personas, on the seeded units (idempotent)."""
    from django.contrib.auth import get_user_model

    from party_units.models import Role, RoleKind

    User = get_user_model()
    cycle = ReviewCycle.objects.filter(year=YEAR, parent__isnull=True).order_by("-pk").first()
    if cycle is None:
        raise LookupError("No 2025 cycle: fill the database with `manage.py seed_scale` first.")
    sizes = (
        Membership.objects.filter(end_date__isnull=True, unit__path__startswith=cycle.issuing_unit.path)
        .values("unit_id")
        .annotate(n=Count("id"))
        .filter(n=40)
    )
    cell = PartyUnit.objects.get(pk=sizes.order_by("unit_id").first()["unit_id"])
    ward = cell.parent
    root = cycle.issuing_unit
    province = PartyUnit.objects.filter(parent=root).order_by("path").first()
    # the "city": the committee between province and ward (a district, 2023 shape) — else the province
    city = ward.parent if ward.parent_id != province.pk else province

    def user(name, unit=None, kind=None, **flags):
        account, _ = User.objects.get_or_create(username=f"bench_{name}", defaults=flags)
        if unit is not None:
            Role.objects.get_or_create(user=account, unit=unit, kind=kind)
        return account

    member = Member.objects.filter(memberships__unit=cell).order_by("pk").last()
    member_user = user("member")
    if member.user_id != member_user.pk:
        Member.objects.filter(user=member_user).update(user=None)
        Member.objects.filter(pk=member.pk).update(user=member_user)
    people = {
        "member": member_user,
        "secretary": user("secretary", cell, RoleKind.SECRETARY),
        "ward": user("ward", ward, RoleKind.WARD_STAFF),
        "city": user("city", city, RoleKind.HIGHER_STAFF),
        "province": user("province", province, RoleKind.HIGHER_STAFF),
        "national": user("national", root, RoleKind.HIGHER_STAFF),
        "admin": user("admin", is_staff=True, is_superuser=True),
    }

    def members_under(unit):
        return Membership.objects.filter(end_date__isnull=True, unit__path__startswith=unit.path).count()

    review = UnitReview.objects.get(root=cycle, unit=cell)
    units = {"cell": cell, "ward": ward, "city": city, "province": province, "root": root}
    sizes = {name: members_under(unit) for name, unit in units.items()}
    assert cell.kind == UnitKind.CELL
    return cycle, review, member, units, sizes, people


def url_or_none(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def main_pages(cycle, review, member, units) -> list[tuple[str, str, str | None]]:
    """(name, persona, url) of the pages the benchmark measures and the scale tests pin (None: not on main)."""
    return [
        ("self_review", "member", url_or_none("appraisal:self_review", review.pk, member.pk)),
        ("meeting_40", "secretary", url_or_none("appraisal:meeting", cycle.pk, units["cell"].pk)),
        ("ward_dashboard", "ward", url_or_none("appraisal:dashboard_unit", cycle.pk, units["ward"].pk)),
        ("city_dashboard", "city", url_or_none("appraisal:dashboard_unit", cycle.pk, units["city"].pk)),
        ("province_dashboard", "province", url_or_none("appraisal:dashboard_unit", cycle.pk, units["province"].pk)),
        ("national_dashboard", "national", url_or_none("appraisal:dashboard_unit", cycle.pk, units["root"].pk)),
        ("ward_unit_review", "ward", url_or_none("appraisal:unit_review", cycle.pk, units["ward"].pk)),
        ("national_summary", "national", url_or_none("appraisal:level_summary", cycle.pk, units["root"].pk)),
        ("province_summary", "province", url_or_none("appraisal:level_summary", cycle.pk, units["province"].pk)),
        ("roster", "ward", url_or_none("members:roster", units["ward"].pk)),
        ("audit_list", "admin", url_or_none("admin:audit_auditentry_changelist")),
    ]
