"""The structure of each form, as plain data: sections, headings in the forms' wording, criteria.

The self-review page, the collective report page and the official PDF all draw a form from the same
``FormStructure``, and a self-review's ``content`` is keyed by the codes defined here:

- ``content[<criterion or section code>]``: the text typed for a criterion ("A.I.1") or a section without
  criteria ("A.II", "A.IV"…);
- ``content["grades"][<criterion code>]``: the self-grade of a graded criterion (2019, 2023), a ``Grade`` value;
- ``content["remedies"]``: for the section of kind ``REMEDIES`` (A.III), a list of
  ``{"shortcoming": …, "remedy": …}``, one per shortcoming recorded in the previous cycle; the section's own
  code holds any further text;
- ``content["scores"][<score item code>]``: the points given for one item of a score group (2025), as a string
  ("27.5");
- ``content["conditions"]``: the hard-condition facts of 2025 (``ScoreConditions`` field names);
- ``content["civil_servant_level"]``: 2019's civil-servant rating, a ``Level`` value.

The proposed level itself is a column of the record, not part of ``content``.

No Django here; shapes are frozen dataclasses and the functions are pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from .outcomes import FormVariant


class SectionKind(StrEnum):
    TEXT = "text"  # free text (and the criteria's texts, when it has criteria)
    REMEDIES = "remedies"  # earlier shortcomings, each with how it was remedied
    SCORES = "scores"  # the 2025 points per group
    PROPOSAL = "proposal"  # the self-proposed level


@dataclass(frozen=True)
class Numbered:
    """A numbered heading of the form: its code, its number as printed ("1.", "II.") and its text."""

    code: str
    number: str
    heading: str

    @property
    def title(self) -> str:
        return f"{self.number} {self.heading}"


@dataclass(frozen=True)
class Criterion(Numbered):
    """One numbered item of section I; ``graded`` items carry a self-grade (2019, 2023)."""

    graded: bool = False
    task_result: bool = False  # the criterion the criteria method reads as the task result
    leader_only: bool = False


@dataclass(frozen=True)
class Section(Numbered):
    kind: SectionKind = SectionKind.TEXT
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Part:
    code: str
    heading: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class ScoreItem:
    """One line of a 2025 score group with its maximum points."""

    code: str
    heading: str
    max_points: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "heading": self.heading, "max_points": str(self.max_points)}


@dataclass(frozen=True)
class ScoreGroup(ScoreItem):
    """A group of the 100-point method: general criteria (max 30) or task results (max 70), a line of its own
    over the items it adds up."""

    items: tuple[ScoreItem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "items": [item.as_dict() for item in self.items]}


@dataclass(frozen=True)
class Signature:
    """A signature block of the footer: its heading and the line under it."""

    heading: str
    note: str = ""


@dataclass(frozen=True)
class FormStructure:
    variant: FormVariant
    collective: bool
    method: str  # a RatingMethod value: "criteria" or "score_100"
    leader: bool
    header_fields: tuple[tuple[str, str], ...]
    parts: tuple[Part, ...]
    score_groups: tuple[ScoreGroup, ...] = ()
    footer: tuple[Signature, ...] = field(default_factory=tuple)
    civil_servant_rating: bool = False  # 2019: the proposal section also asks the civil-servant rating

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(section for part in self.parts for section in part.sections)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for section in self.sections for c in section.criteria)

    @property
    def graded_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.graded)

    @property
    def task_result_criterion(self) -> Criterion | None:
        return next((c for c in self.criteria if c.task_result), None)

    def text_codes(self) -> tuple[str, ...]:
        """Every key of ``content`` that holds free text."""
        codes: list[str] = []
        for section in self.sections:
            if section.kind in (SectionKind.TEXT, SectionKind.REMEDIES):
                codes.extend(c.code for c in section.criteria)
                if not section.criteria:
                    codes.append(section.code)
        return tuple(codes)

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)


# -- wording ---------------------------------------------------------------------------------------------------

HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("full_name", "Họ và tên"),
    ("date_of_birth", "Ngày sinh"),
    ("party_post", "Chức vụ Đảng"),
    ("government_post", "Chức vụ chính quyền"),
    ("union_post", "Chức vụ đoàn thể"),
    ("workplace", "Đơn vị công tác"),
    ("cell", "Chi bộ"),
)
COLLECTIVE_HEADER_FIELDS: tuple[tuple[str, str], ...] = (("unit", "Tổ chức đảng"),)

PART_A = "A. NỘI DUNG KIỂM ĐIỂM"
PART_B = "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI"
GENERAL = "general"
TASKS = "tasks"
GENERAL_HEADING = "Nhóm tiêu chí chung"
TASKS_HEADING = "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ"
TOTAL_HEADING = "Tổng điểm"
GROUP_MAX = {GENERAL: Decimal(30), TASKS: Decimal(70)}

_POLITICS = (
    "Về tư tưởng chính trị, phẩm chất đạo đức, lối sống, ý thức tổ chức kỷ luật, tác phong, lề lối làm việc; "
    "việc đấu tranh phòng, chống suy thoái về tư tưởng chính trị, đạo đức, lối sống, những biểu hiện "
    "“tự diễn biến”, “tự chuyển hóa”"
)
_DUTIES = "Về thực hiện chức trách, nhiệm vụ được giao và các chỉ tiêu, nhiệm vụ được giao trong năm"
_DUTIES_2C = "Về thực hiện quyền và nhiệm vụ của đảng viên theo phân công của chi bộ"
_COMMITMENT = "Về việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm"
_LEADERSHIP = (
    "Đối với cán bộ lãnh đạo, quản lý: kết quả lãnh đạo, chỉ đạo, quản lý, điều hành cơ quan, đơn vị, "
    "lĩnh vực được giao phụ trách"
)
_UNITY = (
    "Đối với cán bộ lãnh đạo, quản lý: xây dựng đoàn kết nội bộ; tinh thần đổi mới, sáng tạo; "
    "thực hiện trách nhiệm nêu gương"
)

_SHORTCOMINGS = "Hạn chế, khuyết điểm và nguyên nhân"
_REMEDIES = "Kết quả khắc phục những hạn chế, khuyết điểm đã được chỉ ra ở các kỳ kiểm điểm trước"
_EXPLAIN = "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"
_RESPONSIBILITY = "Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)"
_RESPONSIBILITY_COLLECTIVE = "Làm rõ trách nhiệm của tập thể và cá nhân đối với hạn chế, khuyết điểm (nếu có)"
_DIRECTION = "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"
_SELF_LEVEL = "Tự nhận mức xếp loại chất lượng"
CIVIL_SERVANT_LEVEL = "Xếp loại cán bộ, công chức, viên chức"
MEMBER_LEVEL = "Xếp loại đảng viên"
_PROPOSAL_2025 = "Đề xuất xếp loại"
_SELF_SCORE = "Tự chấm điểm"

_COLLECTIVE_2025 = (
    "Việc thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc",
    "Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ theo nghị quyết đại hội và kế hoạch công tác năm",
    "Công tác xây dựng Đảng: xây dựng tổ chức bộ máy; thực hiện kỷ luật, kỷ cương; phòng, chống tham nhũng, "
    "lãng phí, tiêu cực; công tác kiểm tra, giám sát",
    "Trách nhiệm của tập thể lãnh đạo, quản lý",
)
_COLLECTIVE_EARLIER = (
    "Việc thực hiện đường lối, chủ trương của Đảng, chính sách, pháp luật của Nhà nước, nghị quyết của cấp trên",
    "Kết quả thực hiện kế hoạch, chỉ tiêu, nhiệm vụ trong năm",
    "Đấu tranh phòng, chống suy thoái về tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa” "
    "gắn với học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "Công tác thi đua, khen thưởng",
)
_COLLECTIVE_TASKS_INDEX = 1  # "Kết quả thực hiện … nhiệm vụ": the task-result criterion of a collective

MEMBER_FOOTER = (
    Signature("NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ tên)"),
    Signature("NHẬN XÉT, ĐÁNH GIÁ, XẾP LOẠI CỦA CHI ỦY (CHI BỘ)", "T/M CHI ỦY (CHI BỘ)"),
    Signature("ĐÁNH GIÁ, XẾP LOẠI CỦA ĐẢNG ỦY CƠ SỞ", "T/M ĐẢNG ỦY"),
)
COLLECTIVE_FOOTER = (Signature("T/M CHI BỘ", "BÍ THƯ"),)


def default_score_groups() -> tuple[ScoreGroup, ...]:
    """The central framework's two groups (30 + 70), each one line: a committee above may detail them."""
    return (
        ScoreGroup(GENERAL, GENERAL_HEADING, GROUP_MAX[GENERAL], (ScoreItem("g1", GENERAL_HEADING, Decimal(30)),)),
        ScoreGroup(TASKS, TASKS_HEADING, GROUP_MAX[TASKS], (ScoreItem("t1", TASKS_HEADING, Decimal(70)),)),
    )


