"""Rank lists of a round: each student's choices, each employer's order of applicants.

Students rank, most wanted first, up to the round's ``max_choices`` of the round's
postings they applied to (with the application still open). Employers see their open
applicants in the matcher's order (``ranking.score_students``) until they save their
own; applicants who apply later join after the saved ones, in the matcher's order.
Both sides edit only while the round's window is open. Services add and flush.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    AllocationRound,
    Application,
    Posting,
    RoundChoice,
    RoundPosting,
    RoundRanking,
    StudentProfile,
    User,
)
from web.models.applications import CLOSED_STATUSES
from web.services import audit, ranking
from web.services.rounds import RoundError, window_open


def _check_window(round_: AllocationRound, now: datetime) -> None:
    if not window_open(round_, now):
        raise RoundError(_("Rank lists for this round can no longer be changed."))


# -- students ------------------------------------------------------------------------------


def student_options(round_: AllocationRound, profile: StudentProfile) -> list[Posting]:
    """The round's postings this student may rank: applied to, application still open."""
    return list(
        db.session.scalars(
            select(Posting)
            .join(Application, Application.posting_id == Posting.id)
            .join(RoundPosting, RoundPosting.posting_id == Posting.id)
            .where(
                RoundPosting.round_id == round_.id,
                Application.student_id == profile.id,
                Application.status.not_in(CLOSED_STATUSES),
            )
            .options(selectinload(Posting.firm))
            .order_by(Posting.title, Posting.ref)
        )
    )


def student_choices(round_: AllocationRound, profile: StudentProfile) -> list[RoundChoice]:
    """The student's saved rank list, first choice first."""
    return list(
        db.session.scalars(
            select(RoundChoice)
            .where(RoundChoice.round_id == round_.id, RoundChoice.student_id == profile.id)
            .options(selectinload(RoundChoice.posting).selectinload(Posting.firm))
            .order_by(RoundChoice.position)
        )
    )


def save_student_choices(
    round_: AllocationRound,
    profile: StudentProfile,
    posting_ids: Sequence[int | None],
    *,
    now: datetime,
) -> list[RoundChoice]:
    """Replace the student's rank list; blanks between choices close up.

    Raises ``RoundError`` when the window is closed, a posting is listed twice, is not
    in the round, was not applied to, or there are more choices than the round allows.
    """
    _check_window(round_, now)
    chosen = [pid for pid in posting_ids if pid]
    if len(chosen) > round_.max_choices:
        raise RoundError(
            _("You can rank at most %(num)d internships in this round.", num=round_.max_choices)
        )
    in_round = {rp.posting_id: rp.posting for rp in round_.postings}
    allowed = {p.id for p in student_options(round_, profile)}
    seen: set[int] = set()
    for pid in chosen:
        if pid not in in_round:
            raise RoundError(_("One of your choices is not an internship of this round."))
        if pid in seen:
            raise RoundError(_("You listed %(posting)s twice.", posting=in_round[pid].title))
        if pid not in allowed:
            raise RoundError(
                _(
                    "You can rank only internships you applied to and whose application is "
                    "still open: %(posting)s is not one of them.",
                    posting=in_round[pid].title,
                )
            )
        seen.add(pid)
    db.session.execute(
        delete(RoundChoice).where(
            RoundChoice.round_id == round_.id, RoundChoice.student_id == profile.id
        )
    )
    rows = [
        RoundChoice(round_id=round_.id, student_id=profile.id, posting_id=pid, position=n)
        for n, pid in enumerate(chosen, start=1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


# -- employers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """One applicant in a posting's order for the round."""

    student_id: int
    score: float
    position: int
    acceptable: bool


def posting_order(
    posting: Posting,
    applicant_ids: Iterable[int],
    saved: Mapping[int, RoundRanking] | None,
) -> list[Ranked]:
    """The posting's order of its applicants: the employer's, else the matcher's.

    ``saved`` holds the employer's rows (None: never saved). Applicants without a saved
    row come after the saved ones; ties and newcomers follow the matcher's order.
    """
    rows = saved or {}
    ids = sorted(set(applicant_ids))
    scored = ranking.score_students(posting, ids) if ids else None
    matcher = {int(s): n for n, s in enumerate(scored.ids)} if scored is not None else {}
    score = (
        {int(s): float(v) for s, v in zip(scored.ids, scored.scores, strict=True)}
        if scored is not None
        else {}
    )
    last = len(matcher)

    def key(sid: int) -> tuple[int, int, int]:
        row = rows.get(sid)
        if row is None:
            return (1, 0, matcher.get(sid, last))
        return (0, row.position, matcher.get(sid, last))

    ordered = sorted(ids, key=lambda sid: (*key(sid), sid))
    return [
        Ranked(
            student_id=sid,
            score=score.get(sid, 0.0),
            position=n,
            acceptable=rows[sid].acceptable if sid in rows else True,
        )
        for n, sid in enumerate(ordered, start=1)
    ]


def open_applicant_ids(posting_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Application.student_id).where(
                Application.posting_id == posting_id,
                Application.status.not_in(CLOSED_STATUSES),
                Application.student_id.is_not(None),  # anonymised: nobody to rank
            )
        )
    )


