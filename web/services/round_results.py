"""What a round's stored result says: figures for the coordinator, rows for every page.

The rows are written by a preview or by publishing (web/services/round_allocation.py);
each figure is one aggregate query however large the round.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import AllocationRound, Posting, RoundChoice, RoundResult, StudentProfile


@dataclass(frozen=True)
class RoundStats:
    students: int
    matched: int
    first_choice: int
    no_list: int
    places: int
    by_choice: dict[int, int]

    @property
    def unmatched(self) -> int:
        return self.students - self.matched

    @property
    def filled(self) -> int:
        return self.matched

    @property
    def unfilled(self) -> int:
        return max(0, self.places - self.matched)


def stats(round_: AllocationRound) -> RoundStats | None:
    """Figures of the stored result (preview or published); None before the first run."""
    if round_.previewed_at is None and round_.published_at is None:
        return None
    listed = select(RoundChoice.student_id).where(RoundChoice.round_id == round_.id)
    students, matched, first, no_list = db.session.execute(
        select(
            func.count(RoundResult.id),
            func.count(RoundResult.posting_id),
            func.coalesce(func.sum(case((RoundResult.choice == 1, 1), else_=0)), 0),
            func.coalesce(func.sum(case((RoundResult.student_id.not_in(listed), 1), else_=0)), 0),
        ).where(RoundResult.round_id == round_.id)
    ).one()
    by_choice = dict(
        db.session.execute(
            select(RoundResult.choice, func.count(RoundResult.id))
            .where(RoundResult.round_id == round_.id, RoundResult.choice.is_not(None))
            .group_by(RoundResult.choice)
            .order_by(RoundResult.choice)
        ).all()
    )
    places = sum(rp.places or 0 for rp in round_.postings)
    return RoundStats(
        students=students,
        matched=matched,
        first_choice=int(first),
        no_list=int(no_list),
        places=places,
        by_choice={int(k): int(v) for k, v in by_choice.items()},
    )


@dataclass(frozen=True)
class ListCount:
    students: int  # students who saved a rank list
    postings: int  # postings whose employer saved an order


def list_count(round_: AllocationRound) -> ListCount:
    students = db.session.scalar(
        select(func.count(func.distinct(RoundChoice.student_id))).where(
            RoundChoice.round_id == round_.id
        )
    )
    return ListCount(
        students=students or 0,
        postings=sum(1 for rp in round_.postings if rp.ranked_at is not None),
    )


def filled_by_posting(round_: AllocationRound) -> dict[int, int]:
    """Students placed per posting in the stored result."""
    return dict(
        db.session.execute(
            select(RoundResult.posting_id, func.count(RoundResult.id))
            .where(RoundResult.round_id == round_.id, RoundResult.posting_id.is_not(None))
            .group_by(RoundResult.posting_id)
        ).all()
    )


def results_query(
    round_: AllocationRound, posting_ids: list[int] | None = None
) -> Select[tuple[RoundResult]]:
    """The stored result rows, placed students first, for paging."""
    stmt = (
        select(RoundResult)
        .where(RoundResult.round_id == round_.id)
        .options(
            selectinload(RoundResult.student).selectinload(StudentProfile.user),
            selectinload(RoundResult.posting).selectinload(Posting.firm),
        )
        .order_by(RoundResult.posting_id.is_(None), RoundResult.posting_id, RoundResult.id)
    )
    if posting_ids is not None:
        stmt = stmt.where(RoundResult.posting_id.in_(posting_ids))
    return stmt


def result_for(round_: AllocationRound, profile: StudentProfile) -> RoundResult | None:
    return db.session.scalar(
        select(RoundResult)
        .where(RoundResult.round_id == round_.id, RoundResult.student_id == profile.id)
        .options(selectinload(RoundResult.posting).selectinload(Posting.firm))
    )
