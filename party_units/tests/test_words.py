"""Words and colours a user reads: no label said twice, navigation readable on the red bar."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from party_units.models import UnitKind
from party_units.tests.personas import make_unit

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
BASE = Path(settings.BASE_DIR) / "templates" / "base.html"


def test_a_cells_page_does_not_say_chi_bo_twice(personas, client_for):
    page = client_for(personas.sec_a1).get(reverse("party_units:detail", args=[personas.cell_a1.pk]))
    text = page.content.decode()
    assert "Chi bộ (Chi bộ)" not in text
    assert re.search(r"<dt[^>]*>Cấp</dt>\s*<dd[^>]*>Chi bộ</dd>", text)


def test_a_cell_with_another_level_label_still_says_it_is_a_cell(personas):
    odd = make_unit(personas.ward_a, "Tổ đảng X", UnitKind.CELL, "Chi bộ trực thuộc")
    other = make_unit(personas.ward_a, "Đơn vị Y", UnitKind.CELL, "Tổ đảng")
    assert odd.level_display == "Chi bộ trực thuộc"
    assert other.level_display == "Tổ đảng (chi bộ)"
    assert personas.ward_a.level_display == "Đảng ủy phường"


def _rgb(value: str) -> tuple[float, float, float, float]:
    value = value.strip()
    if value.startswith("#"):
        hexes = value[1:]
        if len(hexes) == 3:
            hexes = "".join(c * 2 for c in hexes)
        return (*(int(hexes[i : i + 2], 16) for i in (0, 2, 4)), 1.0)
    parts = [p.strip() for p in re.match(r"rgba?\((.*)\)", value).group(1).split(",")]
    return (float(parts[0]), float(parts[1]), float(parts[2]), float(parts[3]) if len(parts) > 3 else 1.0)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio; a translucent foreground is blended over the background first."""
    fr, fg, fb, alpha = _rgb(foreground)
    br, bg, bb, _alpha = _rgb(background)
    blended = [alpha * f + (1 - alpha) * b for f, b in ((fr, br), (fg, bg), (fb, bb))]

    def luminance(rgb) -> float:
        channels = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted([luminance(blended), luminance((br, bg, bb))], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_pairs():
    assert contrast("#ffffff", "#000000") == pytest.approx(21, rel=1e-3)
    # Bootstrap's navbar-dark links on bg-danger: what users could not read.
    assert contrast("rgba(255, 255, 255, 0.55)", "#dc3545") < 3


def test_navigation_on_the_red_bar_meets_wcag_aa():
    rules = re.search(r"\.app-bar\s*\{([^}]*)\}", CSS.read_text()).group(1)
    declared = dict(re.findall(r"([-\w]+)\s*:\s*([^;]+);", rules))
    background = declared["background-color"]
    for name in ("--bs-navbar-color", "--bs-navbar-hover-color", "--bs-navbar-active-color", "--bs-navbar-brand-color"):
        assert contrast(declared[name], background) >= 4.5, name
    nav = re.search(r'<nav class="([^"]*)"', BASE.read_text()).group(1).split()
    assert "app-bar" in nav and "bg-danger" not in nav  # bg-danger's !important would override the red above
