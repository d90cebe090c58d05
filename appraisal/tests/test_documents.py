import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import GuidanceDocument
from appraisal.validators import MAX_DOCUMENT_BYTES, validate_document_file
from audit.models import AuditEntry

from .factories import PDF_BYTES, central, document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx_bytes(parts=("[Content_Types].xml", "word/document.xml")) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


# -- the file checks ----------------------------------------------------------------------------------------


def test_a_real_pdf_and_a_real_docx_are_accepted():
    validate_document_file(SimpleUploadedFile("163-CV.pdf", PDF_BYTES))
    validate_document_file(SimpleUploadedFile("Kế hoạch.DOCX", docx_bytes()))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "chỉ nhận tệp PDF"),
        ("ke-hoach.doc", b"\xd0\xcf\x11\xe0", "chỉ nhận tệp PDF"),
        ("gia.pdf", b"MZ\x90\x00 not a pdf", "không phải là tệp PDF"),
        ("gia.docx", b"%PDF-1.4", "không phải là văn bản Word"),
        ("bang-tinh.docx", docx_bytes(("[Content_Types].xml", "xl/workbook.xml")), "không phải là văn bản Word"),
    ],
)
def test_a_file_whose_name_or_content_is_not_pdf_or_docx_is_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_document_file(SimpleUploadedFile(name, content))


def test_a_file_over_the_size_limit_is_refused():
    big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * MAX_DOCUMENT_BYTES)
    with pytest.raises(ValidationError, match="vượt quá giới hạn 10 MB"):
        validate_document_file(big)


# -- the service ---------------------------------------------------------------------------------------------


def test_document_is_parsed_stored_and_audited(personas):
    doc = document(personas.ward_a, code="Số 163 - cv/đu", file=SimpleUploadedFile("cv.pdf", PDF_BYTES))
    doc.refresh_from_db()
    assert (doc.code, doc.number, doc.doc_type, doc.issuing_body, doc.year) == ("163-CV/ĐU", 163, "CV", "ĐU", 2021)
    assert doc.file.name.startswith("van-ban/2021/")
    entry = AuditEntry.objects.for_object(doc).get()
    assert entry.action == "guidance_document.created" and entry.after["code"] == "163-CV/ĐU"


def test_a_code_of_another_body_is_refused_for_the_unit(personas):
    with pytest.raises(ValidationError, match="không khớp với ký hiệu văn bản"):
        document(personas.ward_a, code="159-KH/QU")
    assert not GuidanceDocument.objects.exists()


def test_the_same_code_twice_in_a_year_is_refused_but_a_new_term_may_reuse_it(personas):
    document(personas.ward_a)
    with pytest.raises(ValidationError, match="đã có trong sổ văn bản"):
        document(personas.ward_a, code="163-cv/ĐU")
    document(personas.ward_a, issued_on=datetime.date(2026, 1, 5))
    document(personas.ward_b)  # another ward's register
    assert GuidanceDocument.objects.count() == 3
    assert AuditEntry.objects.filter(action="guidance_document.created").count() == 3


def test_a_document_implements_a_higher_units_or_a_central_document_issued_before_it(personas):
    hd25 = central()
    city_plan = document(personas.city, code="10-KH/TU", issued_on=datetime.date(2023, 11, 12), implements=hd25)
    ward_letter = document(
        personas.ward_a, code="20-CV/ĐU", issued_on=datetime.date(2023, 11, 20), implements=city_plan
    )
    assert ward_letter.implements == city_plan and city_plan.implements == hd25


@pytest.mark.parametrize(
    ("higher_unit", "higher_day", "message"),
    [
        ("ward_b", datetime.date(2023, 11, 1), "phải do cấp trên ban hành"),
        ("ward_a", datetime.date(2023, 11, 1), "phải do cấp trên ban hành"),
        ("city", datetime.date(2023, 12, 1), "sau ngày ban hành của văn bản này"),
    ],
)
def test_implementing_a_sibling_own_or_later_document_is_refused(personas, higher_unit, higher_day, message):
    unit = getattr(personas, higher_unit)
    higher = document(unit, code=f"1-KH/{unit.abbreviation}", issued_on=higher_day)
    with pytest.raises(ValidationError, match=message):
        document(personas.ward_a, code="2-CV/ĐU", issued_on=datetime.date(2023, 11, 20), implements=higher)


def test_a_central_guidance_implements_a_central_regulation():
    regulation = central(code="366-QĐ/TW", issued_on=datetime.date(2025, 8, 30), summary="Quy định")
    guidance = central(code="43-HD/BTCTW", issued_on=datetime.date(2025, 10, 31))
    guidance.implements = regulation
    guidance.full_clean()
    with pytest.raises(ValidationError, match="không thể thực hiện chính nó"):
        regulation.implements = regulation
        regulation.full_clean()


def test_a_central_document_needs_a_central_body(personas):
    central()
    with pytest.raises(ValidationError, match="Chỉ văn bản của Trung ương"):
        document(None, code="163-CV/ĐU")


# -- pages ---------------------------------------------------------------------------------------------------


