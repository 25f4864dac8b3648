"""The programme dashboard: its figures, each from one grouped query, and its bar charts.

Charts are drawn server-side as inline SVG (web/templates/coordinator/_charts.html), so
this module computes every bar's length, as a percentage of the chart's width: the SVG
takes the width of its column and its text keeps its real size, so a chart stays
readable on a phone. The template only stacks the rows. Three queries here (firms,
universities, stage times) and programme.overview()'s build the whole dashboard, whatever
the size of the programme; the median is computed in the database, not in Python.
Those three take seconds with 200,000 applications, so their results are kept for
DASHBOARD_CACHE_SECONDS (web/services/figure_cache.py) and the page says as of when.

Median time in a stage (web/services/stage_medians.py) is measured on finished spells
only; the dashboard shows how many applications are still waiting in each stage beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from web.extensions import db
from web.formatting import localised_name, status_label
from web.models import (
    APPLICATION_STATUSES,
    CLOSED_STATUSES,
    Application,
    Firm,
    Posting,
    StudentProfile,
)
from web.reference.institutions import institution_name
from web.services import figure_cache
from web.services.stage_medians import median_seconds_in_stage

ROW_HEIGHT = 42  # pixels: a label line, then the bar
LABEL_CHARS = 34  # longer labels are cut in the chart (the table has them whole)
TOP_ROWS = 12  # firms or universities beyond these are folded into one "other" row
OPEN_STAGES = tuple(s for s in APPLICATION_STATUSES if s not in CLOSED_STATUSES)

R = TypeVar("R")


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as the reader sees it
    length: float  # percent of the chart's width
    track: float | None = None  # a background bar, e.g. the capacity behind the filled places


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: the SVG's element ids derive from it
    title: str
    bars: list[Bar]

    row_height = ROW_HEIGHT

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT

    @property
    def description(self) -> str:
        """The whole chart in words, for screen readers."""
        return "; ".join(f"{b.label}: {b.text}" for b in self.bars) or _("No data yet.")


@dataclass(frozen=True)
class FirmRow:
    name: str
    applications: int
    capacity: int  # places on the firm's postings that are not drafts
    filled: int  # accepted offers


@dataclass(frozen=True)
class UniversityRow:
    name: str
    applications: int
    students: int  # distinct students who applied


@dataclass(frozen=True)
class StageTime:
    stage: str
    median_seconds: float | None  # None: no application has left this stage yet
    finished: int  # spells the median is taken over
    waiting: int  # applications in this stage now (unfinished spells, not counted)


@dataclass(frozen=True)
class Dashboard:
    by_stage: dict[str, int]
    firms_by_applications: list[FirmRow]
    firms_by_places: list[FirmRow]  # only firms with places or placements
    universities: list[UniversityRow]
    places: FirmRow  # the whole programme
    stage_times: list[StageTime]
    charts: dict[str, Chart]
    as_of: datetime  # when the oldest of the kept figures was worked out


def build(by_stage: dict[str, int]) -> Dashboard:
    """The dashboard's figures and charts; ``by_stage`` comes from programme.overview()."""
    firm_rows, firms_at = figure_cache.kept("firms", _firm_rows)
    university_rows, universities_at = figure_cache.kept("universities", _university_rows)
    medians, medians_at = figure_cache.kept("stage medians", median_seconds_in_stage)
    all_firms = _firm_figures(firm_rows)
    places = FirmRow(
        _("All firms"),
        sum(f.applications for f in all_firms),
        sum(f.capacity for f in all_firms),
        sum(f.filled for f in all_firms),
    )
    by_applications = _fold(
        sorted(all_firms, key=lambda f: (-f.applications, f.name)), _merge_firms
    )
    by_capacity = _fold(
        sorted(
            (f for f in all_firms if f.capacity or f.filled), key=lambda f: (-f.capacity, f.name)
        ),
        _merge_firms,
    )
    universities = _fold(_university_figures(university_rows), _merge_universities)
    times = stage_times(by_stage, medians)
    charts = {
        "stages": _count_chart(
            "stages",
            _("Applications by stage"),
            [(status_label(s), n) for s, n in by_stage.items()],
        ),
        "firms": _count_chart(
            "firms", _("Applications by firm"), [(f.name, f.applications) for f in by_applications]
        ),
        "universities": _count_chart(
            "universities",
            _("Applications by university"),
            [(u.name, u.applications) for u in universities],
        ),
        "places": _places_chart(by_capacity),
        "times": _times_chart(times),
    }
    as_of = min(firms_at, universities_at, medians_at)
    return Dashboard(
        by_stage, by_applications, by_capacity, universities, places, times, charts, as_of
    )


def firm_figures() -> list[FirmRow]:
    """Applications, places and accepted offers per firm, in one query; names per locale."""
    return _firm_figures(_firm_rows())


