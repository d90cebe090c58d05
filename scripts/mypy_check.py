#!/usr/bin/env python
"""Type-check the services, selectors, forms and rules (`[tool.mypy]` in pyproject.toml): no new errors allowed.

    .venv/bin/python scripts/mypy_check.py                    # fails on any error not in the baseline
    .venv/bin/python scripts/mypy_check.py --write-baseline   # after fixing errors: record what is left

The baseline (scripts/mypy-baseline.txt) lists the errors known when the check was introduced, one per line as
``path: [code] message``, without line numbers so that editing a file does not turn its known errors into new ones.
An error counts as new when its file holds more errors of that text than the baseline lists.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[a-z-]+)\])?$")


def run_mypy() -> tuple[int, list[str]]:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")  # the django-stubs plugin loads the settings: no SECRET_KEY needed to type-check
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary", "--show-error-codes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


def key(line: str) -> str | None:
    found = ERROR.match(line)
    if found is None:
        return None
    return f"{found['path']}: [{found['code'] or 'misc'}] {found['message']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    code, lines = run_mypy()
    errors = [line for line in lines if key(line) is not None]
    if code not in (0, 1) or (code == 1 and not errors):  # mypy itself failed (configuration, crash)
        print("\n".join(lines))
        return 2
    found = Counter(key(line) for line in errors)
    if args.write_baseline:
        BASELINE.write_text("".join(f"{k}\n" * n for k, n in sorted(found.items())))
        print(f"mypy: {len(errors)} errors written to {BASELINE.relative_to(ROOT)}")
        return 0
    known = Counter(BASELINE.read_text().splitlines()) if BASELINE.exists() else Counter()
    budget = Counter(known)
    new_lines = []
    for line in errors:
        if budget[key(line)] > 0:
            budget[key(line)] -= 1
        else:
            new_lines.append(line)
    gone = sum((known - found).values())
    for line in new_lines:
        print(line)
    print(f"mypy: {len(errors)} errors, {len(errors) - len(new_lines)} of them in the baseline, {len(new_lines)} new")
    if gone:
        print(f"mypy: {gone} baseline errors are gone: record it with scripts/mypy_check.py --write-baseline")
    return 1 if new_lines else 0


if __name__ == "__main__":
    sys.exit(main())
