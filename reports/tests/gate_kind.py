"""For the job page's browser test only: the worker loads it with ``--include``. In that worker the minutes wait
for a gate file before they render, so the test sees the page while the job is queued or running, then opens
the gate and watches the page finish by itself."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from django.conf import settings

from reports import renderers

GATE = "open-the-gate"
_minutes = renderers.RENDERERS["minutes"]


def gated_minutes(unit, params):
    gate = Path(settings.MEDIA_ROOT) / GATE
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return _minutes.produce(unit, params)


renderers.RENDERERS["minutes"] = dataclasses.replace(_minutes, produce=gated_minutes)
