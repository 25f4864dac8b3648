"""Login, registration and claim slow down guessing: 429 with a clear page after the limit.

Limits are off in TestConfig; these tests turn them on for their app, in memory and
against the real Redis at 127.0.0.1:6379 (the production storage).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask

from web.config import ProductionConfig
from web.extensions import limiter
from web.security import trust_proxies

MESSAGE = "Too many attempts in a short time"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def enable_limits(app: Flask, **config: object) -> None:
    """Switch the limiter on for this (not yet used) test app."""
    app.config.update(RATELIMIT_ENABLED=True, **config)
    limiter.init_app(app)


@pytest.fixture
def limited(app: Flask) -> Flask:
    enable_limits(app, RATELIMIT_STORAGE_URI="memory://")
    return app


def from_address(ip: str) -> dict[str, str]:
    return {"REMOTE_ADDR": ip}


def post_login(client, email: str, ip: str = "203.0.113.7"):
    return client.post(
        "/auth/login",
        data={"email": email, "password": "not-the-password"},
        environ_base=from_address(ip),
    )


def test_login_answers_429_with_a_clear_page_after_ten_tries_from_one_address(limited, client):
    for n in range(10):
        response = post_login(client, f"guess{n}@hku.example.edu.hk")
        assert response.status_code == 200
        assert "Wrong email or password." in response.get_data(as_text=True)
    response = post_login(client, "guess10@hku.example.edu.hk")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert MESSAGE in page
    assert "guess10" not in page  # says nothing about the account
    assert int(response.headers["Retry-After"]) > 0
    # Another address is not affected, and reading the form is never limited.
    assert post_login(client, "guess11@hku.example.edu.hk", ip="198.51.100.9").status_code == 200
    assert client.get("/auth/login", environ_base=from_address("203.0.113.7")).status_code == 200


def test_one_account_is_protected_across_many_addresses(limited, client, make):
    student = make.student()
    for n in range(5):
        assert post_login(client, student.email, ip=f"192.0.2.{n}").status_code == 200
    response = post_login(client, student.email.upper(), ip="192.0.2.99")
    assert response.status_code == 429
    assert MESSAGE in response.get_data(as_text=True)
    # Other accounts can still log in from that address.
    assert post_login(client, "someone.else@hku.example.edu.hk", ip="192.0.2.99").status_code == 200


@pytest.mark.parametrize(
    "path", ["/auth/register", "/auth/register/employer", "/auth/claim/not-a-real-token"]
)
def test_registration_and_claim_are_limited_per_address(limited, client, path):
    for _ in range(10):
        assert client.post(path, data={}).status_code in {200, 400}
    response = client.post(path, data={})
    assert response.status_code == 429
    assert MESSAGE in response.get_data(as_text=True)


def test_limits_are_off_in_the_test_configuration(app, client):
    for n in range(15):
        assert post_login(client, f"guess{n}@hku.example.edu.hk").status_code == 200


def test_production_counts_in_redis_by_default(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    assert ProductionConfig().RATELIMIT_STORAGE_URI.startswith("redis://")


@pytest.fixture
def redis_client() -> Iterator[object]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required in CI but {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield client
    client.close()


def test_limits_are_shared_through_redis(app, client, redis_client, monkeypatch):
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    # init_app keeps the first key prefix it sees; give it back after this test.
    monkeypatch.setattr(limiter, "_key_prefix", "")
    enable_limits(app, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    try:
        for n in range(10):
            assert post_login(client, f"guess{n}@hku.example.edu.hk").status_code == 200
        keys = list(redis_client.scan_iter(f"*{prefix}*"))
        assert keys, "the counts should live in Redis, not in the process"
        response = post_login(client, "guess10@hku.example.edu.hk")
        assert response.status_code == 429
        assert MESSAGE in response.get_data(as_text=True)
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
    assert not list(redis_client.scan_iter(f"*{prefix}*"))


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, client):
    enable_limits(app, RATELIMIT_STORAGE_URI="memory://")
    app.config["TRUSTED_PROXIES"] = 1
    trust_proxies(app)  # what create_app does when TRUSTED_PROXIES is set
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(10):
        headers = {"X-Forwarded-For": "203.0.113.50"}
        response = client.post(
            "/auth/login",
            data={"email": f"g{n}@hku.example.edu.hk", "password": "x"},
            headers=headers,
            environ_base=proxy,
        )
        assert response.status_code == 200
    blocked = client.post(
        "/auth/login",
        data={"email": "g10@hku.example.edu.hk", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.50"},
        environ_base=proxy,
    )
    assert blocked.status_code == 429
    other_client = client.post(
        "/auth/login",
        data={"email": "g11@hku.example.edu.hk", "password": "x"},
        headers={"X-Forwarded-For": "198.51.100.77"},
        environ_base=proxy,
    )
    assert other_client.status_code == 200
