"""Reading one's notifications: the unread count, marking read, text in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from web.extensions import db
from web.models import Notification, User
from web.models.base import utcnow
from web.services.messages import MESSAGES, render


def for_user(user: User) -> Select[tuple[Notification]]:
    """The user's notifications, newest first (paginate it)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def own(user: User, notification_id: int) -> Notification | None:
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )


def unread_count(user: User) -> int:
    """One COUNT on the (user_id, read_at) index: cheap enough for every page's navbar."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; the number marked."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def text(notification: Notification) -> tuple[str, str]:
    """Title and body in the current locale; a kind retired since it was stored still shows."""
    if notification.kind in MESSAGES:
        try:
            return render(notification.kind, notification.params or {})
        except (KeyError, TypeError, ValueError):  # params of an older shape
            pass
    return _("Notification"), ""
