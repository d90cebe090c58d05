import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from audit.services import audit_log, diff, snapshot

pytestmark = pytest.mark.django_db


def test_entry_records_who_what_object_before_and_after(personas):
    member = personas.member_record_a1
    entry = audit_log(
        actor=personas.sec_a1, action="member.updated", obj=member, before={"full_name": "A"}, after={"full_name": "B"}
    )
    entry.refresh_from_db()
    assert (entry.actor, entry.action, entry.object_id, entry.object_repr) == (
        personas.sec_a1,
        "member.updated",
        str(member.pk),
        "Nguyễn Văn An",
    )
    assert entry.before == {"full_name": "A"} and entry.after == {"full_name": "B"}
    assert list(AuditEntry.objects.for_object(member)) == [entry]


def test_entries_cannot_be_changed_or_deleted(personas):
    entry = audit_log(actor=None, action="system.test")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "system.test"


def test_snapshot_makes_values_json_ready_including_empty_files(personas):
    from reports.models import ReportJob

    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    data = snapshot(job, ["unit_id", "file", "created_at", "params"])
    assert data["unit_id"] == personas.ward_a.pk and data["file"] is None
    assert isinstance(data["created_at"], str)
    entry = audit_log(actor=None, action="x", after={"d": datetime.date(2025, 1, 2), "n": Decimal("1.5")})
    entry.refresh_from_db()
    assert entry.after == {"d": "2025-01-02", "n": "1.5"}


def test_diff_keeps_only_changed_keys():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert diff(None, {"a": 1}) == (None, {"a": 1})