def saved_rankings(
    round_id: int, posting_id: int | None = None
) -> dict[int, dict[int, RoundRanking]]:
    """The employers' saved rows of a round: posting id -> student id -> row."""
    stmt = select(RoundRanking).where(RoundRanking.round_id == round_id)
    if posting_id is not None:
        stmt = stmt.where(RoundRanking.posting_id == posting_id)
    out: dict[int, dict[int, RoundRanking]] = {}
    for row in db.session.scalars(stmt):
        out.setdefault(row.posting_id, {})[row.student_id] = row
    return out


def employer_order(round_: AllocationRound, round_posting: RoundPosting) -> list[Ranked]:
    """The order an employer sees and edits for one posting of the round."""
    saved = None
    if round_posting.ranked_at is not None:
        saved = saved_rankings(round_.id, round_posting.posting_id).get(
            round_posting.posting_id, {}
        )
    return posting_order(round_posting.posting, open_applicant_ids(round_posting.posting_id), saved)


def applications_by_student(posting_id: int, student_ids: Sequence[int]) -> dict[int, Application]:
    """The posting's applications of these students, with what the ranking page shows."""
    if not student_ids:
        return {}
    rows = db.session.scalars(
        select(Application)
        .where(Application.posting_id == posting_id, Application.student_id.in_(student_ids))
        .options(selectinload(Application.student).selectinload(StudentProfile.user))
    )
    return {a.student_id: a for a in rows}


def save_employer_order(
    round_: AllocationRound,
    round_posting: RoundPosting,
    entries: Mapping[int, tuple[int, bool]],
    actor: User,
    *,
    now: datetime,
) -> list[Ranked]:
    """Save positions and acceptability for some applicants (one page of the list).

    ``entries`` maps student ids to (position, acceptable). The whole list is then
    renumbered 1..n: an applicant given the position another holds goes before them.
    """
    _check_window(round_, now)
    current = employer_order(round_, round_posting)
    by_id = {r.student_id: r for r in current}
    unknown = set(entries) - set(by_id)
    if unknown:
        raise RoundError(_("Some of these students are not open applicants of this posting."))
    if any(position < 1 for position, _ok in entries.values()):
        raise RoundError(_("Positions start at 1."))

    def key(row: Ranked) -> tuple[int, int, int]:
        position, _ok = entries.get(row.student_id, (row.position, row.acceptable))
        moved = row.student_id in entries and position != row.position
        return (position, 0 if moved else 1, row.position)

    ordered = sorted(current, key=key)
    db.session.execute(
        delete(RoundRanking).where(
            RoundRanking.round_id == round_.id,
            RoundRanking.posting_id == round_posting.posting_id,
        )
    )
    db.session.add_all(
        RoundRanking(
            round_id=round_.id,
            posting_id=round_posting.posting_id,
            student_id=row.student_id,
            position=n,
            acceptable=entries.get(row.student_id, (0, row.acceptable))[1],
        )
        for n, row in enumerate(ordered, start=1)
    )
    round_posting.ranked_at, round_posting.ranked_by_id = now, actor.id
    audit.record(
        actor,
        "round.ranking_saved",
        round_,
        posting=round_posting.posting_id,
        not_acceptable=sum(1 for _p, ok in entries.values() if not ok),
    )
    db.session.flush()
    return employer_order(round_, round_posting)
