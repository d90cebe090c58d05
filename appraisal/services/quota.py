"""The quota's writes: a committee's groups of similar subjects for a cycle (from 2023) and its recorded decision
to raise the excellent ratio (2025). The counts are read by ``selectors/quota.py``; the check at approval is
``services/decisions.py``."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from party_units.access import Actor, Perm, require_actor
from party_units.models import PartyUnit

from ..models import QuotaGroup, QuotaRaise, ReviewCycle
from ..rules import Subject


def _user(actor: Actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _refuse_closed(root: ReviewCycle) -> None:
    if root.is_closed:
        raise ValidationError(_("Kỳ đánh giá đã kết thúc: không thể thay đổi."))


@transaction.atomic
def quota_raise_record(*, actor: Actor, root: ReviewCycle, unit: PartyUnit, reason: str) -> QuotaRaise:
    """Record the competent committee's decision to raise the excellent ratio for ``unit`` (2025: ≤ 25%)."""
    require_actor(actor, Perm.APPROVE, unit)
    _refuse_closed(root)
    reason = " ".join((reason or "").split())
    rules = root.rules()
    if rules.raised_quota_ratio is None:
        raise ValidationError(
            _("Theo %(guidance)s không được nâng tỷ lệ hoàn thành xuất sắc nhiệm vụ.") % {"guidance": rules.guidance}
        )
    if not reason:
        raise ValidationError(_("Nâng tỷ lệ hoàn thành xuất sắc nhiệm vụ cần nêu lý do (kết quả nổi bật)."))
    if QuotaRaise.objects.filter(root=root, unit=unit).exists():
        raise ValidationError(_("%(unit)s đã được nâng tỷ lệ trong kỳ này.") % {"unit": unit.name})
    raised = QuotaRaise.objects.create(root=root, unit=unit, reason=reason, decided_by=_user(actor))
    audit_log(
        actor=actor,
        action="quota.raised",
        obj=raised,
        after={"unit": unit.name, "ratio": str(rules.raised_quota_ratio), "reason": reason},
    )
    return raised


@transaction.atomic
def quota_group_define(
    *, actor: Actor, root: ReviewCycle, committee: PartyUnit, subject: Subject, name: str, codes: Sequence[str]
) -> QuotaGroup:
    """A committee defines a group of similar subjects for the cycle (from 2023)."""
    require_actor(actor, Perm.APPROVE, committee)
    _refuse_closed(root)
    name = " ".join((name or "").split())
    codes = sorted({code.strip() for code in codes if code.strip()})
    if not name or not codes:
        raise ValidationError(_("Nhóm đối tượng cần có tên và ít nhất một mẫu hoặc loại tổ chức."))
    if subject not in {s.value for s in Subject}:
        raise ValidationError(_("Đối tượng không hợp lệ."))
    taken = QuotaGroup.objects.filter(root=root, committee=committee, subject=subject)
    for other in taken:
        overlap = set(other.codes) & set(codes)
        if overlap:
            raise ValidationError(
                _("%(codes)s đã thuộc nhóm «%(group)s».") % {"codes": ", ".join(sorted(overlap)), "group": other.name}
            )
    try:
        with transaction.atomic():
            group = QuotaGroup.objects.create(
                root=root, committee=committee, subject=subject, name=name, codes=codes, created_by=_user(actor)
            )
    except IntegrityError:
        raise ValidationError(_("Đã có nhóm tên «%(name)s».") % {"name": name}) from None
    audit_log(
        actor=actor, action="quota_group.defined", obj=group, after={"subject": subject, "name": name, "codes": codes}
    )
    return group
