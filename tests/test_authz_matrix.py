"""The authorisation matrix (issue 14, item 1): every URL pattern the resolver knows (walked recursively, so a
new view cannot escape it) × every persona × a record in the persona's scope and out of it (and, for a URL that
names several records, the ids of two sides mixed), by GET and by POST, against the expected answer written
here. A pattern missing from the table fails with its name; so does an entry the resolver no longer has.

The personas (columns, in this order): anon — not logged in; outsider — an account with no role and no member
record; member — member_a1, the account of a member of cell A1; sec — the secretary of cell A1; staff — ward A's
staff; higher — the city's staff above both wards; admin — a superuser. The cases: "a" — ward A's records (cell
A1, its member, ward A's cycle…), in scope for every persona with a role or record there; "b" — ward B's, in scope
only for higher and admin; "x" — ward A's records with one id of ward B's side slipped in.

Codes: L — sent to the login page; A — sent to the admin's login; 302 — any other redirect (a refused action
explains itself in a message); otherwise the status. 404: the record is not in the persona's sight (its existence
is not revealed); 403: in sight but not allowed (party_units.access.require). A refused request, and any mixed
one, must write no audit entry; a file download answers the stored file's bytes as an attachment, and a refusal
answers none of them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from .authz_cases import (
    MIXED,
    PERSONA_USERS,
    PERSONAS,
    SIDE,
    admin_request,
    admin_url,
    ask,
    request_for,
    walk,
)
from .authz_world import build

pytestmark = pytest.mark.django_db

LOGS_OUT = {"logout", "admin:logout"}  # the persona logs in again after these
REFUSED = {"L", "A", "401", "403", "404", "405"}

# fmt: off
EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    "home": {
        "GET": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
        "POST": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
    },
    "login": {
        "GET": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
        "POST": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
    },
    "logout": {
        "GET": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405"},
        "POST": {"a": "302 302 302 302 302 302 302", "b": "302 302 302 302 302 302 302"},
    },
    "party_units:tree": {
        "GET": {"a": "L 403 403 200 200 200 200", "b": "L 403 403 200 200 200 200"},
        "POST": {"a": "L 403 403 200 200 200 200", "b": "L 403 403 200 200 200 200"},
    },
    "party_units:detail": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:detail": {
        "GET": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:edit": {
        "GET": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:account_link": {
        "GET": {"a": "L 404 403 403 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 403 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:account_unlink": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 403 403 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "members:transfer": {
        "GET": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:temporary_add": {
        "GET": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:status_add": {
        "GET": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:status_end": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:status_delete": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 302 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "members:membership_end": {
        "GET": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:roster": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:create": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:import": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 400 400 400 400", "b": "L 404 404 404 404 400 400"},
    },
    "members:import_confirm": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 302 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "members:export": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "members:import_template": {
        "GET": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
        "POST": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
    },
    "appraisal:dashboard": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:dashboard_unit": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:bulk_approve": {
        "GET": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405", "x": "405 405 405 405 405 405 405"},  # noqa: E501
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302", "x": "L 404 404 404 302 302 302"},
    },
    "appraisal:quota_raise": {
        "GET": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405", "x": "405 405 405 405 405 405 405"},  # noqa: E501
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:quota_groups": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:cycle_audit": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:decision": {
        "GET": {"a": "L 404 404 403 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 403 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:past_rating": {
        "GET": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 403 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:past_import": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:rating_history": {
        "GET": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:index": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 200 200 200 200"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 200 200 200 200"},
    },
    "appraisal:cycle_list": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:cycle_create": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:cycle_detail": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:cycle_edit": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:cycle_open": {
        "GET": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "appraisal:cycle_sync": {
        "GET": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "appraisal:cycle_close": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "appraisal:cycle_reopen": {
        "GET": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302"},
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "appraisal:unit_review": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:unit_review_document": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:meeting": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 200 403 403 200", "b": "L 404 404 404 404 403 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:meeting_submit": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405", "x": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 302 403 403 302", "b": "L 404 404 404 404 403 302", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:meeting_withdraw": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405", "x": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 302 403 403 302", "b": "L 404 404 404 404 403 302", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:level_summary": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:document_register": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:document_create": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:document_file": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:cycle_score_criteria": {
        "GET": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 404 404 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "appraisal:cell_self_reviews": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 302 403 403 302", "b": "L 404 404 404 404 403 302", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:collective_report": {
        "GET": {"a": "L 404 404 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 404 200 403 403 200", "b": "L 404 404 404 404 403 200", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:my_self_review": {
        "GET": {"a": "L 404 200 404 404 404 404", "b": "L 404 200 404 404 404 404"},
        "POST": {"a": "L 404 200 404 404 404 404", "b": "L 404 200 404 404 404 404"},
    },
    "appraisal:self_review": {
        "GET": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200", "x": "L 404 404 404 404 404 404"},
        "POST": {"a": "L 404 200 403 403 403 403", "b": "L 404 404 404 404 403 403", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:self_review_autosave": {
        "GET": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405", "x": "405 405 405 405 405 405 405"},  # noqa: E501
        "POST": {"a": "401 404 409 403 403 403 403", "b": "401 404 404 404 404 403 403", "x": "401 404 404 404 404 404 404"},  # noqa: E501
    },
    "appraisal:self_review_reopen": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405", "x": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 403 302 403 403 302", "b": "L 404 404 404 404 403 302", "x": "L 404 404 404 404 404 404"},
    },
    "appraisal:self_review_return": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 403 302 403 403 302", "b": "L 404 404 404 404 403 302"},
    },
    "appraisal:notification_list": {
        "GET": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
        "POST": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
    },
    "appraisal:notification_read": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 302 404 404 404 404", "b": "L 404 404 404 404 404 404"},
    },
    "appraisal:notification_read_all": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 302 302 302 302 302 302", "b": "L 302 302 302 302 302 302"},
    },
    "reports:job_create": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405", "x": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 302 302 302 302", "b": "L 404 404 404 404 302 302", "x": "L 404 404 404 404 404 404"},
    },
    "reports:job": {
        "GET": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "reports:download": {
        "GET": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
        "POST": {"a": "L 404 200 200 200 200 200", "b": "L 404 404 404 404 200 200"},
    },
    "reports:again": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 302 302 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "reports:cycle_archive": {
        "GET": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
        "POST": {"a": "L 404 404 404 302 302 302", "b": "L 404 404 404 404 302 302"},
    },
    "password_change": {
        "GET": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
        "POST": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
    },
    "password_change_done": {
        "GET": {"a": "L 200 200 200 200 200 200", "b": "L 200 200 200 200 200 200"},
        "POST": {"a": "L 405 405 405 405 405 405", "b": "L 405 405 405 405 405 405"},
    },
    "password_reset": {
        "GET": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
        "POST": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
    },
    "password_reset_done": {
        "GET": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
        "POST": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405"},
    },
    "password_reset_confirm": {
        "GET": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
        "POST": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
    },
    "password_reset_complete": {
        "GET": {"a": "200 200 200 200 200 200 200", "b": "200 200 200 200 200 200 200"},
        "POST": {"a": "405 405 405 405 405 405 405", "b": "405 405 405 405 405 405 405"},
    },
}

# The admin site: every persona but the superuser is sent to the admin's login, except on the login and logout
# pages themselves. The superuser's answer per pattern (GET, POST): 403 where the model is append-only or
# written by the application alone (audit entries, cycles, work items, jobs, access attempts, issued numbers),
# 302 where the model has no row yet (its page redirects to the index with a message).
ADMIN_OTHERS = {"admin:login": ("200", "200"), "admin:logout": ("302", "302")}
ADMIN_SUPERUSER: dict[str, tuple[str, str]] = {
    "admin:index": ("200", "200"),
    "admin:login": ("302", "200"),  # others: 200 200 200 200 200 200 | 200 200 200 200 200 200
    "admin:logout": ("405", "302"),  # others: 302 302 302 302 302 302 | 302 302 302 302 302 302
    "admin:password_change": ("200", "200"),
    "admin:password_change_done": ("200", "405"),
    "admin:autocomplete": ("403", "405"),
    "admin:jsi18n": ("200", "405"),
    "admin:view_on_site": ("404", "404"),
    "admin:audit_auditentry_changelist": ("200", "200"),
    "admin:audit_auditentry_add": ("403", "403"),
    "admin:audit_auditentry_history": ("200", "200"),
    "admin:audit_auditentry_delete": ("403", "403"),
    "admin:audit_auditentry_change": ("200", "403"),
    "admin:<quan-tri/audit/auditentry/<path:object_id>/>": ("302", "302"),
    "admin:party_units_partyunit_changelist": ("200", "200"),
    "admin:party_units_partyunit_add": ("200", "200"),
    "admin:party_units_partyunit_history": ("200", "200"),
    "admin:party_units_partyunit_delete": ("200", "200"),
    "admin:party_units_partyunit_change": ("200", "200"),
    "admin:<quan-tri/party_units/partyunit/<path:object_id>/>": ("302", "302"),
    "admin:party_units_role_changelist": ("200", "200"),
    "admin:party_units_role_add": ("200", "200"),
    "admin:party_units_role_history": ("200", "200"),
    "admin:party_units_role_delete": ("200", "200"),
    "admin:party_units_role_change": ("200", "200"),
    "admin:<quan-tri/party_units/role/<path:object_id>/>": ("302", "302"),
    "admin:auth_user_password_change": ("200", "200"),
    "admin:auth_user_changelist": ("200", "200"),
    "admin:auth_user_add": ("200", "200"),
    "admin:auth_user_history": ("200", "200"),
    "admin:auth_user_delete": ("200", "200"),
    "admin:auth_user_change": ("200", "200"),
    "admin:<quan-tri/auth/user/<path:object_id>/>": ("302", "302"),
    "admin:auth_group_changelist": ("200", "200"),
    "admin:auth_group_add": ("200", "200"),
    "admin:auth_group_history": ("302", "302"),
    "admin:auth_group_delete": ("302", "302"),
    "admin:auth_group_change": ("302", "302"),
    "admin:<quan-tri/auth/group/<path:object_id>/>": ("302", "302"),
    "admin:axes_accessattempt_changelist": ("200", "200"),
    "admin:axes_accessattempt_add": ("403", "403"),
    "admin:axes_accessattempt_history": ("302", "302"),
    "admin:axes_accessattempt_delete": ("302", "302"),
    "admin:axes_accessattempt_change": ("302", "403"),
    "admin:<quan-tri/axes/accessattempt/<path:object_id>/>": ("302", "302"),
    "admin:axes_accesslog_changelist": ("200", "200"),
    "admin:axes_accesslog_add": ("403", "403"),
    "admin:axes_accesslog_history": ("200", "200"),
    "admin:axes_accesslog_delete": ("403", "403"),
    "admin:axes_accesslog_change": ("200", "403"),
    "admin:<quan-tri/axes/accesslog/<path:object_id>/>": ("302", "302"),
    "admin:members_member_changelist": ("200", "200"),
    "admin:members_member_add": ("200", "200"),
    "admin:members_member_history": ("200", "200"),
    "admin:members_member_delete": ("200", "200"),
    "admin:members_member_change": ("200", "200"),
    "admin:<quan-tri/members/member/<path:object_id>/>": ("302", "302"),
    "admin:appraisal_guidancedocument_changelist": ("200", "200"),
    "admin:appraisal_guidancedocument_add": ("200", "200"),
    "admin:appraisal_guidancedocument_history": ("200", "200"),
    "admin:appraisal_guidancedocument_delete": ("403", "403"),
    "admin:appraisal_guidancedocument_change": ("200", "200"),
    "admin:<quan-tri/appraisal/guidancedocument/<path:object_id>/>": ("302", "302"),
    "admin:appraisal_reviewcycle_changelist": ("200", "200"),
    "admin:appraisal_reviewcycle_add": ("403", "403"),
    "admin:appraisal_reviewcycle_history": ("200", "200"),
    "admin:appraisal_reviewcycle_delete": ("403", "403"),
    "admin:appraisal_reviewcycle_change": ("200", "403"),
    "admin:<quan-tri/appraisal/reviewcycle/<path:object_id>/>": ("302", "302"),
    "admin:appraisal_unitreview_changelist": ("200", "200"),
    "admin:appraisal_unitreview_add": ("403", "403"),
    "admin:appraisal_unitreview_history": ("200", "200"),
    "admin:appraisal_unitreview_delete": ("403", "403"),
    "admin:appraisal_unitreview_change": ("200", "403"),
    "admin:<quan-tri/appraisal/unitreview/<path:object_id>/>": ("302", "302"),
    "admin:reports_reportjob_changelist": ("200", "200"),
    "admin:reports_reportjob_add": ("403", "403"),
    "admin:reports_reportjob_history": ("200", "200"),
    "admin:reports_reportjob_delete": ("200", "200"),
    "admin:reports_reportjob_change": ("200", "403"),
    "admin:<quan-tri/reports/reportjob/<path:object_id>/>": ("302", "302"),
    "admin:reports_committeeterm_changelist": ("200", "200"),
    "admin:reports_committeeterm_add": ("200", "200"),
    "admin:reports_committeeterm_history": ("302", "302"),
    "admin:reports_committeeterm_delete": ("302", "302"),
    "admin:reports_committeeterm_change": ("302", "302"),
    "admin:<quan-tri/reports/committeeterm/<path:object_id>/>": ("302", "302"),
    "admin:reports_issuednumber_changelist": ("200", "200"),
    "admin:reports_issuednumber_add": ("403", "403"),
    "admin:reports_issuednumber_history": ("302", "302"),
    "admin:reports_issuednumber_delete": ("403", "403"),
    "admin:reports_issuednumber_change": ("302", "403"),
    "admin:<quan-tri/reports/issuednumber/<path:object_id>/>": ("302", "302"),
    "admin:app_list": ("200", "200"),
    "admin:<quan-tri/(?P<url>.*)$>": ("404", "404"),
}
# fmt: on

# The file downloads: each answers its stored file (the bytes of the record of the case's side).
DOWNLOADS = {
    "appraisal:document_file": lambda w, case: _stored(w.side(case).document.file),
    "appraisal:unit_review_document": lambda w, case: _stored((w.b if case == "x" else w.side(case)).document.file),
    "reports:download": lambda w, case: _stored(w.side(case).job.file),
    "members:export": lambda w, case: None,  # generated on request
    "members:import_template": lambda w, case: None,  # the same blank template for everyone
}


def _stored(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def _codes(text: str) -> list[str]:
    codes = text.split()
    assert len(codes) == len(PERSONAS), text
    return codes


def test_every_url_pattern_has_its_expected_answers():
    """No view escapes the matrix: the resolver's patterns and the table are the same set."""
    names = [pattern.name for pattern in walk()]
    missing = [n for n in names if n not in (ADMIN_SUPERUSER if n.startswith("admin:") else EXPECTED)]
    assert not missing, f"URL patterns missing from the authorisation matrix's table: {missing}"
    unbuilt = [n for n in names if not n.startswith("admin:") and n not in SIDE]
    assert not unbuilt, f"URL patterns whose arguments the matrix cannot build (tests/authz_cases.py): {unbuilt}"
    stale = sorted((set(EXPECTED) | set(ADMIN_SUPERUSER) | set(SIDE) | set(MIXED)) - set(names))
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"
    for name, methods in EXPECTED.items():
        assert set(methods) == {"GET", "POST"}, name
        for cases in methods.values():
            assert set(cases) == ({"a", "b", "x"} if name in MIXED else {"a", "b"}), name
            for text in cases.values():
                _codes(text)


