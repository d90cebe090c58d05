"""Each app names its own audit actions: every action the code writes has a label a person can read."""

import re
from pathlib import Path

from django.conf import settings

from audit.labels import describe, is_registered, label_of, register, show_value
from audit.models import AuditEntry

ACTION = re.compile(r"""action\s*=\s*["']([a-z_]+\.[a-z_]+)["']""")


def written_actions() -> dict[str, str]:
    """Every literal dotted action name passed as ``action=`` in the project's code (tests excluded)."""
    found = {}
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        parts = path.relative_to(settings.BASE_DIR).parts
        if parts[0].startswith(".") or "tests" in parts or "migrations" in parts:
            continue
        for name in ACTION.findall(path.read_text(encoding="utf-8")):
            found[name] = str(path.relative_to(settings.BASE_DIR))
    return found


def test_every_action_the_code_writes_is_named_by_its_app():
    actions = written_actions()
    assert "member.transferred" in actions and "review_cycle.opened" in actions  # the scan finds them
    missing = {name: where for name, where in actions.items() if not is_registered(name)}
    assert not missing, f"register these in the app's audit_actions.py: {missing}"


def test_labels_come_from_each_app():
    assert label_of("member.transferred") == "Chuyển sinh hoạt"
    assert label_of("review_cycle.closed") == "Kết thúc kỳ đánh giá"
    assert label_of("report.requested") == "Yêu cầu lập báo cáo"
    assert label_of("nobody.registered_this") == "nobody.registered_this"


def test_describe_hides_ids_and_formats_values():
    register({"test.thing": "Việc thử"}, fields={"when": "ngày"}, values={"size": lambda v: f"{v} cỡ"})
    before, after = {"when": None, "unit_id": 7}, {"when": "2021-11-16", "size": 3}
    entry = AuditEntry(action="test.thing", before=before, after=after)
    view = describe(entry)
    assert view.label == "Việc thử" and view.actor == "hệ thống"
    assert view.changes == [("ngày", "—", "16/11/2021"), ("size", "—", "3 cỡ")]
    assert show_value(True) == "Có" and show_value(["a", "2025-01-02"]) == "a, 02/01/2025"