def score_groups_from_data(data: Mapping | None) -> tuple[ScoreGroup, ...]:
    """Read a cycle's stored criteria list (``{"general": [{"code", "heading", "max_points"}…], "tasks": […]}``).

    Missing or empty data gives the default groups. Raises ``ValueError`` with a Vietnamese message when an item
    is malformed or a group's items do not add up to its maximum (30 / 70).
    """
    if not data:
        return default_score_groups()
    groups = []
    for code, heading in ((GENERAL, GENERAL_HEADING), (TASKS, TASKS_HEADING)):
        rows = data.get(code) or []
        if not rows:
            raise ValueError(f"{heading} cần ít nhất một tiêu chí.")
        items: list[ScoreItem] = []
        seen: set[str] = set()
        for index, row in enumerate(rows, start=1):
            item_code = str(row.get("code") or f"{code[0]}{index}")
            item_heading = " ".join(str(row.get("heading") or "").split())
            if not item_heading:
                raise ValueError(f"{heading}: tiêu chí thứ {index} chưa có tên.")
            if item_code in seen:
                raise ValueError(f"{heading}: mã tiêu chí «{item_code}» bị trùng.")
            seen.add(item_code)
            points = parse_points(row.get("max_points"), f"{heading}, tiêu chí «{item_heading}»")
            if points <= 0:
                raise ValueError(f"{heading}, tiêu chí «{item_heading}»: điểm tối đa phải lớn hơn 0.")
            items.append(ScoreItem(item_code, item_heading, points))
        total = sum((item.max_points for item in items), Decimal(0))
        if total != GROUP_MAX[code]:
            raise ValueError(
                f"{heading}: tổng điểm tối đa của các tiêu chí là {format_points(total)}, "
                f"phải bằng {format_points(GROUP_MAX[code])}."
            )
        groups.append(ScoreGroup(code, heading, GROUP_MAX[code], tuple(items)))
    return tuple(groups)


