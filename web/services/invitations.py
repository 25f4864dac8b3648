"""One-time invitation links with which imported students claim their accounts.

A link carries a signed, timestamped token (itsdangerous, keyed by SECRET_KEY) naming
the user and a fingerprint of the account's current password state. Setting a password
changes the fingerprint, so a link works once; the timestamp makes it expire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import User
from web.models.base import utcnow
from web.services import audit
from web.services.exports import csv_lines as export_lines
from web.services.notify import page_locale

SALT = "talent-bridge.claim-account"
DEFAULT_MAX_AGE = 14 * 24 * 3600  # two weeks: long enough for a university mailing
COLUMNS = ("email", "full_name", "link", "expires")


class InvitationError(ValueError):
    """Why a link cannot be used: 'invalid', 'expired' or 'used'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def max_age() -> int:
    return int(current_app.config.get("INVITATION_MAX_AGE", DEFAULT_MAX_AGE))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def fingerprint(user: User) -> str:
    """Changes whenever the password does (or the account's e-mail), ending old links."""
    state = f"{user.id}:{user.email}:{user.password_hash or ''}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": fingerprint(user)})


def check_token(token: str) -> User:
    """The student this token lets in; InvitationError if it is bad, expired or used."""
    try:
        data = _serializer().loads(token, max_age=max_age())
    except SignatureExpired as exc:
        raise InvitationError("expired") from exc
    except BadSignature as exc:
        raise InvitationError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvitationError("invalid")
    user = db.session.get(User, data["u"])
    if user is None or not user.is_student or not user.is_enabled:
        raise InvitationError("invalid")
    if user.password_hash or data.get("f") != fingerprint(user):
        raise InvitationError("used")
    return user


def claim(user: User, password: str) -> None:
    """Set the first password: the account is now the student's, and the link is spent.

    The link reached the student's mailbox, so the address counts as confirmed; the
    language of the page they claimed it in becomes theirs unless they chose one before.
    """
    user.set_password(password)
    user.locale = user.locale or page_locale()
    user.last_login_at = utcnow()
    user.email_verified_at = user.email_verified_at or user.last_login_at
    audit.record(user, "student.claimed", user)
    db.session.flush()


def unclaimed_students() -> Iterator[User]:
    """Imported students who have not set a password yet, by e-mail."""
    stmt = (
        select(User)
        .where(User.role == "student", User.password_hash.is_(None), User.is_enabled)
        .options(selectinload(User.profile))
        .order_by(User.email)
        .execution_options(yield_per=1000)
    )
    yield from db.session.scalars(stmt)


def csv_lines(actor: User | None, base_url: str | None = None) -> Iterator[str]:
    """The invitations CSV, links under base_url (default PUBLIC_BASE_URL); audited.

    Needs a request context (url_for); the command line makes one for its base URL.
    """
    base = (base_url or current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    expires = datetime.now(ZoneInfo(current_app.config["PROGRAMME_TIMEZONE"])) + timedelta(
        seconds=max_age()
    )
    rows = [
        (
            user.email,
            user.profile.full_name if user.profile else "",
            base + url_for("auth.claim", token=make_token(user)),
            expires.isoformat(timespec="minutes"),
        )
        for user in unclaimed_students()
    ]
    audit.record(actor, "export.invitations", None, count=len(rows))
    return export_lines(COLUMNS, rows)
