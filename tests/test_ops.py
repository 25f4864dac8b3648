"""Operations: the probes, JSON logs, the slow-statement and 5xx counts, the pool settings.

Counts shared through Redis use TEST_REDIS_URL (default db 5 of the local Redis) under
a key prefix of their own, removed afterwards; they are skipped when Redis is not there
(a failure in CI, as in tests/test_rate_limits.py).
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, abort
from flask.logging import default_handler
from flask_login import current_user
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from web import create_app
from web.config import TestConfig, engine_options
from web.extensions import db, limiter
from web.ops.counters import ERRORS, SLOW_QUERIES, Counters, Event, now_utc
from web.ops.monitoring import counters
from web.request_id import HEADER

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
EMAIL = "chan.siu.ming@hku.example.edu.hk"  # a parameter value that must never be shown
# Made slow by the ``watched`` fixture, whatever the machine; its parameters must not be kept.
SLOW_SQL = text(
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < :limit) "
    "SELECT count(*) FROM c WHERE n > length(CAST(:needle AS VARCHAR))"
)
SLOW_SECONDS = 0.25


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_on(url: str, **config: object) -> Flask:
    """An app whose database (or Redis) is somewhere else; nothing connects at start."""
    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = url
    for key, value in config.items():
        setattr(settings, key, value)
    return create_app(settings)


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required in CI but {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield REDIS_URL
    client.close()


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own in Redis, deleted afterwards."""
    import redis

    name = f"test-ops-{uuid.uuid4().hex[:12]}:"
    yield name
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)
    client.close()


@pytest.fixture(autouse=True)
def web_loggers_enabled() -> Iterator[None]:
    """Alembic's fileConfig (tests/test_migrations.py) disables the loggers that existed."""
    loggers = [logging.getLogger("web")] + [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if name.startswith("web.") and isinstance(logger, logging.Logger)
    ]
    disabled = {logger: logger.disabled for logger in loggers}
    for logger in loggers:
        logger.disabled = False
    yield
    for logger, was_disabled in disabled.items():
        logger.disabled = was_disabled


# Probes.


def test_healthz_answers_without_the_database_or_a_cookie(client, count_queries):
    with count_queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert count_queries.count == 0
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "Set-Cookie" not in response.headers


def test_a_database_that_does_not_answer_makes_readyz_503_and_healthz_stays_up():
    app = app_on(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test")
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("failed: ")
    assert "127.0.0.1" not in response.get_data(as_text=True)  # details go to the log only
    assert client.get("/healthz").status_code == 200
    with app.app_context():  # the probe's 503 is not counted as a server error
        assert counters().stats().totals[ERRORS] == 0


def test_readyz_pings_redis_when_one_is_configured(app, client, redis_url):
    app.config["REDIS_URL"] = redis_url
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_a_redis_that_does_not_answer_makes_readyz_503(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "redis": "failed: ConnectionError"}


def test_the_probes_are_never_rate_limited(app, client, monkeypatch):
    # A default limit on every route; the limiter is global, so it is taken back afterwards.
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [])
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    limiter.init_app(app)
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    statuses = [client.get("/postings").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the default limit does apply elsewhere


# JSON logs.


@pytest.fixture
def json_logs(monkeypatch, request) -> Iterator[tuple[Flask, io.StringIO]]:
    """An app with LOG_FORMAT=json and the access line on; its log lines in a buffer."""
    monkeypatch.setattr(TestConfig, "LOG_FORMAT", "json")
    monkeypatch.setattr(TestConfig, "ACCESS_LOG", True)
    app_logger = logging.getLogger("web")
    had_default = default_handler in app_logger.handlers
    app = request.getfixturevalue("app")
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "talent-bridge-json"]
    buffer = io.StringIO()
    handler.setStream(buffer)
    yield app, buffer
    logging.getLogger().removeHandler(handler)
    app_logger.setLevel(logging.NOTSET)
    if had_default:
        app_logger.addHandler(default_handler)


def lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_every_log_line_is_one_json_object_with_the_request(json_logs, client, make, login):
    app, buffer = json_logs
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/test/log")
    def log_and_fail() -> str:
        assert current_user.is_authenticated  # as every portal's guard does first
        logging.getLogger("web.services.example").warning("looked at\nsomething")
        raise RuntimeError("the view broke")

    student = make.student()
    login(student)
    buffer.truncate(0)
    buffer.seek(0)
    response = client.get("/test/log", headers={HEADER: "support-ticket-123"})
    assert response.status_code == 500
    records = lines(buffer)  # every line parses; the message's newline stayed inside one
    assert [r["logger"] for r in records] == ["web.services.example", "web", "web.access"]
    for record in records:
        assert record["request_id"] == "support-ticket-123"
        assert record["method"] == "GET" and record["path"] == "/test/log"
        assert record["user_id"] == student.id
        assert {"time", "level", "message"} <= record.keys()
    warning, error, access = records
    assert warning["level"] == "WARNING" and warning["message"] == "looked at\nsomething"
    assert error["level"] == "ERROR" and "Traceback" in error["exc_info"]
    assert "RuntimeError: the view broke" in error["exc_info"]
    assert access["status"] == 500 and access["duration_ms"] >= 0
    assert access["message"].startswith("GET /test/log 500 ")


