import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from party_units.models import PartyUnit, UnitKind
from party_units.tests.personas import make_unit

pytestmark = pytest.mark.django_db


def test_path_encodes_ancestry_and_depth():
    root = make_unit(None, "Tỉnh ủy", UnitKind.COMMITTEE)
    ward = make_unit(root, "Đảng ủy xã", UnitKind.COMMITTEE)
    cell = make_unit(ward, "Chi bộ 1")
    assert cell.path.startswith(ward.path) and ward.path.startswith(root.path)
    assert (root.depth, ward.depth, cell.depth) == (0, 1, 2)
    assert cell.ancestor_ids() == [root.pk, ward.pk, cell.pk]
    assert list(cell.ancestors()) == [root, ward]


def test_subtree_is_one_query_at_any_depth():
    parent = make_unit(None, "Gốc", UnitKind.COMMITTEE)
    top = parent
    for depth in range(12):  # the number of levels is data
        parent = make_unit(parent, f"Cấp {depth}", UnitKind.COMMITTEE)
    make_unit(parent, "Chi bộ sâu nhất")
    with CaptureQueriesContext(connection) as ctx:
        names = [u.name for u in PartyUnit.objects.subtree_of(top)]
    assert len(ctx.captured_queries) == 1
    assert names[0] == "Gốc" and names[-1] == "Chi bộ sâu nhất" and len(names) == 14


def test_lineage_is_the_unit_and_its_ancestors_root_first_in_one_query():
    root = make_unit(None, "Gốc", UnitKind.COMMITTEE)
    parent = root
    line = [root]
    for depth in range(12):
        parent = make_unit(parent, f"Cấp {depth}", UnitKind.COMMITTEE)
        line.append(parent)
        make_unit(parent, f"Bên cạnh {depth}", UnitKind.COMMITTEE)  # a sibling at every level: not in the line
    cell = make_unit(parent, "Chi bộ sâu nhất")
    with CaptureQueriesContext(connection) as ctx:
        found = list(PartyUnit.objects.lineage(cell.pk))
    assert len(ctx.captured_queries) == 1
    assert found == [*line, cell]
    assert list(PartyUnit.objects.lineage(root.pk)) == [root]
    assert list(PartyUnit.objects.lineage(cell.pk + 1000)) == []


def test_prefix_does_not_leak_into_siblings_with_longer_ids():
    root = make_unit(None, "Gốc", UnitKind.COMMITTEE)
    a = make_unit(root, "A", UnitKind.COMMITTEE)
    others = [make_unit(root, f"B{i}", UnitKind.COMMITTEE) for i in range(12)]
    assert set(PartyUnit.objects.subtree_of(a)) == {a}
    assert len(others) == 12


def test_moving_a_unit_rewrites_its_whole_subtree():
    root = make_unit(None, "Gốc", UnitKind.COMMITTEE)
    old_ward = make_unit(root, "Phường cũ", UnitKind.COMMITTEE)
    district = make_unit(root, "Quận", UnitKind.COMMITTEE)
    ward = make_unit(old_ward, "Phường", UnitKind.COMMITTEE)
    cell = make_unit(ward, "Chi bộ")
    ward.parent = district
    ward.save()
    cell.refresh_from_db()
    ward.refresh_from_db()
    assert ward.path.startswith(district.path) and cell.path.startswith(ward.path)
    assert cell.depth == 3
    assert list(PartyUnit.objects.subtree_of(old_ward)) == [old_ward]


def test_a_unit_cannot_be_put_under_its_own_subtree_or_under_a_cell():
    from django.core.exceptions import ValidationError

    root = make_unit(None, "Gốc", UnitKind.COMMITTEE)
    ward = make_unit(root, "Phường", UnitKind.COMMITTEE)
    cell = make_unit(ward, "Chi bộ")
    root.parent = ward
    with pytest.raises(ValidationError):
        root.full_clean()
    child = PartyUnit(parent=cell, name="X", short_name="X", level_label="Chi bộ", abbreviation="CB", place_name="P")
    with pytest.raises(ValidationError) as err:
        child.full_clean()
    assert "Chi bộ không có tổ chức đảng trực thuộc" in str(err.value)


def test_names_are_stored_nfc():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Đảng ủy phường Quyết Thắng")
    unit = make_unit(None, nfd, UnitKind.COMMITTEE)
    unit.refresh_from_db()
    assert unit.name == unicodedata.normalize("NFC", nfd)
    assert PartyUnit.objects.filter(name="Đảng ủy phường Quyết Thắng").exists()


def test_subtree_query_is_served_by_an_index_on_postgresql():
    from django.db import connection

    from conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("the index plan is PostgreSQL's")
    root = make_unit(None, "Gốc", UnitKind.COMMITTEE)
    ward = make_unit(root, "Phường", UnitKind.COMMITTEE)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = PartyUnit.objects.subtree_of(ward).explain()
    assert "Index" in plan and "path" in plan
