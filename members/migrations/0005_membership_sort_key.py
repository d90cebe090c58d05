"""Membership.sort_key: the member's sort key on the membership row, kept by triggers, for the rosters' order.

A ward's roster is the ward's open official memberships in Vietnamese name order, a page at a time. Ordered by the
member's key, PostgreSQL walks every member of the database in name order until it has found a page of the ward's
(3,000 rows for a ward of a city of 100,000; 170,000 in a country of 5.6 million). With the key on the membership,
the ward's rows come from an index by cell and name, and a city's from an index by name that holds the cell.

Triggers keep the copy whatever writes: a membership inserted or moved to another member takes its member's key
(services, the admin, bulk_create, the import, PostgreSQL COPY); a member whose key changes (a corrected name)
passes it to every membership. A test compares the copies with the members' keys after each kind of write.
"""

import importlib

from django.db import migrations, models

POSTGRESQL = """
CREATE FUNCTION members_membership_take_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sort_key := COALESCE((SELECT sort_key FROM members_member WHERE id = NEW.member_id), '');
    RETURN NEW;
END $$;
CREATE TRIGGER members_membership_sort_key BEFORE INSERT OR UPDATE OF member_id, sort_key ON members_membership
    FOR EACH ROW EXECUTE FUNCTION members_membership_take_sort_key();
CREATE FUNCTION members_member_pass_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_membership SET sort_key = NEW.sort_key WHERE member_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER members_member_sort_key AFTER UPDATE OF sort_key ON members_member
    FOR EACH ROW WHEN (OLD.sort_key IS DISTINCT FROM NEW.sort_key) EXECUTE FUNCTION members_member_pass_sort_key();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS members_membership_sort_key ON members_membership;
DROP TRIGGER IF EXISTS members_member_sort_key ON members_member;
DROP FUNCTION IF EXISTS members_membership_take_sort_key();
DROP FUNCTION IF EXISTS members_member_pass_sort_key();
"""

MEMBER_KEY = "COALESCE((SELECT sort_key FROM members_member WHERE id = NEW.member_id), '')"

# SQLite has no BEFORE trigger that may change the row: the row is corrected right after it is written.
SQLITE = [
    f"""CREATE TRIGGER members_membership_sort_key_insert AFTER INSERT ON members_membership BEGIN
        UPDATE members_membership SET sort_key = {MEMBER_KEY} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER members_membership_sort_key_update AFTER UPDATE OF member_id, sort_key ON members_membership
        WHEN NEW.sort_key IS NOT {MEMBER_KEY} BEGIN
        UPDATE members_membership SET sort_key = {MEMBER_KEY} WHERE id = NEW.id; END""",
    """CREATE TRIGGER members_member_sort_key AFTER UPDATE OF sort_key ON members_member
        WHEN OLD.sort_key IS NOT NEW.sort_key BEGIN
        UPDATE members_membership SET sort_key = NEW.sort_key WHERE member_id = NEW.id; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS members_membership_sort_key_insert",
    "DROP TRIGGER IF EXISTS members_membership_sort_key_update",
    "DROP TRIGGER IF EXISTS members_member_sort_key",
]

# Every membership's copy from its member; ``COPY_ALL`` is also what a bulk loader that bypasses triggers runs.
COPY_ALL = """
UPDATE members_membership SET sort_key = (
    SELECT sort_key FROM members_member WHERE members_member.id = members_membership.member_id)
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [POSTGRESQL], "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"membership sort key triggers for {vendor}")
    if vendor == "sqlite":
        # SQLite adds a NOT NULL column by copying the table into a new one, which drops the table's triggers:
        # the official member counts' (migration 0004) are created again, then recounted. Their update trigger
        # now fires only on the columns it counts by: the sort key's own correction (an UPDATE inside the insert
        # trigger) must not take a member off a count that the insert has not yet added it to.
        counts = importlib.import_module("members.migrations.0004_official_member_counts")
        for statement in counts.SQLITE_DROP + counts.SQLITE:
            schema_editor.execute(
                statement.replace(
                    "AFTER UPDATE ON members_membership", "AFTER UPDATE OF unit_id, kind, end_date ON members_membership"
                )
            )
        schema_editor.execute(counts.RECOUNT)
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute(COPY_ALL)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [POSTGRESQL_DROP], "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


OPEN_OFFICIAL = models.Q(("end_date__isnull", True), ("kind", "official"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_official_member_counts"),
        ("party_units", "0004_unit_official_members"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=1000),
        ),
        migrations.RunPython(install, remove),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=OPEN_OFFICIAL, fields=["unit", "sort_key", "member"], name="membership_roster_cell"
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=OPEN_OFFICIAL, fields=["sort_key", "member", "unit"], name="membership_roster_all"
            ),
        ),
    ]
