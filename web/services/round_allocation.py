"""Running a round: rows to integer ids, deferred acceptance, preview, publish, statistics.

Who takes part is read when the allocation runs: every student with an open application
to one of the round's postings (a student who did not rank stays unplaced), each
posting's places (capacity minus accepted applications), the students' rank lists
without the choices whose application has closed since, and the employers' orders
(web/services/round_lists.py). A preview stores the result for the coordinator and
changes nothing else. Publishing runs the allocation again on the data as it is then,
under locks on the taking part students' and the round's posting rows (in the order
applying and accepting take them), and in the caller's one transaction makes
every placement an accepted application, withdraws the placed students' other open
applications and tells every student and firm concerned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from matching.allocation import UNASSIGNED, deferred_acceptance
from web.extensions import db
from web.models import (
    AllocationRound,
    Application,
    ApplicationEvent,
    Posting,
    RoundChoice,
    RoundResult,
    StudentProfile,
    User,
)
from web.models.applications import CLOSED_STATUSES
from web.services import audit
from web.services.notify import notify
from web.services.round_lists import posting_order, saved_rankings
from web.services.rounds import RoundError, as_utc, lock, places_left
from web.services.staff import firm_staff


@dataclass(frozen=True)
class Outcome:
    """The allocation of a round: for each student taking part, a posting or None."""

    placed: dict[int, int | None]  # student id -> posting id
    choice: dict[int, int]  # student id -> position of that posting in their list
    places: dict[int, int]  # posting id -> places given to the round


def compute(round_: AllocationRound) -> Outcome:
    """Run deferred acceptance on the round's current rank lists and places."""
    posting_ids = [rp.posting_id for rp in round_.postings]
    places = places_left(posting_ids)
    postings = {
        p.id: p
        for p in db.session.scalars(
            select(Posting)
            .where(Posting.id.in_(posting_ids))
            .options(selectinload(Posting.skills), selectinload(Posting.languages))
        )
    }
    applicants: dict[int, list[int]] = defaultdict(list)
    for student_id, posting_id in db.session.execute(
        select(Application.student_id, Application.posting_id)
        .where(
            Application.posting_id.in_(posting_ids),
            Application.status.not_in(CLOSED_STATUSES),
            Application.student_id.is_not(None),  # anonymised: nobody to place
        )
        .order_by(Application.student_id, Application.posting_id)
    ):
        applicants[posting_id].append(student_id)
    students = sorted({s for ids in applicants.values() for s in ids})
    student_index = {s: i for i, s in enumerate(students)}
    posting_index = {p: i for i, p in enumerate(posting_ids)}

    eligible = {(s, p) for p, ids in applicants.items() for s in ids}
    student_prefs: list[list[int]] = [[] for _ in students]
    positions: dict[tuple[int, int], int] = {}
    for student_id, posting_id, position in db.session.execute(
        select(RoundChoice.student_id, RoundChoice.posting_id, RoundChoice.position)
        .where(RoundChoice.round_id == round_.id)
        .order_by(RoundChoice.student_id, RoundChoice.position)
    ):
        if (student_id, posting_id) in eligible:
            student_prefs[student_index[student_id]].append(posting_index[posting_id])
            positions[student_id, posting_id] = position

    saved = saved_rankings(round_.id)
    ranked = {rp.posting_id for rp in round_.postings if rp.ranked_at is not None}
    posting_prefs = []
    for pid in posting_ids:
        order = posting_order(
            postings[pid], applicants.get(pid, []), saved.get(pid, {}) if pid in ranked else None
        )
        posting_prefs.append([student_index[r.student_id] for r in order if r.acceptable])

    assignment = deferred_acceptance(
        student_prefs, posting_prefs, [places.get(pid, 0) for pid in posting_ids]
    )
    placed = {
        s: (posting_ids[a] if a != UNASSIGNED else None)
        for s, a in zip(students, assignment.tolist(), strict=True)
    }
    choice = {s: positions[s, p] for s, p in placed.items() if p is not None}
    return Outcome(placed=placed, choice=choice, places=places)


def _store(round_: AllocationRound, outcome: Outcome) -> None:
    """Replace the round's result rows (Core inserts: a programme may have thousands)."""
    db.session.execute(delete(RoundResult).where(RoundResult.round_id == round_.id))
    rows = [
        {
            "round_id": round_.id,
            "student_id": s,
            "posting_id": p,
            "choice": outcome.choice.get(s),
        }
        for s, p in outcome.placed.items()
    ]
    if rows:
        db.session.execute(insert(RoundResult), rows)
    for rp in round_.postings:
        rp.places = outcome.places.get(rp.posting_id, 0)


def preview(round_: AllocationRound, actor: User | None, *, now: datetime) -> Outcome:
    """Compute and store the result for the coordinator; nobody else sees or hears of it."""
    if round_.status not in ("open", "closed"):
        raise RoundError(_("Only an open or closed round can be previewed."))
    outcome = compute(round_)
    _store(round_, outcome)
    round_.previewed_at = now
    audit.record(actor, "round.previewed", round_, placed=_placed_count(outcome))
    db.session.flush()
    return outcome


def _placed_count(outcome: Outcome) -> int:
    return sum(1 for p in outcome.placed.values() if p is not None)


