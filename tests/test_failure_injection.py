"""All or nothing: a fault halfway through a change of many rows leaves the database as it was.

Each test lets a multi-row change run until part of it is written (flushed in the
transaction), then injects a fault, and compares every table's row count and a few
fields with the state before. Through the portal the user gets the error page, never a
traceback; on the command line a clear message and a non-zero exit status.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from tests.hiring_support import applied, fresh
from tests.round_support import build_programme, coordinator_does, create_round, rank
from tests.seedfiles import SEEDS, firm, import_cli, posting, write_csv
from web.extensions import db
from web.models import AllocationRound, Application, ImportBatch, Posting
from web.services import hiring, round_allocation
from web.services.importing import run as import_run
from web.services.importing.writing import FIRMS, FirmWriter
from web.services.importing.writing_students import StudentWriter


class Fault(RuntimeError):
    """The failure injected halfway through a change."""


def fail_on_call(monkeypatch, owner: object, name: str, call: int) -> None:
    """``owner.name`` works until its ``call``-th call, which runs, flushes, then fails."""
    original = getattr(owner, name)
    calls = iter(range(1, 10_000))

    def failing(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if next(calls) == call:
            db.session.flush()  # what it did is written in the transaction, then lost
            raise Fault(f"injected fault in {name}")
        return result

    monkeypatch.setattr(owner, name, failing)


def rows_everywhere() -> dict[str, int]:
    """The row count of every table."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def error_page(app) -> Iterator[None]:
    """Unhandled errors give the 500 page, as in production, instead of reaching the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


def assert_error_page(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert "Traceback" not in text and "Fault" not in text


# -- seed import ---------------------------------------------------------------------------


@pytest.fixture
def seeded(runner):
    """The seed firms and postings, imported; the students come in the faulty run."""
    result = import_cli(runner, SEEDS / "firms.csv", SEEDS / "postings.csv")
    assert result.exit_code == 0, result.output


def renamed_posting(tmp_path):
    """A postings file that changes the title of an imported posting."""
    stored = db.session.scalars(select(Posting).order_by(Posting.ref)).first()
    changed = posting(ref=stored.ref, firm=stored.firm.name, title="Renamed in the faulty run")
    return stored, write_csv(tmp_path / "postings.csv", "postings", [changed])


def small_chunks(monkeypatch) -> None:
    """Students in chunks of 100: the third chunk fails after two were written."""
    monkeypatch.setattr(import_run, "CHUNK_ROWS", 100)
    fail_on_call(monkeypatch, StudentWriter, "write", 3)


def test_a_cli_import_failing_halfway_writes_nothing(runner, seeded, monkeypatch, tmp_path):
    stored, postings_file = renamed_posting(tmp_path)
    title = stored.title
    before = rows_everywhere()
    small_chunks(monkeypatch)

    result = import_cli(runner, postings_file, SEEDS / "students.csv")

    assert result.exit_code != 0
    assert "The import stopped on an unexpected error" in result.output
    assert "Nothing was written" in result.output
    assert rows_everywhere() == before
    assert db.session.get(Posting, stored.id).title == title


def test_a_portal_import_failing_halfway_writes_nothing_and_can_be_retried(
    app, client, make, login, seeded, monkeypatch, tmp_path, error_page
):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    stored, postings_file = renamed_posting(tmp_path)
    title = stored.title
    login(make.coordinator())
    files = [postings_file, SEEDS / "students.csv"]
    data = {"files": [(io.BytesIO(p.read_bytes()), p.name) for p in files], "encoding": ""}
    client.post("/coordinator/imports/upload", data=data, content_type="multipart/form-data")
    assert "Import these files" in client.get("/coordinator/imports/preview").get_data(True)
    before = rows_everywhere()
    small_chunks(monkeypatch)

    assert_error_page(client.post("/coordinator/imports/confirm"))

    assert rows_everywhere() == before
    assert db.session.get(Posting, stored.id).title == title
    # The upload is still there: once the fault is gone, the same files import.
    monkeypatch.undo()
    response = client.post("/coordinator/imports/confirm")
    assert response.status_code == 302
    assert db.session.get(Posting, stored.id).title == "Renamed in the faulty run"


def test_an_import_losing_a_key_to_another_import_writes_nothing(runner, monkeypatch, tmp_path):
    """The firms were compared with what was stored; then "another import" stored one."""
    firms = [firm(name="WeBank"), firm(name="Ping An Technology")]
    firms_file = write_csv(tmp_path / "firms.csv", "firms", firms)
    original = FirmWriter.classify

    def meanwhile(self: FirmWriter, records: list[Any]) -> Any:
        plan = original(self, records)
        db.session.execute(insert(FIRMS).values(name="Ping An Technology", city="Shenzhen"))
        return plan

    monkeypatch.setattr(FirmWriter, "classify", meanwhile)
    before = rows_everywhere()

    result = import_cli(runner, firms_file)

    assert result.exit_code == 1
    assert "another import probably stored the same records" in result.output
    assert "Nothing was written." in result.output
    # Only the record of the failed attempt is kept: its batch and its audit entry.
    expected = before | {"import_batches": 1, "audit_log": before["audit_log"] + 1}
    assert rows_everywhere() == expected
    assert db.session.scalar(select(ImportBatch.status)) == "failed"


# -- allocation round ----------------------------------------------------------------------


@pytest.fixture
def closed_round(client, login, make) -> tuple[Any, AllocationRound]:
    """A round with every student's rank list, closed and previewed, ready to publish."""
    p = build_programme(make)
    round_ = create_round(client, login, p.coordinator, [p.risk, p.data, p.payments])
    rank(client, login, p.chan, round_, [p.payments, p.risk, p.data])
    rank(client, login, p.wong, round_, [p.risk, p.payments, p.data])
    rank(client, login, p.lee, round_, [p.risk, p.data])
    rank(client, login, p.ho, round_, [p.risk, p.payments])
    coordinator_does(client, login, p.coordinator, round_, "close")
    coordinator_does(client, login, p.coordinator, round_, "preview")
    return p, round_