def score_groups_to_data(groups: Iterable[ScoreGroup]) -> dict:
    return {group.code: [item.as_dict() for item in group.items] for group in groups}


def parse_points(value: object, what: str) -> Decimal:
    """A figure typed the Vietnamese way ("27,5") or with a point ("27.5"); ``ValueError`` if not a number."""
    text = str(value if value is not None else "").strip().replace(" ", "")
    if "," in text and "." in text:
        # "1.000,5" (Vietnamese thousands) or "1,000.5": the last separator is the decimal one.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what}: «{value}» không phải là một số.") from None
    if not number.is_finite():
        raise ValueError(f"{what}: «{value}» không phải là một số.")
    return number


def format_points(value: Decimal | int | None) -> str:
    """Points as Vietnamese forms write them: ``Decimal("27.50")`` → ``"27,5"``, ``30`` → ``"30"``."""
    if value is None:
        return ""
    number = Decimal(value)
    text = f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}".rstrip("0")
    return text.replace(".", ",")


# -- building the structures -----------------------------------------------------------------------------------


def _member_criteria(*, graded: bool, leader: bool, outside_system: bool) -> tuple[Criterion, ...]:
    items = [
        Criterion("A.I.1", "1.", _POLITICS, graded=graded),
        Criterion("A.I.2", "2.", _DUTIES_2C if outside_system else _DUTIES, graded=graded, task_result=True),
        Criterion("A.I.3", "3.", _COMMITMENT, graded=graded),
    ]
    if leader:
        items += [
            Criterion("A.I.4", "4.", _LEADERSHIP, graded=graded, leader_only=True),
            Criterion("A.I.5", "5.", _UNITY, graded=graded, leader_only=True),
        ]
    return tuple(items)


