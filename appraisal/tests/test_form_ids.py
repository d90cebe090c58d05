"""An id beyond any database integer typed into a choice of the cycle and document forms is a form error
(on SQLite Django's multiple-choice field let the OverflowError through: a 500)."""

import pytest
from django.urls import reverse

from appraisal.models import GuidanceDocument, ReviewCycle

from .factories import central, cycle
from .test_cycle_edit import EDIT
from .test_cycle_pages import CREATE_DATA

pytestmark = pytest.mark.django_db
BIG = "99999999999999999999999"


@pytest.mark.parametrize("value", [BIG, "-" + BIG])
@pytest.mark.parametrize("field", ["guidance_documents", "parent"])
def test_cycle_create_answers_a_huge_id_with_a_form_error(personas, client_for, field, value):
    hd25 = central()
    data = CREATE_DATA | {"guidance_documents": [hd25.pk]}
    data[field] = [str(hd25.pk), value] if field == "guidance_documents" else value
    response = client_for(personas.staff_a).post(reverse("appraisal:cycle_create", args=[personas.ward_a.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize("value", [BIG, "-" + BIG])
def test_cycle_edit_answers_a_huge_id_with_a_form_error(personas, client_for, value):
    hd25 = central()
    made = cycle(personas.ward_a, guidance_documents=[hd25])
    response = client_for(personas.staff_a).post(
        reverse("appraisal:cycle_edit", args=[made.pk]), {**EDIT, "guidance_documents": [value]}
    )
    assert response.status_code == 200 and response.context["form"].errors["guidance_documents"]
    made.refresh_from_db()
    assert made.title != EDIT["title"]


def test_document_create_answers_a_huge_id_with_a_form_error(personas, client_for):
    central()
    response = client_for(personas.staff_a).post(
        reverse("appraisal:document_create", args=[personas.ward_a.pk]),
        {"code": "163-CV/ĐU", "issued_on": "2023-11-20", "summary": "V/v", "implements": BIG},
    )
    assert response.status_code == 200 and response.context["form"].errors["implements"]
    assert GuidanceDocument.objects.count() == 1
