"""Write privileged actions to the audit log in the caller's transaction, and read it back.

Actions are named ``<area>.<what>`` (``employer.approved``, ``export.firms``), so the
viewer can filter a whole area by its prefix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.formatting import HONG_KONG
from web.models import AuditEntry, User

ACTION_LABELS = {
    "account.coordinator_created": _l("Coordinator account created"),
    "account.deleted": _l("Account deleted"),
    "application.stage_changed": _l("Application stage changed"),
    "employer.approved": _l("Employer approved"),
    "employer.rejected": _l("Employer not approved"),
    "export.applications": _l("Applications exported"),
    "export.audit": _l("Audit log exported"),
    "export.firms": _l("Firms exported"),
    "export.invitations": _l("Invitation links exported"),
    "export.postings": _l("Postings exported"),
    "export.shortlist": _l("Shortlist exported"),
    "export.students": _l("Students exported"),
    "import.failed": _l("Import failed, nothing written"),
    "import.succeeded": _l("Files imported"),
    "interview.scheduled": _l("Interview arranged"),
    "posting.approved": _l("Posting approved"),
    "posting.returned": _l("Posting returned to the firm"),
    "round.closed": _l("Round closed"),
    "round.created": _l("Round created"),
    "round.opened": _l("Round opened"),
    "round.previewed": _l("Round previewed"),
    "round.published": _l("Round published"),
    "round.ranking_saved": _l("Round ranking saved"),
    "round.updated": _l("Round changed"),
    "setting.changed": _l("Setting changed"),
    "student.claimed": _l("Imported student claimed the account"),
}
AREA_LABELS = {
    "account.": _l("Accounts"),
    "application.": _l("Application stages"),
    "employer.": _l("Employer approvals"),
    "export.": _l("Exports"),
    "import.": _l("Imports"),
    "interview.": _l("Interviews"),
    "posting.": _l("Posting reviews"),
    "round.": _l("Allocation rounds"),
    "setting.": _l("Programme settings"),
    "student.": _l("Students"),
}
TARGET_LABELS = {
    "AllocationRound": _l("Round"),
    "Application": _l("Application"),
    "ImportBatch": _l("Import"),
    "Interview": _l("Interview"),
    "Posting": _l("Posting"),
    "User": _l("Account"),
}
CSV_HEADER = (
    _l("When (Hong Kong time)"),
    _l("Who"),
    _l("Action"),
    _l("Target type"),
    _l("Target id"),
    _l("Details"),
)


def record(
    actor: User | None,
    action: str,
    target: Any = None,
    **detail: Any,
) -> AuditEntry:
    """Add an entry (``actor`` None: the command line); the caller commits."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class LogFilter:
    """What the viewer shows: dates are Hong Kong calendar days, both ends included."""

    action: str = ""  # one action, or an area: a prefix ending in "."
    actor: str = ""  # part of the actor's email
    since: date | None = None
    until: date | None = None

    def args(self) -> dict[str, str]:
        """The filter as query-string arguments, leaving out what is not set."""
        return {
            k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items() if v
        }


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def area_label(prefix: str) -> str:
    return str(AREA_LABELS.get(prefix, prefix + "*"))


def target_label(entry: AuditEntry) -> str:
    if entry.target_type is None:
        return ""
    kind = str(TARGET_LABELS.get(entry.target_type, entry.target_type))
    return kind if entry.target_id is None else f"{kind} #{entry.target_id}"


def actions() -> list[str]:
    """Every action the log holds, for the filter (one indexed DISTINCT)."""
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def areas(known: list[str]) -> list[str]:
    """The prefixes (``"export."``) of these actions."""
    return sorted({action.split(".", 1)[0] + "." for action in known if "." in action})


def _hk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=HONG_KONG).astimezone(UTC)


def entries(log_filter: LogFilter) -> Select[tuple[AuditEntry]]:
    """The filtered log, newest first, with the actors loaded in one more query."""
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if log_filter.action.endswith("."):
        stmt = stmt.where(AuditEntry.action.startswith(log_filter.action, autoescape=True))
    elif log_filter.action:
        stmt = stmt.where(AuditEntry.action == log_filter.action)
    if log_filter.actor:
        term = log_filter.actor.strip()
        stmt = stmt.where(AuditEntry.actor.has(User.email.icontains(term, autoescape=True)))
    if log_filter.since:
        stmt = stmt.where(AuditEntry.at >= _hk_midnight(log_filter.since))
    if log_filter.until:
        stmt = stmt.where(AuditEntry.at < _hk_midnight(log_filter.until + timedelta(days=1)))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def detail_items(entry: AuditEntry) -> list[tuple[str, str]]:
    """The entry's detail as (key, text) pairs, for a small definition list."""
    return [(str(key), _text(value)) for key, value in (entry.detail or {}).items()]


def as_hk(moment: datetime) -> datetime:
    """A stored moment in Hong Kong time (SQLite hands back naive UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(HONG_KONG)


def csv_rows(log_filter: LogFilter) -> Iterator[tuple[Any, ...]]:
    """The filtered log as CSV rows, read in batches (it can be long)."""
    stmt = entries(log_filter).execution_options(yield_per=500)
    for entry in db.session.scalars(stmt):
        yield (
            as_hk(entry.at).isoformat(timespec="seconds"),
            entry.actor.email if entry.actor else "",
            entry.action,
            entry.target_type or "",
            entry.target_id if entry.target_id is not None else "",
            json.dumps(entry.detail or {}, ensure_ascii=False, sort_keys=True),
        )