def round_state(round_: AllocationRound) -> tuple[Any, ...]:
    db.session.expire_all()
    stored = db.session.get(AllocationRound, round_.id)
    applications = db.session.execute(
        select(Application.id, Application.status, Application.version).order_by(Application.id)
    ).all()
    return stored.status, stored.published_at, [rp.places for rp in stored.postings], applications


def test_publishing_that_fails_halfway_publishes_nothing(
    client, login, closed_round, monkeypatch, error_page
):
    p, round_ = closed_round
    before, state = rows_everywhere(), round_state(round_)
    assert state[0] == "closed"
    # Results stored, placements and withdrawals made, students told; then the fault.
    fail_on_call(monkeypatch, round_allocation, "_tell_firms", 1)
    login(p.coordinator)

    assert_error_page(client.post(f"/coordinator/rounds/{round_.id}/publish"))

    assert rows_everywhere() == before
    assert round_state(round_) == state
    assert "Preview (not published: nobody has been told)" in client.get(
        f"/coordinator/rounds/{round_.id}"
    ).get_data(as_text=True)
    # Once the fault is gone, the round publishes as if nothing had happened.
    monkeypatch.undo()
    assert client.post(f"/coordinator/rounds/{round_.id}/publish").status_code == 302
    assert round_state(round_)[0] == "published"


def test_publishing_from_the_command_line_that_fails_halfway_publishes_nothing(
    runner, closed_round, monkeypatch
):
    _p, round_ = closed_round
    before, state = rows_everywhere(), round_state(round_)
    fail_on_call(monkeypatch, round_allocation, "_tell_firms", 1)

    result = runner.invoke(args=["round", "publish", str(round_.id)])

    assert result.exit_code != 0
    assert "The round was not published" in result.output
    assert "Nothing was changed." in result.output
    assert rows_everywhere() == before
    assert round_state(round_) == state


# -- bulk stage changes --------------------------------------------------------------------


def test_a_bulk_move_failing_halfway_moves_nobody(client, make, login, monkeypatch, error_page):
    employer = make.employer()
    posting_ = make.posting(employer.membership.firm)
    applications = [applied(client, login, make.student(), posting_) for _ in range(3)]
    ticked = [f"{a.id}:{fresh(a).version}" for a in applications]
    before = rows_everywhere()
    state = [(a.status, a.version) for a in map(fresh, applications)]
    # Two applicants moved, their histories, audit entries and notices written; then the fault.
    fail_on_call(monkeypatch, hiring, "transition", 2)
    login(employer)

    response = client.post(
        f"/employer/postings/{posting_.id}/bulk",
        data={"selected": ticked, "stage": "shortlisted", "move": "1"},
    )

    assert_error_page(response)
    assert rows_everywhere() == before
    assert [(a.status, a.version) for a in map(fresh, applications)] == state
    assert state == [("submitted", 1)] * 3
