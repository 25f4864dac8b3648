"""An employer's ranked shortlist of a posting's applicants, and talent search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from matching import Match
from web.extensions import db
from web.models import Application, Posting, StudentLanguage, StudentProfile
from web.pagination import ListPage
from web.services import ranking


@dataclass(frozen=True)
class Filters:
    university: str | None = None
    year: int | None = None
    language: str | None = None
    min_score: float = 0.0


@dataclass
class Row:
    rank: int
    profile: StudentProfile
    match: Match
    application: Application | None = None


def _profile_filter(stmt: Select[Any], filters: Filters) -> Select[Any]:
    if filters.university:
        stmt = stmt.where(StudentProfile.university == filters.university)
    if filters.year:
        stmt = stmt.where(StudentProfile.year_of_study == filters.year)
    if filters.language:
        stmt = stmt.where(
            StudentProfile.languages.any(StudentLanguage.language == filters.language)
        )
    return stmt


def _ranked_page(
    posting: Posting, profile_ids: Sequence[int], filters: Filters, page: int, per_page: int
) -> tuple[ListPage[int], dict[int, StudentProfile]]:
    scored = ranking.score_students(posting, profile_ids).at_least(filters.min_score)
    ranked = ListPage.of(scored.ids, page, per_page)
    ranked.items = [int(i) for i in ranked.items]
    profiles = {
        p.id: p
        for p in db.session.scalars(
            select(StudentProfile)
            .where(StudentProfile.id.in_(ranked.items))
            .options(
                selectinload(StudentProfile.skills),
                selectinload(StudentProfile.languages),
                selectinload(StudentProfile.user),
            )
        )
    }
    return ranked, profiles


def applicants(posting: Posting, filters: Filters, page: int, per_page: int) -> ListPage[Row]:
    """Live applicants of a posting, best match first, each with the reasons."""
    stmt = _profile_filter(
        select(Application.student_id, Application.id)
        .join(StudentProfile, StudentProfile.id == Application.student_id)
        .where(Application.posting_id == posting.id, Application.status != "withdrawn"),
        filters,
    )
    app_of = dict(db.session.execute(stmt).all())
    ranked, profiles = _ranked_page(posting, list(app_of), filters, page, per_page)
    applications = {
        a.id: a
        for a in db.session.scalars(
            select(Application).where(Application.id.in_([app_of[pid] for pid in ranked.items]))
        )
    }
    return _rows(posting, ranked, profiles, lambda pid: applications[app_of[pid]])


def discoverable(posting: Posting, filters: Filters, page: int, per_page: int) -> ListPage[Row]:
    """Students who opted in to discovery, ranked for one of the firm's postings."""
    stmt = _profile_filter(
        select(StudentProfile.id).where(StudentProfile.discoverable.is_(True)), filters
    )
    ids = ranking.id_array(stmt)
    ranked, profiles = _ranked_page(posting, ids, filters, page, per_page)
    return _rows(posting, ranked, profiles, lambda pid: None)


def _rows(
    posting: Posting,
    ranked: ListPage[int],
    profiles: dict[int, StudentProfile],
    application_for: Callable[[int], Application | None],
) -> ListPage[Row]:
    rows = [
        Row(
            rank=ranked.first + i,
            profile=profiles[pid],
            match=ranking.explain(profiles[pid], posting),
            application=application_for(pid),
        )
        for i, pid in enumerate(ranked.items)
    ]
    return ListPage(ranked.page, ranked.per_page, ranked.total, rows)