def test_one_access_line_per_request_without_a_user_for_visitors(json_logs, client):
    _app, buffer = json_logs
    client.get("/postings")
    client.get("/no/such/page")
    access = [r for r in lines(buffer) if r["logger"] == "web.access"]
    assert [(r["path"], r["status"]) for r in access] == [
        ("/postings", 200),
        ("/no/such/page", 404),
    ]
    assert all("user_id" not in r and len(r["request_id"]) == 32 for r in access)


def test_a_log_line_outside_a_request_has_no_request_id(json_logs):
    _app, buffer = json_logs
    logging.getLogger("web.cli").warning("from a command")
    (record,) = lines(buffer)
    assert record["request_id"] is None and "path" not in record


def test_text_logs_stay_the_default_outside_production(app):
    assert app.config["LOG_FORMAT"] == "text"
    assert not any(h.get_name() == "talent-bridge-json" for h in logging.getLogger().handlers)


# Slow statements and server errors.


@pytest.fixture
def watched(monkeypatch, request) -> Flask:
    """An app timing its statements: slower than 100 ms is slow."""
    monkeypatch.setattr(TestConfig, "SLOW_QUERY_MS", 100.0)
    app = request.getfixturevalue("app")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        counters().reset()  # creating the tables may have been slow (PostgreSQL DDL)
        engine = db.engine

    def stall(_conn, _cursor, statement: str, *_args) -> None:
        # After the monitor's own listener has started its clock: a fast machine finishes
        # the statement itself in well under the threshold (CI did).
        if statement.startswith("WITH RECURSIVE c(n)"):
            time.sleep(SLOW_SECONDS)

    event.listen(engine, "before_cursor_execute", stall)
    request.addfinalizer(lambda: event.remove(engine, "before_cursor_execute", stall))

    @app.route("/test/slow")
    def slow() -> str:
        db.session.execute(text("SELECT 1"))
        return str(db.session.execute(SLOW_SQL, {"limit": 1_000, "needle": EMAIL}).scalar())

    @app.route("/test/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/test/forbidden")
    def forbidden() -> str:
        abort(403)

    return app


def test_a_slow_statement_is_logged_with_the_request_id_and_counted(watched, client, caplog):
    with caplog.at_level(logging.WARNING, logger="web.slow_query"):
        response = client.get("/test/slow", headers={HEADER: "slow-request-0001"})
    assert response.status_code == 200
    (record,) = [r for r in caplog.records if r.name == "web.slow_query"]
    assert record.request_id == "slow-request-0001"
    assert record.duration_ms >= 100 and "WITH RECURSIVE c(n)" in record.statement
    assert EMAIL not in caplog.text  # the statement, never its parameters
    with watched.app_context():
        stats = counters().stats()
    assert stats.totals[SLOW_QUERIES] == stats.last_hour[SLOW_QUERIES] == 1  # not SELECT 1
    (event,) = stats.recent[SLOW_QUERIES]
    assert event.request_id == "slow-request-0001" and event.value >= 100
    assert event.detail.startswith("WITH RECURSIVE c(n) AS") and EMAIL not in event.detail


def test_server_errors_are_counted_and_other_errors_are_not(watched, client):
    failed = client.get("/test/boom")
    assert failed.status_code == 500
    assert client.get("/test/forbidden").status_code == 403
    assert client.get("/no/such/page").status_code == 404
    with watched.app_context():
        stats = counters().stats()
    assert stats.totals[ERRORS] == stats.last_day[ERRORS] == 1
    assert stats.shared is False  # no Redis in the test configuration: this process only
    (event,) = stats.recent[ERRORS]
    assert (event.detail, event.value) == ("GET /test/boom", 500)
    assert event.request_id == failed.headers[HEADER]


def test_the_counts_are_shared_by_every_server_through_redis(redis_url, prefix):
    server_a, server_b = Counters(redis_url, prefix), Counters(redis_url, prefix)
    server_a.record(ERRORS, Event(now_utc(), "req-a", "GET /a", 500))
    server_b.record(ERRORS, Event(now_utc(), "req-b", "POST /b", 502))
    server_b.record(SLOW_QUERIES, Event(now_utc(), "req-c", "SELECT ...", 812.5))
    for server in (server_a, server_b):
        stats = server.stats()
        assert stats.shared and stats.since is not None
        assert stats.totals == stats.last_hour == stats.last_day == {SLOW_QUERIES: 1, ERRORS: 2}
        assert [e.request_id for e in stats.recent[ERRORS]] == ["req-b", "req-a"]
    assert server_a.reset()
    assert server_b.stats().totals == {SLOW_QUERIES: 0, ERRORS: 0}


