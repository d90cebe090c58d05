import pytest
from django.urls import reverse

from party_units.access import Perm, access_for, can

pytestmark = pytest.mark.django_db


def test_role_holds_for_the_whole_subtree(personas):
    p = personas
    assert can(p.higher, Perm.APPROVE, p.cell_b1)
    assert can(p.staff_a, Perm.MANAGE_MEMBERS, p.cell_a2)
    assert not can(p.staff_a, Perm.VIEW, p.cell_b1)
    assert not can(p.staff_a, Perm.VIEW, p.city)


def test_secretary_acts_on_own_cell_only(personas):
    p = personas
    assert can(p.sec_a1, Perm.HOLD_MEETING, p.cell_a1)
    assert not can(p.sec_a1, Perm.VIEW, p.cell_a2)
    assert not can(p.sec_a1, Perm.VIEW, p.ward_a)
    assert not can(p.sec_a1, Perm.MANAGE_CYCLES, p.cell_a1)
    assert not can(p.sec_a1, Perm.APPROVE, p.cell_a1)


def test_member_account_sees_only_its_own_record(personas):
    p = personas
    assert can(p.member_a1, Perm.VIEW, p.member_record_a1)
    assert can(p.member_a1, Perm.SELF_REVIEW, p.member_record_a1)
    assert not can(p.member_a1, Perm.VIEW, p.member_record_b1)
    assert not can(p.member_a1, Perm.VIEW, p.cell_a1)
    assert not can(p.member_a1, Perm.MANAGE_MEMBERS, p.member_record_a1)


def test_staff_reach_member_records_through_the_members_cell(personas):
    p = personas
    assert can(p.staff_a, Perm.VIEW, p.member_record_a1)
    assert can(p.sec_a1, Perm.MANAGE_MEMBERS, p.member_record_a1)
    assert not can(p.sec_a2, Perm.VIEW, p.member_record_a1)
    assert not can(p.staff_b, Perm.VIEW, p.member_record_a1)
    assert not can(p.outsider, Perm.VIEW, p.member_record_a1)


def test_roles_are_loaded_once_per_user_object(personas, django_assert_num_queries):
    user = personas.staff_a
    with django_assert_num_queries(1):
        for unit in [personas.cell_a1, personas.cell_a2, personas.cell_b1, personas.ward_a]:
            access_for(user).can(Perm.VIEW, unit)


def test_nested_grants_fold_into_the_topmost(personas):
    from party_units.models import Role, RoleKind

    Role.objects.create(user=personas.staff_a, unit=personas.cell_a1, kind=RoleKind.SECRETARY)
    personas.staff_a._party_access = None
    del personas.staff_a._party_access
    assert access_for(personas.staff_a).root_paths() == [personas.ward_a.path]


# -- every view of this issue, every persona -------------------------------------------------------------

VIEW_CASES = {
    # persona: (tree status, detail of cell_a1, detail of ward_b)
    "superuser": (200, 200, 200),
    "higher": (200, 200, 200),
    "staff_a": (200, 200, 404),
    "staff_b": (200, 404, 200),
    "sec_a1": (200, 200, 404),
    "sec_a2": (200, 404, 404),
    "sec_b1": (200, 404, 404),
    "member_a1": (403, 404, 404),
    "member_b1": (403, 404, 404),
    "outsider": (403, 404, 404),
}


@pytest.mark.parametrize("persona", sorted(VIEW_CASES))
def test_pages_allow_and_refuse_each_persona(personas, client_for, persona):
    user = getattr(personas, persona)
    client = client_for(user)
    tree, detail_a1, detail_b = VIEW_CASES[persona]
    assert client.get(reverse("party_units:tree")).status_code == tree
    assert client.get(reverse("party_units:detail", args=[personas.cell_a1.pk])).status_code == detail_a1
    assert client.get(reverse("party_units:detail", args=[personas.ward_b.pk])).status_code == detail_b


def test_anonymous_is_sent_to_login(personas, client_for):
    client = client_for(None)
    for url in [reverse("home"), reverse("party_units:tree"), reverse("party_units:detail", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_home_sends_each_role_to_its_work(personas, client_for):
    response = client_for(personas.staff_a).get(reverse("home"))
    assert response.status_code == 200
    assert personas.ward_a.name in response.content.decode()
    response = client_for(personas.outsider).get(reverse("home"))
    assert "chưa được giao" in response.content.decode()


@pytest.mark.parametrize("persona", sorted(VIEW_CASES))
def test_home_for_every_persona(personas, client_for, persona):
    response = client_for(getattr(personas, persona)).get(reverse("home"))
    if persona.startswith("member_"):
        # A member lands on a home page with their self-review panel (appraisal) and a link to their record.
        record = getattr(personas, f"member_record_{persona[-2:]}")
        text = response.content.decode()
        assert response.status_code == 200 and "Bản kiểm điểm cá nhân" in text
        assert reverse("members:detail", args=[record.pk]) in text
    else:
        assert response.status_code == 200
        assert ("chưa được giao" in response.content.decode()) == (persona == "outsider")


def test_member_reaches_own_record_and_not_anothers(personas, client_for):
    client = client_for(personas.member_a1)
    assert client.get(reverse("members:detail", args=[personas.member_record_a1.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[personas.member_record_b1.pk])).status_code == 404


def test_services_recheck_through_require_actor(personas):
    from django.core.exceptions import PermissionDenied

    from party_units.access import require_actor

    require_actor(personas.sec_a1, Perm.MANAGE_MEMBERS, personas.cell_a1)
    require_actor(None, Perm.MANAGE_CYCLES, personas.city)  # the system itself (demo data, commands)
    with pytest.raises(PermissionDenied):
        require_actor(personas.sec_a1, Perm.MANAGE_MEMBERS, personas.cell_a2)
    with pytest.raises(PermissionDenied):
        require_actor(personas.staff_a, Perm.MANAGE_DOCUMENTS, None)  # central: superusers only
    require_actor(personas.superuser, Perm.MANAGE_DOCUMENTS, None)
