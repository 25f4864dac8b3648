"""Programme-wide figures that take seconds to work out, kept a short while.

The dashboard's charts aggregate every application and its whole history: with 200,000
applications the median time in each stage alone sorts half a million stage changes,
seconds of database time. Worked out on every view, a few coordinators watching the
dashboard would keep the database busy. So a figure is kept for DASHBOARD_CACHE_SECONDS
(0: always work it out, as the tests do): in Redis (REDIS_URL) when there is one, so that
every worker of every server shares one copy, and in the process's memory either way.
One thread of a process works a figure out at a time. Kept values are plain JSON data
(lists, numbers, strings), nothing localised.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import redis
from flask import current_app

from web.extensions import db
from web.ops.counters import redis_client

T = TypeVar("T")

_kept: dict[tuple[str, str], tuple[float, datetime, Any]] = {}
_lock = threading.Lock()
_clock = time.monotonic


def max_age() -> int:
    """Seconds a figure is kept (DASHBOARD_CACHE_SECONDS)."""
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 0))


def kept(name: str, work_out: Callable[[], T]) -> tuple[T, datetime]:
    """The figure and when it was worked out: a kept one if young enough, else anew."""
    seconds = max_age()
    if seconds <= 0:
        return work_out(), datetime.now(UTC)
    database = db.engine.url.render_as_string(hide_password=True)
    key = (database, name)
    with _lock:  # the others wait for the one working it out, rather than all doing so
        hit = _kept.get(key)
        if hit is not None and _clock() - hit[0] < seconds:
            return hit[2], hit[1]
        shared = _shared_key(database, name)
        found = _read(shared)
        if found is not None:
            value, as_of = found
            age = (datetime.now(UTC) - as_of).total_seconds()
            if 0 <= age < seconds:
                _kept[key] = (_clock() - age, as_of, value)
                return value, as_of
        value, as_of = work_out(), datetime.now(UTC)
        _kept[key] = (_clock(), as_of, value)
        _write(shared, value, as_of, seconds)
        return value, as_of


def _shared_key(database: str, name: str) -> str | None:
    if not current_app.config.get("REDIS_URL"):
        return None
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]  # one set per database
    return f"{current_app.config['OPS_KEY_PREFIX']}figures:{digest}:{name}"


def _read(key: str | None) -> tuple[Any, datetime] | None:
    if key is None:
        return None
    try:
        raw = redis_client(current_app.config["REDIS_URL"]).get(key)
    except redis.RedisError:
        return None  # Redis away: this process keeps its own
    if raw is None:
        return None
    data = json.loads(raw)
    return data["value"], datetime.fromisoformat(data["as_of"])


def _write(key: str | None, value: Any, as_of: datetime, seconds: int) -> None:
    if key is None:
        return
    data = json.dumps({"value": value, "as_of": as_of.isoformat()})
    with contextlib.suppress(redis.RedisError):  # Redis away: this process keeps its own
        redis_client(current_app.config["REDIS_URL"]).set(key, data, px=timedelta(seconds=seconds))


def forget() -> None:
    """Drop every figure this process keeps (tests)."""
    with _lock:
        _kept.clear()
