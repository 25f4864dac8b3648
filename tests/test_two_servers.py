"""Two app servers, one PostgreSQL database and one Redis: neither keeps state of its own.

Two gunicorn processes (one worker each, as `make serve` runs them, on free loopback
ports) share a fresh database and Redis with the same SECRET_KEY. A login on A works on
B, a CSRF token from one is good on the other, a profile saved through A is in B's
ranking, login attempts split across them meet one limit, and both add to the same
operations counts. PostgreSQL and Redis only: skipped on SQLite.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import PASSWORD, TEST_DATABASE_URL, Factory
from web import create_app
from web.config import TestConfig, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
SCORE = re.compile(r'title="Match score out of 100">(\d+)<')

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not TEST_DATABASE_URL, reason="two servers share a PostgreSQL database (TEST_DATABASE_URL)"
    ),
]


@dataclass
class World:
    a: str  # base URLs of the two servers
    b: str
    env: dict[str, str]
    logs: dict[str, Path]
    student_email: str
    employer_email: str
    posting_id: int
    ops_prefix: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required in CI but {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


def _flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _people(database_url: str) -> tuple[str, str, int]:
    """A student who applied to a posting asking for Kubernetes, and its firm's recruiter."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    from web.extensions import db
    from web.models import Firm
    from web.services.applications import apply

    with app.app_context():
        make = Factory()
        firm = db.session.query(Firm).filter_by(name="WeBank").one()  # from the seed files
        student = make.student("two.servers@hku.example.edu.hk", skills=[("Python", 4)])
        employer = make.employer(firm)
        posting = make.posting(firm, required=[("Python", 3), ("Kubernetes", 3)])
        with app.test_request_context():
            apply(
                student.profile,
                posting,
                "I run our society's cluster and would like to learn more.",
                today=date.today(),
                transfer_consent=True,
            )
        db.session.commit()
        found = (student.email, employer.email, posting.id)
        db.session.remove()
        db.engine.dispose()
    return found


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server at {base} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server at {base} was not ready in time:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    _redis_or_skip()
    run = uuid.uuid4().hex[:10]
    admin_url = normalise_database_url(TEST_DATABASE_URL or "")
    name = f"tb_twoservers_{run}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    ops_prefix, limits_prefix = f"tb-two-servers-{run}:ops:", f"tb-two-servers-{run}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DB_"))},
        "APP_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex * 2,  # the same for both servers, as in production
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": limits_prefix,
        "AUTH_RATE_LIMIT": "200 per minute",  # per address: everything here is 127.0.0.1
        "LOGIN_EMAIL_RATE_LIMIT": "5 per minute",
        "OPS_KEY_PREFIX": ops_prefix,
        "SLOW_QUERY_MS": "0.001",  # every statement counts, so both servers add to the counts
        "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
        "MAIL_BACKEND": "console",
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    env.pop("TEST_DATABASE_URL", None)
    processes: list[subprocess.Popen[bytes]] = []
    logs_dir = tmp_path_factory.mktemp("servers")
    try:
        quiet = {**env, "SLOW_QUERY_MS": "0"}
        _flask(quiet, "db", "upgrade")
        _flask(quiet, "seeds", "import", "seeds/")
        student, employer, posting_id = _people(database_url)
        ports = {"a": _free_port(), "b": _free_port()}
        logs = {key: logs_dir / f"{key}.log" for key in ports}
        for key, port in ports.items():
            processes.append(_start(env, port, logs[key]))
        bases = {key: f"http://127.0.0.1:{port}" for key, port in ports.items()}
        for process, key in zip(processes, bases, strict=True):
            _wait_ready(bases[key], process, logs[key])
        yield World(bases["a"], bases["b"], env, logs, student, employer, posting_id, ops_prefix)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for pattern in (f"{ops_prefix}*", f"*{limits_prefix}*"):
            for key in client.scan_iter(pattern):
                client.delete(key)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class _Form(HTMLParser):
    """The fields of the page's own form (it posts to the page), as a browser sends them."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._inside = self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form" and not self._done:
            self._inside = a.get("action", "") in {"", self.path}
        if not self._inside:
            return
        if tag == "option" and self._select:
            if self._select not in self.fields or "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif not name:
            return
        elif tag == "input" and a.get("type") not in {"submit", "button", "checkbox", "radio"}:
            self.fields[name] = a.get("value", "")
        elif tag == "input" and a.get("type") in {"checkbox", "radio"} and "checked" in a:
            self.fields[name] = a.get("value", "y")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._inside:
            self._inside, self._done = False, True

    def handle_data(self, data: str) -> None:
        if self._inside and self._textarea:
            self.fields[self._textarea] += data


class Browser:
    """One cookie jar across both servers, as behind a load balancer."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(
        self, url: str, data: dict[str, str] | None = None, request_id: str | None = None
    ) -> tuple[int, str, dict[str, str]]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        if request_id:
            request.add_header("X-Request-ID", request_id)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def form(self, url: str) -> dict[str, str]:
        status, page, _headers = self.open(url)
        assert status == 200, url
        parser = _Form(urllib.parse.urlsplit(url).path)
        parser.feed(page)
        assert "csrf_token" in parser.fields, f"no form with a CSRF token on {url}"
        return parser.fields

    def log_in(
        self, base: str, email: str, password: str = PASSWORD, *, form_from: str | None = None
    ) -> tuple[int, str]:
        """Post the login form (and its CSRF token) fetched from form_from, else base."""
        fields = self.form(f"{form_from or base}/auth/login")
        status, page, _headers = self.open(
            f"{base}/auth/login", {**fields, "email": email, "password": password}
        )
        return status, page


