"""Every page is reachable by following links from the home page, for the persona that works on it, and every
date the pages show is dd/mm/yyyy.

Each persona is crawled in the test client from the home page (links only, GET only, a few pages per view);
the views reached are compared with the pages that persona works on (``WORKS_ON``), and every named URL pattern
that takes no argument must be reached by somebody unless ``NOT_LINKED`` says why not. On every page crawled, the
text and the shown field values hold no ISO date (2021-11-16), no English month name and no date other than
dd/mm/yyyy, and no template syntax left over (a ``{# #}`` comment over two lines is printed as text)."""

from __future__ import annotations

import datetime
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

pytestmark = pytest.mark.django_db

# Not pages of the app: files, the Django admin, signing out.
SKIP_PREFIXES = ("/quan-tri/", "/dang-xuat/", "/static/", "/media/")
PAGES_PER_VIEW = 3  # the same view with other objects or filters adds time, not coverage

# The pages each persona works on (view names); each must be reached from that persona's home page.
WORKS_ON: dict[str, set[str]] = {
    "member_a1": {
        "home",
        "members:detail",  # Hồ sơ của tôi
        "appraisal:self_review",  # this year's self-review
        "appraisal:my_self_review",  # earlier years
        "appraisal:notification_list",
    },
    "sec_a1": {
        "home",
        "party_units:tree",
        "party_units:detail",
        "members:roster",
        "members:detail",
        "members:create",
        "members:edit",
        "members:import",
        "members:import_template",
        "members:export",
        "members:status_add",
        "members:transfer",
        "appraisal:index",
        "appraisal:cycle_list",
        "appraisal:unit_review",  # the cycle's documents and deadlines as the cell sees them
        "appraisal:meeting",
        "appraisal:cell_self_reviews",
        "appraisal:self_review",
        "appraisal:collective_report",
        "appraisal:notification_list",
    },
    "staff_a": {
        "home",
        "party_units:tree",
        "party_units:detail",
        "members:roster",
        "members:detail",
        "members:create",
        "members:edit",
        "members:account_link",
        "members:import",
        "appraisal:index",
        "appraisal:cycle_list",
        "appraisal:cycle_create",
        "appraisal:cycle_detail",
        "appraisal:cycle_edit",
        "appraisal:cycle_close",
        "appraisal:cycle_score_criteria",
        "appraisal:dashboard_unit",
        "appraisal:decision",
        "appraisal:quota_groups",
        "appraisal:cycle_audit",
        "appraisal:rating_history",
        "appraisal:past_rating",
        "appraisal:past_import",
        "appraisal:unit_review",
        "appraisal:document_register",
        "appraisal:document_create",
        "appraisal:notification_list",
    },
    "higher": {
        "home",
        "party_units:tree",
        "party_units:detail",
        "appraisal:index",
        "appraisal:cycle_list",
        "appraisal:cycle_detail",
        "appraisal:dashboard_unit",
        "appraisal:level_summary",
        "appraisal:document_register",
        "appraisal:notification_list",
    },
}
# Named patterns without arguments that no link leads to, and why.
NOT_LINKED = {
    "login": "the page a signed-out visitor is sent to",
    "logout": "a form (POST) in the navigation bar, not a link",
    "appraisal:notification_read_all": "a form (POST) on the notices page",
    "password_change_done": "where the password change form leads once sent",
    "password_reset": "linked from the sign-in page, which signed-in personas do not crawl",
    "password_reset_done": "where the reset form leads once sent",
    "password_reset_complete": "where the link sent by e-mail leads once the new password is set",
}

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)
SLASH_DATE = re.compile(r"\b(\d{1,4})/(\d{1,2})/(\d{2,4})\b")


