"""Sessions end when they should: logging out kills every copy of the cookie, and a
cookie taken to another browser or network is refused; cookies are locked down in
production."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from web.config import ProductionConfig
from web.extensions import db

COOKIE_KEYS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "REMEMBER_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY",
    "REMEMBER_COOKIE_SAMESITE",
)


def goes_to_login(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def visit(app, client, path: str = "/student/", method: str = "GET", **kwargs):
    """A request in an app context of its own, as in production: the tests' shared
    context would keep the user Flask-Login loaded for an earlier request in ``g``."""
    with app.app_context():
        return client.open(path, method=method, **kwargs)


def log_in(app, client, email: str, **extra: str):
    data = {"email": email, "password": PASSWORD, **extra}
    response = visit(app, client, "/auth/login", "POST", data=data)
    assert response.status_code == 302
    return response


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make, login):
    login(make.student())
    assert visit(app, client).status_code == 200
    copied = client.get_cookie("session").value
    visit(app, client, "/auth/logout", "POST")
    assert goes_to_login(visit(app, client))
    client.set_cookie("session", copied)  # someone kept the cookie from before
    assert goes_to_login(visit(app, client))


def test_logging_out_ends_the_session_on_other_devices(app, make, login):
    student = make.student()
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        log_in(app, device, student.email)
        assert visit(app, device).status_code == 200
    visit(app, laptop, "/auth/logout", "POST")
    assert goes_to_login(visit(app, phone))


def test_the_keep_me_logged_in_cookie_dies_with_the_logout(app, make):
    student = make.student()
    browser = app.test_client()
    log_in(app, browser, student.email, remember="y")
    remembered = browser.get_cookie("remember_token").value
    browser.delete_cookie("session")  # the browser was closed: only the remember cookie
    assert visit(app, browser).status_code == 200
    other = app.test_client()
    log_in(app, other, student.email)
    visit(app, other, "/auth/logout", "POST")
    browser.delete_cookie("session")
    browser.set_cookie("remember_token", remembered)
    assert goes_to_login(visit(app, browser))


def test_a_cookie_with_an_old_session_token_is_refused(app, client, make, login):
    student = make.student()
    login(student)
    assert visit(app, client).status_code == 200
    student.end_sessions()  # as a password change or "log out everywhere" would
    db.session.commit()
    assert goes_to_login(visit(app, client))
    log_in(app, client, student.email)  # a fresh login gets the new token
    assert visit(app, client).status_code == 200


@pytest.mark.parametrize(
    "moved",
    [
        {"headers": {"User-Agent": "Another browser/1.0"}},
        {"environ_base": {"REMOTE_ADDR": "198.51.100.4"}},
    ],
    ids=["other-browser", "other-address"],
)
def test_strong_protection_refuses_a_cookie_used_elsewhere(app, client, make, login, moved):
    login(make.student())
    assert visit(app, client).status_code == 200
    assert goes_to_login(visit(app, client, **moved))
    assert goes_to_login(visit(app, client))  # the session was emptied, not just skipped


def production_cookies(app) -> None:
    """This app with the cookie settings ProductionConfig gives."""
    production = ProductionConfig()
    app.config.update({key: getattr(production, key) for key in COOKIE_KEYS})


def test_production_cookies_are_secure_http_only_and_same_site(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE is True and config.REMEMBER_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True and config.REMEMBER_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax" and config.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_set_cookie_headers_carry_the_flags_in_production(app, client, make, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    production_cookies(app)
    student = make.student()
    response = client.post(
        "/auth/login",
        data={"email": student.email, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert {"session", "remember_token"} <= cookies.keys()
    for name in ("session", "remember_token"):
        flags = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in flags, cookies[name]
        assert "httponly" in flags, cookies[name]
        assert "samesite=lax" in flags, cookies[name]
