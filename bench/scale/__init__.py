"""The scale data: a national tree with millions of members and a 2025 cycle in every state (``seed_scale``).

Rows are generated in Python and written in bulk — PostgreSQL's ``COPY … FROM STDIN`` (psycopg 3), SQLite's
``executemany`` — never through ``save()``. Ids are assigned here, so no row has to be read back. Derived
columns are computed by the models' own code: a member's keys by ``Member.normalise()`` (once per distinct
name, then reused), a unit's folded name by ``party_units.models.fold``; the tests check every derived column
against what ``save()`` computes.

Shape (RULES.md "Scale"): the centre → provinces (34 at national size) → communes and wards (~1,700 members
each, 3,321 at national size) → cells of 10–40 members. ``shape="2023"`` puts districts (~12 wards each,
~20,000 members: the size of a city's district) between provinces and wards, as before July 2025.

Development and benchmarking only (``manage.py seed_scale``, the bench scripts, the scale tests): nothing in the
applications imports this package at run time. ``data`` holds the vocabulary and shapes, ``seeder`` the writing,
``pages`` the benchmark's personas (accounts with roles) and the pages they open.
"""

from bench.scale.pages import main_pages, personas
from bench.scale.seeder import Seeder

__all__ = ["Seeder", "main_pages", "personas"]
