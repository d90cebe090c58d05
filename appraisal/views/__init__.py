"""The appraisal pages, one module per concern. Views are thin: one access check through
``party_units.access``, a form, one service, a message, a redirect."""

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
from .meetings import meeting, meeting_submit, meeting_withdraw
from .notifications import notification_list, notification_read, notification_read_all

__all__ = [
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
