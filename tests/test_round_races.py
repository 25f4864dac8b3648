"""Allocation rounds under concurrent use, on PostgreSQL (SQLite serialises writers).

Publishing locks the round, then every taking part student's profile row, then the
postings: the same order as applying and accepting an offer, so that none of them can
slip past a publication half done.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_DATABASE_URL
from tests.hiring_support import NOTE, kinds_for, look_for_a_place_then_wait
from tests.round_support import coordinator_does, ranked_round
from web.extensions import db
from web.models import AllocationRound, Application, Posting, StudentProfile, User
from web.services import applications as application_service
from web.services import round_allocation, rounds

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
WAIT = 20  # seconds a thread waits for another before the test fails


def test_two_coordinators_publishing_at_once_on_postgresql(
    app, client, make, login, programme, open_round
):
    p = programme
    ranked_round(client, login, p, open_round)
    coordinator_does(client, login, p.coordinator, open_round, "close")
    office = [p.coordinator.id, make.coordinator().id]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(user_id: int) -> None:
        with app.test_request_context():
            round_ = db.session.get(AllocationRound, open_round.id)
            user = db.session.get(User, user_id)
            start.wait()
            try:
                round_allocation.publish(round_, user, now=datetime.now(UTC))
                db.session.commit()
                outcomes.append("published")
            except rounds.RoundError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(uid,)) for uid in office]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["published", "refused"]
    db.session.expire_all()
    accepted = db.session.scalar(
        select(func.count(Application.id)).where(Application.status == "accepted")
    )
    assert accepted == 3
    assert kinds_for(p.wong).count("round_placed") == 1


def test_a_student_placed_by_the_round_cannot_apply_while_it_publishes(
    app, client, make, login, programme, open_round, monkeypatch
):
    """The application looks for a place while the round is publishing and inserts only
    after it committed: without the round's lock on the student it would find none and
    stay open beside the placement. With it, it waits for the round and is refused."""
    p = programme
    ranked_round(client, login, p, open_round)
    coordinator_does(client, login, p.coordinator, open_round, "close")
    elsewhere = make.posting(make.firm(name="Tencent Financial Technology")).id
    student_id, profile_id = p.wong.id, p.wong.profile.id  # placed in the risk internship
    publishing, checked, published = threading.Event(), threading.Event(), threading.Event()
    compute = round_allocation.compute

    def computing(*args: Any) -> Any:
        publishing.set()  # the round holds its locks: now the student applies
        return compute(*args)

    monkeypatch.setattr(round_allocation, "compute", computing)
    look_for_a_place_then_wait(monkeypatch, checked, published, WAIT)
    outcomes: dict[str, str] = {}

    def publish() -> None:
        with app.test_request_context():
            try:
                round_ = db.session.get(AllocationRound, open_round.id)
                coordinator = db.session.get(User, p.coordinator.id)
                round_allocation.publish(round_, coordinator, now=datetime.now(UTC))
                checked.wait(timeout=1)  # the lock keeps the student from looking: time out
                db.session.commit()
                outcomes["round"] = "published"
            finally:
                published.set()
                db.session.remove()

    def apply() -> None:
        with app.test_request_context():
            try:
                publishing.wait(timeout=WAIT)
                profile = db.session.get(StudentProfile, profile_id)
                posting = db.session.get(Posting, elsewhere)
                application_service.apply(
                    profile, posting, NOTE, today=date.today(), transfer_consent=True
                )
                db.session.commit()
                outcomes["apply"] = "sent"
            except application_service.ApplicationError as exc:
                db.session.rollback()
                outcomes["apply"] = str(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish), threading.Thread(target=apply)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes["round"] == "published"
    assert outcomes["apply"].startswith("You have accepted a place as")
    db.session.expire_all()
    held = db.session.execute(
        select(Application.posting_id, Application.status).where(
            Application.student_id == profile_id,
            Application.status.not_in(("withdrawn", "rejected", "declined")),
        )
    ).all()
    assert held == [(p.risk.id, "accepted")]
    assert "round_placed" in kinds_for(db.session.get(User, student_id))
