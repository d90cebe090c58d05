"""Roster import from .xlsx and .csv: read the file, plan every row's fate, apply the plan in bulk.

By concern: `reading` (bytes → a `Table`), `checking` (a `Table` → an `ImportPlan`), `writing` (a valid plan →
the database), and `plan` (the columns and the plan's objects they share); this module joins them.

`read_table` turns the bytes into a header and rows (or raises ImportFileError with a Vietnamese message);
`plan_import` matches every row against the database in a fixed number of queries and gives each row a fate
(new, updated, unchanged) or its errors (row, column, message); `apply_plan` writes a valid plan with bulk
operations in one transaction, with one audit entry per changed member and one for the import.
Nothing is written unless every row is valid, and importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from party_units.models import PartyUnit

from .checking import GENDERS, PARTY_POSTS, parse_date, plan_import
from .plan import (
    COLUMNS,
    ERROR,
    FATE_LABELS,
    FIELD_LABELS,
    NEW,
    UNCHANGED,
    UPDATED,
    Column,
    ImportFileError,
    ImportPlan,
    LegacyCell,
    RowError,
    RowPlan,
    Table,
)
from .reading import MAX_FILE_BYTES, MAX_ROWS, check_xlsx_archive, read_table
from .writing import FEW_VALUES, apply_plan

__all__ = [
    "COLUMNS",
    "ERROR",
    "FATE_LABELS",
    "FEW_VALUES",
    "FIELD_LABELS",
    "GENDERS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "NEW",
    "PARTY_POSTS",
    "UNCHANGED",
    "UPDATED",
    "Column",
    "ImportFileError",
    "ImportPlan",
    "LegacyCell",
    "RowError",
    "RowPlan",
    "Table",
    "apply_plan",
    "check_xlsx_archive",
    "digest_of",
    "import_members",
    "parse_date",
    "plan_from_bytes",
    "plan_import",
    "read_table",
]


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_from_bytes(data: bytes, file_name: str, *, actor, unit: PartyUnit, legacy: str = "") -> ImportPlan:
    """Read and plan in one step; a file-level problem becomes the plan's file error (never an exception).

    Cells typed with an old Vietnamese font are planned converted; the plan is valid only when ``legacy`` names
    the encoding the user confirmed after seeing the conversion."""
    digest = digest_of(data)
    try:
        table = read_table(data, file_name)
    except ImportFileError as exc:
        return ImportPlan(unit=unit, file_name=file_name, digest=digest, file_errors=[str(exc)])
    plan = plan_import(table, actor=actor, unit=unit, file_name=file_name, digest=digest)
    plan.legacy, plan.legacy_encoding = table.legacy, table.legacy_encoding
    plan.legacy_confirmed = bool(table.legacy) and legacy == table.legacy_encoding
    return plan


def import_members(
    data: bytes, file_name: str, *, actor, unit: PartyUnit, dry_run: bool = False, legacy: str = ""
) -> ImportPlan:
    """Plan the file again and, when every row is valid and this is not a dry run, apply it in one transaction.

    The plan is made inside the transaction that writes it, so a record changed since a preview is seen.
    """
    with transaction.atomic():
        plan = plan_from_bytes(data, file_name, actor=actor, unit=unit, legacy=legacy)
        if plan.is_valid and not dry_run:
            apply_plan(plan, actor=actor)
    return plan
