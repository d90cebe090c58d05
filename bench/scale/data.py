"""The scale data's vocabulary and shapes: sizes, names, provinces, states, the bulk-writing `Table`, the name
templates and the tree plan (bench/scale/seeder.py fills them)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models

from appraisal.models import (
    UnitReviewState,
)
from appraisal.rules import Level
from members.models import MEMBER_FIELDS, Gender, Member

YEAR = 2025
MEMBERS_PER_WARD = 1_700  # 5.6 million members / 3,321 communes and wards
MEMBERS_PER_PROVINCE = 165_000  # 5.6 million / 34
WARDS_PER_DISTRICT = 12
FLUSH_MEMBERS = 20_000  # rows are buffered and written per ~20,000 members

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
FAMILY += ["Dương", "Lý", "Đinh", "Trịnh", "Đoàn", "Lương"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân", "Thanh", "Ngọc", "Bảo", "Gia", "Mạnh", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hoài", "Minh", "Mỹ", "Diệu", "Phương"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam", "Phong"]
GIVEN_MALE += ["Phúc", "Quân", "Quang", "Sơn", "Thắng", "Trung", "Tuấn", "Tùng", "Việt", "Hòa", "Thụy", "Khoa"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hiền", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga"]
GIVEN_FEMALE += ["Ngọc", "Nhung", "Phương", "Tâm", "Thảo", "Thủy", "Trang", "Vân", "Yến", "Hòa", "Loan", "Xoan"]

PROVINCES = [
    ("Hà Nội", True),
    ("Hồ Chí Minh", True),
    ("Hải Phòng", True),
    ("Đà Nẵng", True),
    ("Cần Thơ", True),
    ("Huế", True),
    ("Thanh Hóa", False),
    ("Nghệ An", False),
    ("Hà Tĩnh", False),
    ("Quảng Ninh", False),
    ("Lạng Sơn", False),
    ("Cao Bằng", False),
    ("Tuyên Quang", False),
    ("Lào Cai", False),
    ("Thái Nguyên", False),
    ("Phú Thọ", False),
    ("Bắc Ninh", False),
    ("Hưng Yên", False),
    ("Ninh Bình", False),
    ("Quảng Trị", False),
    ("Quảng Ngãi", False),
    ("Gia Lai", False),
    ("Khánh Hòa", False),
    ("Lâm Đồng", False),
    ("Đắk Lắk", False),
    ("Đồng Nai", False),
    ("Tây Ninh", False),
    ("Vĩnh Long", False),
    ("Đồng Tháp", False),
    ("Cà Mau", False),
    ("An Giang", False),
    ("Lai Châu", False),
    ("Điện Biên", False),
    ("Sơn La", False),
]
PLACES = ["Quyết Thắng", "Hòa Bình", "Tân Lập", "Thống Nhất", "Đông Hưng", "Phú Lợi", "An Khánh", "Bình Minh"]
PLACES += ["Trung Hòa", "Nghĩa Đô", "Tây Hồ", "Hồng Hà", "Long Biên", "Việt Hưng", "Phúc Lợi", "Thạch Bàn"]
CELL_KINDS = ["Khu phố", "Tổ dân phố", "Trường Tiểu học", "Trường THCS", "Trạm Y tế", "Công an", "Quân sự", "Thôn"]
WORKPLACES = ["Ủy ban nhân dân phường", "Trường Tiểu học", "Trạm Y tế", "Công ty cổ phần", "Hưu trí", "Khu dân cư"]
ABSENCE = ["Ốm", "Đi công tác", "Việc gia đình"]
LEVELS = [Level.EXCELLENT.value, Level.GOOD.value, Level.COMPLETED.value, Level.NOT_COMPLETED.value]
LEVEL_WEIGHTS = [12, 60, 25, 3]

# How the cells' work items are spread over the states (percent); every state appears.
CELL_STATES = [
    (UnitReviewState.NOT_STARTED, 8),
    (UnitReviewState.IN_PROGRESS, 22),
    (UnitReviewState.SUBMITTED, 15),
    (UnitReviewState.RETURNED, 5),
    (UnitReviewState.RESUBMITTED, 5),
    (UnitReviewState.APPROVED, 45),
]
PROPOSED = {UnitReviewState.SUBMITTED, UnitReviewState.RETURNED, UnitReviewState.RESUBMITTED}


# --- bulk writing --------------------------------------------------------------------------------------------


class Table:
    """Rows of one model written in bulk: ``columns`` vary per row (tuples in that order); every other
    concrete field takes the value of a template instance (the model's defaults plus ``constants``), so a
    column another engineer adds with a default is filled without touching this module."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], **constants) -> None:
        self.model = model
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        template = model(**constants)
        self.fields = [by_attname[name] for name in columns]
        self.constant_fields = [f for f in meta.concrete_fields if f.attname not in columns]
        self.constants = tuple(self._prep_constant(f, getattr(template, f.attname)) for f in self.constant_fields)
        self.sqlite = connection.vendor == "sqlite"
        # SQLite stores dates, times and datetimes (naive UTC) as text, as Django writes them; PostgreSQL takes
        # the objects.
        self.preps: list[Callable | None] = [
            (lambda v, f=f: f.get_db_prep_save(v, connection))
            if self.sqlite and isinstance(f, models.DateField | models.TimeField | models.DecimalField)
            else None
            for f in self.fields
        ]
        self.rows: list[tuple] = []
        self.next_id = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self.written = 0

    @staticmethod
    def _prep_constant(f: models.Field, value):
        if isinstance(f, models.JSONField):
            return None if value is None else json.dumps(value, ensure_ascii=False)
        if connection.vendor == "sqlite":
            return f.get_db_prep_save(value, connection)
        return value

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        names = [f.column for f in self.fields] + [f.column for f in self.constant_fields]
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        table = connection.ops.quote_name(self.model._meta.db_table)
        rows = self.rows
        if any(self.preps):
            rows = [tuple(p(v) if p else v for p, v in zip(self.preps, row, strict=True)) for row in rows]
        constants = self.constants
        with connection.cursor() as cursor:
            if self.sqlite:
                marks = ", ".join(["%s"] * len(names))
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 - names from the model
                cursor.executemany(sql, [r + constants for r in rows])
            else:
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + constants)
        self.written += len(self.rows)
        self.rows = []

    def reset_sequence(self) -> None:
        if connection.vendor != "postgresql":
            return
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))",  # noqa: S608
                [table],
            )


