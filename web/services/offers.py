"""Offers and places: employers may offer more places than they have, acceptances are capped.

A firm may make more offers than a posting has places (students decline, and waiting
for each answer in turn would lose good candidates), but a posting never has more
accepted offers than places: acceptance counts the accepted applications while holding
a lock on the posting row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the
database-wide write lock serialises writers), so two students racing for the last place
cannot both get it. Accepting one offer withdraws the student's other open applications;
a lock on the student's profile row, taken first, serialises one student's acceptances.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from web.extensions import db
from web.formatting import firm_name
from web.models import CLOSED_STATUSES, Application, Posting, User
from web.services import applications
from web.services.applications import ApplicationError
from web.services.rounds import check_offers_allowed
from web.services.stages import EMPLOYER, STUDENT, check, transition


class PostingFull(ApplicationError):
    """Every place of the posting is taken by an accepted offer."""


@dataclass(frozen=True)
class Places:
    capacity: int
    accepted: int
    offered: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.accepted)


def places(posting: Posting) -> Places:
    """How many of a posting's places are taken, and how many offers await an answer."""
    counts = dict(
        db.session.execute(
            select(Application.status, func.count(Application.id))
            .where(
                Application.posting_id == posting.id,
                Application.status.in_(("accepted", "offered")),
            )
            .group_by(Application.status)
        ).all()
    )
    return Places(posting.capacity, counts.get("accepted", 0), counts.get("offered", 0))


def make_offer(
    application: Application, actor: User, *, expected_version: int | None = None
) -> None:
    """The firm offers the student a place (allowed even when offers exceed places).

    Refused while the posting is in an open or closed allocation round: the round gives
    its places (``rounds.OffersDuringRound``).
    """
    check_offers_allowed(application.posting)
    transition(application, "offered", actor, role=EMPLOYER, expected_version=expected_version)


def accept(
    application: Application, student: User, *, expected_version: int | None = None
) -> list[Application]:
    """Accept an offer if a place is left; withdraw the student's other open applications.

    Returns the applications withdrawn as a consequence. Raises ``PostingFull`` (nothing
    changed) when every place is already taken.
    """
    _lock_student(application)
    check(application, "accepted", role=STUDENT, expected_version=expected_version)
    posting = _locked_posting(application.posting_id)
    taken = db.session.scalar(
        select(func.count(Application.id)).where(
            Application.posting_id == posting.id, Application.status == "accepted"
        )
    )
    if (taken or 0) >= posting.capacity:
        raise PostingFull(
            _(
                "Every place of %(posting)s at %(firm)s has been taken, so this offer can no "
                "longer be accepted. Nothing was changed.",
                posting=posting.title,
                firm=firm_name(posting.firm),
            )
        )
    transition(application, "accepted", student, role=STUDENT)
    others = db.session.scalars(
        select(Application)
        .where(
            Application.student_id == application.student_id,
            Application.id != application.id,
            Application.status.not_in(CLOSED_STATUSES),
        )
        .order_by(Application.id)
    ).all()
    note = _(
        "Withdrawn automatically: the student accepted an offer for %(posting)s (%(ref)s).",
        posting=posting.title,
        ref=posting.ref,
    )
    for other in others:
        transition(
            other,
            "withdrawn",
            student,
            role=STUDENT,
            note=note,
            announce="withdrawn_after_placement",
        )
    return list(others)


def decline(
    application: Application, student: User, *, expected_version: int | None = None
) -> None:
    """The student declines the offer; the firm is told."""
    transition(application, "declined", student, role=STUDENT, expected_version=expected_version)


def _lock_student(application: Application) -> None:
    """Lock the student's profile row, then read the application again.

    Accepting one offer withdraws the student's others: two acceptances by one student
    at once (two tabs) would each update the other's application and deadlock. Locked
    first, the second waits for the first, then finds its offer withdrawn.
    """
    applications.lock_student(application.student_id)
    db.session.refresh(application)


def _locked_posting(posting_id: int) -> Posting:
    """The posting, its row locked until the transaction ends (no-op lock on SQLite)."""
    return db.session.execute(
        select(Posting)
        .where(Posting.id == posting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
