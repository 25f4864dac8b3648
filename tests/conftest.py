"""Fixtures: an app on a fresh schema, a client, a CLI runner, and factories.

Tests run on SQLite (in memory) by default and on PostgreSQL when TEST_DATABASE_URL
is set; each test session then works in a schema of its own, dropped at the end,
so that runs cannot leak into each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, event, text

from tests.round_support import Programme, build_programme, create_round
from web import create_app
from web.config import TestConfig, normalise_database_url
from web.extensions import db
from web.models import AllocationRound, EmployerMembership, Firm, Posting, User
from web.models.base import utcnow
from web.services import accounts
from web.services.postings import PostingData, SkillNeed, apply_data
from web.services.profiles import ProfileData, save_profile

PASSWORD = "correct-horse-battery-staple"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """SQLite in memory, or a fresh PostgreSQL schema for this test session."""
    if not TEST_DATABASE_URL:
        yield "sqlite://"
        return
    url = normalise_database_url(TEST_DATABASE_URL)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    if database_url == "sqlite://":
        # One shared in-memory database for every connection of this app.
        from sqlalchemy.pool import StaticPool

        config.SQLALCHEMY_ENGINE_OPTIONS = {
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        }
    app = create_app(config)
    with app.app_context():
        if database_url == "sqlite://":
            _enable_sqlite_foreign_keys()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _enable_sqlite_foreign_keys() -> None:
    @event.listens_for(db.engine, "connect")
    def _fk_on(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class Factory:
    """Builds realistic programme data through the same services the app uses."""

    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def firm(self, name: str | None = None, name_zh: str | None = None) -> Firm:
        n = self._next()
        firm = Firm(name=name or f"Shenzhen Fintech {n}", name_zh=name_zh, city="Shenzhen")
        db.session.add(firm)
        db.session.commit()
        return firm

    def student(
        self,
        email: str | None = None,
        *,
        full_name: str = "Chan Siu Ming",
        university: str = "HKU",
        skills: list[tuple[str, int]] | None = None,
        verified: bool = True,
    ) -> User:
        n = self._next()
        user = accounts.register_student(email or f"student{n}@hku.example.edu.hk", PASSWORD, "")
        user.email_verified_at = utcnow() if verified else None
        save_profile(
            user.profile,
            ProfileData(
                full_name=full_name,
                university=university,
                programme="BEng Computer Science",
                year_of_study=3,
                graduation_year=2028,
                skills=skills if skills is not None else [("Python", 4), ("SQL", 3)],
                languages=[("english", 4), ("cantonese", 5)],
            ),
        )
        db.session.commit()
        return user

    def employer(
        self, firm: Firm | None = None, *, status: str = "approved", verified: bool = True
    ) -> User:
        n = self._next()
        firm = firm or self.firm()
        user = accounts.create_user(
            f"recruiter{n}@firm.example.com", PASSWORD, "employer", confirmed=verified
        )
        user.membership = EmployerMembership(firm=firm, status=status)
        db.session.commit()
        return user

    def coordinator(self) -> User:
        user = accounts.create_user(
            f"office{self._next()}@programme.example.org", PASSWORD, "coordinator", confirmed=True
        )
        db.session.commit()
        return user

    def posting(
        self,
        firm: Firm | None = None,
        *,
        status: str = "open",
        deadline: date | None = None,
        required: list[tuple[str, int]] | None = None,
        capacity: int = 2,
    ) -> Posting:
        required = required or [("Python", 3)]
        n = self._next()
        firm = firm or self.firm()
        start = date.today() + timedelta(days=120)
        posting = Posting(firm=firm, ref=f"TST-{n:04d}", status=status)
        apply_data(
            posting,
            PostingData(
                title=f"Risk Analytics Intern {n}",
                description="Build credit risk scorecards with the retail lending team.",
                location="Shenzhen, Nanshan District",
                start_date=start,
                end_date=start + timedelta(days=70),
                capacity=capacity,
                deadline=deadline if deadline is not None else date.today() + timedelta(days=30),
                required=[SkillNeed(s, lvl) for s, lvl in required],
                preferred=[]
                if any(name.casefold() == "sql" for name, _lvl in required)
                else [SkillNeed("SQL", 2)],
                languages=[SkillNeed("english", 3)],
            ),
        )
        db.session.add(posting)
        db.session.commit()
        return posting


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory()


class Login:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def __call__(self, user: User | str, password: str = PASSWORD) -> Any:
        email = user if isinstance(user, str) else user.email
        return self._client.post(
            "/auth/login", data={"email": email, "password": password}, follow_redirects=False
        )

    def logout(self) -> Any:
        return self._client.post("/auth/logout")


@pytest.fixture
def login(client: FlaskClient) -> Login:
    return Login(client)


@pytest.fixture
def programme(make: Factory) -> Programme:
    """The allocation-round programme of tests/round_support.py (test_dashboard.py has a
    programme of its own)."""
    return build_programme(make)


@pytest.fixture
def open_round(client: FlaskClient, login: Login, programme: Programme) -> AllocationRound:
    """A round open for rank lists over the programme's three postings."""
    p = programme
    return create_round(client, login, p.coordinator, [p.risk, p.data, p.payments])


class QueryCounter:
    """Counts the SQL statements run while it is active (to catch N+1 queries)."""

    def __init__(self) -> None:
        self.count = 0

    def _on_execute(self, *_args: Any, **_kwargs: Any) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self._on_execute)


@pytest.fixture
def count_queries(app: Flask) -> QueryCounter:
    return QueryCounter()


@pytest.fixture
def mailbox(app: Flask) -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1; the app's mail goes there (tests/mailbox.py)."""
    from tests.mailbox import Mailbox

    box = Mailbox()
    box.start()
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=box.port, MAIL_TIMEOUT=5
    )
    yield box
    box.stop()
