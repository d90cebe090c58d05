"""Without a browser: every table in the templates sits in a scrolling box, so no table widens a phone's page
(tests/test_phone.py checks the rendered pages in Chromium)."""

import re
from pathlib import Path

from django.conf import settings


def tables_outside_a_scrolling_box() -> list[str]:
    found = []
    for template in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()]
            box = before.rfind("table-responsive")
            if box == -1 or "</table>" in before[box:]:
                found.append(f"{template.relative_to(settings.BASE_DIR)}:{before.count(chr(10)) + 1}")
    return found


def test_every_table_scrolls_inside_its_own_box():
    assert tables_outside_a_scrolling_box() == []


def test_a_scrolling_box_holds_its_absolutely_placed_children():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.table-responsive\s*\{[^}]*position:\s*relative", css)
