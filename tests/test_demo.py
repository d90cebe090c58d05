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


@pytest.mark.django_db
def test_seed_demo_refuses_on_a_database_not_declared_for_development_or_demo(settings, django_user_model):
    from django.core.management.base import CommandError

    settings.DEBUG, settings.DEMO_DATA = False, False
    with pytest.raises(CommandError, match="DEMO_DATA=1"):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert not django_user_model.objects.exists()


def run_manage(tmp_path, *args, **env):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    keep = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DEMO_DATA", "DATABASE_URL", "SECRET_KEY"}}
    environment = {**keep, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", **env}
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", *args], cwd=root, env=environment, capture_output=True, text=True, timeout=300
    )


def test_seed_demo_in_production_shape_refuses_and_creates_no_login(tmp_path):
    assert run_manage(tmp_path, "migrate", "--noinput").returncode == 0
    refused = run_manage(tmp_path, "seed_demo")
    assert refused.returncode != 0
    assert "Từ chối nạp dữ liệu mẫu" in refused.stderr
    count = run_manage(
        tmp_path, "shell", "-c", "from django.contrib.auth.models import User; print(User.objects.count())"
    )
    assert count.stdout.strip().splitlines()[-1] == "0", count.stderr
    allowed = run_manage(tmp_path, "seed_demo", DEMO_DATA="1")
    assert allowed.returncode == 0, allowed.stderr
