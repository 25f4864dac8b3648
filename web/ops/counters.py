"""The counts operators watch, slow SQL statements and 5xx answers, shared by every server.

They live in Redis (``REDIS_URL``), so that every worker of every host adds to the same
numbers; without Redis, or while it does not answer, each process counts in its own
memory and the figures say so. Besides the totals since the last reset, counts are kept
per minute (two hours) and per hour (a day) for "last hour" and "last 24 hours", and the
latest events are kept with their request ids. Only statement text (with placeholders,
never the parameters), method, path and request id are stored: nothing personal.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

SLOW_QUERIES = "slow_queries"
ERRORS = "errors"
KINDS = (SLOW_QUERIES, ERRORS)
RECENT = 20  # events kept of each kind
RETRY_REDIS_AFTER = 30.0  # seconds of counting in memory after Redis failed
_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per URL and process; short timeouts."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=0.5, socket_timeout=0.5
            )
        return client


@dataclass(frozen=True)
class Event:
    """One slow statement (value: milliseconds) or 5xx answer (value: status)."""

    at: datetime
    request_id: str
    detail: str
    value: float

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "at": self.at.isoformat()})

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        data = json.loads(text)
        return cls(
            datetime.fromisoformat(data["at"]), data["request_id"], data["detail"], data["value"]
        )


@dataclass(frozen=True)
class Stats:
    """Counts by kind (totals, last hour, last 24 hours) and the latest events."""

    totals: dict[str, int]
    last_hour: dict[str, int]
    last_day: dict[str, int]
    recent: dict[str, list[Event]]
    since: datetime | None
    shared: bool  # True: every server's counts (Redis); False: this process only


def _minute(now: float) -> int:
    return int(now // 60)


def _hour(now: float) -> int:
    return int(now // 3600)


@dataclass
class _Memory:
    """The per-process fallback, with the same buckets as Redis."""

    totals: Counter[str] = field(default_factory=Counter)
    buckets: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    recent: dict[str, deque[Event]] = field(
        default_factory=lambda: {kind: deque(maxlen=RECENT) for kind in KINDS}
    )
    since: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, event: Event, now: float) -> None:
        with self.lock:
            self.since = self.since or event.at
            self.totals[kind] += 1
            self.buckets[kind, "m", _minute(now)] += 1
            self.buckets[kind, "h", _hour(now)] += 1
            self.recent[kind].appendleft(event)

    def stats(self, now: float) -> Stats:
        with self.lock:
            minutes = range(_minute(now) - 59, _minute(now) + 1)
            hours = range(_hour(now) - 23, _hour(now) + 1)
            return Stats(
                totals={k: self.totals[k] for k in KINDS},
                last_hour={k: sum(self.buckets[k, "m", m] for m in minutes) for k in KINDS},
                last_day={k: sum(self.buckets[k, "h", h] for h in hours) for k in KINDS},
                recent={k: list(self.recent[k]) for k in KINDS},
                since=self.since,
                shared=False,
            )


class Counters:
    """Record events and read the figures; Redis when configured and answering."""

    def __init__(self, redis_url: str | None, prefix: str = "talent-bridge:ops:") -> None:
        self.redis_url = redis_url
        self.prefix = prefix
        self.memory = _Memory()
        self._redis_down_until = 0.0

    def _redis(self) -> redis.Redis | None:
        if not self.redis_url or time.monotonic() < self._redis_down_until:
            return None
        return redis_client(self.redis_url)

    def _failed(self) -> None:
        self._redis_down_until = time.monotonic() + RETRY_REDIS_AFTER

    def record(self, kind: str, event: Event) -> None:
        """Count one event; never raises (a count must not break a request)."""
        now = time.time()
        client = self._redis()
        if client is not None:
            try:
                self._record_in_redis(client, kind, event, now)
                return
            except redis.RedisError:
                self._failed()
        self.memory.record(kind, event, now)

    def _record_in_redis(self, client: redis.Redis, kind: str, event: Event, now: float) -> None:
        p = self.prefix
        minute, hour = f"{p}{kind}:m:{_minute(now)}", f"{p}{kind}:h:{_hour(now)}"
        pipe = client.pipeline(transaction=False)
        pipe.set(f"{p}since", event.at.isoformat(), nx=True)
        pipe.incr(f"{p}{kind}:total")
        pipe.incr(minute)
        pipe.expire(minute, 2 * 3600)
        pipe.incr(hour)
        pipe.expire(hour, 25 * 3600)
        pipe.lpush(f"{p}{kind}:recent", event.to_json())
        pipe.ltrim(f"{p}{kind}:recent", 0, RECENT - 1)
        pipe.execute()

    def stats(self) -> Stats:
        """Every server's figures from Redis; this process's when Redis is not there."""
        now = time.time()
        client = self._redis()
        if client is not None:
            try:
                return self._stats_from_redis(client, now)
            except redis.RedisError:
                self._failed()
        return self.memory.stats(now)

    def _stats_from_redis(self, client: redis.Redis, now: float) -> Stats:
        p = self.prefix
        pipe = client.pipeline(transaction=False)
        pipe.get(f"{p}since")
        for kind in KINDS:
            pipe.get(f"{p}{kind}:total")
            pipe.mget([f"{p}{kind}:m:{m}" for m in range(_minute(now) - 59, _minute(now) + 1)])
            pipe.mget([f"{p}{kind}:h:{h}" for h in range(_hour(now) - 23, _hour(now) + 1)])
            pipe.lrange(f"{p}{kind}:recent", 0, RECENT - 1)
        since, *rest = pipe.execute()
        totals, hour, day, recent = {}, {}, {}, {}
        for i, kind in enumerate(KINDS):
            total, minutes, hours, events = rest[4 * i : 4 * i + 4]
            totals[kind] = int(total or 0)
            hour[kind] = sum(int(n or 0) for n in minutes)
            day[kind] = sum(int(n or 0) for n in hours)
            recent[kind] = [Event.from_json(e) for e in events]
        return Stats(
            totals=totals,
            last_hour=hour,
            last_day=day,
            recent=recent,
            since=datetime.fromisoformat(since.decode()) if since else None,
            shared=True,
        )

    def reset(self) -> bool:
        """Start counting again from zero; False when Redis could not be reset."""
        self.memory = _Memory(since=now_utc())
        client = self._redis()
        if client is None:
            return not self.redis_url
        try:
            keys = list(client.scan_iter(f"{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            client.set(f"{self.prefix}since", now_utc().isoformat())
            return True
        except redis.RedisError:
            self._failed()
            return False


def now_utc() -> datetime:
    return datetime.now(UTC)


def as_dict(stats: Stats) -> dict[str, Any]:
    """The figures as JSON-ready data (the CLI's --json)."""
    return {
        "shared": stats.shared,
        "since": stats.since.isoformat() if stats.since else None,
        "totals": stats.totals,
        "last_hour": stats.last_hour,
        "last_24_hours": stats.last_day,
        "recent": {
            kind: [{**asdict(e), "at": e.at.isoformat()} for e in events]
            for kind, events in stats.recent.items()
        },
    }
