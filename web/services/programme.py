"""Programme-wide figures for the coordinator's pages, each in a single query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from web.extensions import db
from web.models import (
    APPLICATION_STATUSES,
    Application,
    EmployerMembership,
    Firm,
    Posting,
    StudentProfile,
    User,
)


@dataclass(frozen=True)
class Overview:
    students: int
    firms: int
    postings_open: int
    postings_total: int
    places_open: int
    applications: int
    pending_employers: int
    by_status: dict[str, int]


def overview() -> Overview:
    by_status = dict(
        db.session.execute(
            select(Application.status, func.count()).group_by(Application.status)
        ).all()
    )
    postings_total, postings_open, places_open = db.session.execute(
        select(
            func.count(Posting.id),
            func.count(Posting.id).filter(Posting.status == "open"),
            func.coalesce(func.sum(Posting.capacity).filter(Posting.status == "open"), 0),
        )
    ).one()
    return Overview(
        students=db.session.scalar(select(func.count(StudentProfile.id))) or 0,
        firms=db.session.scalar(select(func.count(Firm.id))) or 0,
        postings_open=postings_open,
        postings_total=postings_total,
        places_open=places_open,
        applications=sum(by_status.values()),
        pending_employers=db.session.scalar(
            select(func.count(EmployerMembership.id))
            .join(EmployerMembership.user)
            .where(EmployerMembership.status == "pending", User.email_verified_at.is_not(None))
        )
        or 0,
        by_status={s: by_status.get(s, 0) for s in APPLICATION_STATUSES},
    )


def firm_posting_counts(firm_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(open postings, all postings) per firm, in one query."""
    if not firm_ids:
        return {}
    rows = db.session.execute(
        select(
            Posting.firm_id,
            func.count(Posting.id).filter(Posting.status == "open"),
            func.count(Posting.id),
        )
        .where(Posting.firm_id.in_(firm_ids))
        .group_by(Posting.firm_id)
    )
    return {firm_id: (open_, total) for firm_id, open_, total in rows}
