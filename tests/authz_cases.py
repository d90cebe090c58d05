"""How the authorisation matrix reaches every URL pattern: the resolver walked recursively (so a new view cannot
escape it), the arguments of each named pattern filled from the world's records (tests/authz_world.py) for a
case — "a": the records of ward A's side, "b": ward B's side, "x": mixed (one id from each side) — and the
answer of one request classified into a short code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .authz_world import World

# The personas of the matrix, in the order of the expected table's columns.
PERSONAS = ("anon", "outsider", "member", "sec", "staff", "higher", "admin")
PERSONA_USERS = {
    "anon": None,
    "outsider": "outsider",
    "member": "member_a1",  # the account of member_record_a1, in cell A1
    "sec": "sec_a1",  # secretary of cell A1
    "staff": "staff_a",  # staff of ward A
    "higher": "higher",  # staff of the city above both wards
    "admin": "superuser",
}


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or "namespace:<route>" for an unnamed pattern
    route: str
    callback: Callable


def walk(resolver=None, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Pattern]:
    """Every URL pattern reachable from the root URLconf, however deeply included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or f"<{route}>"
            yield Pattern(":".join((*namespaces, name)), route, entry.callback)


@dataclass
class Request:
    kwargs: dict
    query: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # the POST body (empty unless the pattern needs an id in it)


def _side_cases(build: Callable) -> Callable[[World, str], Request]:
    """A builder that takes every id from the one side the case names ("a" or "b")."""

    def make(world: World, case: str) -> Request:
        return build(world.side(case), world)

    return make


def _req(**kwargs) -> Request:
    return Request(kwargs=kwargs)


