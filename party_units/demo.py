"""Demo organisation tree and accounts, from the two real articles in shared/domain/sources.

Idempotent: units are found by (parent, name) and accounts by username, so running it twice changes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import PartyUnit, Role, RoleKind, UnitKind

DEMO_PASSWORD = "kiemdiem"  # noqa: S105 - documented demo password, demo data only

# The 18 wards of Hai Bà Trưng district in 2023 (Kế hoạch 159-KH/QU was deployed to "18 phường thuộc Quận").
HBT_WARDS = [
    "Bạch Đằng",
    "Bách Khoa",
    "Bạch Mai",
    "Cầu Dền",
    "Đống Mác",
    "Đồng Nhân",
    "Đồng Tâm",
    "Lê Đại Hành",
    "Minh Khai",
    "Nguyễn Du",
    "Phạm Đình Hổ",
    "Phố Huế",
    "Quỳnh Lôi",
    "Quỳnh Mai",
    "Thanh Lương",
    "Thanh Nhàn",
    "Trương Định",
    "Vĩnh Tuy",
]
QUYET_THANG_CELLS = [
    ("Chi bộ Trường Tiểu học Mạc Đĩnh Chi", "CB Trường TH Mạc Đĩnh Chi"),
    ("Chi bộ Trường Mầm non Quyết Thắng", "CB Trường MN Quyết Thắng"),
    ("Chi bộ Trường THCS Quyết Thắng", "CB Trường THCS Quyết Thắng"),
    ("Chi bộ Khu phố 1", "CB Khu phố 1"),
    ("Chi bộ Khu phố 2", "CB Khu phố 2"),
]
MAC_DINH_CHI = QUYET_THANG_CELLS[0][0]


def unit(parent, name, *, short, kind, level, abbr, place) -> PartyUnit:
    found = PartyUnit.objects.filter(parent=parent, name=name).first()
    if found:
        return found
    return PartyUnit.objects.create(
        parent=parent,
        name=name,
        short_name=short,
        kind=kind,
        level_label=level,
        abbreviation=abbr,
        place_name=place,
    )


def committee(parent, name, *, short, level, abbr, place) -> PartyUnit:
    return unit(parent, name, short=short, kind=UnitKind.COMMITTEE, level=level, abbr=abbr, place=place)


def ward_committee(parent, ward_name) -> PartyUnit:
    """Đảng ủy phường <ward_name>."""
    name, short = f"Đảng ủy phường {ward_name}", f"ĐU phường {ward_name}"
    return committee(parent, name, short=short, level="Đảng ủy phường", abbr="ĐU", place=ward_name)


def cell(parent, name, short, place) -> PartyUnit:
    return unit(parent, name, short=short, kind=UnitKind.CELL, level="Chi bộ", abbr="CB", place=place)


def account(username, *, first_name="", last_name="", superuser=False):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(
            username=username, first_name=first_name, last_name=last_name, is_staff=superuser, is_superuser=superuser
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def grant(user, unit_, kind) -> None:
    Role.objects.get_or_create(user=user, unit=unit_, kind=kind)


def seed(*, stdout=None) -> None:
    # A city committee (the 2021 article does not name the city) above Đảng ủy phường Quyết Thắng.
    city = committee(None, "Thành ủy thành phố", short="Thành ủy", level="Thành ủy", abbr="TU", place="Thành phố")
    quyet_thang = ward_committee(city, "Quyết Thắng")
    cells = [cell(quyet_thang, name, short, "Quyết Thắng") for name, short in QUYET_THANG_CELLS]

    # Thành ủy Hà Nội → Quận ủy Hai Bà Trưng → its 18 wards (2023, before the district level was abolished).
    hanoi = committee(None, "Thành ủy Hà Nội", short="Thành ủy Hà Nội", level="Thành ủy", abbr="TU", place="Hà Nội")
    hbt = committee(
        hanoi, "Quận ủy Hai Bà Trưng", short="Quận ủy Hai Bà Trưng", level="Quận ủy", abbr="QU", place="Hai Bà Trưng"
    )
    for ward_name in HBT_WARDS:
        ward = ward_committee(hbt, ward_name)
        for n in (1, 2, 3):
            cell(ward, f"Chi bộ Tổ dân phố số {n} phường {ward_name}", f"CB TDP {n} {ward_name}", ward_name)

    admin = account("admin", first_name="Quản trị", superuser=True)
    quanuy = account("quanuy", last_name="Nguyễn Quang", first_name="Trung")
    danguy = account("danguy", last_name="Nguyễn Hải", first_name="An")
    bithu = account("bithu", last_name="Lê Thị", first_name="Hằng")
    account("dangvien", last_name="Trần Minh", first_name="Tuấn")
    grant(quanuy, hbt, RoleKind.HIGHER_STAFF)
    grant(danguy, quyet_thang, RoleKind.WARD_STAFF)
    grant(bithu, cells[0], RoleKind.SECRETARY)
    if stdout is not None:
        stdout.write(f"  {PartyUnit.objects.count()} tổ chức đảng, {Role.objects.count()} vai trò")
    return admin
