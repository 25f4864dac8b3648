"""Tell people what concerns them: an in-app notification and an email, in one transaction.

``notify`` only adds rows (a Notification and an OutboxMessage) to the caller's session,
so the message exists exactly when the change that caused it is committed; the email is
sent after the commit (see web/services/mailer.py), and a failed send is retried later.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, get_locale

from web.extensions import db
from web.models import Notification, OutboxMessage, User
from web.services.messages import render, storable


def notify(user: User, kind: str, *, link: str | None = None, **params: Any) -> Notification:
    """Queue a notification of ``kind`` (see messages.MESSAGES) for ``user``.

    Pass a firm as the Firm and a moment as a datetime: the notice is put into words in
    whatever language it is read in, and the email in the recipient's saved language.
    """
    values = storable(params)
    notification = Notification(user_id=user.id, kind=kind, params=values, link=link)
    db.session.add(notification)
    email(user.email, kind, link=link, locale=user_locale(user), **values)
    return notification


def email(
    to_email: str, kind: str, *, link: str | None = None, locale: str | None = None, **params: Any
) -> OutboxMessage:
    """Queue only the email: for people who cannot log in to read a notice (yet).

    Written in ``locale``; without one, in the language of the page being served (the
    command line's is English): an address with no account has no saved language.
    """
    with force_locale(locale or page_locale()):
        title, body = render(kind, storable(params))
        if link:
            body = f"{body}\n\n{absolute(link)}"
    message = OutboxMessage(to_email=to_email, subject=title, body=body)
    db.session.add(message)
    return message


def user_locale(user: User, default: str = "en") -> str:
    """The language saved on the account, else ``default``."""
    return getattr(user, "locale", None) or default


def page_locale() -> str:
    return str(get_locale() or "en")


def absolute(link: str) -> str:
    """A full URL for emails, from the configured public base URL."""
    from flask import current_app

    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return base + link if link.startswith("/") else link