# Each non-admin pattern: how its arguments are built for the cases "a" and "b" (same side) and, where it
# names several records, "x" (mixed: the ids of two sides in one request, which a view must refuse).
SIDE: dict[str, Callable] = {
    "home": lambda s, w: _req(),
    "login": lambda s, w: _req(),
    "logout": lambda s, w: _req(),
    "party_units:tree": lambda s, w: _req(),
    "party_units:detail": lambda s, w: _req(pk=s.cell.pk),
    "members:detail": lambda s, w: _req(pk=s.record.pk),
    "members:edit": lambda s, w: _req(pk=s.record.pk),
    "members:account_link": lambda s, w: _req(pk=s.record.pk),
    "members:account_unlink": lambda s, w: _req(pk=s.record.pk),
    "members:transfer": lambda s, w: _req(pk=s.record.pk),
    "members:temporary_add": lambda s, w: _req(pk=s.record.pk),
    "members:status_add": lambda s, w: _req(pk=s.record.pk),
    "members:status_end": lambda s, w: _req(pk=s.status.pk),
    "members:status_delete": lambda s, w: _req(pk=s.status.pk),
    "members:membership_end": lambda s, w: _req(pk=s.membership.pk),
    "members:roster": lambda s, w: _req(unit_pk=s.cell.pk),
    "members:create": lambda s, w: _req(unit_pk=s.cell.pk),
    "members:import": lambda s, w: _req(unit_pk=s.cell.pk),
    "members:import_confirm": lambda s, w: _req(unit_pk=s.cell.pk),
    "members:export": lambda s, w: _req(unit_pk=s.cell.pk),
    "members:import_template": lambda s, w: _req(),
    "appraisal:index": lambda s, w: _req(),
    "appraisal:dashboard": lambda s, w: _req(cycle_pk=s.cycle.pk),
    "appraisal:dashboard_unit": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.ward.pk),
    "appraisal:bulk_approve": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.ward.pk),
    "appraisal:quota_raise": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.ward.pk),
    "appraisal:quota_groups": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.ward.pk),
    "appraisal:cycle_audit": lambda s, w: _req(cycle_pk=s.cycle.pk),
    "appraisal:decision": lambda s, w: _req(pk=s.cell_review.pk),
    "appraisal:past_rating": lambda s, w: _req(member_pk=s.record.pk),
    "appraisal:past_import": lambda s, w: _req(unit_pk=s.cell.pk),
    "appraisal:rating_history": lambda s, w: _req(pk=s.rating.pk),
    "appraisal:cycle_list": lambda s, w: _req(unit_pk=s.ward.pk),
    "appraisal:cycle_create": lambda s, w: _req(unit_pk=s.ward.pk),
    "appraisal:cycle_detail": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:cycle_edit": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:cycle_open": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:cycle_sync": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:cycle_close": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:cycle_reopen": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:unit_review": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.cell.pk),
    "appraisal:unit_review_document": lambda s, w: _req(
        cycle_pk=s.cycle.pk, unit_pk=s.cell.pk, document_pk=s.document.pk
    ),
    "appraisal:meeting": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.cell.pk),
    "appraisal:meeting_submit": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.cell.pk),
    "appraisal:meeting_withdraw": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.cell.pk),
    "appraisal:level_summary": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.ward.pk),
    "appraisal:document_register": lambda s, w: _req(unit_pk=s.ward.pk),
    "appraisal:document_create": lambda s, w: _req(unit_pk=s.ward.pk),
    "appraisal:document_file": lambda s, w: _req(pk=s.document.pk),
    "appraisal:cycle_score_criteria": lambda s, w: _req(pk=s.cycle.pk),
    "appraisal:cell_self_reviews": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.cell.pk),
    "appraisal:collective_report": lambda s, w: _req(cycle_pk=s.cycle.pk, unit_pk=s.cell.pk),
    "appraisal:my_self_review": lambda s, w: _req(),
    "appraisal:self_review": lambda s, w: _req(ur_pk=s.cell_review.pk, member_pk=s.record.pk),
    "appraisal:self_review_autosave": lambda s, w: _req(ur_pk=s.cell_review.pk, member_pk=s.record.pk),
    "appraisal:self_review_reopen": lambda s, w: _req(ur_pk=s.cell_review.pk, member_pk=s.record.pk),
    "appraisal:self_review_return": lambda s, w: _req(pk=s.self_review.pk),
    "appraisal:notification_list": lambda s, w: _req(),
    "appraisal:notification_read": lambda s, w: _req(pk=s.notice.pk),
    "appraisal:notification_read_all": lambda s, w: _req(),
    "reports:job_create": lambda s, w: Request(
        kwargs={"unit_pk": s.cell.pk, "kind": "minutes"}, data={"review": s.cell_review.pk}
    ),
    "reports:job": lambda s, w: _req(pk=s.job.pk),
    "reports:download": lambda s, w: _req(pk=s.job.pk),
    "reports:again": lambda s, w: _req(pk=s.job.pk),
    "reports:cycle_archive": lambda s, w: _req(cycle_pk=s.cycle.pk),
    # Password change and reset (Django's views): no record; the reset link with a token that is not valid.
    "password_change": lambda s, w: _req(),
    "password_change_done": lambda s, w: _req(),
    "password_reset": lambda s, w: _req(),
    "password_reset_done": lambda s, w: _req(),
    "password_reset_confirm": lambda s, w: _req(uidb64="MQ", token="khong-hop-le"),  # noqa: S106 - not valid
    "password_reset_complete": lambda s, w: _req(),
}

