"""No member data in the logs: a journey of requests (failed and successful sign-ins, with a member's name typed as
the login, searches by name, a member edited with a bad then a good birth date, refusals, a page not found, a
password reset) is run with every logger captured at DEBUG, and no line names a member or
gives a birth date."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse

from party_units.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(1985, 3, 14)


class Everything(logging.Handler):
    """Every record of every logger, formatted as a handler would write it (message and traceback)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.loggers: set[str] = set()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))
        self.loggers.add(record.name)


@pytest.fixture
def captured():
    handler = Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Loggers that stop propagation or set their own level would hide lines from the root.
    quiet = {name: logging.getLogger(name).level for name in ("django", "django.request", "axes", "celery")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


def member_data(personas) -> list[str]:
    from members.models import Member

    names = list(Member.objects.values_list("full_name", flat=True))
    words = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        BIRTH.strftime("%d/%m/%Y"),
        BIRTH.isoformat(),
        "14/3/1985",
        "1985, 3, 14",
        "an@example.vn",
    ]
    return sorted(set(names + words))


def test_a_journey_of_requests_writes_no_member_name_nor_birth_date_to_the_logs(personas, client, captured):
    record = personas.member_record_a1
    record.date_of_birth = BIRTH
    record.save()
    personas.member_a1.email = "an@example.vn"
    personas.member_a1.save()

    # Sign-in failures with a member's name typed as the login, then a success.
    for _ in range(2):
        client.post(reverse("login"), {"username": "Nguyễn Văn An", "password": "sai"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": "member_a1", "password": "sai"})
    assert client.post(reverse("login"), {"username": "sec_a1", "password": PASSWORD}).status_code == 302

    # The secretary searches her cell by name, opens and edits a member (a bad birth date first).
    assert client.get(reverse("members:roster", args=[personas.cell_a1.pk]), {"q": "Nguyễn Văn An"}).status_code == 200
    assert client.get(reverse("members:detail", args=[record.pk])).status_code == 200
    fields = {
        "full_name": "Nguyễn Văn An",
        "gender": record.gender or "male",
        "admitted_on": "19/05/2010",
        "full_member_on": "19/05/2011",
    }
    bad = client.post(reverse("members:edit", args=[record.pk]), {**fields, "date_of_birth": "31/02/1985"})
    assert bad.status_code == 200
    good = client.post(reverse("members:edit", args=[record.pk]), {**fields, "date_of_birth": "14/03/1985"})
    assert good.status_code == 302
    # Refused and missing pages: another ward's cell and member, a member that does not exist.
    assert client.get(reverse("members:roster", args=[personas.cell_b1.pk])).status_code in {403, 404}
    assert client.get(reverse("members:detail", args=[personas.member_record_b1.pk])).status_code in {403, 404}
    assert client.get(reverse("members:detail", args=[999_999])).status_code == 404
    # An export goes through the report job (run in-process here).
    client.get(reverse("members:export", args=[personas.cell_a1.pk]))

    # Signed out: a password reset for the member's address.
    client.logout()
    assert client.post(reverse("password_reset"), {"email": "an@example.vn"}).status_code == 302

    lines = captured.lines
    assert any("AXES" in line and "failure" in line for line in lines), lines  # the capture does see axes
    assert any(line.startswith("django.request WARNING Not Found") for line in lines), lines
    leaks = [(word, line) for line in lines for word in member_data(personas) if word.casefold() in line.casefold()]
    assert not leaks, "\n".join(f"{word!r} in: {line}" for word, line in leaks)
