"""Allocation rounds: setting one up, its life (draft, open, closed, published), its rules.

A round is the programme's clearinghouse: for the postings in it, places are given by
the match (web/services/round_allocation.py) instead of by offers one at a time, so
while a round is open or closed its postings make no offers outside it
(:func:`check_offers_allowed`, called by the hiring workflow). Rank lists are edited
in web/services/round_lists.py. Services add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    AllocationRound,
    Application,
    Posting,
    RoundPosting,
    StudentProfile,
    User,
)
from web.models.applications import CLOSED_STATUSES
from web.models.rounds import ACTIVE_ROUND_STATUSES
from web.services import audit
from web.services.applications import ApplicationError
from web.services.interviews import as_utc
from web.services.notify import notify
from web.services.staff import firm_staff

STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open for rank lists"),
    "closed": _l("Rank lists closed"),
    "published": _l("Published"),
}
DEFAULT_MAX_CHOICES = 5


class RoundError(ValueError):
    """A change the round's state does not allow, with the reason for the user."""


class OffersDuringRound(ApplicationError):
    """The posting's places are being allocated by a round: no offers outside it."""


@dataclass
class RoundData:
    """What a coordinator sets when opening a round (times are aware, in UTC)."""

    name: str
    opens_at: datetime
    closes_at: datetime
    results_on: date
    max_choices: int = DEFAULT_MAX_CHOICES
    phase: int = 1
    posting_ids: list[int] = field(default_factory=list)
    parent_id: int | None = None


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def window_open(round_: AllocationRound, now: datetime) -> bool:
    """Whether students and employers may edit their rank lists now."""
    return round_.status == "open" and as_utc(round_.opens_at) <= now <= as_utc(round_.closes_at)


def get(round_id: int) -> AllocationRound | None:
    return db.session.scalar(
        select(AllocationRound)
        .where(AllocationRound.id == round_id)
        .options(
            selectinload(AllocationRound.postings)
            .selectinload(RoundPosting.posting)
            .selectinload(Posting.firm)
        )
    )


def list_query() -> Select[tuple[AllocationRound]]:
    return select(AllocationRound).order_by(AllocationRound.created_at.desc(), AllocationRound.id)


def busy_posting_ids(exclude_round_id: int | None = None) -> set[int]:
    """Postings already in a round that is not published (a posting is in one at a time)."""
    stmt = (
        select(RoundPosting.posting_id)
        .join(AllocationRound, AllocationRound.id == RoundPosting.round_id)
        .where(AllocationRound.status != "published")
    )
    if exclude_round_id is not None:
        stmt = stmt.where(AllocationRound.id != exclude_round_id)
    return set(db.session.scalars(stmt))


def candidate_postings(exclude_round_id: int | None = None) -> list[Posting]:
    """Open, approved postings that may join a round, by firm and ref."""
    busy = busy_posting_ids(exclude_round_id)
    postings = db.session.scalars(
        select(Posting)
        .where(Posting.status == "open", Posting.review_status == "approved")
        .options(selectinload(Posting.firm))
        .order_by(Posting.ref)
    ).all()
    return [p for p in postings if p.id not in busy]


def places_left(posting_ids: Sequence[int]) -> dict[int, int]:
    """Capacity minus accepted applications, per posting, in one query."""
    if not posting_ids:
        return {}
    accepted = (
        select(Application.posting_id, func.count(Application.id).label("n"))
        .where(Application.posting_id.in_(posting_ids), Application.status == "accepted")
        .group_by(Application.posting_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Posting.id, Posting.capacity - func.coalesce(accepted.c.n, 0))
        .outerjoin(accepted, accepted.c.posting_id == Posting.id)
        .where(Posting.id.in_(posting_ids))
    )
    return {pid: max(0, int(left)) for pid, left in rows}


def _check(data: RoundData, round_id: int | None) -> list[Posting]:
    if not data.name.strip():
        raise RoundError(_("Give the round a name."))
    if as_utc(data.closes_at) <= as_utc(data.opens_at):
        raise RoundError(_("Rank lists must close after they open."))
    if data.results_on < as_utc(data.closes_at).date():
        raise RoundError(_("The result date cannot come before rank lists close."))
    allowed = {p.id: p for p in candidate_postings(round_id)}
    unknown = [pid for pid in data.posting_ids if pid not in allowed]
    if unknown:
        raise RoundError(
            _("Only open postings that are in no other round can take part in a round.")
        )
    return [allowed[pid] for pid in dict.fromkeys(data.posting_ids)]


def create(data: RoundData, actor: User) -> AllocationRound:
    """A draft round; nothing happens for students or employers until it is opened."""
    postings = _check(data, None)
    round_ = AllocationRound(created_by_id=actor.id)
    _apply(round_, data, postings)
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "round.created", round_, name=round_.name, postings=len(postings))
    return round_


def update(round_: AllocationRound, data: RoundData, actor: User) -> None:
    """Change a draft round."""
    if round_.status != "draft":
        raise RoundError(_("Only a draft round can be changed."))
    postings = _check(data, round_.id)
    _apply(round_, data, postings)
    db.session.flush()
    audit.record(actor, "round.updated", round_, postings=len(postings))


def _apply(round_: AllocationRound, data: RoundData, postings: list[Posting]) -> None:
    round_.name = data.name.strip()
    round_.opens_at, round_.closes_at = as_utc(data.opens_at), as_utc(data.closes_at)
    round_.results_on = data.results_on
    round_.max_choices, round_.phase, round_.parent_id = (
        data.max_choices,
        data.phase,
        data.parent_id,
    )
    keep = {rp.posting_id: rp for rp in round_.postings}
    round_.postings = [keep.get(p.id) or RoundPosting(posting=p) for p in postings]