def _common_sections(criteria: tuple[Criterion, ...], responsibility: str) -> tuple[Section, ...]:
    return (
        Section("A.I", "I.", "Ưu điểm, kết quả đạt được", criteria=criteria),
        Section("A.II", "II.", _SHORTCOMINGS),
        Section("A.III", "III.", _REMEDIES, SectionKind.REMEDIES),
        Section("A.IV", "IV.", _EXPLAIN),
        Section("A.V", "V.", responsibility),
        Section("A.VI", "VI.", _DIRECTION),
    )


def _parts(method: str, criteria: tuple[Criterion, ...], responsibility: str) -> tuple[Part, ...]:
    sections = _common_sections(criteria, responsibility)
    if method == "score_100":
        return (
            Part("A", PART_A, sections),
            Part(
                "B",
                PART_B,
                (
                    Section("B.I", "I.", _SELF_SCORE, SectionKind.SCORES),
                    Section("B.II", "II.", _PROPOSAL_2025, SectionKind.PROPOSAL),
                ),
            ),
        )
    return (Part("A", PART_A, sections + (Section("A.VII", "VII.", _SELF_LEVEL, SectionKind.PROPOSAL),)),)


def self_review_structure(
    variant: FormVariant,
    *,
    method: str,
    leader: bool,
    score_groups: Sequence[ScoreGroup] | None = None,
    civil_servant_rating: bool = False,
) -> FormStructure:
    """The self-review form of ``variant`` under a rule set rating by ``method``.

    ``leader``: the member holds a leadership post, so the leaders' criteria are added (02B and 2A always have
    them; the single 2019 form adds them for a leader). 2C's duties criterion speaks of the member's rights and
    duties as the cell assigns them.
    """
    outside = variant.code == "2C"
    leader = (leader or variant.code in ("02B", "2A")) and variant.code not in ("02A", "2B", "2C")
    graded = method == "criteria"
    criteria = _member_criteria(graded=graded, leader=leader, outside_system=outside)
    groups = tuple(score_groups or default_score_groups()) if method == "score_100" else ()
    return FormStructure(
        variant=variant,
        collective=False,
        method=method,
        leader=leader,
        header_fields=HEADER_FIELDS,
        parts=_parts(method, criteria, _RESPONSIBILITY),
        score_groups=groups,
        footer=MEMBER_FOOTER,
        civil_servant_rating=civil_servant_rating,
    )


def collective_structure(variant: FormVariant, *, method: str) -> FormStructure:
    """The collective's report (Mẫu 01 in 2025; the cell's review in earlier years), with its own 30/70 score
    in 2025 and a self-grade per criterion before."""
    graded = method == "criteria"
    headings = _COLLECTIVE_2025 if method == "score_100" else _COLLECTIVE_EARLIER
    criteria = tuple(
        Criterion(f"A.I.{i}", f"{i}.", heading, graded=graded, task_result=(i - 1 == _COLLECTIVE_TASKS_INDEX))
        for i, heading in enumerate(headings, start=1)
    )
    return FormStructure(
        variant=variant,
        collective=True,
        method=method,
        leader=False,
        header_fields=COLLECTIVE_HEADER_FIELDS,
        parts=_parts(method, criteria, _RESPONSIBILITY_COLLECTIVE),
        score_groups=default_score_groups() if method == "score_100" else (),
        footer=COLLECTIVE_FOOTER,
    )