def test_register_lists_the_units_documents_and_searches_by_code_and_year(personas, client_for):
    document(personas.ward_a, code="163-CV/ĐU", issued_on=datetime.date(2021, 10, 28))
    document(personas.ward_a, code="12-KH/ĐU", issued_on=datetime.date(2023, 3, 1))
    document(personas.ward_b, code="99-CV/ĐU")
    client = client_for(personas.staff_a)
    url = reverse("appraisal:document_register", args=[personas.ward_a.pk])

    def codes(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [d.code for d in response.context["page"].object_list]

    assert codes() == ["12-KH/ĐU", "163-CV/ĐU"]
    assert codes(ma="163") == ["163-CV/ĐU"]
    assert codes(ma="cv/đu") == ["163-CV/ĐU"]
    assert codes(nam="2023") == ["12-KH/ĐU"]
    assert codes(ma="KH", nam="2021") == []


@pytest.mark.parametrize(("persona", "status"), [("sec_a1", 404), ("staff_b", 404), ("outsider", 404), ("higher", 200)])
def test_register_is_refused_to_those_who_cannot_view_the_unit(personas, client_for, persona, status):
    url = reverse("appraisal:document_register", args=[personas.ward_a.pk])
    assert client_for(getattr(personas, persona)).get(url).status_code == status


def test_staff_add_a_document_with_its_file(personas, client_for):
    hd25 = central()
    client = client_for(personas.staff_a)
    response = client.post(
        reverse("appraisal:document_create", args=[personas.ward_a.pk]),
        {
            "code": "163-CV/ĐU",
            "issued_on": "2023-11-20",
            "summary": "V/v Hướng dẫn kiểm điểm, đánh giá, xếp loại năm 2023",
            "implements": hd25.pk,
            "file": SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    doc = GuidanceDocument.objects.get(issuing_unit=personas.ward_a)
    assert doc.implements == hd25 and doc.file
    download = client.get(reverse("appraisal:document_file", args=[doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


def test_a_bad_code_or_file_is_shown_in_vietnamese_and_nothing_is_saved(personas, client_for):
    response = client_for(personas.staff_a).post(
        reverse("appraisal:document_create", args=[personas.ward_a.pk]),
        {
            "code": "163-XY/ĐU",
            "issued_on": "2023-11-20",
            "summary": "V/v",
            "file": SimpleUploadedFile("cv.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "không phải là tệp PDF" in errors["file"][0]
    assert not GuidanceDocument.objects.exists()
    response = client_for(personas.staff_a).post(
        reverse("appraisal:document_create", args=[personas.ward_a.pk]),
        {"code": "163-XY/ĐU", "issued_on": "2023-11-20", "summary": "V/v"},
    )
    assert "Loại văn bản «XY»" in response.context["form"].errors["code"][0]
    assert not GuidanceDocument.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("sec_a1", 404), ("staff_b", 404), ("member_a1", 404)])
def test_adding_a_document_is_refused_to_others(personas, client_for, persona, status):
    url = reverse("appraisal:document_create", args=[personas.ward_a.pk])
    client = client_for(getattr(personas, persona))
    assert client.get(url).status_code == status
    assert client.post(url, {"code": "1-CV/ĐU", "issued_on": "2023-01-02", "summary": "x"}).status_code == status
    assert not GuidanceDocument.objects.exists()


def test_a_secretary_may_not_add_to_their_cells_register(personas, client_for):
    url = reverse("appraisal:document_create", args=[personas.cell_a1.pk])
    assert client_for(personas.sec_a1).get(url).status_code == 403


def test_file_download_is_refused_to_those_who_cannot_view_the_issuer(personas, client_for):
    doc = document(personas.ward_a, file=SimpleUploadedFile("cv.pdf", PDF_BYTES))
    url = reverse("appraisal:document_file", args=[doc.pk])
    assert client_for(personas.staff_b).get(url).status_code == 404
    assert client_for(personas.sec_a1).get(url).status_code == 404


def test_register_query_count_does_not_grow_with_documents(personas, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hd25 = central()
    document(personas.ward_a, code="1-CV/ĐU", implements=hd25, issued_on=datetime.date(2023, 11, 20))
    client = client_for(personas.staff_a)
    url = reverse("appraisal:document_register", args=[personas.ward_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(2, 40):
        document(personas.ward_a, code=f"{n}-CV/ĐU", implements=hd25, issued_on=datetime.date(2023, 11, 20))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_administrator_registers_a_central_document_with_an_audit_entry(personas, client_for):
    response = client_for(personas.superuser).post(
        reverse("admin:appraisal_guidancedocument_add"),
        {"code": "43-hd/btctw", "issued_on": "31/10/2025", "summary": "Hướng dẫn kiểm điểm"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    doc = GuidanceDocument.objects.get()
    assert doc.code == "43-HD/BTCTW" and doc.is_central
    assert AuditEntry.objects.for_object(doc).get().action == "guidance_document.created"
    response = client_for(personas.superuser).post(
        reverse("admin:appraisal_guidancedocument_add"),
        {"code": "44-HD/ĐU", "issued_on": "31/10/2025", "summary": "x"},
    )
    assert "Chỉ văn bản của Trung ương" in str(response.context["adminform"].form.errors)
