"""Programme-wide figures that take seconds to work out, kept a short while per process.

The dashboard's charts aggregate every application and its whole history: with 200,000
applications the median time in each stage alone sorts half a million stage changes,
seconds of database time. Worked out on every view, a few coordinators watching the
dashboard would keep the database busy. So each process keeps each figure for
DASHBOARD_CACHE_SECONDS (0: always work it out, as the tests do), per database, and one
thread at a time works it out. Kept values are plain data, nothing localised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import current_app

from web.extensions import db

T = TypeVar("T")

_kept: dict[tuple[str, str], tuple[float, datetime, Any]] = {}
_lock = threading.Lock()
_clock = time.monotonic


def max_age() -> int:
    """Seconds a figure is kept (DASHBOARD_CACHE_SECONDS)."""
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 0))


def kept(name: str, work_out: Callable[[], T]) -> tuple[T, datetime]:
    """The figure and when it was worked out: the kept one if young enough, else anew."""
    seconds = max_age()
    if seconds <= 0:
        return work_out(), datetime.now(UTC)
    key = (db.engine.url.render_as_string(hide_password=True), name)
    with _lock:  # the others wait for the one working it out, rather than all doing so
        hit = _kept.get(key)
        if hit is not None and _clock() - hit[0] < seconds:
            return hit[2], hit[1]
        value = work_out()
        _kept[key] = (_clock(), datetime.now(UTC), value)
        return value, _kept[key][1]


def forget() -> None:
    """Drop every kept figure (tests)."""
    with _lock:
        _kept.clear()
