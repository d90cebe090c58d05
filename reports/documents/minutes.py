"""The minutes of a cell's review meeting (biên bản hội nghị kiểm điểm) in the order cells write them
(RULES.md "Forms and documents" and "Party document format"): time and place, participants and attendance,
purpose, each member's assessment and comments, the vote, the summary line, the conclusion, the close, the
signatures of the minute-taker and the chair."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from appraisal.rules import Level, proposal_summary

from .common import LEVEL_ORDER, level_label, percent, tally
from .model import Issuer, OfficialDocument, Para, Run, Signature, Table, start_of


@dataclass(frozen=True)
class Guest:
    name: str
    title: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Absent:
    name: str
    reason: str = ""


@dataclass(frozen=True)
class MemberAssessment:
    name: str
    self_level: str = ""  # level values ("httnv"…)
    comments: str = ""
    shortcomings: str = ""
    proposed_level: str = ""
    votes: dict | None = None  # {level value: count}
    rated: bool = True  # False: reviewed but not rated (admitted less than six months before…)
    not_rated_reason: str = ""


@dataclass(frozen=True)
class MinutesData:
    issuer: Issuer  # the cell
    period: str  # "năm 2021"
    held_on: datetime.date | None
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    venue: str
    chair: str
    minute_taker: str
    vote_method: str  # "Biểu quyết giơ tay" / "Bỏ phiếu kín"
    guests: tuple[Guest, ...]
    total: int
    present: int
    absent: tuple[Absent, ...]
    members: tuple[MemberAssessment, ...]
    unit_assessment: MemberAssessment | None  # the cell's own rating, if proposed at the meeting
    conclusions: str = ""
    number: int | None = None


def _clock(value: datetime.time | None) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d}" if value else "… giờ …"


def _day(value: datetime.date | None) -> str:
    return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}" if value else "ngày … tháng … năm …"


def vote_text(votes: dict | None, level: str, voters: int) -> str:
    """ "đạt 17/17 phiếu tán thành (100%)" for the level proposed."""
    count = int((votes or {}).get(level, 0))
    return f"đạt {count:02d}/{voters:02d} phiếu tán thành ({percent(count, voters)})"


def summary_line(data: MinutesData) -> str:
    """The meeting's result as the articles write it (``rules.proposal_summary``, the same line the meeting page
    shows): "Đối với chi bộ đề nghị xếp loại …; đối với đảng viên 04/19 đồng chí đề nghị xếp loại …"."""
    unit = data.unit_assessment.proposed_level if data.unit_assessment else ""
    levels = [Level(m.proposed_level) if m.proposed_level else None for m in data.members if m.rated]
    return proposal_summary(Level(unit) if unit else None, levels) + "."


def level_breakdown(members: tuple[MemberAssessment, ...]) -> str:
    """ "Chi bộ đề nghị xếp loại 19 đồng chí: Hoàn thành xuất sắc nhiệm vụ 04/19 đồng chí (21,05%); …": out of
    the members rated, as the summary line above it (one not proposed yet counts in neither level)."""
    rated = [m for m in members if m.rated]
    parts = []
    for level in LEVEL_ORDER:
        count = sum(1 for m in rated if m.proposed_level == level)
        parts.append(f"{level_label(level)}: {tally(count, len(rated), 'đồng chí')} ({percent(count, len(rated))})")
    return f"Chi bộ đề nghị xếp loại {len(rated)} đồng chí đảng viên: " + "; ".join(parts) + "."


def build(data: MinutesData) -> OfficialDocument:
    body: list = []
    body.append(
        Para.of(
            f"Hồi {_clock(data.starts_at)} {_day(data.held_on)}, tại {data.venue or '…'}, {data.issuer.name} tổ chức "
            f"hội nghị kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên {data.period}."
        )
    )
    body.append(Para.of(Run("I. THÀNH PHẦN THAM DỰ", bold=True), indent=False, space_before=4))
    for guest in data.guests:
        described = " – ".join(part for part in (guest.title, guest.unit) if part)
        body.append(
            Para.of(
                "- Dự và chỉ đạo hội nghị: đồng chí ",
                Run(guest.name, bold=True),
                f" – {described}." if described else ".",
            )
        )
    absent = ""
    if data.absent:
        names = "; ".join(f"đồng chí {a.name}" + (f" ({a.reason})" if a.reason else "") for a in data.absent)
        absent = f" Vắng: {names}."
    body.append(
        Para.of(
            f"- Tổng số đảng viên: {data.total:02d} đ/c; có mặt: {data.present:02d} đ/c; "
            f"vắng: {len(data.absent):02d} đ/c.{absent}"
        )
    )
    body.append(
        Para.of(
            "- Chủ trì: đồng chí ",
            Run(data.chair or "…", bold=True),
            "; thư ký: đồng chí ",
            Run(data.minute_taker or "…", bold=True),
            ".",
        )
    )
    body.append(Para.of(Run("II. NỘI DUNG HỘI NGHỊ", bold=True), indent=False, space_before=4))
    body.append(
        Para.of(
            "Đồng chí chủ trì quán triệt mục đích, yêu cầu của việc kiểm điểm, đánh giá, xếp loại chất lượng; "
            "từng đảng viên trình bày bản kiểm điểm, tự đánh giá, xếp loại; hội nghị góp ý, phê bình và biểu "
            f"quyết đề nghị mức xếp loại ({data.vote_method.lower()})."
        )
    )
    for index, member in enumerate(data.members, start=1):
        body.append(Para.of(Run(f"{index}. Đồng chí {member.name}", bold=True), indent=False, space_before=3))
        if member.self_level:
            body.append(Para.of(f"- Tự đánh giá, xếp loại: {level_label(member.self_level)}."))
        body.append(Para.of(f"- Ý kiến góp ý, phê bình: {member.comments or 'Không có ý kiến khác.'}"))
        if member.shortcomings:
            body.append(Para.of(f"- Hạn chế, khuyết điểm cần khắc phục: {member.shortcomings}"))
        if not member.rated:
            body.append(Para.of(f"- {member.not_rated_reason or 'Có kiểm điểm nhưng không xếp loại'}."))
        if member.proposed_level:
            body.append(
                Para.of(
                    "- Hội nghị đề nghị xếp loại: ",
                    Run(level_label(member.proposed_level), bold=True),
                    f", {vote_text(member.votes, member.proposed_level, data.present)}.",
                )
            )
    body.append(Para.of(Run("III. KẾT QUẢ ĐỀ NGHỊ XẾP LOẠI", bold=True), indent=False, space_before=4))
    rows = tuple(
        (
            str(index),
            member.name,
            level_label(member.self_level),
            level_label(member.proposed_level),
            f"{int((member.votes or {}).get(member.proposed_level, 0)):02d}/{data.present:02d}"
            if member.proposed_level
            else "",
        )
        for index, member in enumerate(data.members, start=1)
    )
    body.append(
        Table(
            header=(("STT", "Họ và tên", "Tự xếp loại", "Chi bộ đề nghị", "Tán thành"),),
            rows=rows,
            widths=(0.07, 0.31, 0.22, 0.25, 0.15),
            align=("center", "left", "left", "left", "center"),
        )
    )
    body.append(Para.of(Run(summary_line(data), bold=True)))
    body.append(Para.of(level_breakdown(data.members)))
    if data.unit_assessment is not None and data.unit_assessment.proposed_level:
        unit = data.unit_assessment
        body.append(
            Para.of(
                "Chi bộ tự đánh giá, đề nghị xếp loại tổ chức đảng: ",
                Run(level_label(unit.proposed_level), bold=True),
                f", {vote_text(unit.votes, unit.proposed_level, data.present)}.",
            )
        )
    if data.conclusions:
        body.append(Para.of(Run("IV. KẾT LUẬN CỦA HỘI NGHỊ", bold=True), indent=False, space_before=4))
        body += [Para.of(line) for line in data.conclusions.splitlines() if line.strip()]
    body.append(
        Para.of(
            f"Hội nghị kết thúc vào hồi {_clock(data.ends_at)} cùng ngày. Biên bản đã được thông qua trước hội "
            "nghị và được hội nghị nhất trí.",
            space_before=4,
        )
    )
    return OfficialDocument(
        header=data.issuer.header("BB", data.held_on, data.number),
        doc_type="Biên bản",
        summary=(f"Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng {data.period}",),
        body=tuple(body),
        signatures=(
            Signature(("Thư ký",), data.minute_taker),
            Signature(("Chủ trì",), data.chair),
        ),
        title=f"Biên bản hội nghị kiểm điểm {data.period} – {data.issuer.name}",
        author=data.issuer.name,
        created=start_of(data.held_on),
    )
