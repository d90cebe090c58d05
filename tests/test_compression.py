"""Pages and JSON are sent gzip-compressed to a client that accepts it (issue 24, item 3), and as they are to one
that does not; static files are compressed at collectstatic (whitenoise)."""

from __future__ import annotations

import gzip

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, url: str, **headers):
    return client.get(url, headers=headers)


@pytest.mark.parametrize("name", ["home", "party_units:tree", "appraisal:index"])
def test_main_pages_are_sent_compressed_when_the_client_accepts_gzip(client, personas, name):
    client.force_login(personas.staff_a)
    plain = _get(client, reverse(name))
    packed = _get(client, reverse(name), accept_encoding="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert b"</html>" in html and len(packed.content) < len(html) * 0.6  # small pages; the meeting's below
    assert html.decode().count(personas.ward_a.name) == plain.content.decode().count(personas.ward_a.name)


def test_the_meeting_page_is_sent_compressed(client, personas):
    from appraisal.tests.factories import cycle as make_cycle

    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    client.force_login(personas.sec_a1)
    url = reverse("appraisal:meeting", kwargs={"cycle_pk": cycle.pk, "unit_pk": personas.cell_a1.pk})
    answer = _get(client, url, accept_encoding="gzip")
    assert answer.status_code == 200 and answer["Content-Encoding"] == "gzip"
    html = gzip.decompress(answer.content)
    assert b'name="csrfmiddlewaretoken"' in html and len(answer.content) < len(html) / 4


def test_a_json_answer_is_compressed_too(client, personas):
    """The session-expired answer of the self-review autosave: JSON, compressed like a page (when long enough)."""
    answer = client.post(
        reverse("appraisal:self_review_autosave", kwargs={"ur_pk": 1, "member_pk": 1}),
        headers={"accept_encoding": "gzip"},
    )
    assert answer.status_code == 401 and answer["Content-Type"].startswith("application/json")
    assert answer["Content-Encoding"] == "gzip"
    assert b'"login": true' in gzip.decompress(answer.content)


def test_static_files_are_stored_compressed_by_whitenoise():
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    assert storage in (
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django.contrib.staticfiles.storage.StaticFilesStorage",  # DEBUG / tests, without collectstatic
    )


@pytest.mark.parametrize("name", ["appraisal:dashboard_unit", "appraisal:level_summary"])
def test_the_dashboard_and_the_summary_are_sent_compressed(client, personas, name):
    from appraisal.tests.factories import cycle as make_cycle

    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    client.force_login(personas.staff_a)
    url = reverse(name, kwargs={"cycle_pk": cycle.pk, "unit_pk": personas.ward_a.pk})
    answer = _get(client, url, accept_encoding="gzip")
    assert answer.status_code == 200 and answer["Content-Encoding"] == "gzip"
    html = gzip.decompress(answer.content)
    assert personas.ward_a.name.encode() in html and len(answer.content) < len(html) * 0.6
