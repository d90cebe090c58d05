"""Fixtures for the members app; the cast (`personas`) and `client_for` come from the root conftest."""

from __future__ import annotations

import pytest
from django.db import connection

from . import factories


@pytest.fixture
def make():
    """The factories module, so tests read `make.member(...)`, `make.status(...)`."""
    return factories


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        from conftest import skip_or_fail

        skip_or_fail("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