def _firm_rows() -> list[tuple[str, str | None, int, int, int]]:
    per_posting = (
        select(
            Application.posting_id,
            func.count().label("applications"),
            func.count().filter(Application.status == "accepted").label("accepted"),
        )
        .group_by(Application.posting_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Firm.name,
            Firm.name_zh,
            func.coalesce(func.sum(per_posting.c.applications), 0),
            func.coalesce(func.sum(Posting.capacity).filter(Posting.status != "draft"), 0),
            func.coalesce(func.sum(per_posting.c.accepted), 0),
        )
        .join(Posting, Posting.firm_id == Firm.id)
        .outerjoin(per_posting, per_posting.c.posting_id == Posting.id)
        .group_by(Firm.id, Firm.name, Firm.name_zh)
    )
    return [(name, name_zh, int(a), int(c), int(f)) for name, name_zh, a, c, f in rows]


def _firm_figures(rows: Sequence[tuple[str, str | None, int, int, int]]) -> list[FirmRow]:
    return [FirmRow(localised_name(name, name_zh), a, c, f) for name, name_zh, a, c, f in rows]


def university_figures() -> list[UniversityRow]:
    """Applications and distinct applicants per university, most applications first.

    Applications of deleted accounts (anonymised, no student) count in a row of their own.
    """
    return _university_figures(_university_rows())


def _university_rows() -> list[tuple[str | None, bool, int, int]]:
    gone = Application.student_id.is_(None)
    rows = db.session.execute(
        select(
            StudentProfile.university,
            gone,
            func.count(Application.id),
            func.count(func.distinct(Application.student_id)),
        )
        .outerjoin(StudentProfile, StudentProfile.id == Application.student_id)
        .group_by(StudentProfile.university, gone)
    )
    return [(code, bool(deleted), int(n), int(s)) for code, deleted, n, s in rows]


def _university_figures(rows: Sequence[tuple[str | None, bool, int, int]]) -> list[UniversityRow]:
    named = [UniversityRow(_university_label(code, deleted), n, s) for code, deleted, n, s in rows]
    return sorted(named, key=lambda u: (-u.applications, u.name))


def _university_label(code: str | None, deleted: bool) -> str:
    if deleted:
        return _("Deleted accounts")
    return institution_name(code, str(get_locale() or "en")) if code else _("Not given")


def stage_times(
    by_stage: dict[str, int], medians: dict[str, tuple[float, int]] | None = None
) -> list[StageTime]:
    """Median time in each stage that an application can leave, in workflow order."""
    if medians is None:
        medians = median_seconds_in_stage()
    return [
        StageTime(
            stage,
            medians[stage][0] if stage in medians else None,
            medians.get(stage, (0.0, 0))[1],
            by_stage.get(stage, 0),
        )
        for stage in OPEN_STAGES
    ]


def format_duration(seconds: float | None) -> str:
    """Days (or hours, or minutes, when shorter) with one decimal: '2.5 days'."""
    if seconds is None:
        return "—"
    for unit_seconds, text in (
        (86400, _("%(n)s days")),
        (3600, _("%(n)s hours")),
    ):
        if seconds >= unit_seconds:
            return text % {"n": format_decimal(seconds / unit_seconds, "0.0")}
    return _("%(n)s minutes") % {"n": format_decimal(seconds / 60, "0")}


def _count_chart(key: str, title: str, items: Sequence[tuple[str, int]]) -> Chart:
    top = max((n for _label, n in items), default=0)
    return Chart(
        key,
        title,
        [Bar(_short(label), format_decimal(n), _length(n, top)) for label, n in items],
    )


def _places_chart(firms: Sequence[FirmRow]) -> Chart:
    top = max((max(f.capacity, f.filled) for f in firms), default=0)
    return Chart(
        "places",
        _("Places filled against capacity"),
        [
            Bar(
                _short(f.name),
                _("%(filled)s of %(capacity)s")
                % {"filled": format_decimal(f.filled), "capacity": format_decimal(f.capacity)},
                _length(f.filled, top),
                _length(f.capacity, top),
            )
            for f in firms
        ],
    )


def _times_chart(times: Sequence[StageTime]) -> Chart:
    top = max((t.median_seconds or 0.0 for t in times), default=0.0)
    return Chart(
        "times",
        _("Median time in each stage"),
        [
            Bar(
                status_label(t.stage),
                format_duration(t.median_seconds),
                _length(t.median_seconds or 0.0, top),
            )
            for t in times
        ],
    )


def _length(value: float, top: float) -> float:
    """A bar's length in percent of the longest possible, rounded so the markup stays short."""
    return round(100 * value / top, 1) if top > 0 else 0.0


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _fold(rows: list[R], merge: Callable[[list[R]], R]) -> list[R]:
    """The first TOP_ROWS rows, and the rest merged into one, so the page stays short."""
    if len(rows) <= TOP_ROWS + 1:
        return rows
    return [*rows[:TOP_ROWS], merge(rows[TOP_ROWS:])]


def _merge_firms(rest: list[FirmRow]) -> FirmRow:
    label = ngettext("%(num)d other firm", "%(num)d other firms", len(rest))
    return FirmRow(
        label,
        sum(f.applications for f in rest),
        sum(f.capacity for f in rest),
        sum(f.filled for f in rest),
    )


def _merge_universities(rest: list[UniversityRow]) -> UniversityRow:
    label = ngettext("%(num)d other institution", "%(num)d other institutions", len(rest))
    return UniversityRow(label, sum(u.applications for u in rest), sum(u.students for u in rest))
