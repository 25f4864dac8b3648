"""Tell people what concerns them: an in-app notification and an email, in one transaction.

``notify`` only adds rows (a Notification and an OutboxMessage) to the caller's session,
so the message exists exactly when the change that caused it is committed; the email is
sent after the commit (see web/services/mailer.py), and a failed send is retried later.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from web.extensions import db
from web.models import Notification, OutboxMessage, User
from web.services.messages import render


def notify(user: User, kind: str, *, link: str | None = None, **params: Any) -> Notification:
    """Queue a notification of ``kind`` (see messages.MESSAGES) for ``user``."""
    notification = Notification(user_id=user.id, kind=kind, params=params, link=link)
    db.session.add(notification)
    email(user.email, kind, link=link, locale=user_locale(user), **params)
    return notification


def email(
    to_email: str, kind: str, *, link: str | None = None, locale: str = "en", **params: Any
) -> OutboxMessage:
    """Queue only the email: for people who cannot log in to read a notice (yet)."""
    with force_locale(locale):
        title, body = render(kind, params)
        if link:
            body = f"{body}\n\n{absolute(link)}"
    message = OutboxMessage(to_email=to_email, subject=title, body=body)
    db.session.add(message)
    return message


def user_locale(user: User) -> str:
    return getattr(user, "locale", None) or "en"


def absolute(link: str) -> str:
    """A full URL for emails, from the configured public base URL."""
    from flask import current_app

    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return base + link if link.startswith("/") else link
