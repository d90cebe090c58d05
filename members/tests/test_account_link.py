"""Linking a login account to a member: a separate, audited action of committee staff over the member.

Played on the demo (seed_demo): ``danguy`` is the ward's staff, ``bithu`` the secretary of Chi bộ Trường Tiểu học
Mạc Đĩnh Chi, ``dangvien`` is linked to Trần Minh Tuấn, ``quanuy`` is district staff elsewhere, ``admin`` the
administrator.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from members.models import Member
from party_units.models import PartyUnit, Role, RoleKind

pytestmark = pytest.mark.django_db
REFUSED = "Không thể gắn tài khoản «%s» với đảng viên này"


@pytest.fixture
def demo(django_user_model):
    call_command("seed_demo", stdout=io.StringIO())
    users = {u.username: u for u in django_user_model.objects.all()}
    return users


def links() -> list:
    return list(Member.objects.exclude(user=None).values_list("pk", "user_id").order_by("pk"))


def member(name: str) -> Member:
    return Member.objects.get(full_name=name)


def test_the_edit_form_no_longer_takes_a_login_name(demo, client_for):
    tuan = member("Trần Minh Tuấn")
    client = client_for(demo["bithu"])
    page = client.get(reverse("members:edit", args=[tuan.pk]))
    assert "username" not in page.context["form"].fields
    assert "Tài khoản đăng nhập gắn với đảng viên" not in page.content.decode()
    before = links()
    ngan = member("Tạ Thị Ngân")
    data = {"full_name": ngan.full_name, "in_political_system": "on", "admitted_on": "15/09/2025",
            "username": "admin"}  # fmt: skip
    assert client.post(reverse("members:edit", args=[ngan.pk]), data).status_code == 302
    assert links() == before


def test_the_secretary_cannot_link_or_unlink(demo, client_for):
    client = client_for(demo["bithu"])
    ngan, tuan = member("Tạ Thị Ngân"), member("Trần Minh Tuấn")
    before, entries = links(), AuditEntry.objects.count()
    assert client.get(reverse("members:account_link", args=[ngan.pk])).status_code == 403
    assert client.post(reverse("members:account_link", args=[ngan.pk]), {"username": "admin"}).status_code == 403
    assert client.post(reverse("members:account_unlink", args=[tuan.pk])).status_code == 403
    assert links() == before and AuditEntry.objects.count() == entries
    detail = client.get(reverse("members:detail", args=[ngan.pk])).content.decode()
    assert reverse("members:account_link", args=[ngan.pk]) not in detail


@pytest.mark.parametrize("username,status", [("danguy", 200), ("bithu", 403), ("quanuy", 404), ("dangvien", 404)])
def test_who_reaches_the_account_page(demo, client_for, username, status):
    ngan = member("Tạ Thị Ngân")
    assert client_for(demo[username]).get(reverse("members:account_link", args=[ngan.pk])).status_code == status


def test_staff_link_an_account_and_the_person_reads_their_own_record(demo, client_for, django_assert_max_num_queries):
    ngan = member("Tạ Thị Ngân")
    account = get_user_model().objects.create_user("ngan", password="x")  # noqa: S106
    client = client_for(demo["danguy"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("members:account_link", args=[ngan.pk])).status_code == 200
    response = client.post(reverse("members:account_link", args=[ngan.pk]), {"username": "ngan"})
    assert response.status_code == 302
    ngan.refresh_from_db()
    assert ngan.user == account
    entry = AuditEntry.objects.get(action="member.account_linked")
    assert entry.actor == demo["danguy"] and entry.after["user"] == "ngan"
    assert client_for(account).get(reverse("members:detail", args=[ngan.pk])).status_code == 200
    history = client_for(demo["danguy"]).get(reverse("members:detail", args=[ngan.pk])).context["history"]
    assert history[0].label == "Gắn tài khoản đăng nhập" and ("tài khoản đăng nhập", "—", "ngan") in history[0].changes


def test_a_secretary_of_the_members_own_cell_may_be_linked(demo, client_for):
    ngan = member("Tạ Thị Ngân")
    deputy = get_user_model().objects.create_user("phobithu")
    Role.objects.create(user=deputy, unit=ngan.access_unit, kind=RoleKind.SECRETARY)
    client = client_for(demo["danguy"])
    assert client.post(reverse("members:account_link", args=[ngan.pk]), {"username": "phobithu"}).status_code == 302
    assert member("Tạ Thị Ngân").user == deputy


@pytest.mark.parametrize("username", ["admin", "quanuy", "danguy", "dangvien", "bithu", "khongco", "secretary_b"])
def test_refused_accounts_get_one_message_that_does_not_tell_whether_they_exist(demo, client_for, username):
    """admin (administrator), quanuy/danguy (roles outside the cell), dangvien/bithu (linked to other members),
    secretary_b (a secretary of another cell), khongco (no such account): the same words for all."""
    other_cell = PartyUnit.objects.get(name="Chi bộ Khu phố 1")
    Role.objects.create(user=get_user_model().objects.create_user("secretary_b"), unit=other_cell, kind="secretary")
    ngan = member("Tạ Thị Ngân")
    before, entries = links(), AuditEntry.objects.count()
    response = client_for(demo["danguy"]).post(reverse("members:account_link", args=[ngan.pk]), {"username": username})
    assert response.status_code == 200
    errors = response.context["form"].errors["username"]
    assert errors == [
        (REFUSED % username)
        + ": tài khoản không có, hoặc không thể gắn (đã gắn với đảng viên khác, là tài khoản quản trị, "
        "hoặc có vai trò ngoài chi bộ của đảng viên)."
    ]
    assert links() == before and AuditEntry.objects.count() == entries


def test_moving_dangviens_login_to_another_member_is_refused(demo, client_for):
    tuan, ngan = member("Trần Minh Tuấn"), member("Tạ Thị Ngân")
    client = client_for(demo["danguy"])
    response = client.post(reverse("members:account_link", args=[ngan.pk]), {"username": "dangvien"})
    assert response.status_code == 200 and response.context["form"].errors
    assert member("Trần Minh Tuấn").user == demo["dangvien"] and member("Tạ Thị Ngân").user is None
    # A member already linked must be unlinked first: the page offers no form to replace the account.
    page = client.get(reverse("members:account_link", args=[tuan.pk]))
    assert page.context["form"] is None and "dangvien" in page.content.decode()
    assert client.post(reverse("members:account_link", args=[tuan.pk]), {"username": "ngan"}).status_code == 200
    assert member("Trần Minh Tuấn").user == demo["dangvien"]
    assert client_for(demo["dangvien"]).get(reverse("members:detail", args=[ngan.pk])).status_code == 404


def test_unlinking_is_audited_and_ends_the_persons_access(demo, client_for):
    tuan = member("Trần Minh Tuấn")
    assert client_for(demo["dangvien"]).get(reverse("members:detail", args=[tuan.pk])).status_code == 200
    response = client_for(demo["danguy"]).post(reverse("members:account_unlink", args=[tuan.pk]))
    assert response.status_code == 302
    assert member("Trần Minh Tuấn").user is None
    entry = AuditEntry.objects.get(action="member.account_unlinked")
    assert entry.actor == demo["danguy"] and entry.before["user"] == "dangvien"
    assert client_for(demo["dangvien"]).get(reverse("members:detail", args=[tuan.pk])).status_code == 404


def test_the_edit_service_does_not_change_the_account(demo):
    from members import services

    ngan = member("Tạ Thị Ngân")
    with pytest.raises(TypeError):
        services.member_update(actor=demo["danguy"], member=ngan, user_id=demo["admin"].pk)
    assert member("Tạ Thị Ngân").user is None
