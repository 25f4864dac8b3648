"""Probes for the load balancer and the process supervisor, answered in JSON.

``/healthz`` says the process serves requests and touches nothing else, so a database
outage never gets every server restarted. ``/readyz`` says this server can do its work:
``SELECT 1`` on the database, and ``PING`` to Redis when one is configured; a failed
check answers 503 and names it (the error's class only, the details go to the log).
Neither needs a login, sets a cookie, or counts against a rate limit.
"""

from __future__ import annotations

import logging

import redis
from flask import current_app, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from web.extensions import db, limiter
from web.ops import probes
from web.ops.counters import redis_client

log = logging.getLogger("web.readyz")


def _answer(body: dict[str, object], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@probes.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    return _answer({"status": "ok"}, 200)


@probes.get("/readyz")
@limiter.exempt
def readyz() -> Response:
    checks = {"database": _check_database()}
    url = current_app.config.get("REDIS_URL")
    if url:
        checks["redis"] = _check_redis(url)
    ready = all(result == "ok" for result in checks.values())
    return _answer(
        {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
    )


def _check_database() -> str:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready"
        log.warning("Readiness: the database check failed: %r", exc)
        return f"failed: {type(exc).__name__}"
    return "ok"


def _check_redis(url: str) -> str:
    try:
        redis_client(url).ping()
    except redis.RedisError as exc:
        log.warning("Readiness: the Redis check failed: %r", exc)
        return f"failed: {type(exc).__name__}"
    return "ok"