def test_without_an_answering_redis_each_process_counts_in_memory():
    store = Counters(f"redis://127.0.0.1:{closed_port()}/0", "unused:")
    store.record(ERRORS, Event(now_utc(), "req-a", "GET /a", 500))
    store.record(ERRORS, Event(now_utc(), "req-b", "GET /b", 503))
    stats = store.stats()
    assert stats.shared is False and stats.totals[ERRORS] == 2
    assert not store.reset()  # the shared counts could not be reset, and it says so


def test_flask_ops_stats_prints_the_counts(watched, client, runner):
    client.get("/test/slow", headers={HEADER: "slow-request-0002"})
    client.get("/test/boom")
    result = runner.invoke(args=["ops", "stats"])
    assert result.exit_code == 0, result.output
    assert "this process only" in result.output
    assert "slow SQL statements" in result.output and "slow-request-0002" in result.output
    assert "GET /test/boom" in result.output and EMAIL not in result.output
    data = json.loads(runner.invoke(args=["ops", "stats", "--json"]).output)
    assert data["totals"] == {"slow_queries": 1, "errors": 1}
    assert runner.invoke(args=["ops", "reset"]).exit_code == 0
    data = json.loads(runner.invoke(args=["ops", "stats", "--json"]).output)
    assert data["totals"] == {"slow_queries": 0, "errors": 0}


def test_the_operations_page_shows_the_counts_to_coordinators(watched, client, make, login):
    client.get("/test/slow", headers={HEADER: "slow-request-0003"})
    client.get("/test/boom")
    login(make.coordinator())
    page = client.get("/coordinator/operations").get_data(as_text=True)
    assert "slow-request-0003" in page and "WITH RECURSIVE c(n)" in page
    assert "GET /test/boom" in page and EMAIL not in page
    assert "this server process" in page  # no Redis here: it says the counts are local
    assert 'href="/coordinator/operations"' in page  # in the Data menu


# Pool settings and gunicorn.


def test_postgresql_pool_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "1")
    monkeypatch.setenv("DB_POOL_RECYCLE", "600")
    options = engine_options("postgresql+psycopg://talent@db.internal/talent_bridge")
    assert options["pool_size"] == 3 and options["max_overflow"] == 1
    assert options["pool_recycle"] == 600 and options["pool_pre_ping"] is True
    assert options["connect_args"] == {"connect_timeout": 5}
    assert engine_options("sqlite:///instance/talent_bridge.db") == {
        "pool_pre_ping": True,
        "hide_parameters": True,
    }


def test_a_failed_statement_keeps_its_values_out_of_the_message():
    """SQLAlchemy writes a failed statement's parameters into the error (and so the log)."""
    engine = create_engine("sqlite://", **engine_options("sqlite://"))
    with pytest.raises(OperationalError) as failure, engine.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table WHERE email = :email"), {"email": EMAIL})
    assert EMAIL not in str(failure.value) and "hide_parameters" in str(failure.value)
    engine.dispose()


def _gunicorn_settings(**env: str) -> dict:
    """gunicorn.conf.py read in a fresh interpreter, as gunicorn reads it."""
    script = (
        "import json, os, runpy; ns = runpy.run_path('gunicorn.conf.py'); "
        "keys = ['bind', 'workers', 'threads', 'worker_class', 'timeout', 'graceful_timeout',"
        " 'keepalive', 'max_requests', 'max_requests_jitter', 'accesslog', 'errorlog'];"
        "out = {k: ns[k] for k in keys}; out['pool'] = os.environ['DB_POOL_SIZE'];"
        "out['logger'] = getattr(ns.get('logger_class'), '__name__', None); print(json.dumps(out))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DB_"))}
    clean.pop("WEB_CONCURRENCY", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_gunicorn_settings_have_defaults_and_come_from_the_environment():
    defaults = _gunicorn_settings(APP_ENV="development", LOG_FORMAT="text")
    cores = os.cpu_count() or 1
    assert defaults["bind"] == ["127.0.0.1:8000"] and defaults["workers"] == 2 * cores + 1
    assert defaults["threads"] == 2 and defaults["worker_class"] == "gthread"
    assert defaults["pool"] == "2"  # one connection per thread of the worker
    assert defaults["accesslog"] is None and defaults["errorlog"] == "-"
    assert defaults["max_requests"] > 0 and defaults["max_requests_jitter"] > 0
    assert defaults["logger"] is None  # gunicorn's own format outside production
    custom = _gunicorn_settings(
        APP_ENV="production",
        GUNICORN_BIND="0.0.0.0:9000",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="90",
        DB_POOL_SIZE="6",
    )
    assert custom["bind"] == ["0.0.0.0:9000"] and custom["workers"] == 3
    assert custom["threads"] == 4 and custom["timeout"] == 90
    assert custom["pool"] == "6"  # an explicit pool size is kept
    assert custom["logger"] == "JsonLogger"  # production logs JSON by default