# --- names ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameTemplate:
    gender: str
    values: dict  # the member's name columns as Member.normalise() derives them


def name_templates() -> list[NameTemplate]:
    """Every family × middle × given combination, each normalised once by the model's own code."""
    derived = [f.attname for f in Member._meta.concrete_fields if f.attname not in _MEMBER_VARYING_EXCEPT_NAMES]
    templates = []
    for gender, middles, givens in (
        (Gender.MALE, MIDDLE_MALE, GIVEN_MALE),
        (Gender.FEMALE, MIDDLE_FEMALE, GIVEN_FEMALE),
    ):
        for family in FAMILY:
            for middle in dict.fromkeys(middles):
                for given in givens:
                    member = Member(full_name=f"{family} {middle} {given}")
                    member.normalise()
                    values = {name: getattr(member, name) for name in derived}
                    templates.append(NameTemplate(gender.value, values))
    return templates


# Columns set per member; every other concrete column of Member comes from its name template (the name and
# whatever normalise() derives from it, today name_key and given_name).
_MEMBER_VARYING_EXCEPT_NAMES = {"id", *MEMBER_FIELDS, "user_id", "created_at", "updated_at"} - {"full_name"}


# --- the tree ------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    id: int
    size: int
    state: str = UnitReviewState.NOT_STARTED
    review_id: int = 0


@dataclass
class Ward:
    id: int
    name: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Plan:
    root_id: int
    province_ids: list[int]
    district_ids: list[int]
    wards: list[Ward]

    @property
    def cells(self) -> Iterable[Cell]:
        for ward in self.wards:
            yield from ward.cells


def cell_sizes(total: int, rng: random.Random, *, first_forty: bool) -> list[int]:
    """Cell sizes 10–40 adding up to ``total`` (one cell of ``total`` when it is under 10)."""
    sizes = []
    remaining = total
    if first_forty and remaining >= 50:
        sizes.append(40)
        remaining -= 40
    while remaining > 0:
        size = rng.randint(10, min(40, remaining - 10)) if remaining > 40 else remaining
        sizes.append(size)
        remaining -= size
    return sizes


def split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
