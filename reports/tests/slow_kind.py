"""A document kind for the crash test only: the worker loads it with ``--include``. Its first render writes its
process id to a marker file and then sleeps, so the test can kill that process mid-render; a later render
(the redelivered task) renders the minutes at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings

from reports import renderers

MARKER = "slow-render-pids.txt"


def slow_minutes(unit, params):
    marker = Path(settings.MEDIA_ROOT) / MARKER
    first = not marker.exists()
    marker.parent.mkdir(parents=True, exist_ok=True)
    with marker.open("a") as out:
        out.write(f"{os.getpid()}\n")
    if first:
        time.sleep(60)  # killed long before this ends
    return renderers.minutes(unit, params)


renderers.RENDERERS["slow_minutes"] = renderers.Kind("Biên bản (thử dừng đột ngột)", slow_minutes, needs=("review",))
