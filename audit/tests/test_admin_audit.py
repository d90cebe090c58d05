"""Every write the admin allows goes through the audit log, on the real admin pages; an entry keeps its actor's
name after the account is deleted."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.admin import AuditedAdminMixin, allows_writes
from audit.labels import is_registered
from audit.models import AuditEntry
from audit.services import audit_log
from members.models import Member, Membership, MemberStatus, StatusKind
from party_units.models import Role, RoleKind

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin_client(personas, client):
    client.force_login(personas.superuser)
    return client


def form_data(response) -> dict:
    """The POST an admin change page would send back unchanged: the main form and every inline formset."""
    data: dict = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, datetime.datetime):  # the admin's split date and time widgets
                local = timezone.localtime(value)
                data[f"{key}_0"], data[f"{key}_1"] = local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")
            elif isinstance(value, datetime.date):
                data[key] = value.strftime("%d/%m/%Y")
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.initial_forms:
            add(form)
    return data


def entries(action: str):
    assert is_registered(action), f"{action} has no label a person can read (audit_actions.py)"
    return list(AuditEntry.objects.filter(action=action))


# -- roles ------------------------------------------------------------------------------------------------------


def test_granting_a_role_in_the_admin_is_audited(personas, admin_client):
    response = admin_client.post(
        reverse("admin:party_units_role_add"),
        {"user": personas.outsider.pk, "unit": personas.cell_a2.pk, "kind": RoleKind.SECRETARY},
    )
    assert response.status_code == 302
    role = Role.objects.get(user=personas.outsider)
    [entry] = entries("role.created")
    assert entry.actor == personas.superuser and entry.note == "admin"
    assert entry.object_id == str(role.pk)
    assert entry.after["user_id"] == personas.outsider.pk and entry.after["unit_id"] == personas.cell_a2.pk


def test_removing_a_role_in_the_admin_is_audited(personas, admin_client):
    role = Role.objects.get(user=personas.sec_a1)
    response = admin_client.post(reverse("admin:party_units_role_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Role.objects.filter(pk=role.pk).exists()
    [entry] = entries("role.deleted")
    assert entry.before["user_id"] == personas.sec_a1.pk and entry.before["kind"] == RoleKind.SECRETARY


def test_removing_roles_with_the_delete_selected_action_is_audited(personas, admin_client):
    roles = list(Role.objects.filter(unit__in=[personas.cell_a1, personas.cell_a2]).values_list("pk", flat=True))
    admin_client.post(
        reverse("admin:party_units_role_changelist"),
        {"action": "delete_selected", "_selected_action": roles, "post": "yes"},
    )
    assert not Role.objects.filter(pk__in=roles).exists()
    assert sorted(int(e.object_id) for e in entries("role.deleted")) == sorted(roles)


def test_editing_a_unit_and_granting_a_role_inline_is_audited(personas, admin_client):
    url = reverse("admin:party_units_partyunit_change", args=[personas.cell_a2.pk])
    data = form_data(admin_client.get(url))
    data["name"] = "Chi bộ A2 mới"
    prefix = "roles"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-user": str(personas.outsider.pk),
            f"{prefix}-{total}-kind": RoleKind.SECRETARY,
            f"{prefix}-{total}-unit": str(personas.cell_a2.pk),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [unit_entry] = entries("party_unit.updated")
    assert (unit_entry.before["name"], unit_entry.after["name"]) == ("Chi bộ A2", "Chi bộ A2 mới")
    assert "short_name" not in unit_entry.after  # only what changed
    [role_entry] = entries("role.created")
    assert role_entry.after["user_id"] == personas.outsider.pk


# -- members ----------------------------------------------------------------------------------------------------


def test_deleting_a_member_records_the_member_its_memberships_and_statuses(personas, admin_client):
    member = personas.member_record_a1
    MemberStatus.objects.create(
        member=member, kind=StatusKind.SICK_LEAVE, start_date=datetime.date(2025, 1, 1), months=2
    )
    memberships = list(Membership.objects.filter(member=member).values_list("pk", flat=True))
    response = admin_client.post(reverse("admin:members_member_delete", args=[member.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Member.objects.filter(pk=member.pk).exists()
    [entry] = entries("member.deleted")
    assert entry.before["full_name"] == "Nguyễn Văn An" and entry.actor == personas.superuser
    assert sorted(int(e.object_id) for e in entries("membership.deleted")) == sorted(memberships)
    [status] = entries("status.deleted")
    assert status.before["kind"] == StatusKind.SICK_LEAVE and status.before["member_id"] == member.pk


def test_editing_a_member_and_adding_a_status_inline_is_audited(personas, admin_client):
    member = personas.member_record_a1
    url = reverse("admin:members_member_change", args=[member.pk])
    data = form_data(admin_client.get(url))
    data["government_post"] = "Hiệu trưởng"
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "status" in k).removesuffix("-TOTAL_FORMS")
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-kind": StatusKind.EXEMPTED,
            f"{prefix}-{total}-start_date": "01/02/2025",
            f"{prefix}-{total}-member": str(member.pk),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [updated] = entries("member.updated")
    assert updated.after["government_post"] == "Hiệu trưởng" and updated.note == "admin"
    [added] = entries("status.created")
    assert added.after["kind"] == StatusKind.EXEMPTED


# -- users --------------------------------------------------------------------------------------------------------


def test_editing_a_user_is_audited_without_the_password_hash(personas, admin_client):
    user = personas.outsider
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = form_data(admin_client.get(url))
    data["first_name"] = "Lê"
    data["is_staff"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [entry] = entries("user.updated")
    assert (entry.after["first_name"], entry.after["is_staff"]) == ("Lê", True)
    assert "password" not in entry.after
    assert user.password not in str(entry.before) + str(entry.after)


def test_setting_a_password_and_adding_a_user_are_audited_without_any_hash(personas, admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[personas.outsider.pk]),
        {"password1": "Mat-khau-moi-2025", "password2": "Mat-khau-moi-2025", "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert entries("user.password_set")[0].object_id == str(personas.outsider.pk)
    admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "moi", "password1": "Mat-khau-moi-2025", "password2": "Mat-khau-moi-2025"},
    )
    [created] = entries("user.created")
    new_user = User.objects.get(username="moi")
    assert created.object_id == str(new_user.pk) and created.after["password"] == "***"
    assert new_user.password not in str(created.after)


def test_deleting_a_user_keeps_their_name_on_their_entries_and_records_what_went_with_them(personas, admin_client):
    user = personas.member_a1
    user.first_name, user.last_name = "An", "Nguyễn Văn"
    user.save()
    written = audit_log(actor=user, action="self_review.submitted", obj=personas.member_record_a1)
    response = admin_client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=user.pk).exists()
    kept = AuditEntry.objects.get(pk=written.pk)
    assert kept.actor_id == user.pk  # not rewritten to "no actor"
    assert kept.actor_label == f"An Nguyễn Văn ({user.username})"
    [deleted] = entries("user.deleted")
    assert deleted.before["username"] == user.username and deleted.before["password"] == "***"
    [unlinked] = entries("member.updated")  # the member record loses its login (SET_NULL), recorded too
    assert unlinked.before == {"user_id": user.pk} and unlinked.after == {"user_id": None}


def test_the_audit_log_shows_a_deleted_actor_by_name(personas, admin_client):
    user = personas.staff_b
    audit_log(actor=user, action="review_cycle.created", obj=personas.ward_b)
    admin_client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    page = admin_client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert user.username in page


def test_an_entry_of_the_system_says_so():
    assert audit_log(actor=None, action="system.test").actor_label == "hệ thống"


# -- report jobs ------------------------------------------------------------------------------------------------


def test_deleting_a_report_job_in_the_admin_is_audited_and_removes_its_file(
    personas, admin_client, django_capture_on_commit_callbacks
):
    from reports.models import ReportJob
    from reports.services import job_run

    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    path = job.file.path
    with open(path, "rb"):  # noqa: PTH123 - the file is really there
        pass
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:reports_reportjob_delete", args=[job.pk]), {"post": "yes"})
    assert response.status_code == 302
    [entry] = entries("report_job.deleted")
    assert entry.before["file"] == job.file.name
    import os

    assert not os.path.exists(path)  # noqa: PTH110


# -- no admin escapes -------------------------------------------------------------------------------------------


def test_every_admin_that_allows_a_write_is_audited(personas):
    request = RequestFactory().get("/")
    request.user = personas.superuser
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if allows_writes(model_admin, request) and not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_deleting_one_of_two_jobs_that_share_a_file_keeps_the_file(
    personas, admin_client, django_capture_on_commit_callbacks
):
    """Jobs that rendered the same bytes share one stored file (it is named by its SHA-256)."""
    import os

    from reports.models import ReportJob
    from reports.services import job_run

    first = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a)
    job_run(job_id=first.pk)
    first.refresh_from_db()
    # A second job whose render gave the same bytes points at the same stored file.
    second = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a, file=first.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:reports_reportjob_delete", args=[first.pk]), {"post": "yes"})
    assert os.path.exists(second.file.path)  # noqa: PTH110 - the other job's download still works
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:reports_reportjob_delete", args=[second.pk]), {"post": "yes"})
    assert not os.path.exists(second.file.path)  # noqa: PTH110 - the last one takes it
