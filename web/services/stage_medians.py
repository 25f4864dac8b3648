"""Median time in each stage, computed in the database for the dashboard.

An application's spell in a stage runs from the event that moved it into the stage to
the application's next event. Only finished spells count: one that has not ended (the
application is still in that stage) has no length yet.

PostgreSQL has ``percentile_cont``, which takes the median of each stage's intervals in
one ordered aggregate: 0.50 s against 1.15 s for numbering every spell with window
functions, on 288,000 spells, same answers (bench/explain.md). SQLite has no ordered
aggregates, so there the spells of each stage are numbered by length and the middle one
or two kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, extract, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from web.extensions import db
from web.models import ApplicationEvent


def median_seconds_in_stage() -> dict[str, tuple[float, int]]:
    """stage -> (median seconds of finished spells, number of finished spells), one query."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _medians_by_percentile()
    return _medians_by_rank()


def _next_event_at() -> Any:
    event = ApplicationEvent
    return func.lead(event.at).over(
        partition_by=event.application_id, order_by=(event.at, event.id)
    )


def _medians_by_percentile() -> dict[str, tuple[float, int]]:
    spells = select(
        ApplicationEvent.to_status.label("stage"),
        (_next_event_at() - ApplicationEvent.at).label("spell"),
    ).subquery()
    median = func.percentile_cont(0.5).within_group(spells.c.spell)
    rows = db.session.execute(
        select(spells.c.stage, extract("epoch", median), func.count())
        .where(spells.c.spell.is_not(None))
        .group_by(spells.c.stage)
    )
    return {stage: (float(seconds), int(n)) for stage, seconds, n in rows}


def _medians_by_rank() -> dict[str, tuple[float, int]]:
    event = ApplicationEvent
    spells = select(
        event.to_status.label("stage"),
        _SecondsBetween(event.at, _next_event_at()).label("seconds"),
    ).subquery()
    finished = (
        select(spells.c.stage, spells.c.seconds).where(spells.c.seconds.is_not(None)).subquery()
    )
    ranked = select(
        finished.c.stage,
        finished.c.seconds,
        func.row_number()
        .over(partition_by=finished.c.stage, order_by=finished.c.seconds)
        .label("rn"),
        func.count().over(partition_by=finished.c.stage).label("n"),
    ).subquery()
    rows = db.session.execute(
        select(ranked.c.stage, func.avg(ranked.c.seconds), func.max(ranked.c.n))
        # the middle row when n is odd, the two middle rows when it is even
        .where(2 * ranked.c.rn >= ranked.c.n, 2 * ranked.c.rn <= ranked.c.n + 2)
        .group_by(ranked.c.stage)
    )
    return {stage: (float(median), int(n)) for stage, median, n in rows}


class _SecondsBetween(FunctionElement[float]):
    """Seconds from the first timestamp to the second, in the database's own dialect."""

    type = Float()
    inherit_cache = True


@compiles(_SecondsBetween)
def _seconds_default(element: _SecondsBetween, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(_SecondsBetween, "sqlite")
def _seconds_sqlite(element: _SecondsBetween, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"((julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)})) * 86400.0)"
    )
