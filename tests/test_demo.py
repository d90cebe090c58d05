import pytest
from django.apps import apps
from django.core.management import call_command

from audit.models import AuditEntry


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"} and model is not AuditEntry
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_the_demo_logins(django_user_model):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert counts() == first
    for username in ["admin", "quanuy", "danguy", "bithu", "dangvien"]:
        assert django_user_model.objects.get(username=username).check_password("kiemdiem")


@pytest.mark.django_db
def test_demo_tree_follows_the_sources():
    from party_units.models import PartyUnit

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    quyet_thang = PartyUnit.objects.get(name="Đảng ủy phường Quyết Thắng")
    assert quyet_thang.parent.level_label == "Thành ủy"
    assert PartyUnit.objects.subtree_of(quyet_thang).cells().filter(name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi").exists()
    assert PartyUnit.objects.subtree_of(quyet_thang).cells().count() >= 4
    hbt = PartyUnit.objects.get(name="Quận ủy Hai Bà Trưng")
    assert hbt.parent.name == "Thành ủy Hà Nội"
    assert hbt.children.count() == 18
