"""Demo members for the demo tree (party_units.demo). Idempotent: members are found by their card number.

The 2021 article names no member of Chi bộ Trường Tiểu học Mạc Đĩnh Chi (only the guests), so the names below
are invented. The demo year is 2025 (the cycle the rule set hd43-2025 reviews); in it the cell has 19 members:
one transferred in on 01/06/2025, one exempted, one disciplined (khiển trách), one on maternity leave, one on long
sick leave, one admitted less than 6 months before 31/12/2025 and one admitted in 2025 more than 6 months before.

The 2021 article rates 19 members at the meeting of 16/11/2021. Of today's 19, three were not there yet (the
two admitted in 2025 and the one transferred in in 2025), so the cell's history also holds three members who
were rated in 2021 and have since been transferred to other cells of the ward (``MAC_DINH_CHI_LEAVERS``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from party_units.demo import HBT_WARDS, MAC_DINH_CHI, QUYET_THANG_CELLS
from party_units.models import PartyUnit

from .counts import unit_counts_refresh
from .models import DisciplineLevel, Gender, Member, Membership, MembershipKind, MemberStatus, PartyPost, StatusKind

D = datetime.date
F, M = Gender.FEMALE, Gender.MALE
TEACHER = "Giáo viên"

# (card, name, gender, born, admitted, full member on, party post, government post, leader, account)
MAC_DINH_CHI_MEMBERS = [
    (
        "01000101",
        "Lê Thị Hằng",
        F,
        D(1975, 8, 12),
        D(2000, 5, 19),
        D(2001, 5, 19),
        PartyPost.SECRETARY,
        "Hiệu trưởng",
        True,
        "bithu",
    ),
    (
        "01000102",
        "Nguyễn Thị Thu Trang",
        F,
        D(1980, 3, 4),
        D(2006, 11, 20),
        D(2007, 11, 20),
        PartyPost.DEPUTY_SECRETARY,
        "Phó Hiệu trưởng",
        True,
        None,
    ),
    (
        "01000103",
        "Đỗ Thị Bích Ngọc",
        F,
        D(1983, 1, 27),
        D(2010, 3, 8),
        D(2011, 3, 8),
        PartyPost.COMMITTEE_MEMBER,
        "Tổ trưởng chuyên môn khối 5",
        False,
        None,
    ),
    (
        "01000104",
        "Trần Minh Tuấn",
        M,
        D(1986, 9, 2),
        D(2012, 12, 22),
        D(2013, 12, 22),
        PartyPost.NONE,
        "Giáo viên Tin học",
        False,
        "dangvien",
    ),
    (
        "01000105",
        "Phạm Thị Mai Anh",
        F,
        D(1988, 6, 15),
        D(2014, 5, 19),
        D(2015, 5, 19),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000106",
        "Vũ Thị Thanh Hương",
        F,
        D(1979, 10, 10),
        D(2005, 2, 3),
        D(2006, 2, 3),
        PartyPost.NONE,
        "Tổ trưởng chuyên môn khối 1",
        False,
        None,
    ),
    (
        "01000107",
        "Hoàng Thị Lan",
        F,
        D(1966, 4, 30),
        D(1995, 9, 2),
        D(1996, 9, 2),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000108",
        "Bùi Văn Dũng",
        M,
        D(1984, 12, 1),
        D(2011, 7, 27),
        D(2012, 7, 27),
        PartyPost.NONE,
        "Giáo viên Thể dục",
        False,
        None,
    ),
    (
        "01000109",
        "Ngô Thị Phương",
        F,
        D(1990, 2, 14),
        D(2016, 3, 26),
        D(2017, 3, 26),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000110",
        "Đặng Thị Thu Hà",
        F,
        D(1992, 7, 7),
        D(2018, 10, 20),
        D(2019, 10, 20),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000111",
        "Dương Thị Hồng Nhung",
        F,
        D(1991, 11, 23),
        D(2017, 8, 19),
        D(2018, 8, 19),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000112",
        "Lý Thị Kim Oanh",
        F,
        D(1982, 5, 5),
        D(2009, 1, 9),
        D(2010, 1, 9),
        PartyPost.NONE,
        "Kế toán",
        False,
        None,
    ),
    (
        "01000113",
        "Trịnh Thị Thúy",
        F,
        D(1977, 8, 18),
        D(2003, 6, 1),
        D(2004, 6, 1),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000114",
        "Phan Thị Yến",
        F,
        D(1989, 12, 30),
        D(2015, 9, 2),
        D(2016, 9, 2),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    (
        "01000115",
        "Đinh Thị Quỳnh",
        F,
        D(1993, 3, 3),
        D(2020, 2, 3),
        D(2021, 2, 3),
        PartyPost.NONE,
        "Tổng phụ trách Đội",
        False,
        None,
    ),
    (
        "01000116",
        "Mai Thị Ánh",
        F,
        D(1987, 4, 21),
        D(2013, 5, 19),
        D(2014, 5, 19),
        PartyPost.NONE,
        TEACHER,
        False,
        None,
    ),
    ("01000117", "Tạ Thị Ngân", F, D(1997, 1, 12), D(2025, 9, 15), None, PartyPost.NONE, TEACHER, False, None),
    ("01000118", "Cao Thị Loan", F, D(1995, 6, 8), D(2025, 3, 19), None, PartyPost.NONE, TEACHER, False, None),
    (
        "01000119",
        "Nguyễn Văn Bình",
        M,
        D(1981, 2, 2),
        D(2008, 12, 19),
        D(2009, 12, 19),
        PartyPost.NONE,
        "Nhân viên văn phòng",
        False,
        None,
    ),
]
# Members of the cell in 2021 who have since left: (card, name, gender, born, admitted, government post, the
# cell they were transferred to, on which day, the introduction letter).
MAC_DINH_CHI_LEAVERS = [
    (
        "01000120",
        "Nguyễn Thị Thanh Tâm",
        F,
        D(1985, 4, 9),
        D(2012, 5, 19),
        "Giáo viên Âm nhạc",
        QUYET_THANG_CELLS[2][0],
        D(2022, 8, 15),
        "Giấy giới thiệu số 12-GGT/ĐU",
    ),
    (
        "01000121",
        "Lê Văn Thành",
        M,
        D(1963, 10, 2),
        D(1992, 9, 2),
        "Bảo vệ",
        QUYET_THANG_CELLS[4][0],
        D(2023, 11, 1),
        "Nghỉ hưu, chuyển về sinh hoạt nơi cư trú; giấy giới thiệu số 30-GGT/ĐU",
    ),
    (
        "01000122",
        "Phạm Thị Thu Hiền",
        F,
        D(1994, 7, 21),
        D(2019, 12, 3),
        TEACHER,
        QUYET_THANG_CELLS[1][0],
        D(2024, 8, 1),
        "Giấy giới thiệu số 18-GGT/ĐU",
    ),
]
TRANSFERRED_CARD = "01000116"  # Mai Thị Ánh: from Chi bộ Trường THCS Quyết Thắng on 01/06/2025
TRANSFER_DATE = D(2025, 6, 1)

# The other Quyết Thắng cells: (cell name, [(card, name, gender, born, admitted, in political system)]).
OTHER_QUYET_THANG = [
    (
        QUYET_THANG_CELLS[1][0],
        [
            ("01000201", "Nguyễn Thị Hạnh", F, D(1978, 5, 2), D(2004, 3, 8), True),
            ("01000202", "Trần Thị Diệu Linh", F, D(1985, 9, 9), D(2011, 6, 1), True),
            ("01000203", "Lê Thị Minh Châu", F, D(1990, 1, 20), D(2016, 10, 20), True),
            ("01000204", "Phạm Thị Hoa", F, D(1982, 12, 12), D(2008, 3, 26), True),
        ],
    ),
    (
        QUYET_THANG_CELLS[2][0],
        [
            ("01000301", "Vũ Đức Thắng", M, D(1976, 7, 19), D(2002, 9, 2), True),
            ("01000302", "Hoàng Văn Nam", M, D(1984, 3, 14), D(2010, 5, 19), True),
            ("01000303", "Đào Thị Thu", F, D(1987, 11, 5), D(2013, 2, 3), True),
            ("01000304", "Kiều Thị Hà", F, D(1991, 8, 30), D(2018, 12, 22), True),
        ],
    ),
    (
        QUYET_THANG_CELLS[3][0],
        [
            ("01000401", "Nguyễn Văn Hùng", M, D(1950, 2, 10), D(1972, 12, 22), False),
            ("01000402", "Trần Văn Khải", M, D(1955, 6, 6), D(1978, 5, 19), False),
            ("01000403", "Lê Thị Sen", F, D(1958, 9, 1), D(1985, 3, 8), False),
            ("01000404", "Đỗ Văn Lâm", M, D(1962, 4, 4), D(1990, 2, 3), False),
            ("01000405", "Phùng Thị Xuân", F, D(1960, 1, 1), D(1988, 8, 19), False),
        ],
    ),
    (
        QUYET_THANG_CELLS[4][0],
        [
            ("01000501", "Chu Văn Toàn", M, D(1957, 10, 10), D(1980, 12, 22), False),
            ("01000502", "Lương Thị Nga", F, D(1963, 3, 3), D(1992, 5, 19), False),
            ("01000503", "Hà Văn Sơn", M, D(1970, 8, 8), D(1998, 9, 2), True),
            ("01000504", "Tô Thị Huyền", F, D(2003, 4, 14), D(2024, 12, 3), False),
        ],
    ),
]
TEMPORARY_CARD = "01000503"  # Hà Văn Sơn: temporary activity in Khu phố 1 from 01/09/2025

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
MIDDLE = {M: ["Văn", "Đức", "Minh", "Quang", "Hữu"], F: ["Thị", "Thu", "Thanh", "Ngọc", "Hồng"]}
GIVEN = {
    M: ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Khánh", "Long", "Phúc", "Quân", "Sơn", "Tú", "Vinh"],
    F: ["Anh", "Bích", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Mai", "Ngọc", "Oanh", "Thảo", "Uyên", "Vân"],
}


def _hbt_members(ward_index: int, cell_number: int) -> list[tuple]:
    """3–6 members per Hai Bà Trưng cell with deterministic names (the seed must not change between runs)."""
    count = 3 + (ward_index * 3 + cell_number) % 4
    out = []
    for i in range(count):
        n = ward_index * 31 + cell_number * 7 + i * 3
        gender = F if n % 2 else M
        name = f"{FAMILY[n % len(FAMILY)]} {MIDDLE[gender][n % 5]} {GIVEN[gender][(n // 2) % len(GIVEN[gender])]}"
        born = D(1950 + n % 45, 1 + n % 12, 1 + n % 28)
        admitted = D(born.year + 22 + n % 10, 1 + (n * 5) % 12, 1 + (n * 3) % 28)
        card = f"02{ward_index:02d}{cell_number}{i:03d}"
        out.append((card, name, gender, born, admitted, n % 3 != 0))
    return out


def _new_member(card, name, gender, born, admitted, full, post="", gov="", leader=False, political=True) -> Member:
    """A demo member, not saved yet."""
    return Member(
        card_number=card,
        full_name=name,
        gender=gender,
        date_of_birth=born,
        admitted_on=admitted,
        full_member_on=full,
        party_post=post,
        government_post=gov,
        holds_leadership_post=leader,
        in_political_system=political,
    )


def _cell(parent_name: str, name: str) -> PartyUnit:
    return PartyUnit.objects.get(parent__name=parent_name, name=name)


def seed(*, stdout=None) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["bithu", "dangvien"])}
    existing = {m.card_number: m for m in Member.objects.filter(card_number__startswith="0")}
    qt = "Đảng ủy phường Quyết Thắng"
    mdc = _cell(qt, MAC_DINH_CHI)
    thcs = _cell(qt, QUYET_THANG_CELLS[2][0])
    kp1 = _cell(qt, QUYET_THANG_CELLS[3][0])

    def member(card, name, gender, born, admitted, full, post="", gov="", leader=False, user=None, political=True):
        if card in existing:
            return existing[card], False
        record = _new_member(card, name, gender, born, admitted, full, post, gov, leader, political)
        record.user = users.get(user) if user else None
        record.save(force_insert=True)
        existing[card] = record
        return record, True

    def first_day(admitted: datetime.date) -> datetime.date:
        return max(admitted, D(2015, 8, 15))  # when the school year these cells were formed began

    for card, name, gender, born, admitted, full, post, gov, leader, user in MAC_DINH_CHI_MEMBERS:
        record, created = member(card, name, gender, born, admitted, full, post, gov, leader, user)
        if not created:
            continue
        if card == TRANSFERRED_CARD:
            Membership.objects.create(
                member=record, unit=thcs, start_date=first_day(admitted), end_date=TRANSFER_DATE - datetime.timedelta(1)
            )
            Membership.objects.create(
                member=record, unit=mdc, start_date=TRANSFER_DATE, note="Giấy giới thiệu số 21-GGT/ĐU"
            )
        else:
            Membership.objects.create(member=record, unit=mdc, start_date=first_day(admitted))
        if name == "Hoàng Thị Lan":
            MemberStatus.objects.create(
                member=record, kind=StatusKind.EXEMPTED, start_date=D(2024, 9, 1), note="Lý do sức khỏe"
            )
        elif name == "Bùi Văn Dũng":
            MemberStatus.objects.create(
                member=record,
                kind=StatusKind.DISCIPLINED,
                start_date=D(2025, 10, 15),
                discipline_level=DisciplineLevel.REPRIMAND,
                decision_ref="08-QĐ/ĐU",
                duty_related=True,
                note="Vi phạm quy định về dạy thêm",
            )
        elif name == "Đặng Thị Thu Hà":
            MemberStatus.objects.create(
                member=record, kind=StatusKind.MATERNITY_LEAVE, start_date=D(2025, 3, 1), end_date=D(2025, 8, 31)
            )
        elif name == "Trịnh Thị Thúy":
            MemberStatus.objects.create(
                member=record,
                kind=StatusKind.SICK_LEAVE,
                start_date=D(2025, 2, 1),
                end_date=D(2025, 5, 15),
                months=Decimal("3.5"),
            )

    for card, name, gender, born, admitted, gov, to_cell, left_on, letter in MAC_DINH_CHI_LEAVERS:
        full = admitted.replace(year=admitted.year + 1)
        retired = to_cell == QUYET_THANG_CELLS[4][0]
        record, created = member(card, name, gender, born, admitted, full, gov=gov, political=not retired)
        if created:
            Membership.objects.create(
                member=record, unit=mdc, start_date=first_day(admitted), end_date=left_on - datetime.timedelta(1)
            )
            Membership.objects.create(member=record, unit=_cell(qt, to_cell), start_date=left_on, note=letter)

    for cell_name, people in OTHER_QUYET_THANG:
        cell = _cell(qt, cell_name)
        for card, name, gender, born, admitted, political in people:
            full = admitted.replace(year=admitted.year + 1)
            record, created = member(card, name, gender, born, admitted, full, political=political)
            if created:
                Membership.objects.create(member=record, unit=cell, start_date=first_day(admitted))
                if card == TEMPORARY_CARD:
                    Membership.objects.create(
                        member=record, unit=kp1, kind=MembershipKind.TEMPORARY, start_date=D(2025, 9, 1)
                    )

    # Hai Bà Trưng: a few members per cell, written in bulk (about 250 rows).
    cells = {
        (c.parent.name, c.name): c
        for c in PartyUnit.objects.filter(parent__parent__name="Quận ủy Hai Bà Trưng").select_related("parent")
    }
    new_members, new_cells = [], []
    for w, ward_name in enumerate(HBT_WARDS):
        for n in (1, 2, 3):
            cell = cells.get((f"Đảng ủy phường {ward_name}", f"Chi bộ Tổ dân phố số {n} phường {ward_name}"))
            if cell is None:
                continue
            for card, name, gender, born, admitted, political in _hbt_members(w, n):
                if card in existing:
                    continue
                full = admitted.replace(year=admitted.year + 1)
                record = _new_member(card, name, gender, born, admitted, full, political=political)
                record.normalise()
                new_members.append(record)
                new_cells.append(cell)
    Member.objects.bulk_create(new_members)
    Membership.objects.bulk_create(
        Membership(member=m, unit=c, sort_key=m.sort_key, start_date=max(m.admitted_on, D(2015, 1, 1)))
        for m, c in zip(new_members, new_cells, strict=True)
    )
    unit_counts_refresh({c.pk for c in new_cells})  # written in bulk
    if stdout is not None:
        stdout.write(f"  {Member.objects.count()} đảng viên, {Membership.objects.count()} quá trình sinh hoạt")
