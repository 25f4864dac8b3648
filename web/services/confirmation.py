"""Confirming that whoever signs up owns the email address, with a one-time link.

The link carries a signed, timestamped token (itsdangerous, keyed by SECRET_KEY, as in
web/services/invitations.py) naming the user and a fingerprint of the account's email,
password and session token. Sending a new link rotates the session token, so only the
newest link works; confirming stamps ``email_verified_at``, after which no link does.
The page behind the link asks for the password chosen at sign-up: a link opened by a
mail scanner confirms nothing, and an account someone else created in your name (and
whose password they know) can never be confirmed by you by mistake.
"""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from web.extensions import db
from web.models import User
from web.models.base import utcnow
from web.services import invitations
from web.services.notify import email, page_locale, user_locale

SALT = "talent-bridge.confirm-email"
DEFAULT_MAX_AGE = 48 * 3600  # two days: long enough to find the email, short for a stolen link


class ConfirmationError(ValueError):
    """Why a link cannot be used: 'invalid', 'expired' or 'used' (already confirmed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def max_age() -> int:
    return int(current_app.config.get("CONFIRMATION_MAX_AGE", DEFAULT_MAX_AGE))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def fingerprint(user: User) -> str:
    """Changes with the address, the password or the session token, ending older links."""
    state = f"{user.id}:{user.email}:{user.password_hash or ''}:{user.session_token}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": fingerprint(user)})


def check_token(token: str) -> User:
    """The account this link confirms; ConfirmationError if bad, expired, old or used."""
    try:
        data = _serializer().loads(token, max_age=max_age())
    except SignatureExpired as exc:
        raise ConfirmationError("expired") from exc
    except BadSignature as exc:
        raise ConfirmationError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise ConfirmationError("invalid")
    user = db.session.get(User, data["u"])
    if user is None or not user.is_enabled or not user.password_hash:
        raise ConfirmationError("invalid")
    if user.email_verified_at is not None:
        raise ConfirmationError("used")
    if data.get("f") != fingerprint(user):
        raise ConfirmationError("invalid")  # a newer link was sent
    return user


def send_link(user: User) -> None:
    """Email a confirmation link for this unconfirmed account; older links stop working."""
    user.end_sessions()
    db.session.flush()
    email(
        user.email,
        "confirm_email",
        link=url_for("auth.confirm", token=make_token(user)),
        locale=user_locale(user, page_locale()),
        hours=max_age() // 3600,
    )


def tell_existing(user: User) -> None:
    """Someone signed up with a known address: tell its owner how to get in, change nothing.

    In the owner's saved language; an account that never chose one gets the page's.
    """
    locale = user_locale(user, page_locale())
    if user.password_hash is None and user.is_student:  # imported, not claimed yet
        link = url_for("auth.claim", token=invitations.make_token(user))
        email(user.email, "imported_account", link=link, locale=locale)
    else:
        email(user.email, "already_registered", link=url_for("auth.login"), locale=locale)


def resend(user: User | None) -> bool:
    """A new link if this account waits for confirmation; False (and nothing sent) if not."""
    if user is None or user.email_verified_at is not None or not user.password_hash:
        return False
    if not user.is_enabled:
        return False
    send_link(user)
    return True


def confirm(user: User) -> None:
    """The owner of the address proved it (link and password): the account can be used."""
    now = utcnow()
    user.email_verified_at = now
    user.last_login_at = now
    db.session.flush()
