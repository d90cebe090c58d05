"""Closed-network installation: `make wheelhouse` collects every package of requirements.txt as a wheel, and a fresh
virtualenv installs from that folder alone: no index (--no-index, PIP_INDEX_URL pointing nowhere), no pip
configuration of this machine (its find-links and local indexes are ignored), then runs the application's checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import skip_or_fail

pytestmark = pytest.mark.services  # slow (a virtualenv and ~50 packages): run with the services, as in CI
ROOT = Path(__file__).resolve().parents[1]


def offline_env(**extra: str) -> dict[str, str]:
    """This machine's environment without any pip setting, with an index that cannot be reached."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,  # no /etc/pip.conf, no user config: no find-links, no extra index
        PIP_INDEX_URL="http://127.0.0.1:9/nowhere/",
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    env.update(extra)
    return env


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False, **kw)  # noqa: S603


def test_a_fresh_virtualenv_installs_everything_from_the_wheelhouse_without_an_index(tmp_path):
    make = shutil.which("make")
    if make is None:
        skip_or_fail("make is not installed")
    wheelhouse = tmp_path / "wheelhouse"
    built = run([make, "wheelhouse", f"WHEELHOUSE={wheelhouse}"], cwd=ROOT)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = sorted(p.name for p in wheelhouse.glob("*.whl"))
    assert not [p for p in wheelhouse.iterdir() if p.suffix != ".whl"]  # wheels only: nothing to build offline
    pinned = [
        line.split("==")[0].split("[")[0].lower().replace("-", "_")
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    names = {wheel.split("-")[0].lower() for wheel in wheels}
    assert set(pinned) <= names, set(pinned) - names
    # The runtime alone: the test, lint and type-check tools (requirements-dev.txt) never reach a server.
    assert not names & {"pytest", "pytest_django", "hypothesis", "time_machine", "playwright", "ruff", "mypy"}

    venv = tmp_path / "venv"
    made = run([sys.executable, "-m", "venv", str(venv)], env=offline_env())
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # Without the wheelhouse the same command finds nothing: the index is really out of reach.
    nowhere = run(
        [str(python), "-m", "pip", "install", "--no-index", "-r", str(ROOT / "requirements.txt")], env=offline_env()
    )
    assert nowhere.returncode != 0
    installed = run(
        [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(wheelhouse)]
        + ["-r", str(ROOT / "requirements.txt")],
        env=offline_env(),
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    consistent = run([str(python), "-m", "pip", "check"], env=offline_env())
    assert consistent.returncode == 0, consistent.stdout

    # The installed application starts in production shape: its checks pass with the new virtualenv alone.
    checked = run(
        [str(python), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=offline_env(DEBUG="0", SECRET_KEY="wheelhouse-" + "k" * 50, ALLOWED_HOSTS="kiemdiem.example.vn"),
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
