"""The archive of a closed cycle: every rating, decision, proposal round, self-review, meeting and audit entry of the
cascade, the documents kept for it and every cell's minutes, in one zip with a checksum manifest; made by a
management command or by the committee's button (audited); refused for an open cycle and for anyone else."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisal.models import Rating, ReviewCycle, SelfReview, UnitReview
from audit.models import AuditEntry
from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    from party_units.models import PartyUnit

    ward = PartyUnit.objects.get(name="Đảng ủy phường Quyết Thắng")
    cycle = ReviewCycle.objects.get(issuing_unit=ward, year=2021)
    return ward, cycle


def close(cycle):
    from appraisal.services import cycle_close

    cycle_close(actor=None, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def read(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def check_archive(files: dict[str, bytes], cycle) -> dict:
    manifest = json.loads(files["manifest.json"])
    listed = {item["path"]: item for item in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "SHA256SUMS"}
    for path, item in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == item["sha256"], path
        assert len(files[path]) == item["size"]
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert sums == {path: item["sha256"] for path, item in listed.items()}

    root = cycle.root_id_or_self
    scope = {"unit_review__root_id": root, "unit_review__unit__path__startswith": cycle.issuing_unit.path}
    ratings = Rating.objects.filter(**scope)
    assert ratings.exclude(decided_level="").exists()  # the demo's decisions are there to be archived
    rows = json.loads(files["xep_loai.json"])
    assert len(rows) == ratings.count() == manifest["records"]["xep_loai"]
    assert {r["id"]: r["decided_level"] for r in rows} == dict(ratings.values_list("id", "decided_level"))
    assert len(json.loads(files["ban_kiem_diem.json"])) == SelfReview.objects.filter(**scope).count()
    assert (
        len(json.loads(files["don_vi.json"]))
        == UnitReview.objects.filter(root_id=root, unit__path__startswith=cycle.issuing_unit.path).count()
    )
    audit = json.loads(files["nhat_ky.json"])
    assert any(e["action"] == "review_cycle.closed" for e in audit)
    assert any(e["action"].startswith("rating.") for e in audit)
    # The CSV opens in a spreadsheet: a byte-order mark, a header, one line per rating, names in Vietnamese.
    text = files["xep_loai.csv"].decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == ratings.count()
    assert {"member_name", "proposed_level", "decided_level", "decision_reason"} <= set(table[0])
    assert any(row["cell_name"] == "Chi bộ Trường Tiểu học Mạc Đĩnh Chi" for row in table)
    minutes = [path for path in files if path.startswith("bien-ban/")]
    assert minutes and all(files[path].startswith(b"%PDF") for path in minutes)
    return manifest


def kept_documents(cycle) -> list[ReportJob]:
    """The cell's minutes and a member's self-review rendered (and stored) while the cycle was open."""
    from reports.services import job_start

    review = UnitReview.objects.filter(root_id=cycle.root_id_or_self, meeting__isnull=False).select_related("unit")[0]
    paper = SelfReview.objects.filter(unit_review=review).exclude(state="draft").first()
    jobs = [job_start(actor=None, kind="minutes", unit=review.unit, params={"review": review.pk})]
    if paper is not None:
        jobs.append(job_start(actor=None, kind="self_review", unit=review.unit, params={"self_review": paper.pk}))
    return jobs


def test_the_command_writes_a_complete_archive_with_a_manifest_and_audits_it(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    _ward, cycle = demo
    with django_capture_on_commit_callbacks(execute=True):
        jobs = kept_documents(cycle)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, job.error
    assert len(jobs) == 2
    with pytest.raises(CommandError, match="đã kết thúc"):
        call_command("archive_cycle", cycle.pk, out=tmp_path / "open.zip", stdout=io.StringIO())
    assert not (tmp_path / "open.zip").exists()

    close(cycle)
    out = tmp_path / "luu-tru" / "2021.zip"
    call_command("archive_cycle", cycle.pk, out=out, stdout=io.StringIO())
    content = out.read_bytes()
    files = read(content)
    check_archive(files, cycle)
    for job in jobs:  # the documents kept for the cycle, byte for byte
        kept = [path for path in files if path.startswith(f"van-ban/{job.pk}-")]
        assert len(kept) == 1 and hashlib.sha256(files[kept[0]]).hexdigest() == job.checksum
    entry = AuditEntry.objects.get(action="review_cycle.archive_exported")
    assert entry.after["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry.object_id == str(cycle.pk)
    # Never over an existing file.
    with pytest.raises(CommandError, match="đã có"):
        call_command("archive_cycle", cycle.pk, out=out, stdout=io.StringIO())


def test_the_committee_asks_for_it_on_the_closed_cycle_and_downloads_it(
    demo, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    ward, cycle = demo
    staff = get_user_model().objects.get(username="danguy")
    client.force_login(staff)
    page = client.get(reverse("appraisal:cycle_detail", args=[cycle.pk])).content.decode()
    assert reverse("reports:cycle_archive", args=[cycle.pk]) not in page  # open: no button
    refused = client.post(reverse("reports:cycle_archive", args=[cycle.pk]), follow=True)
    assert "Chỉ lập hồ sơ lưu trữ cho kỳ đánh giá đã kết thúc." in refused.content.decode()
    assert not ReportJob.objects.filter(kind="cycle_archive").exists()

    close(cycle)
    page = client.get(reverse("appraisal:cycle_detail", args=[cycle.pk])).content.decode()
    assert reverse("reports:cycle_archive", args=[cycle.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("reports:cycle_archive", args=[cycle.pk]))
    job = ReportJob.objects.get(kind="cycle_archive")
    assert answer["Location"] == reverse("reports:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.unit_id == ward.pk
    download = client.get(reverse("reports:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job.checksum
    check_archive(read(content), cycle)
    assert AuditEntry.objects.filter(
        action="review_cycle.archive_requested", object_id=str(cycle.pk), actor=staff
    ).exists()


@pytest.mark.parametrize("who", ["bithu", "dangvien"])
def test_a_secretary_or_a_member_may_not_ask_for_it(demo, client, who):
    from django.contrib.auth import get_user_model

    _ward, cycle = close_demo(demo)
    client.force_login(get_user_model().objects.get(username=who))
    answer = client.post(reverse("reports:cycle_archive", args=[cycle.pk]))
    assert answer.status_code in {403, 404}
    assert not ReportJob.objects.filter(kind="cycle_archive").exists()
    assert not AuditEntry.objects.filter(action="review_cycle.archive_requested").exists()


def test_the_generic_document_request_cannot_make_an_archive(demo, client):
    from django.contrib.auth import get_user_model

    ward, cycle = close_demo(demo)
    client.force_login(get_user_model().objects.get(username="danguy"))
    client.post(reverse("reports:job_create", args=[ward.pk, "cycle_archive"]), {"cycle": cycle.pk})
    assert not ReportJob.objects.filter(kind="cycle_archive").exists()


def close_demo(demo):
    ward, cycle = demo
    return ward, close(cycle)
