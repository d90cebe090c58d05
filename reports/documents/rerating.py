"""The decision re-rating a member or an organisation (Mẫu 03, 2025) when the superior committee changes the level
the cell proposed: a Quyết định in the layout of Hướng dẫn 36-HD/VPTW — the header pair with its number
("Số 03-QĐ/ĐU", from the register when issued), "QUYẾT ĐỊNH" / "về việc xếp loại lại …", the issuing committee,
the grounds ("Căn cứ …"), "QUYẾT ĐỊNH:", Điều 1 (the new level and why), Điều 2 (in force), Điều 3 (who carries it
out), "T/M ĐẢNG ỦY" / "BÍ THƯ" and "Nơi nhận:"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .common import level_label
from .model import Issuer, OfficialDocument, Para, Run, Signature, start_of


@dataclass(frozen=True)
class RerateData:
    issuer: Issuer  # the committee that decided: "Đảng ủy phường Quyết Thắng", under its own superior
    period: str  # "năm 2025"
    day: datetime.date | None  # the day it was issued (None: a draft, left blank)
    number: int | None  # from the register, once issued
    member: bool  # a member (True) or an organisation
    subject: str  # "Nguyễn Văn An" / "Chi bộ Trường Tiểu học Mạc Đĩnh Chi"
    cell: str  # the unit that proposed: the member's cell, or the organisation itself
    proposed_level: str
    decided_level: str
    reason: str
    regulation: str  # "Quy định 366-QĐ/TW"
    guidance: str  # "Hướng dẫn 43-HD/BTCTW"
    signer_title: str = "T/M Đảng ủy"
    signer_role: str = "Bí thư"


def summary_line(data: RerateData) -> str:
    whom = "đảng viên" if data.member else "tổ chức đảng"
    return f"về việc xếp loại lại chất lượng {whom} {data.period}"


def build(data: RerateData) -> OfficialDocument:
    who = f"đồng chí {data.subject}, đảng viên {data.cell}" if data.member else data.subject
    reason = data.reason.strip().rstrip(".")
    body = (
        Para.of(Run(data.issuer.name.upper(), bold=True), align="center", indent=False, space_before=2),
        Para.of("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", space_before=4),
        Para.of(
            f"- Căn cứ {data.regulation} và {data.guidance} về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm "
            "đối với tập thể, cá nhân trong hệ thống chính trị;"
        ),
        Para.of(f"- Căn cứ kết quả kiểm điểm, đánh giá, xếp loại chất lượng {data.period} và đề nghị của {data.cell};"),
        Para.of(f"- Xét kết quả thẩm định của {data.issuer.name},"),
        Para.of(Run("QUYẾT ĐỊNH:", bold=True), align="center", indent=False, space_before=6),
        Para.of(
            Run("Điều 1. ", bold=True),
            f"Xếp loại lại chất lượng {data.period} đối với {who}: từ mức “{level_label(data.proposed_level)}” "
            f"({data.cell} đề nghị) thành mức ",
            Run(f"“{level_label(data.decided_level)}”", bold=True),
            ".",
        ),
        Para.of(f"Lý do: {reason}."),
        Para.of(Run("Điều 2. ", bold=True), "Quyết định có hiệu lực kể từ ngày ký."),
        Para.of(
            Run("Điều 3. ", bold=True),
            f"{data.cell}"
            + (f", đồng chí {data.subject}" if data.member else "")
            + " và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.",
        ),
    )
    recipients = ["Như Điều 3"]
    if data.issuer.superior:
        recipients.append(f"{data.issuer.superior} (để báo cáo)")
    recipients.append("Lưu văn phòng cấp ủy")
    return OfficialDocument(
        header=data.issuer.header("QĐ", data.day, data.number),
        doc_type="Quyết định",
        summary=(summary_line(data),),
        body=body,
        signatures=(Signature((data.signer_title, data.signer_role), ""),),
        recipients=tuple(recipients),
        title=f"Quyết định xếp loại lại chất lượng {data.period} – {data.subject}",
        author=data.issuer.name,
        created=start_of(data.day),
    )
