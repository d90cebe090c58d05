"""A member's self-review (bản kiểm điểm cá nhân) and a cell's own report (báo cáo kiểm điểm tập thể) in the layout
of the cycle's form variant: the header pair, the form's title ("BẢN KIỂM ĐIỂM CÁ NHÂN" / "Năm 2023" / its
subtitle), the fields, then every part, section and criterion of the variant's ``FormStructure`` (RULES.md "Forms
and documents") with what was written, the self-grades or points, the proposed level, and the footer's signatures.

The structure is the rule set's own data (``appraisal.rules.forms``): one renderer draws the 2019 form, 02A/02B of
2023, 2A/2B/2C of 2025 and Mẫu 01 alike."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from appraisal.rules import Grade
from appraisal.rules.forms import FormStructure, SectionKind, format_points, parse_points

from .common import level_label
from .model import Issuer, OfficialDocument, Para, Run, Signature, SignatureBlock, Table, start_of

BLANK = "…" * 20  # a line left to fill by hand


@dataclass(frozen=True)
class FormData:
    """Everything one filled form needs, plain: built by ``reports.selectors``."""

    issuer: Issuer  # the cell (a member's form names it too, without a number)
    period: str  # "Năm 2025", "Quý 3 năm 2024": the title's second line
    day: datetime.date | None  # the date it was submitted (None: a draft, the date is left blank)
    structure: FormStructure
    fields: tuple[tuple[str, str], ...]  # ("Họ và tên", "Nguyễn Văn An")…
    content: dict
    proposed_level: str
    conditions: tuple[tuple[str, str], ...] = ()  # 2025: the hard-condition counts, labelled
    general_score: Decimal | None = None
    tasks_score: Decimal | None = None
    signer: str = ""  # the member's name (the collective's report: the secretary's, when known)
    cell_comments: str = ""  # what the cell's meeting said of the member, once held
    cell_level: str = ""  # the level the cell proposed
    decided_level: str = ""  # the committee's decision
    note: str = ""  # "Lần nộp thứ 2 (20/11/2025)": which submitted version this is
    number: int | None = None  # the cell's report, once issued ("Số 01-BC/CB"); a member's form has none


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _text_paras(text: str) -> list[Para]:
    lines = _lines(text)
    if not lines:
        return [Para.of(BLANK, indent=False)]
    return [Para.of(line) for line in lines]


def _points(value) -> str:
    if value in (None, ""):
        return "…"
    try:
        return format_points(parse_points(value, ""))
    except ValueError:
        return str(value)


def _scores(data: FormData) -> list:
    scores = data.content.get("scores") or {}
    rows = []
    for group in data.structure.score_groups:
        for item in group.items:
            name = group.heading if len(group.items) == 1 else f"{group.heading}: {item.heading}"
            rows.append((name, format_points(item.max_points), _points(scores.get(item.code))))
    total = None
    if data.general_score is not None and data.tasks_score is not None:
        total = data.general_score + data.tasks_score
    rows.append(("Tổng điểm", "100", format_points(total) if total is not None else "…"))
    blocks: list = [
        Table(
            header=(("Nhóm tiêu chí", "Điểm tối đa", "Tự chấm"),),
            rows=tuple(rows),
            widths=(0.64, 0.18, 0.18),
            align=("left", "center", "center"),
            bold_rows=(len(rows) - 1,),
        )
    ]
    blocks += [Para.of(f"- {label}: {value or '…'}.", indent=False) for label, value in data.conditions]
    return blocks


def _proposal(data: FormData) -> list[Para]:
    paras = []
    if data.structure.civil_servant_rating:
        cs = data.content.get("civil_servant_level", "")
        paras.append(
            Para.of("- Xếp loại cán bộ, công chức, viên chức: ", Run(level_label(cs) or "…", bold=True), indent=False)
        )
        label = "- Xếp loại đảng viên: "
    elif data.structure.collective:
        label = "Tập thể tự đề xuất xếp loại: "
    else:
        label = "Tự đề xuất xếp loại: "
    paras.append(Para.of(label, Run(level_label(data.proposed_level) or "…", bold=True), ".", indent=False))
    return paras


def _remedies(data: FormData, code: str) -> list[Para]:
    paras = []
    for remedy in data.content.get("remedies") or []:
        paras.append(
            Para.of(
                Run("- Hạn chế, khuyết điểm: ", italic=True),
                remedy.get("shortcoming", "") or "…",
                indent=False,
            )
        )
        paras.append(Para.of(Run("Kết quả khắc phục: ", italic=True), remedy.get("remedy", "") or "…"))
    extra = _lines(data.content.get(code, ""))
    paras += [Para.of(line) for line in extra]
    return paras or [Para.of(BLANK, indent=False)]


def _body(data: FormData) -> list:
    structure, content = data.structure, data.content
    grades = content.get("grades") or {}
    body: list = []
    if structure.variant.subtitle:
        body.append(Para.of(Run(structure.variant.subtitle, italic=True), align="center", indent=False))
    if data.note:
        body.append(Para.of(Run(data.note, italic=True), align="center", indent=False, size=11))
    for label, value in data.fields:
        body.append(Para.of(f"- {label}: ", Run(value or "…"), indent=False, align="left"))
    for part in structure.parts:
        body.append(Para.of(Run(part.heading, bold=True), indent=False, space_before=6))
        for section in part.sections:
            body.append(Para.of(Run(section.title, bold=True), indent=False, space_before=3))
            if section.kind is SectionKind.TEXT:
                if not section.criteria:
                    body += _text_paras(content.get(section.code, ""))
                for criterion in section.criteria:
                    body.append(Para.of(Run(criterion.title, bold=True, italic=True), indent=False))
                    body += _text_paras(content.get(criterion.code, ""))
                    if criterion.graded:
                        value = grades.get(criterion.code, "")
                        grade = Grade(value).label if value in Grade._value2member_map_ else "…"
                        body.append(Para.of(Run("Tự đánh giá: ", italic=True), Run(grade, bold=True), "."))
            elif section.kind is SectionKind.REMEDIES:
                body += _remedies(data, section.code)
            elif section.kind is SectionKind.SCORES:
                body += _scores(data)
            elif section.kind is SectionKind.PROPOSAL:
                body += _proposal(data)
    return body


def _footer(data: FormData) -> tuple[list, tuple[Signature, ...]]:
    """The footer of the variant: a collective's report is signed once at the bottom ("T/M CHI BỘ" / "BÍ THƯ");
    a member's form is signed in turn by the member, the cell's committee (its comments and proposed level) and
    the grassroots committee (its decision), each under its heading, filled in when the record has it."""
    footer = data.structure.footer
    if len(footer) <= 1:
        lines = tuple(line for sig in footer for line in (sig.heading, sig.note) if line)
        return [], (Signature(lines, data.signer),) if lines else ()
    first, *others = footer
    body: list = [SignatureBlock((Signature((first.heading,), data.signer, note=first.note),))]
    filled = ((data.cell_comments, data.cell_level), ("", data.decided_level))
    for index, sig in enumerate(others):
        comments, level = filled[index] if index < len(filled) else ("", "")
        body.append(Para.of(Run(sig.heading, bold=True), indent=False, space_before=8))
        if index == 0:
            body += [Para.of(line) for line in _lines(comments)] or [Para.of(BLANK * 2, indent=False)]
        body.append(Para.of("- Xếp loại chất lượng: ", Run(level_label(level) or "…", bold=level != ""), indent=False))
        body.append(SignatureBlock((Signature((sig.note,), ""),)))
    return body, ()


def build(data: FormData) -> OfficialDocument:
    footer_body, signatures = _footer(data)
    variant = data.structure.variant
    who = data.signer if not data.structure.collective else data.issuer.name
    return OfficialDocument(
        header=data.issuer.header("BC" if data.structure.collective else "", data.day, data.number),
        doc_type=variant.title,
        summary=(data.period,),
        body=tuple(_body(data) + footer_body),
        signatures=signatures,
        title=f"{variant.title.capitalize()} – {data.period.lower()} – {who}",
        author=who,
        created=start_of(data.day),
    )
