import hashlib
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from reports.models import JobStatus, ReportJob
from reports.renderers import safe_cell

pytestmark = pytest.mark.django_db(transaction=False)


def start(client, unit):
    return client.post(reverse("reports:job_create", args=[unit.pk, "unit_tree_xlsx"]))


def test_staff_start_wait_download_the_tree_export(personas, client_for, django_capture_on_commit_callbacks):
    client = client_for(personas.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, personas.ward_a)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:job", args=[job.pk])
    assert job.status == JobStatus.DONE
    page = client.get(response.url)
    assert "Tải về" in page.content.decode()
    assert client.get(response.url, HTTP_ACCEPT="application/json").json() == {"status": "done", "finished": True}
    download = client.get(reverse("reports:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job.checksum
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    names = [row[1].strip() for row in rows[4:]]
    assert names == ["Đảng ủy phường A", "Chi bộ A1", "Chi bộ A2"]
    assert [row[5] for row in rows[4:]] == [5, 3, 2]
    assert AuditEntry.objects.filter(action="report.requested", object_id=str(job.pk)).exists()


def test_the_job_is_queued_only_on_commit(personas, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start(client_for(personas.staff_a), personas.ward_a)
    assert len(callbacks) == 1
    assert ReportJob.objects.get().status == JobStatus.QUEUED


@pytest.mark.parametrize("persona", ["staff_b", "sec_a2", "member_a1", "outsider"])
def test_wrong_person_cannot_start_see_or_download(personas, client_for, persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(client_for(personas.staff_a), personas.ward_a)
    job = ReportJob.objects.get()
    client = client_for(getattr(personas, persona))
    assert start(client, personas.ward_a).status_code in (403, 404)
    assert ReportJob.objects.count() == 1
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_unknown_kind_is_refused_with_a_message(personas, client_for):
    response = client_for(personas.staff_a).post(
        reverse("reports:job_create", args=[personas.ward_a.pk, "khong-co"]), follow=True
    )
    assert "Không có loại văn bản" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_a_failing_renderer_marks_the_job_failed(personas, monkeypatch):
    from reports import renderers
    from reports.services import job_run

    def boom(unit, params):
        raise RuntimeError("hỏng")

    monkeypatch.setitem(renderers.RENDERERS, "unit_tree_xlsx", ("x", boom))
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    job = job_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED and "hỏng" in job.error


def test_running_a_finished_job_again_changes_nothing(personas):
    from reports.services import job_run

    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    first = job_run(job_id=job.pk)
    again = job_run(job_id=job.pk)
    assert again.checksum == first.checksum and again.finished_at == first.finished_at


def test_formula_like_text_is_neutralised():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("Chi bộ") == "Chi bộ"
    assert safe_cell(5) == 5


def test_job_page_query_count_is_bounded(personas, client_for, django_assert_max_num_queries):
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    client = client_for(personas.staff_a)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
