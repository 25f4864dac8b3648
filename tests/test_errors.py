"""Error pages and request ids: a 500 shows an apology and an id the log can be searched for."""

from __future__ import annotations

import io
import logging
import re

import pytest
from flask import g
from flask.logging import default_handler
from sqlalchemy import func, select

from web.extensions import db
from web.models import User
from web.request_id import HEADER, RequestIdFilter

SECRET = "SELECT secret FROM users"
FRESH_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def failing(app, make):
    """Test-only routes that fail, answered as in production (no propagation)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    taken = make.student("taken@hku.example.edu.hk").email

    @app.route("/test/boom")
    def boom() -> str:
        raise RuntimeError(f"query failed: {SECRET}")

    @app.route("/test/duplicate")
    def duplicate() -> str:
        db.session.add(User(email="new@hku.example.edu.hk", role="student"))
        db.session.add(User(email=taken, role="student"))
        db.session.flush()  # IntegrityError: the email is unique
        return "unreachable"

    return app


def test_a_crash_shows_the_request_id_and_no_details(failing, client, caplog):
    with caplog.at_level(logging.ERROR, logger="web"):
        response = client.get("/test/boom")
    assert response.status_code == 500
    request_id = response.headers[HEADER]
    assert FRESH_ID.fullmatch(request_id)
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert f'id="request-id">{request_id}</code>' in body
    assert SECRET not in body and "Traceback" not in body and "RuntimeError" not in body
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.request_id == request_id and request_id in record.getMessage()
    assert "Traceback" in caplog.text and SECRET in caplog.text
    assert "GET /test/boom" in record.getMessage()


def test_a_database_error_is_rolled_back_and_the_page_still_has_its_menu(
    failing, client, login, make, caplog
):
    coordinator = make.coordinator()
    login(coordinator)
    response = client.get("/test/duplicate")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert coordinator.email in body  # base.html drawn after the rollback
    assert "IntegrityError" not in body and "INSERT" not in body
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("new@%"))) == 0
    assert "IntegrityError" in caplog.text
    assert client.get("/coordinator/").status_code == 200  # the session works again


def test_the_plain_page_is_sent_when_the_error_page_itself_fails(
    failing, client, login, make, monkeypatch
):
    from web.services import notifications

    def database_down(*_args: object) -> int:
        raise RuntimeError("the menu's query failed too")

    login(make.coordinator())
    monkeypatch.setattr(notifications, "unread_count", database_down)
    response = client.get("/test/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body and "Log out" not in body
    assert f'id="request-id">{response.headers[HEADER]}</code>' in body
    assert SECRET not in body and "menu's query" not in body


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/"), client.get("/postings")
    assert first.status_code == 200 and FRESH_ID.fullmatch(first.headers[HEADER])
    assert first.headers[HEADER] != second.headers[HEADER]


def test_a_safe_incoming_request_id_is_kept(client):
    response = client.get("/postings", headers={HEADER: "nginx-4f2a9c1e.7"})
    assert response.headers[HEADER] == "nginx-4f2a9c1e.7"


@pytest.mark.parametrize(
    "incoming",
    ["<script>alert(1)</script>", "short", "x" * 65, "id with spaces 12345", "ünïcode-id-1234"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/postings", headers={HEADER: incoming})
    assert FRESH_ID.fullmatch(response.headers[HEADER])


def test_not_found_is_friendly_and_has_the_header(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "We could not find that page." in response.get_data(as_text=True)
    assert FRESH_ID.fullmatch(response.headers[HEADER])


def test_method_not_allowed_is_friendly_and_has_the_header(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "That action is not allowed here." in response.get_data(as_text=True)
    assert FRESH_ID.fullmatch(response.headers[HEADER])


def test_log_lines_written_in_a_request_carry_its_id(app, client, caplog):
    """As in production: Flask's handler on the "web" logger writes to wsgi.errors."""

    @app.route("/test/log")
    def log_something() -> str:
        logging.getLogger("web.services.example").warning("something to look at")
        app.logger.warning("and through the app logger")
        return g.request_id

    if default_handler not in app.logger.handlers:  # pytest's handler stood in for it
        app.logger.addHandler(default_handler)
    errors = io.StringIO()
    try:
        response = client.get(
            "/test/log",
            headers={HEADER: "support-ticket-123"},
            errors_stream=errors,
        )
    finally:
        app.logger.removeHandler(default_handler)
    assert response.headers[HEADER] == response.get_data(as_text=True) == "support-ticket-123"
    first, second = errors.getvalue().splitlines()
    assert first.endswith(" [support-ticket-123] web.services.example: something to look at")
    assert second.endswith(" WARNING [support-ticket-123] web: and through the app logger")
    record = next(r for r in caplog.records if r.getMessage() == "and through the app logger")
    assert record.request_id == "support-ticket-123"


def test_log_lines_outside_a_request_have_a_dash(app):
    record = logging.LogRecord("web", logging.INFO, __file__, 1, "from a command", None, None)
    assert RequestIdFilter().filter(record) and record.request_id == "-"