def test_authorisation_matrix(personas, client):
    client.raise_request_exception = False  # a 500 is an answer like any other, and a wrong one
    world = build(personas)
    users = {key: (getattr(personas, name) if name else None) for key, name in PERSONA_USERS.items()}
    wrong: list[str] = []
    asked = 0
    patterns = list(walk())
    for persona in PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        for pattern in patterns:
            if pattern.name.startswith("admin:"):
                request = admin_request(world, pattern)
                url = admin_url(pattern, request)
                if persona == "admin":
                    expected = dict(zip(("GET", "POST"), ADMIN_SUPERUSER[pattern.name], strict=True))
                else:
                    expected = dict(zip(("GET", "POST"), ADMIN_OTHERS.get(pattern.name, ("A", "A")), strict=True))
                checks = [(method, "a", request, url, expected[method]) for method in ("GET", "POST")]
            else:
                checks = []
                for method, cases in EXPECTED[pattern.name].items():
                    for case, text in cases.items():
                        request = request_for(world, pattern.name, case)
                        url = reverse(pattern.name, kwargs=request.kwargs)
                        checks.append((method, case, request, url, _codes(text)[PERSONAS.index(persona)]))
            for method, case, request, url, expected in checks:
                asked += 1
                code, body, audited, response = ask(client, method, url, request)
                if pattern.name in LOGS_OUT and users[persona] is not None:
                    client.force_login(users[persona])
                where = f"{pattern.name} {method} case {case} as {persona} ({url})"
                if code != expected:
                    wrong.append(f"{where}: expected {expected}, got {code}")
                if (code in REFUSED or case == "x") and audited:
                    wrong.append(f"{where}: answered {code} but wrote {audited} audit entries")
                download = DOWNLOADS.get(pattern.name)
                if download is None:
                    continue
                stored = download(world, case)
                if code == "200":
                    if "attachment" not in response.get("Content-Disposition", ""):
                        wrong.append(f"{where}: a download without Content-Disposition: attachment")
                    if stored is not None and body != stored:
                        wrong.append(f"{where}: the download is not the stored file")
                elif stored is not None and stored in body:
                    wrong.append(f"{where}: answered {code} with the file's bytes")
    cases = sum(len(cases) for methods in EXPECTED.values() for cases in methods.values())
    print(
        f"\nauthorisation matrix: {len(patterns)} URL patterns ({len(EXPECTED)} of the apps, "
        f"{len(ADMIN_SUPERUSER)} of the admin) × {len(PERSONAS)} personas; {cases} (method, case) pairs for the "
        f"apps' patterns (GET/POST × in scope, out of scope, mixed) and 2 for the admin's: {asked} requests"
    )
    assert not wrong, f"{len(wrong)} of {asked} answers differ:\n" + "\n".join(wrong)


def test_stored_files_are_not_served_from_the_media_url(personas, client):
    """Generated documents and guidance files are downloaded only through the views that check access."""
    world = build(personas)
    client.force_login(personas.superuser)
    for stored in (world.a.job.file, world.a.document.file):
        from django.conf import settings

        assert client.get(settings.MEDIA_URL + stored.name).status_code == 404