def publish(round_: AllocationRound, actor: User | None, *, now: datetime) -> Outcome:
    """Allocate for real: placements, withdrawals and notices, all in the caller's transaction.

    An open round whose window has ended is closed first; one still open is refused.
    ``actor`` is the coordinator (None: the command line), kept in every history entry.
    """
    lock(round_)  # a second coordinator publishing at once then finds it published
    if round_.status == "open" and now > as_utc(round_.closes_at):
        round_.status = "closed"
    if round_.status != "closed":
        raise RoundError(
            _("Close the rank lists before publishing.")
            if round_.status == "open"
            else _("Only a closed round can be published.")
        )
    posting_ids = [rp.posting_id for rp in round_.postings]
    # Every taking part student first, in id order, then the postings: the order applying
    # and accepting an offer lock in, so nobody applies elsewhere or takes an offer while
    # the round places them, and no place is taken while it allocates.
    taking_part = select(Application.student_id).where(Application.posting_id.in_(posting_ids))
    db.session.execute(
        select(StudentProfile.id)
        .where(StudentProfile.id.in_(taking_part))
        .order_by(StudentProfile.id)
        .with_for_update()
    ).all()
    db.session.execute(
        select(Posting.id).where(Posting.id.in_(posting_ids)).with_for_update()
    ).all()
    outcome = compute(round_)
    _store(round_, outcome)

    note = _("Allocated in round “%(round)s”.", round=round_.name)
    placed_ids = [s for s, p in outcome.placed.items() if p is not None]
    applications = _applications(
        Application.student_id.in_(placed_ids), Application.posting_id.in_(posting_ids)
    )
    placements = [a for a in applications if outcome.placed.get(a.student_id) == a.posting_id]
    for application in placements:
        _move(application, "accepted", actor, note)
    kept = {a.id for a in placements}
    staff = _StaffCache()
    withdrawn_note = _(
        "Withdrawn automatically: the student was placed in round “%(round)s”.",
        round=round_.name,
    )
    for other in _applications(
        Application.student_id.in_(placed_ids), Application.status.not_in(CLOSED_STATUSES)
    ):
        if other.id in kept:
            continue
        _move(other, "withdrawn", actor, withdrawn_note)
        link = url_for("employer.application", application_id=other.id)
        for member in staff(other.posting.firm_id):
            notify(
                member,
                "withdrawn_after_placement",
                link=link,
                student=_name(other.student),
                posting=other.posting.title,
                firm=other.posting.firm,
            )
    _tell_students(round_, outcome, placements)
    _tell_firms(round_, placements, staff)

    round_.status = "published"
    round_.published_at = now
    round_.published_by_id = actor.id if actor else None
    audit.record(
        actor,
        "round.published",
        round_,
        students=len(outcome.placed),
        placed=len(placements),
    )
    db.session.flush()
    return outcome


def _applications(*where: object) -> list[Application]:
    if not where:
        return []
    return list(
        db.session.scalars(
            select(Application)
            .where(*where)
            .options(
                selectinload(Application.student).selectinload(StudentProfile.user),
                selectinload(Application.posting).selectinload(Posting.firm),
            )
            .order_by(Application.id)
        )
    )


def _move(application: Application, to_status: str, actor: User | None, note: str) -> None:
    """A change of stage kept as the hiring workflow keeps one (history and audit).

    Not ``stages.transition``: its rules are the student's and the employer's, and it
    flushes each change, while a round places thousands at once and flushes once.
    """
    application.events.append(
        ApplicationEvent(
            actor_id=actor.id if actor else None,
            from_status=application.status,
            to_status=to_status,
            note=note,
        )
    )
    audit.record(
        actor,
        "application.stage_changed",
        application,
        from_status=application.status,
        to_status=to_status,
        reason=None,
    )
    application.status = to_status


class _StaffCache:
    """Approved staff per firm, looked up once per publish."""

    def __init__(self) -> None:
        self._by_firm: dict[int, list[User]] = {}

    def __call__(self, firm_id: int) -> list[User]:
        if firm_id not in self._by_firm:
            self._by_firm[firm_id] = firm_staff(firm_id)
        return self._by_firm[firm_id]


def _name(profile: StudentProfile) -> str:
    return profile.full_name or profile.user.email


def _tell_students(
    round_: AllocationRound, outcome: Outcome, placements: list[Application]
) -> None:
    by_student = {a.student_id: a for a in placements}
    profiles = db.session.scalars(
        select(StudentProfile)
        .where(StudentProfile.id.in_(list(outcome.placed)))
        .options(selectinload(StudentProfile.user))
        .order_by(StudentProfile.id)
    )
    link = url_for("student.round_page", round_id=round_.id)
    for profile in profiles:
        application = by_student.get(profile.id)
        if application is None:
            notify(profile.user, "round_unplaced", link=link, round=round_.name)
        else:
            notify(
                profile.user,
                "round_placed",
                link=url_for("student.application", application_id=application.id),
                round=round_.name,
                posting=application.posting.title,
                firm=application.posting.firm,
            )


def _tell_firms(round_: AllocationRound, placements: list[Application], staff: _StaffCache) -> None:
    count: dict[int, int] = defaultdict(int)
    for application in placements:
        count[application.posting_id] += 1
    link = url_for("employer.round_page", round_id=round_.id)
    for rp in round_.postings:
        for member in staff(rp.posting.firm_id):
            notify(
                member,
                "round_results",
                link=link,
                round=round_.name,
                posting=rp.posting.title,
                count=count.get(rp.posting_id, 0),
                places=rp.places or 0,
            )
