"""The operations page: slow statements and server errors, for coordinators."""

from __future__ import annotations

from flask import current_app, render_template

from web.ops import operations
from web.ops.counters import ERRORS, SLOW_QUERIES
from web.ops.monitoring import counters


@operations.get("")
def index() -> str:
    return render_template(
        "coordinator/operations.html",
        stats=counters().stats(),
        slow=SLOW_QUERIES,
        errors=ERRORS,
        threshold_ms=float(current_app.config.get("SLOW_QUERY_MS") or 0),
    )
