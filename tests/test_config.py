"""Configuration comes from the environment; production insists on a secret key."""

from __future__ import annotations

import pytest

from web import create_app
from web.config import ProductionConfig, TestConfig, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        ProductionConfig()


def test_production_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    config = ProductionConfig()
    assert config.SECRET_KEY == "x" * 64
    assert config.SESSION_COOKIE_SECURE is True


def test_app_env_production_is_checked_at_start(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(url, expected):
    assert normalise_database_url(url) == expected


def test_csrf_is_enforced_when_on(make, app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "a@b.example", "password": "x"})
    assert response.status_code == 400
    form = client.get("/auth/login").get_data(as_text=True)
    assert 'name="csrf_token"' in form


def test_error_pages_are_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"We could not find that page." in response.data


def test_test_config_is_isolated():
    assert TestConfig.TESTING is True


def test_server_errors_show_a_page_without_details(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals: SELECT * FROM users")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"secret internals" not in response.data and b"SELECT" not in response.data


def test_favicon_is_served_locally(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
