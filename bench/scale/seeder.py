"""The seeder: writes the tree, the members and the 2025 cycle in bulk (see the package's docstring)."""

from __future__ import annotations

import datetime
import json
import random
import time
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from appraisal.models import (
    Attendance,
    CycleState,
    MeetingGuest,
    ProposalRound,
    Rating,
    ReviewCycle,
    ReviewMeeting,
    RoundOutcome,
    SelfReview,
    SelfReviewState,
    SelfReviewVersion,
    UnitReview,
    UnitReviewState,
)
from appraisal.rules import Subject
from audit.models import AuditEntry
from bench.scale.data import (
    ABSENCE,
    CELL_KINDS,
    CELL_STATES,
    FLUSH_MEMBERS,
    LEVEL_WEIGHTS,
    LEVELS,
    MEMBERS_PER_PROVINCE,
    MEMBERS_PER_WARD,
    PLACES,
    PROPOSED,
    PROVINCES,
    WARDS_PER_DISTRICT,
    WORKPLACES,
    YEAR,
    Cell,
    NameTemplate,
    Plan,
    Table,
    Ward,
    cell_sizes,
    name_templates,
    split,
)
from members.models import Member, Membership, MembershipKind, PartyPost
from party_units.models import PATH_STEP, PartyUnit, UnitKind, fold, nfc


