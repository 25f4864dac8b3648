"""Write privileged actions to the audit log in the caller's transaction."""

from __future__ import annotations

from typing import Any

from web.extensions import db
from web.models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    target: Any = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry
