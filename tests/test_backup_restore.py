"""The backup drill (scripts/pg_backup_restore_check.sh) on a small scratch database.

PostgreSQL only: the script dumps with pg_dump -Fc, restores with pg_restore and
compares the row count of every table, so it needs a server and the client tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.engine import URL

from tests.conftest import Factory
from web import create_app
from web.config import TestConfig, normalise_database_url
from web.extensions import db
from web.models import Application, Firm
from web.services import applications

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg_backup_restore_check.sh"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL"
)


def _admin(url: URL) -> object:
    return create_engine(url.set(database="postgres", query={}), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def scratch() -> Iterator[URL]:
    """A database of its own, migrated, with a little of everything (and some Chinese).

    Shared by the tests of this module: none of them changes what the database holds.
    """
    url = make_url(normalise_database_url(TEST_DATABASE_URL or "")).set(
        database=f"tb_backup_{uuid.uuid4().hex[:8]}", query={}
    )
    admin = _admin(url)
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    app = create_app(config)
    with app.test_request_context():  # applying builds a link with url_for
        upgrade()
        make = Factory()
        firm = make.firm("WeBank", "微众银行")
        student = make.student(full_name="陳大文")
        posting = make.posting(firm)
        applications.apply(
            student.profile, posting, "你好", today=date.today(), transfer_consent=True
        )
        make.employer(firm)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield url
    with admin.connect() as conn:  # type: ignore[attr-defined]
        for name in (url.database, f"{url.database}_restore_check"):
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()  # type: ignore[attr-defined]


def _run(url: URL, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args, url.render_as_string(hide_password=False)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _exists(url: URL, name: str) -> bool:
    admin = _admin(url)
    with admin.connect() as conn:  # type: ignore[attr-defined]
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()  # type: ignore[attr-defined]
    return bool(found)


def test_drop_and_restore_keeps_every_row(scratch: URL, tmp_path: Path) -> None:
    dump = tmp_path / "talent.dump"
    result = _run(scratch, "--drop", str(scratch.database), "--dump", str(dump))
    assert result.returncode == 0, result.stderr
    assert f"dropped database {scratch.database}" in result.stdout
    assert "row counts match" in result.stdout
    assert dump.stat().st_size > 0  # kept when asked for
    engine = create_engine(scratch)
    with engine.connect() as conn:
        assert conn.scalar(select(Firm.name_zh)) == "微众银行"
        assert conn.scalar(select(Application.cover_note)) == "你好"
        assert conn.scalar(text("SELECT version_num FROM alembic_version"))
    engine.dispose()


def test_restore_into_a_fresh_database_leaves_the_original_alone(scratch: URL) -> None:
    result = _run(scratch)
    assert result.returncode == 0, result.stderr
    assert f"restored into {scratch.database}_restore_check" in result.stdout
    assert "row counts match" in result.stdout
    assert _exists(scratch, str(scratch.database))
    assert not _exists(scratch, f"{scratch.database}_restore_check")  # cleaned up


def test_a_restore_that_loses_rows_fails(scratch: URL, tmp_path: Path) -> None:
    """A pg_restore that quietly loses a table's rows is caught by the comparison."""
    shim = tmp_path / "bin"
    shim.mkdir()
    real = shutil.which("pg_restore")
    (shim / "pg_restore").write_text(
        "#!/usr/bin/env bash\nset -e\n"
        f'"{real}" "$@"\n'
        'for a in "$@"; do case "$a" in --dbname=*) '
        'psql -X -q -d "${a#--dbname=}" -c "DELETE FROM consents";; esac; done\n'
    )
    (shim / "pg_restore").chmod(0o755)
    result = _run(scratch, env={"PATH": f"{shim}:{os.environ['PATH']}"})
    assert result.returncode == 1
    assert "ROW COUNTS DIFFER" in result.stderr
    assert "public.consents|" in result.stderr


def test_drop_needs_the_database_named_twice(scratch: URL) -> None:
    result = _run(scratch, "--drop", "some_other_database")
    assert result.returncode == 2
    assert "does not name the database" in result.stderr
    assert _exists(scratch, str(scratch.database))
