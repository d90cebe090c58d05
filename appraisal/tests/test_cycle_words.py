"""A user reads the rule set's name ("Hướng dẫn 43-HD/BTCTW (2025)"), never the code a cycle stores."""

import pytest
from django.urls import reverse

from appraisal.rules import rule_set_name

from .factories import cycle

pytestmark = pytest.mark.django_db


def test_a_rule_set_is_named_by_its_guidance_and_year():
    assert rule_set_name("hd43-2025") == "Hướng dẫn 43-HD/BTCTW (2025)"
    assert rule_set_name("hd21-2019") == "Hướng dẫn 21-HD/BTCTW (2019)"


def test_every_cycle_page_shows_the_rule_sets_name_not_its_code(personas, client_for):
    made = cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    client = client_for(personas.staff_a)
    pages = [
        reverse("appraisal:index"),
        reverse("appraisal:cycle_list", args=[personas.ward_a.pk]),
        reverse("appraisal:cycle_detail", args=[made.pk]),
        reverse("appraisal:cycle_edit", args=[made.pk]),
        reverse("appraisal:unit_review", args=[made.pk, personas.cell_a1.pk]),
        reverse("appraisal:cycle_create", args=[personas.ward_a.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "hd43-2025" not in page.replace('value="hd43-2025"', ""), url
    for url in pages[:5]:
        assert "Hướng dẫn 43-HD/BTCTW (2025)" in client.get(url).content.decode(), url


def test_a_cascade_under_another_rule_set_is_refused_by_name(personas):
    from django.core.exceptions import ValidationError

    higher = cycle(personas.city, year=2025, rule_set="hd43-2025", opened=True)
    with pytest.raises(ValidationError) as refused:
        cycle(personas.ward_a, year=2025, rule_set="hd25-2023", parent=higher)
    assert "Hướng dẫn 43-HD/BTCTW (2025)" in str(refused.value) and "hd43-2025" not in str(refused.value)