def lock(round_: AllocationRound) -> None:
    """Lock the round's row and read it again (a no-op lock on SQLite).

    Of two coordinators acting on a round at once, the second waits for the first and
    then sees the round as the first left it, so it is not opened or published twice.
    """
    db.session.execute(
        select(AllocationRound)
        .where(AllocationRound.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def open_round(round_: AllocationRound, actor: User | None) -> int:
    """Draft to open: tell the students who applied and the firms. Returns how many were told."""
    lock(round_)
    if round_.status != "draft":
        raise RoundError(_("Only a draft round can be opened."))
    if not round_.postings:
        raise RoundError(_("Choose at least one posting for the round."))
    busy = busy_posting_ids(round_.id) & {rp.posting_id for rp in round_.postings}
    if busy:
        raise RoundError(_("Some of these postings are already in another round."))
    round_.status = "open"
    audit.record(actor, "round.opened", round_)
    told = 0
    params = {
        "round": round_.name,
        "closes": as_utc(round_.closes_at),  # worded per reader: web/services/messages.py
    }
    for user in applicants_of(round_):
        notify(
            user, "round_opened", link=url_for("student.round_page", round_id=round_.id), **params
        )
        told += 1
    for firm_id in sorted({rp.posting.firm_id for rp in round_.postings}):
        for member in firm_staff(firm_id):
            notify(
                member,
                "round_opened_firm",
                link=url_for("employer.round_page", round_id=round_.id),
                **params,
            )
            told += 1
    db.session.flush()
    return told


def close_round(round_: AllocationRound, actor: User | None) -> None:
    """Open to closed: rank lists can no longer change (the coordinator may close early)."""
    lock(round_)
    if round_.status != "open":
        raise RoundError(_("Only an open round can be closed."))
    round_.status = "closed"
    audit.record(actor, "round.closed", round_)
    db.session.flush()


def applicants_of(round_: AllocationRound) -> list[User]:
    """Students with an open application to one of the round's postings."""
    posting_ids = [rp.posting_id for rp in round_.postings]
    if not posting_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(StudentProfile, StudentProfile.user_id == User.id)
            .where(
                StudentProfile.id.in_(
                    select(Application.student_id).where(
                        Application.posting_id.in_(posting_ids),
                        Application.status.not_in(CLOSED_STATUSES),
                    )
                )
            )
            .order_by(User.id)
        )
    )


def active_round_of(posting_id: int) -> AllocationRound | None:
    """The open or closed round a posting is in, if any."""
    return db.session.scalar(
        select(AllocationRound)
        .join(RoundPosting, RoundPosting.round_id == AllocationRound.id)
        .where(
            RoundPosting.posting_id == posting_id,
            AllocationRound.status.in_(ACTIVE_ROUND_STATUSES),
        )
        .limit(1)
    )


def check_offers_allowed(posting: Posting) -> None:
    """Raise ``OffersDuringRound`` while the posting's places are being allocated by a round."""
    round_ = active_round_of(posting.id)
    if round_ is not None:
        raise OffersDuringRound(
            _(
                "%(posting)s takes part in the programme round “%(round)s”: its places are "
                "allocated by the round, so no offers can be made outside it until the "
                "results are published. Nothing was changed.",
                posting=posting.title,
                round=round_.name,
            )
        )


def phase_two_data(parent: AllocationRound, now: datetime) -> RoundData:
    """A phase-2 round after ``parent``: its postings that still have places left."""
    ids = [rp.posting_id for rp in parent.postings]
    left = places_left(ids)
    open_ids = {p.id for p in candidate_postings(parent.id)}
    closes_at = now + (as_utc(parent.closes_at) - as_utc(parent.opens_at))
    return RoundData(
        name=_("%(name)s: phase 2", name=parent.name),
        opens_at=now,
        closes_at=closes_at,
        results_on=(closes_at + (parent.results_on - as_utc(parent.closes_at).date())).date(),
        max_choices=parent.max_choices,
        phase=2,
        posting_ids=[pid for pid in ids if left.get(pid, 0) > 0 and pid in open_ids],
        parent_id=parent.id,
    )


def rounds_for_firm_query(firm_id: int) -> Select[tuple[AllocationRound]]:
    """Rounds (not drafts) in which one of the firm's postings takes part."""
    return (
        select(AllocationRound)
        .where(
            AllocationRound.status != "draft",
            AllocationRound.id.in_(
                select(RoundPosting.round_id)
                .join(Posting, Posting.id == RoundPosting.posting_id)
                .where(Posting.firm_id == firm_id)
            ),
        )
        .order_by(AllocationRound.created_at.desc(), AllocationRound.id)
    )


def rounds_for_student_query(profile: StudentProfile) -> Select[tuple[AllocationRound]]:
    """Rounds (not drafts) with a posting the student applied to."""
    applied = select(Application.posting_id).where(Application.student_id == profile.id)
    return (
        select(AllocationRound)
        .where(
            AllocationRound.status != "draft",
            AllocationRound.id.in_(
                select(RoundPosting.round_id).where(RoundPosting.posting_id.in_(applied))
            ),
        )
        .order_by(AllocationRound.created_at.desc(), AllocationRound.id)
    )
