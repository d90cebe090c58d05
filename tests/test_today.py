"""'Today' is Vietnam's day everywhere, even when the server's clock and process time zone are UTC.

At 01:00 in Hà Nội it is still 18:00 of the previous day in UTC: code that asked the process clock
(`date.today()`) saw yesterday, while `timezone.localdate()` (TIME_ZONE = Asia/Ho_Chi_Minh) sees today.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]
# 01:00 on 1 March 2025 in Vietnam is 18:00 on 28 February in UTC; the process time zone is set to UTC.
ONE_AM_IN_HANOI_ON_A_UTC_SERVER = datetime.datetime(2025, 2, 28, 18, 0, tzinfo=ZoneInfo("UTC"))
VIETNAM_TODAY = datetime.date(2025, 3, 1)


@pytest.fixture
def one_am_in_hanoi():
    with time_machine.travel(ONE_AM_IN_HANOI_ON_A_UTC_SERVER, tick=False):
        assert datetime.date.today() == datetime.date(2025, 2, 28)  # the process clock says yesterday
        assert timezone.localdate() == VIETNAM_TODAY
        yield


@pytest.mark.django_db
def test_a_document_issued_today_in_vietnam_is_accepted_at_one_am(personas, one_am_in_hanoi):
    from appraisal.tests.factories import document

    made = document(personas.ward_a, code="12-CV/ĐU", issued_on=VIETNAM_TODAY)
    assert made.issued_on == VIETNAM_TODAY


@pytest.mark.django_db
def test_a_member_made_full_member_today_is_no_longer_probationary_at_one_am(one_am_in_hanoi):
    from members.tests.factories import member

    record = member("Trần Thị Bình", full_member_on=VIETNAM_TODAY)
    assert record.is_probationary() is False


@pytest.mark.django_db
def test_the_add_member_form_starts_on_vietnams_day_at_one_am(personas, one_am_in_hanoi):
    from members.forms import MemberCreateForm
    from party_units.models import PartyUnit

    form = MemberCreateForm(cells=PartyUnit.objects.filter(pk=personas.cell_a1.pk))
    assert form.fields["start_date"].initial == VIETNAM_TODAY


def test_no_application_code_asks_the_process_clock_for_today():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests"} or "tests" in relative.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bdate\.today\(\)|datetime\.now\(\)", line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use django.utils.timezone.localdate() / timezone.now():\n" + "\n".join(offenders)
