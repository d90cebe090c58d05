"""The database router: dashboards may read from the replica; writes, unsafe requests and the pages right after a
write read the primary; nothing changes without DATABASE_REPLICA_URL. Celery routes documents and notifications
to their own queues."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse

from party_units.models import PartyUnit
from party_units.replica import PIN_COOKIE, PinAfterWriteMiddleware, ReplicaRouter, replica_reads

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
router = ReplicaRouter()


def request(method="GET", cookies=None):
    r = HttpRequest()
    r.method = method
    r.COOKIES = cookies or {}
    return r


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def test_a_marked_page_reads_from_the_replica_and_nothing_else_does(with_replica):
    seen = {}

    @replica_reads
    def dashboard(req):
        seen["read"] = router.db_for_read(PartyUnit)
        return HttpResponse("ok")

    response = dashboard(request())
    assert seen["read"] == "replica" and PIN_COOKIE not in response.cookies
    assert router.db_for_read(PartyUnit) == "default"  # outside the page
    assert router.db_for_write(PartyUnit) == "default"
    assert router.allow_migrate("replica", "party_units") is False and router.allow_migrate("default", "x")


def test_a_write_inside_the_page_sends_its_later_reads_to_the_primary_and_pins_the_browser(with_replica):
    reads = []

    @replica_reads
    def page(req):
        reads.append(router.db_for_read(PartyUnit))
        router.db_for_write(PartyUnit)
        reads.append(router.db_for_read(PartyUnit))
        return HttpResponse("ok")

    response = page(request())
    assert reads == ["replica", "default"] and response.cookies[PIN_COOKIE].value == "1"


def test_unsafe_requests_and_pinned_browsers_read_the_primary(with_replica):
    reads = []

    @replica_reads
    def page(req):
        reads.append(router.db_for_read(PartyUnit))
        return HttpResponse("ok")

    page(request("POST"))
    page(request(cookies={PIN_COOKIE: "1"}))
    assert reads == ["default", "default"]
    response = PinAfterWriteMiddleware(lambda r: HttpResponse("ok"))(request("POST"))
    assert response.cookies[PIN_COOKIE]["max-age"] == 15


def test_without_a_replica_every_read_goes_to_the_primary():
    @replica_reads
    def page(req):
        return HttpResponse(router.db_for_read(PartyUnit))

    assert page(request()).content == b"default"
    assert PIN_COOKIE not in PinAfterWriteMiddleware(lambda r: HttpResponse("ok"))(request("POST")).cookies


def test_documents_and_notifications_have_their_own_celery_queues():
    from config.celery import app

    route = app.amqp.router.route
    assert route({}, "reports.run_report_job")["queue"].name == "documents"
    assert route({}, "appraisal.email_notifications")["queue"].name == "notifications"
    assert {q.name for q in app.conf.task_queues} == {"celery", "documents", "notifications"}