# The mixed case: ward A's records with one id of ward B's side slipped in (an id changed in the address bar
# or the form). Every persona but the superuser and the city's staff is in scope for at most one side.
MIXED: dict[str, Callable[[World], Request]] = {
    "appraisal:dashboard_unit": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.ward.pk),
    "appraisal:bulk_approve": lambda w: Request(
        kwargs={"cycle_pk": w.a.cycle.pk, "unit_pk": w.a.ward.pk},
        data={"review": f"{w.b.cell_review.pk}:{w.b.cell_review.revision}"},
    ),
    "appraisal:quota_raise": lambda w: Request(
        kwargs={"cycle_pk": w.b.cycle.pk, "unit_pk": w.a.ward.pk}, data={"reason": "Kết quả nổi bật"}
    ),
    "appraisal:quota_groups": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.ward.pk),
    "appraisal:cycle_audit": lambda w: Request(kwargs={"cycle_pk": w.a.cycle.pk}, query={"don_vi": w.b.cell.pk}),
    "appraisal:unit_review": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.cell.pk),
    "appraisal:unit_review_document": lambda w: _req(
        cycle_pk=w.a.cycle.pk, unit_pk=w.a.cell.pk, document_pk=w.b.document.pk
    ),
    "appraisal:meeting": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.cell.pk),
    "appraisal:meeting_submit": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.cell.pk),
    "appraisal:meeting_withdraw": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.cell.pk),
    "appraisal:level_summary": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.ward.pk),
    "appraisal:cell_self_reviews": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.cell.pk),
    "appraisal:collective_report": lambda w: _req(cycle_pk=w.b.cycle.pk, unit_pk=w.a.cell.pk),
    "appraisal:self_review": lambda w: _req(ur_pk=w.b.cell_review.pk, member_pk=w.a.record.pk),
    "appraisal:self_review_autosave": lambda w: _req(ur_pk=w.b.cell_review.pk, member_pk=w.a.record.pk),
    "appraisal:self_review_reopen": lambda w: _req(ur_pk=w.b.cell_review.pk, member_pk=w.a.record.pk),
    "reports:job_create": lambda w: Request(
        kwargs={"unit_pk": w.a.cell.pk, "kind": "minutes"}, data={"review": w.b.cell_review.pk}
    ),
}


def request_for(world: World, name: str, case: str) -> Request:
    if case == "x":
        return MIXED[name](world)
    return SIDE[name](world.side(case), world)


# -- the admin site: every pattern asks for a staff login first ------------------------------------------------


def admin_request(world: World, pattern: Pattern) -> Request:
    """Arguments for an admin pattern: a real object of its model (the superuser's pages must open)."""
    if "<path:content_type_id>" in pattern.route:
        return Request(
            kwargs={
                "content_type_id": str(ContentType.objects.get_for_model(get_user_model()).pk),
                "object_id": str(world.personas.member_a1.pk),
            }
        )
    kwargs = {}
    if "(?P<app_label>" in pattern.route:
        kwargs["app_label"] = "members"
    if "<path:object_id>" in pattern.route:
        model = _admin_model(pattern.route)
        kwargs["object_id"] = str(model._default_manager.order_by("pk").values_list("pk", flat=True).first())
    if "<id>" in pattern.route:
        kwargs["id"] = str(world.personas.member_a1.pk)
    return Request(kwargs=kwargs)


def _admin_model(route: str):
    for model in admin.site._registry:
        if f"/{model._meta.app_label}/{model._meta.model_name}/" in route:
            return model
    raise LookupError(route)


def admin_url(pattern: Pattern, request: Request) -> str:
    """Admin patterns without a name (the old-style redirect to /change/) are built from their route."""
    if pattern.name.startswith("admin:<"):
        route = pattern.route
        for key, value in request.kwargs.items():
            route = route.replace(f"<path:{key}>", value)
        return "/" + route.replace("(?P<url>.*)$", "khong-co/")  # the catch-all: any other address
    return reverse(pattern.name, kwargs=request.kwargs)


# -- asking ----------------------------------------------------------------------------------------------------


def classify(response) -> str:
    """L: sent to the login page; A: to the admin's login; 302: any other redirect; else the status code."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "A"
        if location.startswith(reverse("login") + "?"):
            return "L"
        return "302"
    return str(response.status_code)


def ask(client, method: str, url: str, request: Request) -> tuple[str, bytes, int, object]:
    """One request, its writes rolled back (so a POST that succeeds changes nothing the next case sees): its
    code, its body, the audit entries it wrote, the response."""
    from audit.models import AuditEntry

    with transaction.atomic():
        audited = AuditEntry.objects.count()
        if method == "GET":
            response = client.get(url, request.query)
        else:
            if request.query:
                url = f"{url}?{urlencode(request.query)}"
            response = client.post(url, request.data)
        written = AuditEntry.objects.count() - audited
        transaction.set_rollback(True)
    # Reading a streamed file to its end closes it (the test client's wrapper); closing the response again here
    # would fire request_finished with close_old_connections and drop the test's PostgreSQL connection.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return classify(response), body, written, response