class ShownText(HTMLParser):
    """The text a reader sees: the page's text outside scripts and styles, and the values shown in fields."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type", "text") not in ("hidden", "checkbox", "radio"):
            self.parts.append(attributes.get("value") or "")
        for name in ("title", "aria-label", "placeholder"):
            if attributes.get(name):
                self.parts.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def bad_dates(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    text = " ".join(parser.parts)
    found = ISO_DATE.findall(text) + [m.group(0) for m in MONTHS.finditer(text)]
    for match in SLASH_DATE.finditer(text):
        day, month, year = match.groups()
        if len(day) != 2 or len(month) != 2 or len(year) != 4:
            found.append(match.group(0))
    return found


TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")


def leftover_syntax(html: str) -> list[str]:
    """Template syntax in the text a reader sees, each with a little of what surrounds it."""
    parser = ShownText()
    parser.feed(html)
    text = " ".join(parser.parts)
    return [text[max(0, m.start() - 40) : m.end() + 40].strip() for m in TEMPLATE_SYNTAX.finditer(text)]


def build_data(personas) -> dict:
    """Something on every page a persona works on: an open 2025 cycle of ward A (guidance, deadlines, a member's
    draft, a cell's proposals waiting for the ward, a returned cell), a closed 2024 cycle decided through to
    approved (ratings with a history), a city cycle with a ward's proposals, a report job, statuses."""
    from appraisal import services
    from appraisal.models import SelfReview
    from appraisal.tests import factories as f
    from members.models import MemberStatus, StatusKind

    past = f.cycle(personas.ward_a, year=2024, rule_set="hd25-2023", opened=True)
    done = f.propose(f.review_of(past, personas.cell_a1), levels=["httnv"], members=[personas.member_record_a1])
    services.proposals_approve(actor=personas.staff_a, review=done, decisions={})
    services.cycle_close(actor=personas.staff_a, cycle=past)

    hd = f.central(code="43-HD/BTCTW", issued_on=datetime.date(2025, 10, 31))
    local = f.document(personas.ward_a, code="163-CV/ĐU", issued_on=datetime.date(2025, 11, 10), implements=hd)
    city = f.cycle(personas.city, year=2025, rule_set="hd43-2025", opened=True)
    f.propose(f.review_of(city, personas.ward_b), levels=["httnv"], unit_level="httnv")
    cycle = f.cycle(
        personas.ward_a,
        year=2025,
        rule_set="hd43-2025",
        opened=True,
        parent=city,
        guidance_documents=[hd, local],
        self_review_due=datetime.date(2025, 11, 30),
        meetings_due=datetime.date(2025, 12, 10),
        decisions_due=datetime.date(2025, 12, 20),
    )
    review = f.review_of(cycle, personas.cell_a1)
    SelfReview.objects.create(unit_review=review, member=personas.member_record_a1, form_code="2B", state="draft")
    f.propose(f.review_of(cycle, personas.cell_a2), levels=["httnv", "httnv"], form_code="2B")
    MemberStatus.objects.create(
        member=personas.member_record_a1, kind=StatusKind.SICK_LEAVE, start_date=datetime.date(2025, 2, 1)
    )
    return {"cycle": cycle, "past": past}


def crawl(client) -> tuple[set[str], dict[str, list[str]], dict[str, list[str]]]:
    """The views reached from the home page by links, the pages showing a date in another shape, and the pages
    showing template syntax."""
    reached: set[str] = set()
    wrong_dates: dict[str, list[str]] = {}
    syntax: dict[str, list[str]] = {}
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    queue = deque([reverse("home")])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view.get(view, 0) >= PAGES_PER_VIEW:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        reached.add(view)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if found := bad_dates(html):
            wrong_dates[url] = found
        if found := leftover_syntax(html):
            syntax[url] = found
        for href in re.findall(r"<a\b[^>]*\bhref=\"([^\"]+)\"", html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("?"):
                href = urlsplit(url).path + href
            if href.startswith("/") and not href.startswith(SKIP_PREFIXES):
                queue.append(href)
    return reached, wrong_dates, syntax


def no_argument_patterns() -> set[str]:
    """Every named URL pattern of the project that takes no argument (the admin's excepted)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


@pytest.fixture
def crawled(personas, client_for):
    build_data(personas)
    results = {}
    for name in WORKS_ON:
        results[name] = crawl(client_for(getattr(personas, name)))
    return results


def test_every_page_a_persona_works_on_is_reachable_from_their_home_page(crawled):
    missing = {name: sorted(WORKS_ON[name] - reached) for name, (reached, _dates, _syntax) in crawled.items()}
    assert not any(missing.values()), f"not reachable by links from the home page: {missing}"


def test_every_page_without_arguments_is_linked_for_somebody(crawled):
    reached = set().union(*(views for views, _dates, _syntax in crawled.values()))
    expected = no_argument_patterns() - set(NOT_LINKED)
    assert expected - reached == set()
    assert "appraisal:my_self_review" in expected and "party_units:tree" in expected  # the walk finds them


def test_every_date_shown_is_dd_mm_yyyy(crawled):
    wrong = {name: dates for name, (_views, dates, _syntax) in crawled.items() if dates}
    assert not wrong, f"dates not written dd/mm/yyyy: {wrong}"


def test_the_date_check_finds_what_it_looks_for():
    assert bad_dates("<p>Ngày 2021-11-16</p>") == ["2021-11-16"]
    assert bad_dates("<p>Nov. 16, 2021</p>") == ["Nov."]
    assert bad_dates('<input value="6/1/2021">') == ["6/1/2021"]
    assert bad_dates('<p>16/11/2021</p><script>let d = "2021-11-16";</script><input type="hidden" value="2021">') == []


def test_no_page_shows_template_syntax(crawled):
    shown = {name: syntax for name, (_views, _dates, syntax) in crawled.items() if syntax}
    assert not shown, f"template syntax printed on pages: {shown}"


def test_the_syntax_check_finds_what_it_looks_for():
    assert len(leftover_syntax("<p>{# a note</p><p>over two lines #}</p>")) == 2
    assert leftover_syntax('<input value="{{ x }}">') != []
    assert leftover_syntax("<p>{% url 'home' %}</p>") != []
    assert leftover_syntax("<p>Ngày 16/11/2021</p><script>let d = {a: {b: 1}};</script>") == []


def test_no_template_leaves_a_one_line_tag_or_comment_open():
    """Django's ``{# #}``, ``{% %}`` and ``{{ }}`` end on the line they open (a longer note is a ``{% comment %}``
    block): the templates of pages the crawl does not reach are checked by their text."""
    from pathlib import Path

    from django.conf import settings

    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + list(Path(settings.BASE_DIR).glob("*/templates"))
    open_tags = []
    for root in roots:
        for path in root.rglob("*.html"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for start, end in (("{#", "#}"), ("{%", "%}"), ("{{", "}}")):
                    at = line.find(start)
                    while at != -1:
                        if end not in line[at + 2 :]:
                            open_tags.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {start}")
                        at = line.find(start, at + 2)
    assert not open_tags, open_tags
