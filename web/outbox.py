"""Send a request's emails once its transaction has committed, after the response is out.

Session events note the ids of OutboxMessage rows flushed during a request; a commit keeps
them, a rollback forgets them (the rows are gone with it). When the request ends, the ids
committed in it are handed to the mailer from ``response.call_on_close``, which the WSGI
server calls after the body has been written, in a fresh app context and so a fresh
session: a slow or failing mail server neither delays nor breaks the response, and a
message that fails stays pending for ``flask outbox send``. Commands (no request) leave
their messages to ``flask outbox send``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from web.extensions import db
from web.models import OutboxMessage

FLUSHED = "outbox_flushed_ids"
COMMITTED = "outbox_committed_ids"


def init_app(app: Flask) -> None:
    """Listen on the session (once per process) and send after each request."""
    for name, listener in (
        ("after_flush", _note_flushed),
        ("after_commit", _keep_committed),
        ("after_rollback", _forget_flushed),
    ):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
    app.after_request(_send_after_response)


def _note_flushed(session: Session, _flush_context: Any) -> None:
    if not has_request_context():
        return
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault(FLUSHED, []).extend(ids)


def _keep_committed(session: Session) -> None:
    ids = session.info.pop(FLUSHED, None)
    if ids:
        session.info.setdefault(COMMITTED, []).extend(ids)


def _forget_flushed(session: Session) -> None:
    session.info.pop(FLUSHED, None)


def _send_after_response(response: Response) -> Response:
    if not db.session.registry.has():
        return response
    ids = db.session.info.pop(COMMITTED, None)
    if ids:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: send_in_background_context(app, ids))
    return response


def send_in_background_context(app: Flask, ids: list[int]) -> None:
    """Deliver in a new app context; log and swallow anything, the response is gone."""
    from web.services import mailer

    with app.app_context():
        try:
            mailer.deliver(ids)
        except Exception:
            db.session.rollback()
            app.logger.exception("sending outbox messages %s after the request failed", ids)