def _score(page: str) -> int:
    """The first applicant's score (the only applicant here)."""
    return int(SCORE.findall(page)[0])


def test_a_login_on_one_server_works_on_the_other(world):
    browser = Browser()
    status, page = browser.log_in(world.a, world.student_email)
    assert status == 200 and world.student_email in page  # followed to the dashboard on A
    status, page, _headers = browser.open(f"{world.b}/student/profile")
    assert status == 200 and world.student_email in page and "Log out" in page
    stranger = Browser()  # without the cookie, B sends the visitor to log in
    status, page, _headers = stranger.open(f"{world.b}/student/profile")
    assert status == 200 and 'name="password"' in page


def test_a_profile_saved_through_one_server_is_in_the_other_servers_ranking(world):
    employer, student = Browser(), Browser()
    employer.log_in(world.b, world.employer_email)
    shortlist = f"{world.b}/employer/postings/{world.posting_id}"
    status, before, _headers = employer.open(shortlist)
    assert status == 200 and "missing: Kubernetes" in before  # B has built its index

    student.log_in(world.a, world.student_email)
    fields = student.form(f"{world.a}/student/profile/edit")  # CSRF token from A
    rows = sum(1 for key in fields if re.fullmatch(r"skills-\d+-name", key))
    assert fields["skills-0-name"] == "Python"
    fields.update({f"skills-{rows}-name": "Kubernetes", f"skills-{rows}-level": "4"})
    status, page, _headers = student.open(f"{world.a}/student/profile/edit", fields)
    assert status == 200 and "Kubernetes" in page

    status, after, _headers = employer.open(shortlist)
    assert status == 200 and "missing: Kubernetes" not in after
    assert _score(after) > _score(before)


def test_failed_logins_split_across_the_servers_meet_one_limit(world):
    """LOGIN_EMAIL_RATE_LIMIT is 5 a minute here: neither server alone saw more than 3."""
    browser = Browser()
    email = f"guess-{uuid.uuid4().hex[:8]}@hku.example.edu.hk"
    pairs = [(world.a, world.b), (world.b, world.a)] * 3  # the form from one, posted to the other
    answers = [
        browser.log_in(base, email, "not-the-password", form_from=other) for base, other in pairs
    ]
    # Every CSRF token was good on the other server (a bad one is a 400): the password was
    # checked, and refused, five times; the sixth attempt met the shared limit.
    assert [status for status, _page in answers] == [200, 200, 200, 200, 200, 429]
    assert all("Wrong email or password." in page for _status, page in answers[:5])


def test_both_servers_add_to_the_same_operations_counts(world):
    probe = Browser()
    ids = {key: f"ops-{key}-{uuid.uuid4().hex[:12]}" for key in ("a", "b")}
    assert probe.open(f"{world.a}/readyz", request_id=ids["a"])[0] == 200
    assert probe.open(f"{world.b}/readyz", request_id=ids["b"])[0] == 200
    stats = json.loads(_flask(world.env, "ops", "stats", "--json"))
    assert stats["shared"] is True
    seen = {event["request_id"] for event in stats["recent"]["slow_queries"]}
    assert set(ids.values()) <= seen  # SELECT 1 of each server's probe, counted in Redis


def test_each_server_logs_json_lines_with_request_ids(world):
    probe = Browser()
    request_id = f"log-check-{uuid.uuid4().hex[:12]}"
    status, _page, headers = probe.open(f"{world.b}/healthz", request_id=request_id)
    assert status == 200 and headers["X-Request-ID"] == request_id
    time.sleep(0.5)  # the line is written after the response
    for key, log in world.logs.items():
        records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        assert records, f"server {key} logged nothing"
        assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
        assert any(r["logger"] == "gunicorn.error" for r in records)  # gunicorn's own, as JSON
    access = [
        json.loads(line)
        for line in world.logs["b"].read_text().splitlines()
        if request_id in line and '"web.access"' in line
    ]
    assert [(r["path"], r["status"], r["method"]) for r in access] == [("/healthz", 200, "GET")]
