"""A request id on every request, response and log line, so a user's report finds the log.

The id comes from the proxy's ``X-Request-ID`` header when that is a short safe token
(nginx's ``$request_id``, a load balancer's UUID), so one id follows the request through
every tier; anything else is replaced by a fresh uuid4, since the value is written into
logs and pages. It is kept in the WSGI environ (one per request even when tests share an
app context), exposed as ``g.request_id`` and sent back in the ``X-Request-ID`` header.
"""

from __future__ import annotations

import logging
import re
import uuid
from types import TracebackType

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.wrappers import Response

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_ENVIRON_KEY = "talent_bridge.request_id"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


def current() -> str:
    """This request's id, chosen on first use (the incoming header if it is safe)."""
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        incoming = request.headers.get(HEADER, "")
        environ[_ENVIRON_KEY] = incoming if SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return str(environ[_ENVIRON_KEY])


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request) for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current() if has_request_context() else "-"
        return True


_FILTER = RequestIdFilter()  # one instance: addFilter then skips it on the next create_app


class TalentBridge(Flask):
    """Flask, logging each unhandled error once, with the id the error page shows."""

    def log_exception(self, exc_info: ExcInfo) -> None:
        # Called by Flask just before the 500 handler, with the original exception.
        self.logger.error(
            "Unhandled error on %s %s, request id %s",
            request.method,
            request.path,
            current(),
            exc_info=exc_info,
        )


def init_app(app: Flask) -> None:
    """Give every request an id (first of the hooks), echo it, and put it in the log."""
    app.logger.addFilter(_FILTER)  # records logged through app.logger
    default_handler.addFilter(_FILTER)  # and those of child loggers (web.*) it prints
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = current()

    @app.after_request
    def send_request_id(response: Response) -> Response:
        response.headers[HEADER] = current()
        return response
