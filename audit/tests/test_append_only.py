"""The audit table refuses UPDATE and DELETE in the database itself on PostgreSQL, so neither a stray query nor
a cascade can rewrite history; deleting a user touches none of their entries. Old entries got their actor's name."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry
from audit.services import audit_log


def refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


def test_postgresql_refuses_update_and_delete_of_an_entry(personas, postgresql):
    entry = audit_log(actor=personas.sec_a1, action="member.updated", obj=personas.member_record_a1)
    assert refused("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    assert refused("UPDATE audit_auditentry SET actor_id = NULL WHERE id = %s", [entry.pk])
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    # the ORM's own guards bypassed with a plain queryset: the database still says no
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet(model=AuditEntry).filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet(model=AuditEntry).filter(pk=entry.pk)._raw_delete(connection.alias)
    assert AuditEntry.objects.get(pk=entry.pk).action == "member.updated"


def test_postgresql_still_takes_new_entries_and_deleting_a_user_leaves_theirs_alone(personas, postgresql):
    user = personas.sec_b1
    user_pk = user.pk
    entry = audit_log(actor=user, action="member.updated", obj=personas.member_record_b1)
    user.delete()  # would fail here if deleting a user issued an UPDATE on the audit table
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.actor_id, kept.actor_label) == (user_pk, user.username)
    assert get_user_model().objects.filter(pk=user_pk).exists() is False


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_old_entries_their_actors_name():
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
    User = old_apps.get_model("auth", "User")
    Entry = old_apps.get_model("audit", "AuditEntry")
    named = User.objects.create(username="bithu_cu", first_name="Bình", last_name="Trần Thị")
    plain = User.objects.create(username="danguy_cu")
    Entry.objects.create(actor=named, action="member.updated")
    Entry.objects.create(actor=plain, action="member.created")
    Entry.objects.create(actor=None, action="system.test")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    names = dict(AuditEntry.objects.values_list("action", "actor_name"))
    assert names == {"member.updated": "Bình Trần Thị (bithu_cu)", "member.created": "danguy_cu", "system.test": ""}
