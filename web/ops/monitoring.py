"""Watch for slow SQL statements and 5xx answers, log them with the request id, count them.

Each SQL statement is timed from SQLAlchemy's ``before_cursor_execute`` to its
``after_cursor_execute``; one slower than ``SLOW_QUERY_MS`` is logged at WARNING (the
statement as sent, with placeholders, never its parameters) and counted. Every 5xx answer
is counted with its method, path and request id, except the readiness probe's 503, which
is the load balancer's business and would otherwise swamp the count during an outage.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import Engine, event
from werkzeug.wrappers import Response

from web import request_id
from web.extensions import db
from web.ops.counters import ERRORS, SLOW_QUERIES, Counters, Event, now_utc

EXTENSION = "talent_bridge_ops"
STATEMENT_CHARS = 300
log = logging.getLogger("web.slow_query")
_STARTED = "_talent_bridge_started"


def init_app(app: Flask) -> None:
    """Counters for this app (Redis or memory), the engine's timers, the 5xx count."""
    app.extensions[EXTENSION] = Counters(app.config.get("REDIS_URL"), app.config["OPS_KEY_PREFIX"])
    threshold = float(app.config.get("SLOW_QUERY_MS") or 0)
    if threshold > 0:
        with app.app_context():  # the engines exist once db.init_app ran; nothing connects
            for engine in db.engines.values():
                watch(engine, threshold, app.extensions[EXTENSION])
    app.after_request(count_server_error)


def counters() -> Counters:
    """The current app's counters."""
    return current_app.extensions[EXTENSION]


def shorten(statement: str) -> str:
    """The statement on one line, cut to a length a page and a log line can hold."""
    text = " ".join(statement.split())
    return text if len(text) <= STATEMENT_CHARS else text[: STATEMENT_CHARS - 1] + "…"


def watch(engine: Engine, threshold_ms: float, store: Counters) -> None:
    """Time every statement run on this engine; log and count the slow ones."""

    def started(_conn: Any, _cursor: Any, _stmt: str, _params: Any, context: Any, _many: bool):
        if context is not None:
            setattr(context, _STARTED, time.perf_counter())

    def finished(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool):
        begun = getattr(context, _STARTED, None)
        if begun is None:
            return
        elapsed = (time.perf_counter() - begun) * 1000
        if elapsed < threshold_ms:
            return
        text = shorten(statement)
        rid = request_id.current() if has_request_context() else "-"
        log.warning(
            "Slow query (%.0f ms): %s",
            elapsed,
            text,
            extra={"duration_ms": round(elapsed, 1), "statement": text, "request_id": rid},
        )
        store.record(SLOW_QUERIES, Event(now_utc(), rid, text, round(elapsed, 1)))

    event.listen(engine, "before_cursor_execute", started)
    event.listen(engine, "after_cursor_execute", finished)


def count_server_error(response: Response) -> Response:
    """Count a 5xx answer (the probes' excepted) with what finds it in the log."""
    if response.status_code >= 500 and request.blueprint != "probes":
        counters().record(
            ERRORS,
            Event(
                now_utc(),
                request_id.current(),
                f"{request.method} {request.path}"[:STATEMENT_CHARS],
                response.status_code,
            ),
        )
    return response
