"""PartyUnit.official_members, kept by triggers on the membership table.

The count is the number of open official memberships (end_date IS NULL AND kind = 'official') held directly in a
unit — what the tree pages used to count per request over every membership of a subtree. Triggers keep it
whatever writes the memberships (services, the admin, bulk_create, PostgreSQL COPY); a test compares it with a
full recount after each kind of write. On PostgreSQL the triggers are per statement with transition tables, so a
bulk insert of 100,000 memberships updates each unit once; on SQLite (development, tests) they are per row.
"""

from django.db import migrations

COUNTED = "end_date IS NULL AND kind = 'official'"

POSTGRESQL = f"""
CREATE FUNCTION members_membership_official_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE party_units_partyunit u SET official_members = u.official_members + d.n
          FROM (SELECT unit_id, count(*) AS n FROM new_rows WHERE {COUNTED} GROUP BY unit_id) d
         WHERE u.id = d.unit_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE party_units_partyunit u SET official_members = u.official_members - d.n
          FROM (SELECT unit_id, count(*) AS n FROM old_rows WHERE {COUNTED} GROUP BY unit_id) d
         WHERE u.id = d.unit_id;
    ELSE
        UPDATE party_units_partyunit u SET official_members = u.official_members + d.n
          FROM (SELECT unit_id, sum(delta) AS n FROM (
                    SELECT unit_id, 1 AS delta FROM new_rows WHERE {COUNTED}
                    UNION ALL SELECT unit_id, -1 FROM old_rows WHERE {COUNTED}) changes
                 GROUP BY unit_id HAVING sum(delta) <> 0) d
         WHERE u.id = d.unit_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER members_membership_count_insert AFTER INSERT ON members_membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_membership_official_count();
CREATE TRIGGER members_membership_count_update AFTER UPDATE ON members_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION members_membership_official_count();
CREATE TRIGGER members_membership_count_delete AFTER DELETE ON members_membership
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_membership_official_count();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS members_membership_count_insert ON members_membership;
DROP TRIGGER IF EXISTS members_membership_count_update ON members_membership;
DROP TRIGGER IF EXISTS members_membership_count_delete ON members_membership;
DROP FUNCTION IF EXISTS members_membership_official_count();
"""


def counted(row: str) -> str:
    return f"({row}.end_date IS NULL AND {row}.kind = 'official')"


SQLITE = [
    f"""CREATE TRIGGER members_membership_count_insert AFTER INSERT ON members_membership
        WHEN {counted("NEW")} BEGIN
        UPDATE party_units_partyunit SET official_members = official_members + 1 WHERE id = NEW.unit_id; END""",
    f"""CREATE TRIGGER members_membership_count_delete AFTER DELETE ON members_membership
        WHEN {counted("OLD")} BEGIN
        UPDATE party_units_partyunit SET official_members = official_members - 1 WHERE id = OLD.unit_id; END""",
    f"""CREATE TRIGGER members_membership_count_update AFTER UPDATE ON members_membership BEGIN
        UPDATE party_units_partyunit SET official_members = official_members - 1
         WHERE id = OLD.unit_id AND {counted("OLD")};
        UPDATE party_units_partyunit SET official_members = official_members + 1
         WHERE id = NEW.unit_id AND {counted("NEW")}; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS members_membership_count_insert",
    "DROP TRIGGER IF EXISTS members_membership_count_delete",
    "DROP TRIGGER IF EXISTS members_membership_count_update",
]

RECOUNT = f"""
UPDATE party_units_partyunit SET official_members = (
    SELECT count(*) FROM members_membership WHERE unit_id = party_units_partyunit.id AND {COUNTED})
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [POSTGRESQL], "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"official member count triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute(RECOUNT)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [POSTGRESQL_DROP], "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_sort_and_search_keys"),
        ("party_units", "0004_unit_official_members"),
    ]

    operations = [migrations.RunPython(install, remove)]
