"""The committee's dashboard prepared for its template: ``dashboard_page`` reads what the page shows (the counts of
``counts.dashboard``, the raised ratio, the members' flags) in a fixed number of queries, and shapes it: one
``Line`` per unit under the committee, its texts and links ready, and the bars of the levels chart."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from party_units.models import PartyUnit

from ..models import QuotaRaise, ReviewCycle, UnitReviewState
from ..rules import Level, RuleSet
from . import counts, quota
from .decisions import DECIDABLE
from .history import FlagLine, flag_lines, flagged_members

FLAGS_SHOWN = 50
LINES_PER_PAGE = 100  # units under the committee shown a page (a ward's cells, a province's districts)


@dataclass
class DashboardPage:
    board: counts.Dashboard
    lines: list[Line]  # the lines of this page only, prepared once
    page: Page  # of ``board.rows``
    lines_version: str  # a digest of everything the lines show: the template keeps them rendered under it
    chart: list[dict]
    rules: RuleSet
    own_review: bool  # the committee has its own work item in the cycle (its summary of levels)
    quota_raise: QuotaRaise | None
    may_raise: bool  # the user may record a raised ratio: the rule set allows one and none is recorded
    flagged: list[FlagLine]  # the first FLAGS_SHOWN
    flagged_count: int
    flags_below: bool  # the committee does not decide members: their flags are the wards' to read


def dashboard_page(cycle: ReviewCycle, unit: PartyUnit, *, can_approve: bool, page: int = 1) -> DashboardPage:
    board = counts.dashboard(cycle, unit)
    shown = Paginator(board.rows, LINES_PER_PAGE).get_page(page)
    lines = dashboard_lines(list(shown), cycle, can_approve)
    raise_record = quota.raise_record(cycle.root_id_or_self, unit)
    rules = board.cycle.rules()
    # Members' flags (history) matter to the committee that decides its cells' members: a ward. Above it, a
    # city or province would read every member's history of its whole subtree for a list it does not act on.
    decides_members = any(row.unit.is_cell and not row.is_self for row in board.rows)
    flagged = flagged_members(cycle.root_id_or_self, unit, board.cycle.year) if decides_members else []
    return DashboardPage(
        board=board,
        lines=lines,
        page=shown,
        lines_version=version_of(can_approve, lines),
        chart=level_chart(board.levels),
        rules=rules,
        own_review=any(row.is_self and row.review for row in board.rows),
        quota_raise=raise_record,
        may_raise=can_approve and rules.raised_quota_ratio is not None and raise_record is None,
        flagged=flag_lines(flagged[:FLAGS_SHOWN]),
        flagged_count=len(flagged),
        flags_below=not decides_members,
    )


def version_of(*shown) -> str:
    """A digest of everything some rows show, and in which language (as ``members.selectors.roster_version``):
    their rendered HTML is cached under it (template fragment caching), so rows that have not changed are not
    written again, and a change to any value shown is a new key."""
    return hashlib.blake2b(repr((translation.get_language(), shown)).encode(), digest_size=16).hexdigest()


@dataclass
class Line:
    """One row of the dashboard's table, its text ready: a ward's sixty cells render plain attributes, with no
    url tag, translation or level table per row (those were most of the page's rendering; bench/national.py)."""

    name: str
    is_self: bool
    single: bool  # a cell or the committee's own line: one work item, shown by its state
    link: str  # "" when the name is not a link
    state: str  # a single line's state
    states: list[tuple[str, int]]  # a branch's (state label, count) of the states present
    filed: str  # self-reviews filed of members expected, "12/40"
    meeting: str
    levels: str  # "HTXSNV 1 → 0" per level proposed or decided, as HTML (escaped here)
    late: list[str]  # what is late, one text each
    pick: str = ""  # "id:revision" when the unit can be picked for bulk approval
    review_pk: int = 0
    pick_label: str = ""


def _url_of(name: str, *args) -> Callable[[int], str]:
    """A URL pattern ending in an id, reversed once for the page: every row's URL is it with its id."""
    before, after = reverse(name, args=[*args, 0]).rsplit("0", 1)
    return lambda pk: f"{before}{pk}{after}"


def dashboard_lines(rows: list[counts.Row], cycle: ReviewCycle, can_approve: bool) -> list[Line]:
    decision_url = _url_of("appraisal:decision")
    unit_review_url = _url_of("appraisal:unit_review", cycle.pk)
    dashboard_url = _url_of("appraisal:dashboard_unit", cycle.pk)
    held, not_held, pick = _("Đã họp"), _("Chưa họp"), _("Chọn %(name)s")
    late_single = (_("Gửi đề nghị"), _("Chờ quyết định"), _("Chưa có kết quả khi đến hạn báo cáo"))
    late_many = (
        _("Gửi đề nghị: %(n)s"),
        _("Chờ quyết định: %(n)s"),
        _("Chưa có kết quả khi đến hạn báo cáo: %(n)s"),
    )
    late_self_reviews, late_meeting = _("Bản kiểm điểm"), _("Hội nghị")
    level_titles = [(level.value, str(level.label), level.short) for level in Level]
    state_labels = [(state.value, str(state.label)) for state in UnitReviewState]  # as Row.state_counts
    lines = []
    for row in rows:
        unit, review, single = row.unit, row.review, row.single
        states = [(label, row.states[value]) for value, label in state_labels if row.states[value]]
        if row.is_self:
            link = ""
        elif unit.is_cell:
            link = decision_url(review.pk) if can_approve and review else unit_review_url(unit.pk) if review else ""
        else:
            link = dashboard_url(unit.pk)
        if row.is_self:
            meeting = ""
        elif unit.is_cell:
            meeting = held if row.meetings_held else not_held
        else:
            meeting = _("%(n)s/%(total)s đã họp") % {"n": row.meetings_held, "total": row.total}
        people = row.levels[counts.PEOPLE]
        shown = [
            (title, short, people.proposed[value], people.decided[value])
            for value, title, short in level_titles
            if people.proposed[value] or people.decided[value]
        ]
        levels = format_html_join("", '<span class="me-2" title="{}">{} {} → {}</span>', shown) if shown else ""
        late = row.late
        texts = [late_self_reviews] if late.self_reviews else []
        if late.meeting:
            texts.append(late_meeting)
        for n, one, many in zip(
            (late.proposals, late.decisions, late.missing_at_report), late_single, late_many, strict=True
        ):
            if n:
                texts.append(one if single else many % {"n": n})
        line = Line(
            name=unit.name,
            is_self=row.is_self,
            single=single,
            link=link,
            state="".join(str(label) for label, _count in states),
            states=states,
            filed="" if row.is_self else f"{row.self_reviews_done}/{row.members_expected}",
            meeting=meeting,
            levels=levels,
            late=texts,
        )
        if can_approve and review and not row.is_self and review.state in DECIDABLE:
            line.pick, line.review_pk = f"{review.pk}:{review.revision}", review.pk
            line.pick_label = pick % {"name": unit.name}
        lines.append(line)
    return lines


BAR_MAX = 240  # px of the longest bar


def level_chart(levels: dict[str, counts.LevelCounts]) -> list[dict]:
    """Bars for the SVG chart (drawn in the template, no script): per kind of subject, per level, the
    proposed and decided counts scaled to the largest."""
    peak = max([1, *[max([*c.proposed.values(), *c.decided.values(), 0]) for c in levels.values()]])
    groups = []
    for kind, title in ((counts.PEOPLE, _("Đảng viên")), (counts.ORGANISATIONS, _("Tổ chức đảng, tập thể"))):
        data = levels[kind]
        bars = []
        for i, level in enumerate(Level):
            p, d = data.proposed[level.value], data.decided[level.value]
            bars.append(
                {
                    "label": level.short,
                    "title": level.label,
                    "proposed": p,
                    "decided": d,
                    "proposed_w": round(BAR_MAX * p / peak),
                    "decided_w": round(BAR_MAX * d / peak),
                    "y": 10 + i * 44,
                    # the SVG's other coordinates, ready (no ``add`` filter per bar in the template)
                    "label_y": 24 + i * 44,
                    "proposed_text_x": round(BAR_MAX * p / peak) + 68,
                    "proposed_text_y": 23 + i * 44,
                    "decided_y": 28 + i * 44,
                    "decided_text_x": round(BAR_MAX * d / peak) + 68,
                    "decided_text_y": 41 + i * 44,
                }
            )
        groups.append({"title": title, "bars": bars, "height": 10 + len(bars) * 44})
    return groups
