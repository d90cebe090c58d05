"""The records the authorisation matrix asks about: the personas' cast (party_units/tests/personas.py) and, on
each side of it (ward A and ward B), one of every kind of record a URL names — a cycle issued by the ward and
opened, the cell's submitted proposals with two self-reviews and ratings, a guidance document with its file, a
finished report job with its file, a member's status, a notice — so that every URL pattern's arguments can be
filled from either side (in the persona's scope or out of it), or mixed (one id from each side)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from appraisal.models import Notification, Rating, ReviewCycle, SelfReview, UnitReview
from appraisal.tests.factories import PDF_BYTES, propose
from appraisal.tests.factories import cycle as make_cycle
from appraisal.tests.factories import document as make_document
from members.models import Member, Membership, MemberStatus, StatusKind
from members.tests.factories import member as make_member
from party_units.models import PartyUnit
from party_units.tests.personas import Personas
from reports.models import JobStatus, ReportJob


@dataclass
class Side:
    ward: PartyUnit
    cell: PartyUnit
    owner: object  # the member account of this side
    record: Member  # its member record (in `cell`)
    other: Member  # a member of `cell` without an account
    membership: Membership
    status: MemberStatus
    cycle: ReviewCycle
    ward_review: UnitReview
    cell_review: UnitReview
    self_review: SelfReview  # the owner's, submitted
    rating: Rating  # the owner's
    document: object  # GuidanceDocument of the cycle, with a file
    job: ReportJob  # the owner's self-review rendered: done, with a file
    notice: Notification  # addressed to the owner


@dataclass
class World:
    personas: Personas
    a: Side
    b: Side

    def side(self, name: str) -> Side:
        return self.a if name == "a" else self.b


def _side(p: Personas, ward, cell, owner, record) -> Side:
    other = make_member("Đảng viên Khác " + cell.name, cell)
    status = MemberStatus.objects.create(
        member=other, kind=StatusKind.SICK_LEAVE, start_date=datetime.date(2025, 3, 1), note="Ốm dài ngày"
    )
    document = make_document(
        ward,
        code=f"{ward.pk}-HD/ĐU",
        issued_on=datetime.date(2025, 10, 1),
        file=ContentFile(PDF_BYTES + f"% {ward.name}\n".encode(), name=f"huong-dan-{ward.pk}.pdf"),
    )
    cycle = make_cycle(
        ward, year=2025, rule_set="hd43-2025", opened=True, guidance_documents=[document], title=f"Kỳ {ward.name}"
    )
    cell_review = UnitReview.objects.select_related("cycle", "unit").get(root=cycle, unit=cell)
    propose(cell_review, levels=["httnv", "htnv"], members=[record, other], form_code="2B")
    job = ReportJob.objects.create(  # the owner's own paper, kept on the cell (ReportJob.owner)
        kind="self_review",
        unit=cell,
        owner=owner,
        status=JobStatus.DONE,
        filename="ban-kiem-diem.pdf",
        content_type="application/pdf",
    )
    job.file.save(f"job-{ward.pk}.pdf", ContentFile(PDF_BYTES + f"% {owner.username}\n".encode()), save=True)
    return Side(
        ward=ward,
        cell=cell,
        owner=owner,
        record=record,
        other=other,
        membership=Membership.objects.get(member=record, unit=cell),
        status=status,
        cycle=cycle,
        ward_review=UnitReview.objects.get(root=cycle, unit=ward),
        cell_review=cell_review,
        self_review=SelfReview.objects.get(unit_review=cell_review, member=record),
        rating=Rating.objects.get(unit_review=cell_review, member=record),
        document=document,
        job=job,
        notice=Notification.objects.create(
            user=owner, kind="self_review.reminder", text="Nhắc nộp bản kiểm điểm", created_on=timezone.localdate()
        ),
    )


def build(personas: Personas) -> World:
    p = personas
    return World(
        personas=p,
        a=_side(p, p.ward_a, p.cell_a1, p.member_a1, p.member_record_a1),
        b=_side(p, p.ward_b, p.cell_b1, p.member_b1, p.member_record_b1),
    )
