#!/usr/bin/env python
"""Write the load test's page mix as a Lua table: each main page with a session of its persona (bench_*)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from bench.scale import main_pages, personas  # noqa: E402

# How often each page comes up in the mix: members and secretaries far outnumber committee staff.
WEIGHTS = {"self_review": 6, "meeting_40": 4, "ward_dashboard": 3, "ward_unit_review": 2, "roster": 2}
WEIGHTS |= {"city_dashboard": 1, "province_summary": 1, "national_summary": 1}


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "party_units.signin.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


cycle, review, member, units, _sizes, people = personas()
sessions = {who: session_for(user) for who, user in people.items()}
rows = []
for name, who, url in main_pages(cycle, review, member, units):
    if url and name in WEIGHTS:
        rows += [f'  {{"{url}", "{sessions[who]}"}},'] * WEIGHTS[name]
print("PAGES = {\n" + "\n".join(rows) + "\n}")