class Seeder:
    def __init__(
        self,
        *,
        members: int,
        provinces: int | None = None,
        wards: int | None = None,
        shape: str = "2025",
        seed: int = 2025,
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        if members < 10:
            raise ValueError("at least 10 members")
        self.members = members
        self.provinces = provinces or max(1, round(members / MEMBERS_PER_PROVINCE))
        self.wards = max(self.provinces, wards or max(1, round(members / MEMBERS_PER_WARD)))
        self.shape = shape
        self.rng = random.Random(seed)
        self.say = progress
        self.now = timezone.now()
        self.started = time.monotonic()
        self._shown: set[str] = set()
        self.replica_role = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                self.replica_role = bool(cursor.fetchone()[0])

    # The tree ---------------------------------------------------------------------------------------------

    def build_tree(self) -> Plan:
        units = Table(
            PartyUnit,
            ["id", "parent_id", "kind", "level_label", "name", "short_name", "abbreviation", "place_name"]
            + ["path", "depth", "search_name"],
        )
        self.units = units

        def unit(parent, kind, level, name, short, abbr, place) -> tuple[int, str]:
            pk = units.new_id()
            path = f"{parent[1] if parent else ''}{pk:0{PATH_STEP - 1}d}."
            name, short, place = nfc(name), nfc(short), nfc(place)
            units.add(
                (pk, parent[0] if parent else None, kind, level, name, short, abbr, place, path)
                + (path.count(".") - 1, fold(f"{name} {short}"))
            )
            return pk, path

        root = unit(
            None, UnitKind.COMMITTEE, "Trung ương", "Ban Chấp hành Trung ương Đảng", "Trung ương", "TW", "Hà Nội"
        )
        ward_totals = split(self.members, self.wards)
        wards_per_province = split(self.wards, self.provinces)
        plan = Plan(root_id=root[0], province_ids=[], district_ids=[], wards=[])
        ward_no = 0
        for p, n_wards in enumerate(wards_per_province):
            base, city = PROVINCES[p % len(PROVINCES)]
            pname = base if p < len(PROVINCES) else f"{base} {p // len(PROVINCES) + 1}"
            level, abbr = ("Thành ủy", "TU") if city else ("Tỉnh ủy", "TU")
            full = f"Đảng bộ {'thành phố' if city else 'tỉnh'} {pname}"
            province = unit(root, UnitKind.COMMITTEE, level, full, pname, abbr, pname)
            plan.province_ids.append(province[0])
            parents = [province]
            if self.shape == "2023":
                n_districts = max(1, -(-n_wards // WARDS_PER_DISTRICT))
                parents = [
                    unit(
                        province,
                        UnitKind.COMMITTEE,
                        "Quận ủy",
                        f"Đảng bộ quận {d + 1} ({pname})",
                        f"Quận {d + 1}",
                        "QU",
                        pname,
                    )
                    for d in range(n_districts)
                ]
                plan.district_ids.extend(pk for pk, _ in parents)
            for w in range(n_wards):
                parent = parents[w * len(parents) // n_wards]
                place = f"{PLACES[ward_no % len(PLACES)]} {ward_no // len(PLACES) + 1}"
                is_ward = city or ward_no % 3 == 0
                kind_word = "phường" if is_ward else "xã"
                ward_pk, ward_path = unit(
                    parent,
                    UnitKind.COMMITTEE,
                    f"Đảng ủy {kind_word}",
                    f"Đảng bộ {kind_word} {place}",
                    place,
                    "ĐU",
                    place,
                )
                ward = Ward(id=ward_pk, name=place)
                for c, size in enumerate(cell_sizes(ward_totals[ward_no], self.rng, first_forty=ward_no == 0)):
                    label = f"{CELL_KINDS[c % len(CELL_KINDS)]} {c // len(CELL_KINDS) + 1}"
                    cell_pk, _ = unit(
                        (ward_pk, ward_path), UnitKind.CELL, "Chi bộ", f"Chi bộ {label}", label, "CB", place
                    )
                    ward.cells.append(Cell(id=cell_pk, size=size))
                plan.wards.append(ward)
                ward_no += 1
        return plan

    # The cycle --------------------------------------------------------------------------------------------

    def open_cycle(self, plan: Plan) -> ReviewCycle:
        cycle = ReviewCycle(
            title=f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {YEAR}",
            issuing_unit_id=plan.root_id,
            year=YEAR,
            start_date=datetime.date(YEAR, 1, 1),
            end_date=datetime.date(YEAR, 12, 31),
            rule_set="hd43-2025",
            self_review_due=datetime.date(YEAR, 11, 30),
            meetings_due=datetime.date(YEAR, 12, 10),
            proposals_due=datetime.date(YEAR, 12, 15),
            decisions_due=datetime.date(YEAR, 12, 25),
            report_due=datetime.date(YEAR + 1, 1, 15),
            state=CycleState.OPEN,
            opened_at=self.now,
        )
        cycle.save()
        reviews = Table(
            UnitReview,
            ["id", "root_id", "cycle_id", "unit_id", "state", "revision"],
            created_at=self.now,
            updated_at=self.now,
        )
        self.reviews = reviews
        cells = {cell.id: cell for cell in plan.cells}
        states = [state for state, weight in CELL_STATES for _ in range(weight)]
        forced = [state for state, _ in CELL_STATES]  # the first cells take every state once
        for i, cell in enumerate(cells.values()):
            cell.state = forced[i] if i < len(forced) else self.rng.choice(states)
        # The first cell (40 members) is the meeting-entry page's: its meeting is being entered.
        first = next(iter(cells.values()))
        first.state = UnitReviewState.IN_PROGRESS
        for row in self.units.rows:
            pk = row[0]
            cell = cells.get(pk)
            state = cell.state if cell else UnitReviewState.IN_PROGRESS
            review_pk = reviews.new_id()
            if cell:
                cell.review_id = review_pk
            reviews.add((review_pk, cycle.pk, cycle.pk, pk, state, 0 if state == UnitReviewState.NOT_STARTED else 2))
        return cycle

    # Members and the work of each cell --------------------------------------------------------------------

    def fill(self, plan: Plan, cycle: ReviewCycle) -> None:
        now = self.now
        templates = name_templates()
        member_columns = [
            "id",
            "date_of_birth",
            "gender",
            "card_number",
            "admitted_on",
            "full_member_on",
            "workplace",
            "party_post",
            "holds_leadership_post",
            "in_political_system",
        ]
        name_columns = list(templates[0].values)
        t = self.tables = {
            "members": Table(Member, member_columns + name_columns, created_at=now, updated_at=now),
            "memberships": Table(
                Membership, ["id", "member_id", "unit_id", "start_date", "sort_key"], kind=MembershipKind.OFFICIAL
            ),
            "self_reviews": Table(
                SelfReview,
                ["id", "unit_review_id", "member_id", "form_code", "leader", "state", "content", "proposed_level"]
                + ["general_score", "tasks_score", "return_reason", "submitted_at"],
                created_at=now,
                updated_at=now,
            ),
            "versions": Table(
                SelfReviewVersion,
                ["id", "self_review_id", "number", "content", "proposed_level", "general_score", "tasks_score"]
                + ["submitted_at", "returned_at", "return_reason"],
            ),
            "meetings": Table(
                ReviewMeeting,
                ["id", "unit_review_id", "held_on", "starts_at", "ends_at", "place", "chair_id", "minute_taker_id"],
                created_at=now,
                updated_at=now,
            ),
            "guests": Table(MeetingGuest, ["id", "meeting_id", "full_name", "title", "unit_name"]),
            "attendance": Table(Attendance, ["id", "meeting_id", "member_id", "present", "absence_reason"]),
            "ratings": Table(
                Rating,
                ["id", "unit_review_id", "subject", "member_id", "unit_id", "self_level", "comments", "votes"]
                + ["proposed_level", "decided_level", "decision_reason", "decided_at"],
                updated_at=now,
            ),
            "rounds": Table(
                ProposalRound,
                ["id", "unit_review_id", "number", "proposals", "submitted_at", "outcome", "outcome_reason"]
                + ["outcome_at"],
            ),
            "audit": Table(
                AuditEntry,
                ["id", "at", "action", "content_type_id", "object_id", "object_repr", "after"],
            ),
        }
        review_type = ContentType.objects.get_for_model(UnitReview).pk
        buffered = done = 0
        for ward in plan.wards:
            for cell in ward.cells:
                self._cell(cell, ward, templates, review_type)
                buffered += cell.size
            if buffered >= FLUSH_MEMBERS:
                done += buffered
                buffered = 0
                self._flush()
                self.say(f"  {done:>10,} / {self.members:,} đảng viên ({self.elapsed()})")
        self._flush()
        for table in [self.units, self.reviews, *t.values()]:
            table.reset_sequence()
        self._derive_after_copy()

    def _derive_after_copy(self) -> None:
        """What the services keep as they write, done once for the copied rows (written past the models):
        Membership.sort_key is written with each row; the units' stored counts of official members are counted
        here, and the work items' counts of their self-reviews, meetings and ratings (UnitReviewCounts)."""
        from appraisal.services.tallies import counts_rebuild
        from members.counts import member_counts_rebuild

        member_counts_rebuild()
        counts_rebuild()

    def _flush(self) -> None:
        with transaction.atomic():
            if self.replica_role:
                # The rows are generated consistent (every id assigned here); the row-by-row foreign-key
                # triggers would cost more than the copy itself. Local to this transaction (superuser only).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL synchronous_commit = off")
            for table in self.tables.values():
                table.flush()
            if self.replica_role:
                with connection.cursor() as cursor:  # back to normal should an outer transaction go on
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    def _cell(self, cell: Cell, ward: Ward, templates: list[NameTemplate], review_type: int) -> None:
        rng, now, t = self.rng, self.now, self.tables
        state = cell.state
        members = []
        for i in range(cell.size):
            template = rng.choice(templates)
            pk = t["members"].new_id()
            born = datetime.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
            admitted = datetime.date(
                max(born.year + 18, rng.randint(1975, YEAR)), rng.randint(1, 12), rng.randint(1, 28)
            )
            if admitted > datetime.date(YEAR, 5, 1):
                admitted = datetime.date(YEAR, 4, rng.randint(1, 28))
            full = admitted.replace(year=admitted.year + 1)
            post = (
                PartyPost.SECRETARY
                if i == 0
                else PartyPost.DEPUTY_SECRETARY
                if i == 1
                else PartyPost.COMMITTEE_MEMBER
                if cell.size >= 9 and i < 5
                else PartyPost.NONE
            )
            leader = i < 2 or rng.random() < 0.05
            political = leader or rng.random() < 0.7
            t["members"].add(
                (pk, born, template.gender, f"{pk:09d}", admitted, full if full <= now.date() else None)
                + (rng.choice(WORKPLACES), post.value, leader, political)
                + tuple(template.values.values())
            )
            t["memberships"].add((t["memberships"].new_id(), pk, cell.id, admitted, template.values["sort_key"]))
            members.append((pk, leader, political, template.values["full_name"]))
        if state == UnitReviewState.NOT_STARTED:
            return
        proposed_stage = state in PROPOSED or state == UnitReviewState.APPROVED
        self_levels = {}
        for pk, leader, political, _name in members:
            if proposed_stage:
                sr_state = SelfReviewState.RESUBMITTED if rng.random() < 0.05 else SelfReviewState.SUBMITTED
            else:
                roll = rng.random()
                if roll < 0.1:
                    continue  # not started yet: no row
                sr_state = (
                    SelfReviewState.DRAFT
                    if roll < 0.35
                    else SelfReviewState.SUBMITTED
                    if roll < 0.8
                    else SelfReviewState.RETURNED
                    if roll < 0.9
                    else SelfReviewState.RESUBMITTED
                )
            general = rng.randint(18, 30)
            tasks = rng.randint(35, 70)
            total = general + tasks
            level = LEVELS[0] if total >= 90 else LEVELS[1] if total >= 70 else LEVELS[2] if total >= 50 else LEVELS[3]
            self_levels[pk] = level
            form = "2A" if leader else "2B" if political else "2C"
            content = json.dumps({"A.I.1": "Luôn giữ vững lập trường tư tưởng chính trị.", "B.total": total})
            submitted = sr_state != SelfReviewState.DRAFT
            at = now - datetime.timedelta(days=rng.randint(5, 40)) if submitted else None
            returned = sr_state == SelfReviewState.RETURNED
            reason = "Bổ sung kết quả khắc phục hạn chế năm trước." if returned else ""
            sr_pk = t["self_reviews"].new_id()
            t["self_reviews"].add(
                (sr_pk, cell.review_id, pk, form, leader, sr_state.value, content, level, general, tasks, reason, at)
            )
            if submitted:
                first_returned = sr_state in (SelfReviewState.RETURNED, SelfReviewState.RESUBMITTED)
                t["versions"].add(
                    (t["versions"].new_id(), sr_pk, 1, content, level, general, tasks, at)
                    + (
                        (at + datetime.timedelta(days=1), "Bổ sung kết quả khắc phục.")
                        if first_returned
                        else (None, "")
                    )
                )
                if sr_state == SelfReviewState.RESUBMITTED:
                    t["versions"].add((t["versions"].new_id(), sr_pk, 2, content, level, general, tasks, at, None, ""))
        has_meeting = proposed_stage or rng.random() < 0.4 or cell.size == 40
        if not has_meeting:
            return
        meeting_pk = t["meetings"].new_id()
        held = datetime.date(YEAR, 12, rng.randint(1, 10))
        t["meetings"].add(
            (meeting_pk, cell.review_id, held, datetime.time(8, 0), datetime.time(11, 30), "Hội trường")
            + (members[0][0], members[1][0] if len(members) > 1 else members[0][0])
        )
        t["guests"].add((t["guests"].new_id(), meeting_pk, "Nguyễn Hải An", "Bí thư Đảng ủy", f"Đảng ủy {ward.name}"))
        present = 0
        for pk, *_ in members:
            here = rng.random() < 0.95
            present += here
            t["attendance"].add((t["attendance"].new_id(), meeting_pk, pk, here, "" if here else rng.choice(ABSENCE)))
        decided_at = now - datetime.timedelta(days=rng.randint(0, 5)) if state == UnitReviewState.APPROVED else None
        proposals = []
        every_level = decided_at is not None and not self.shown("every level")
        for i, (pk, _leader, _political, _name) in enumerate(members):
            self_level = self_levels.get(pk, "")
            if not proposed_stage and rng.random() < 0.5:
                proposed = ""  # the meeting entry is under way
            elif every_level and i < len(LEVELS):
                proposed = LEVELS[i]
            else:
                proposed = self_level or rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
            decided = reason = ""
            if decided_at:
                decided = proposed
                if rng.random() < 0.04:
                    decided = LEVELS[min(3, LEVELS.index(proposed) + 1)]
                    reason = "Cấp ủy điều chỉnh theo kết quả thực hiện nhiệm vụ."
            votes = json.dumps({proposed: present} if proposed else {})
            r_pk = t["ratings"].new_id()
            t["ratings"].add(
                (r_pk, cell.review_id, Subject.MEMBER.value, pk, None, self_level, "", votes, proposed, decided, reason)
                + (decided_at if decided else None,)
            )
            if proposed:
                proposals.append({"rating": r_pk, "level": proposed})
        if proposed_stage:
            cell_level = rng.choices(LEVELS[:3], [20, 70, 10])[0]
            t["ratings"].add(
                (t["ratings"].new_id(), cell.review_id, Subject.ORGANISATION.value, None, cell.id, cell_level, "")
                + (json.dumps({cell_level: present}), cell_level, cell_level if decided_at else "", "", decided_at)
            )
        rounds = self._rounds(state)
        for number, (outcome, reason) in enumerate(rounds, start=1):
            at = now - datetime.timedelta(days=10 - number)
            t["rounds"].add(
                (t["rounds"].new_id(), cell.review_id, number, json.dumps(proposals), at, outcome, reason)
                + (None if outcome == RoundOutcome.PENDING else at + datetime.timedelta(days=1),)
            )
        t["audit"].add(
            (t["audit"].new_id(), now, f"unit_review.{state}", review_type, str(cell.review_id), f"Chi bộ {cell.id}")
            + (json.dumps({"state": state}),)
        )

    def _rounds(self, state: str) -> list[tuple[str, str]]:
        back = (RoundOutcome.RETURNED, "Đề nghị bổ sung biên bản kiểm phiếu.")
        if state == UnitReviewState.SUBMITTED:
            return [(RoundOutcome.PENDING, "")]
        if state == UnitReviewState.RETURNED:
            return [back]
        if state == UnitReviewState.RESUBMITTED:
            return [back, (RoundOutcome.PENDING, "")]
        if state == UnitReviewState.APPROVED:
            return [back, (RoundOutcome.APPROVED, "")] if self.rng.random() < 0.1 else [(RoundOutcome.APPROVED, "")]
        if state == UnitReviewState.IN_PROGRESS and (self.rng.random() < 0.05 or not self.shown("withdrawn")):
            return [(RoundOutcome.WITHDRAWN, "Chi bộ rút lại để sửa biên bản.")]
        return []

    def shown(self, what: str) -> bool:
        """False the first time ``what`` is asked about: so a small seed still shows every case once."""
        seen = what in self._shown
        self._shown.add(what)
        return seen

    # All of it --------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            plan = self.build_tree()
            cycle = self.open_cycle(plan)
            self.units.flush()
            self.reviews.flush()
        cells = sum(len(w.cells) for w in plan.wards)
        self.say(
            f"Cây tổ chức: {len(plan.province_ids)} tỉnh/thành, {len(plan.district_ids)} quận/huyện, "
            f"{len(plan.wards)} xã/phường, {cells:,} chi bộ ({self.elapsed()})"
        )
        self.fill(plan, cycle)
        from appraisal.services.tallies import tally_rebuild

        tallies = tally_rebuild(cycle.pk)
        self.say(f"Tổng hợp xếp loại: {tallies:,} dòng ({self.elapsed()})")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = {name: table.written for name, table in self.tables.items()}
        counts |= {"units": self.units.written, "unit_reviews": self.reviews.written}
        self.say(f"Xong trong {self.elapsed()}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        self.cycle = cycle
        self.plan = plan
        return counts
