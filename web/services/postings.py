"""Finding, saving and changing postings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import Application, Firm, Posting, PostingLanguage, PostingSkill
from web.models.base import utcnow
from web.pagination import ListPage
from web.services.skills import skill_key


@dataclass(frozen=True)
class SkillNeed:
    name: str
    level: int


@dataclass
class PostingData:
    """What a form or an import row says about a posting."""

    title: str
    description: str
    location: str
    start_date: date
    end_date: date
    capacity: int
    deadline: date | None
    required: list[SkillNeed]
    preferred: list[SkillNeed]
    languages: list[SkillNeed]


def open_postings_query(q: str = "", firm_id: int | None = None) -> Select[tuple[Posting]]:
    """Open postings, newest deadline last, filtered by keyword and firm."""
    return _filtered(select(Posting), q, firm_id).options(
        selectinload(Posting.firm), selectinload(Posting.skills)
    )


def search(q: str, firm_id: int | None, page: int, per_page: int) -> ListPage[Posting]:
    """One page of open postings matching the keywords, filtered once.

    A keyword is looked for in every open posting's texts and skills (tens of
    milliseconds on 5,000 postings); a paginated query would do that twice, for the page
    and for its count. Here the matching ids come once, in order, and only the page's
    postings are loaded. A page past the last shows the last.
    """
    ids = db.session.scalars(_filtered(select(Posting.id), q, firm_id)).all()
    result: ListPage[Any] = ListPage.of(ids, page, per_page)
    shown = {
        p.id: p
        for p in db.session.scalars(
            select(Posting)
            .where(Posting.id.in_(result.items))
            .options(selectinload(Posting.firm), selectinload(Posting.skills))
        )
    }
    result.items = [shown[i] for i in result.items if i in shown]
    return result


def _filtered(stmt: Select[Any], q: str, firm_id: int | None) -> Select[Any]:
    stmt = stmt.join(Posting.firm).where(
        Posting.status == "open", Posting.review_status == "approved"
    )
    if firm_id:
        stmt = stmt.where(Posting.firm_id == firm_id)
    for word in q.split()[:8]:
        like = f"%{word.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Posting.title).like(like),
                func.lower(Posting.description).like(like),
                func.lower(Posting.location).like(like),
                func.lower(Firm.name).like(like),
                Firm.name_zh.like(f"%{word}%"),
                Posting.skills.any(func.lower(PostingSkill.name).like(like)),
            )
        )
    return stmt.order_by(Posting.deadline.is_(None), Posting.deadline, Posting.id)


def firms_with_open_postings() -> list[Firm]:
    return list(
        db.session.scalars(
            select(Firm)
            .where(
                Firm.postings.any(
                    (Posting.status == "open") & (Posting.review_status == "approved")
                )
            )
            .order_by(Firm.name)
        )
    )


def get_by_ref(ref: str) -> Posting | None:
    return db.session.scalar(
        select(Posting)
        .where(Posting.ref == ref)
        .options(
            selectinload(Posting.firm),
            selectinload(Posting.skills),
            selectinload(Posting.languages),
        )
    )


def apply_data(posting: Posting, data: PostingData) -> None:
    """Copy form or import data onto a posting, replacing its skills and languages."""
    if posting.id is not None:
        # Delete the old rows first so a re-added skill does not hit the unique key.
        posting.skills.clear()
        posting.languages.clear()
        db.session.flush()
    posting.title = data.title
    posting.description = data.description
    posting.location = data.location or None
    posting.start_date = data.start_date
    posting.end_date = data.end_date
    posting.capacity = data.capacity
    posting.deadline = data.deadline
    posting.skills = _skills(data.required, "required") + _skills(data.preferred, "preferred")
    posting.languages = [
        PostingLanguage(language=lang.name, min_level=lang.level) for lang in data.languages
    ]
    posting.updated_at = utcnow()  # new skills alone do not touch the row; recommendations need it


def _skills(needs: list[SkillNeed], kind: str) -> list[PostingSkill]:
    return [
        PostingSkill(name=n.name, key=skill_key(n.name), kind=kind, min_level=n.level)
        for n in needs
    ]


def next_ref(firm: Firm, year: int) -> str:
    """A readable unique reference such as WEB-2027-004 for postings made in the app."""
    prefix = "".join(ch for ch in firm.name.upper() if ch.isalnum())[:3] or "TB"
    stem = f"{prefix}-{year}-"
    taken = set(db.session.scalars(select(Posting.ref).where(Posting.ref.like(f"{stem}%"))))
    n = 1
    while f"{stem}{n:03d}" in taken:
        n += 1
    return f"{stem}{n:03d}"


def applicant_counts(posting_ids: list[int]) -> dict[int, int]:
    """Live (not withdrawn) applications per posting, in one query."""
    if not posting_ids:
        return {}
    rows = db.session.execute(
        select(Application.posting_id, func.count())
        .where(Application.posting_id.in_(posting_ids), Application.status != "withdrawn")
        .group_by(Application.posting_id)
    )
    return {pid: n for pid, n in rows}
