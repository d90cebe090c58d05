"""Workflows of the guidance-document register. Each runs in one transaction and writes the audit log."""

from __future__ import annotations

import datetime

from django.db import transaction

from audit.services import audit_log, snapshot
from party_units.access import Perm, require_actor
from party_units.models import PartyUnit

from ..models import GuidanceDocument

DOCUMENT_FIELDS = ["issuing_unit_id", "code", "issued_on", "summary", "implements_id"]


def document_create(
    *,
    actor,
    issuing_unit: PartyUnit | None,
    code: str,
    issued_on: datetime.date,
    summary: str,
    file=None,
    implements: GuidanceDocument | None = None,
) -> GuidanceDocument:
    """Register a document in the issuing unit's register (``issuing_unit=None``: a central document)."""
    require_actor(actor, Perm.MANAGE_DOCUMENTS, issuing_unit)
    document = GuidanceDocument(
        issuing_unit=issuing_unit,
        code=code,
        issued_on=issued_on,
        summary=summary,
        implements=implements,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if file:
        document.file = file
    with transaction.atomic():
        document.full_clean()
        document.save()
        after = snapshot(document, [*DOCUMENT_FIELDS, "file"])
        audit_log(actor=actor, action="guidance_document.created", obj=document, after=after)
    return document
