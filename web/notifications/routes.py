"""Every role's notifications page, and the unread count in the navbar.

Opening a notification changes state (it becomes read), so it is a POST that then
redirects to the notification's link; only local links are followed.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from web.extensions import db
from web.notifications import bp
from web.pagination import paginate
from web.services import notifications
from web.services.accounts import is_safe_next
from web.student.forms import ConfirmForm


@bp.app_context_processor
def inject_unread_count() -> dict[str, Any]:
    """A callable, so the COUNT runs only where the navbar asks for it."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(current_user)

    return {"unread_notifications": unread_notifications}


@bp.route("/")
def index() -> str:
    page = paginate(notifications.for_user(current_user))
    items = [(n, *notifications.text(n)) for n in page.items]
    return render_template("notifications/index.html", page=page, items=items)


@bp.post("/<int:notification_id>/open")
def open_notification(notification_id: int) -> Response:
    notification = notifications.own(current_user, notification_id)
    if notification is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("notifications.index"))
    notifications.mark_read(notification)
    db.session.commit()
    if notification.link and is_safe_next(notification.link):
        return redirect(notification.link)
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int)))


@bp.post("/read")
def read_all() -> Response:
    if ConfirmForm().validate_on_submit():
        marked = notifications.mark_all_read(current_user)
        db.session.commit()
        if marked:
            flash(
                ngettext(
                    "%(num)d notification marked as read.",
                    "%(num)d notifications marked as read.",
                    marked,
                ),
                "success",
            )
    return redirect(url_for("notifications.index"))
