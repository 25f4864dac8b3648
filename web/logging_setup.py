"""Log lines a log shipper can parse: one JSON object a line, and one access line a request.

With ``LOG_FORMAT=json`` (the production default) a single handler on the root logger
writes every record, the app's, SQLAlchemy's, werkzeug's and gunicorn's own (see
gunicorn.conf.py), as one JSON object on stderr; Flask's handler is taken off the app's
logger so nothing is written twice. The request fields come from the request being
served, and the user id only when the request already loaded its user: writing a log line
never runs a query. With ``ACCESS_LOG`` on (production), the app writes the access line
itself, with the request id and the user, so gunicorn's access log can stay off.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect
from werkzeug.wrappers import Response

from web import request_id

ACCESS_LOGGER = "web.access"
_START = "talent_bridge.started"
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",  # added by request_id.RequestIdFilter; computed here instead
}


def request_fields() -> dict[str, Any]:
    """The request id, method, path and user id of the request being served, if any."""
    if not has_request_context():
        return {"request_id": None}
    fields: dict[str, Any] = {
        "request_id": request_id.current(),
        "method": request.method,
        "path": request.path,
    }
    user = g.get("_login_user")  # Flask-Login's cache: set only once the user was loaded
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is not None and state.identity:  # the key, without refreshing an expired row
        fields["user_id"] = state.identity[0]
    return fields


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **request_fields(),
        }
        if entry["request_id"] is None and getattr(record, "request_id", "-") != "-":
            entry["request_id"] = record.request_id  # e.g. gunicorn's access line
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def json_handler(stream: Any = None) -> logging.Handler:
    """A stream handler (stderr by default) writing JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.set_name("talent-bridge-json")
    return handler


def install_json_logging(level: str = "INFO") -> logging.Handler:
    """Put the JSON handler on the root logger once per process; return it."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == "talent-bridge-json":
            return handler
    handler = json_handler()
    root.addHandler(handler)
    return handler


def init_app(app: Flask) -> None:
    """Choose the log format and level; time each request and write its access line."""
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    if app.config.get("LOG_FORMAT") == "json":
        install_json_logging()
        app.logger.removeHandler(default_handler)  # its records reach the root handler
        app.logger.setLevel(level)
    elif app.config.get("ACCESS_LOG"):
        app.logger.setLevel(level)  # the access lines are INFO
    if not app.config.get("ACCESS_LOG"):
        return

    @app.before_request
    def start_clock() -> None:
        request.environ.setdefault(_START, time.perf_counter())

    app.after_request(log_access)


def log_access(response: Response) -> Response:
    """One line per request; registered early, so it runs after every other hook."""
    started = request.environ.get(_START)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    status = response.status_code
    logging.getLogger(ACCESS_LOGGER).log(
        logging.WARNING if status >= 500 else logging.INFO,
        "%s %s %s %s ms",
        request.method,
        request.path,
        status,
        duration,
        extra={"status": status, "duration_ms": duration},
    )
    return response
