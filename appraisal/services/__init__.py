"""The appraisal workflows, one module per concern (documents, cycles, self-reviews, meetings, decisions).

Each service runs in one transaction, re-checks the acting user's right (``actor``; None is the system) and
writes the audit log. They are re-exported here so callers can write ``services.cycle_open(...)``.
"""

from .cycles import (
    CYCLE_FIELDS,
    EDITABLE_FIELDS,
    cycle_close,
    cycle_create,
    cycle_open,
    cycle_reopen,
    cycle_sync_scope,
    cycle_update,
    ensure_unit_reviews,
)
from .decisions import (
    BulkResult,
    Decision,
    past_rating_record,
    proposals_approve,
    proposals_approve_many,
    proposals_return,
    review_reopen,
)
from .documents import DOCUMENT_FIELDS, document_create
from .meetings import meeting_save, proposals_submit, proposals_withdraw
from .notifications import email_notices, notification_mark_read, notify, unread_notices
from .progress import CELL_EDITABLE, TRANSITIONS, ConflictError, review_lock, review_touch, review_transition
from .quota import quota_group_define, quota_raise_record
from .self_reviews import (
    collective_report_save,
    cycle_score_criteria_update,
    self_review_remind,
    self_review_reopen,
    self_review_return,
    self_review_save,
    self_review_submit,
)

__all__ = [
    "BulkResult",
    "Decision",
    "past_rating_record",
    "proposals_approve",
    "proposals_approve_many",
    "proposals_return",
    "quota_group_define",
    "quota_raise_record",
    "review_reopen",
    "meeting_save",
    "proposals_submit",
    "proposals_withdraw",
    "CELL_EDITABLE",
    "TRANSITIONS",
    "ConflictError",
    "review_lock",
    "review_touch",
    "review_transition",
    "CYCLE_FIELDS",
    "DOCUMENT_FIELDS",
    "EDITABLE_FIELDS",
    "cycle_close",
    "cycle_create",
    "cycle_open",
    "cycle_reopen",
    "cycle_sync_scope",
    "cycle_update",
    "ensure_unit_reviews",
    "document_create",
    "email_notices",
    "notification_mark_read",
    "notify",
    "unread_notices",
    "collective_report_save",
    "cycle_score_criteria_update",
    "self_review_remind",
    "self_review_reopen",
    "self_review_return",
    "self_review_save",
    "self_review_submit",
]
