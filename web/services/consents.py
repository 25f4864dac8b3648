"""Recording and withdrawing consents, with the version of the text the user agreed to.

When the wording of a statement changes, bump its version here: records keep the version
the user actually saw, so the office can show what each person agreed to and when.
"""

from __future__ import annotations

from sqlalchemy import select

from web.extensions import db
from web.models import Consent, Firm, Posting, User
from web.models.base import utcnow

# The current version of each statement (templates/privacy/ holds the texts).
TEXT_VERSIONS = {
    "collection": "2026-12",
    "transfer": "2026-12",
    "discovery": "2026-12",
}


def give(
    user: User,
    kind: str,
    *,
    firm: Firm | None = None,
    posting: Posting | None = None,
) -> Consent:
    """Record a consent in the caller's transaction."""
    consent = Consent(
        user=user,
        kind=kind,
        text_version=TEXT_VERSIONS[kind],
        firm=firm,
        posting=posting,
        given_at=utcnow(),
    )
    db.session.add(consent)
    return consent


def active(user: User, kind: str) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.user_id == user.id, Consent.kind == kind)
            .where(Consent.withdrawn_at.is_(None))
            .order_by(Consent.given_at)
        )
    )


def withdraw(user: User, kind: str) -> int:
    """Stamp every active consent of this kind as withdrawn; returns how many."""
    now = utcnow()
    consents = active(user, kind)
    for consent in consents:
        consent.withdrawn_at = now
    return len(consents)


def history(user: User) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent).where(Consent.user_id == user.id).order_by(Consent.given_at)
        )
    )
