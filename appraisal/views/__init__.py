"""The appraisal pages, one module per concern. Views are thin: one access check through
``party_units.access``, a form, one service, a message, a redirect."""

from .audit_trail import cycle_audit, rating_history
from .cycles import (
    cycle_close,
    cycle_create,
    cycle_detail,
    cycle_edit,
    cycle_list,
    cycle_open,
    cycle_reopen,
    cycle_sync,
    document_create,
    document_file,
    document_register,
    index,
    unit_review,
    unit_review_document,
)
from .decisions import bulk_approve, dashboard, decision, quota_groups, quota_raise
from .history import past_import, past_rating
from .meetings import meeting, meeting_submit, meeting_withdraw
from .notifications import notification_list, notification_read, notification_read_all
from .self_reviews import (
    cell_self_reviews,
    collective_report,
    cycle_score_criteria,
    my_self_review,
    self_review,
    self_review_autosave,
    self_review_reopen,
    self_review_return,
)
from .summaries import level_summary

__all__ = [
    "past_import",
    "past_rating",
    "bulk_approve",
    "cycle_audit",
    "dashboard",
    "decision",
    "quota_groups",
    "quota_raise",
    "rating_history",
    "cell_self_reviews",
    "collective_report",
    "cycle_score_criteria",
    "my_self_review",
    "self_review",
    "self_review_autosave",
    "self_review_reopen",
    "self_review_return",
    "level_summary",
    "notification_list",
    "notification_read",
    "notification_read_all",
    "meeting",
    "meeting_submit",
    "meeting_withdraw",
    "cycle_close",
    "cycle_create",
    "cycle_detail",
    "cycle_edit",
    "cycle_list",
    "cycle_open",
    "cycle_reopen",
    "cycle_sync",
    "document_create",
    "document_file",
    "document_register",
    "index",
    "unit_review",
    "unit_review_document",
]
