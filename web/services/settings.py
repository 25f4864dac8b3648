"""Programme settings a coordinator changes in the app, typed, with defaults.

Each setting is declared once below as a ``Setting`` (its key, default and how it is
stored as text); a missing row means the default, so a fresh database needs no data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from web.extensions import db
from web.models import ProgrammeSetting, User
from web.services import audit

T = TypeVar("T")


def _parse_bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _dump_bool(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One programme setting: where it is stored and what it is when nobody set it."""

    key: str
    default: T
    parse: Callable[[str], T]
    dump: Callable[[T], str]


# Off by default: postings go live when the employer publishes them.
REVIEW_POSTINGS: Setting[bool] = Setting("postings_require_review", False, _parse_bool, _dump_bool)


def get(setting: Setting[T]) -> T:
    """The setting's current value, or its default when it was never set."""
    row = db.session.get(ProgrammeSetting, setting.key)
    return setting.default if row is None else setting.parse(row.value)


def change(setting: Setting[T], value: T, by: User) -> bool:
    """Store a new value and audit-log it; returns False (and logs nothing) if unchanged."""
    old = get(setting)
    if old == value:
        return False
    row = db.session.get(ProgrammeSetting, setting.key)
    if row is None:
        row = ProgrammeSetting(key=setting.key, value="")
        db.session.add(row)
    row.value = setting.dump(value)
    row.updated_by_id = by.id
    audit.record(by, "setting.changed", None, key=setting.key, old=setting.dump(old), new=row.value)
    db.session.flush()
    return True
