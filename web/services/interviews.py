"""Interviews: set in Hong Kong time, stored in UTC, sent to the student as a calendar file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from web.formatting import HONG_KONG, firm_name
from web.models import Application, Interview, User
from web.services import audit
from web.services.notify import absolute
from web.services.stages import (
    EMPLOYER,
    StageError,
    check_version,
    flush,
    student_name,
    tell_other_side,
    transition,
)

# Stages at which an interview can still be arranged; scheduling one moves the
# application to "interview" if it is not there yet.
SCHEDULABLE = ("submitted", "under_review", "shortlisted", "interview")


def hong_kong_to_utc(day: date, at: time) -> datetime:
    """The UTC moment of a Hong Kong wall-clock date and time (no daylight saving there)."""
    return datetime.combine(day, at, tzinfo=HONG_KONG).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime (SQLite returns naive values, which are UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def next_interview(interviews: Iterable[Interview], now: datetime) -> Interview | None:
    """The earliest interview that has not started yet."""
    upcoming = [i for i in interviews if as_utc(i.starts_at) >= now]
    return min(upcoming, key=lambda i: as_utc(i.starts_at), default=None)


def schedule(
    application: Application,
    actor: User,
    *,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    details: str = "",
    expected_version: int | None = None,
) -> Interview:
    """Arrange an interview, move the application to "interview" and invite the student."""
    if application.status not in SCHEDULABLE:
        raise StageError(
            _("An interview can be arranged only before an offer, for an open application.")
        )
    if application.status == "interview":  # another round: the stage stays
        check_version(application, expected_version)
    else:
        transition(
            application,
            "interview",
            actor,
            role=EMPLOYER,
            expected_version=expected_version,
            announce=None,
        )
    interview = Interview(
        starts_at=as_utc(starts_at),
        duration_minutes=duration_minutes,
        location=location.strip(),
        details=details.strip() or None,
        created_by_id=actor.id,
    )
    application.interviews.append(interview)
    flush(student_name(application))
    audit.record(actor, "interview.scheduled", interview, application_id=application.id)
    tell_other_side(
        application,
        "interview_scheduled",
        role=EMPLOYER,
        when=as_utc(starts_at),  # worded per reader: web/services/messages.py
        where=interview.location,
    )
    return interview


def to_ical(interview: Interview) -> bytes:
    """The interview as an iCalendar (RFC 5545) file with one event, times in UTC."""
    application = interview.application
    posting = application.posting
    starts = as_utc(interview.starts_at)
    link = absolute(url_for("student.application", application_id=application.id))
    calendar = Calendar()
    calendar.add("prodid", "-//Talent Bridge//Interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"interview-{interview.id}@{_uid_domain()}")
    event.add("dtstamp", as_utc(interview.created_at))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=interview.duration_minutes))
    event.add(
        "summary",
        _("Interview: %(posting)s, %(firm)s", posting=posting.title, firm=firm_name(posting.firm)),
    )
    event.add("location", interview.location)
    event.add("description", "\n\n".join(filter(None, [interview.details, link])))
    if urlparse(interview.location).scheme in ("http", "https"):
        event.add("url", interview.location)
    calendar.add_component(event)
    return calendar.to_ical()


def _uid_domain() -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "http://talent-bridge.local")
    return urlparse(base).hostname or "talent-bridge.local"
