"""The bridge between stored rows and the matcher: conversions and the per-process indexes.

The pool index of every student is built once per process and refreshed cheaply: each
request asks the database for a small signature of the student table (count and latest
change); when it moved, only the profiles changed since the last refresh are re-read.
The index of the postings taking applications (for recommendations) is rebuilt whole
when the postings' signature moves, the day turns, or it is five minutes old.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from flask import Flask
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from matching import (
    Candidate,
    Match,
    PoolIndex,
    PostingIndex,
    PostingSpec,
    Requirement,
    SkillClaim,
)
from matching import score as reference_score
from web.extensions import db
from web.models import (
    Posting,
    PostingLanguage,
    PostingSkill,
    StudentLanguage,
    StudentProfile,
    StudentSkill,
)
from web.models.base import utcnow

# Compare the stamps of profiles changed since this long before the pool's last read, so
# that a transaction that committed late with an earlier timestamp is not missed.
_SAFETY_MARGIN = timedelta(minutes=5)


def candidate_from(profile: StudentProfile) -> Candidate:
    return Candidate(
        key=profile.id,
        skills=tuple(SkillClaim(s.name, s.level) for s in profile.skills),
        languages=tuple(SkillClaim(lang.language, lang.level) for lang in profile.languages),
        available_from=profile.available_from,
        available_to=profile.available_to,
    )


def spec_from(posting: Posting) -> PostingSpec:
    def reqs(kind: str) -> tuple[Requirement, ...]:
        return tuple(
            Requirement(s.name, s.min_level, s.weight) for s in posting.skills if s.kind == kind
        )

    return PostingSpec(
        required=reqs("required"),
        preferred=reqs("preferred"),
        languages=tuple(Requirement(lang.language, lang.min_level) for lang in posting.languages),
        start=posting.start_date,
        end=posting.end_date,
    )


def explain(profile: StudentProfile, posting: Posting) -> Match:
    """The score and reasons of one student for one posting ("how you match")."""
    return reference_score(candidate_from(profile), spec_from(posting))


# Ids per IN (...) list: PostgreSQL takes at most 65,535 bound parameters per statement,
# and an import stamps every profile it touches with one time, so a refresh may see all.
ID_CHUNK = 10_000


def load_candidates(profile_ids: Sequence[int] | None = None) -> list[Candidate]:
    """Candidates straight from three Core queries: no ORM objects, so 100,000 fit fast."""
    if profile_ids is not None and len(profile_ids) > ID_CHUNK:
        ids = list(profile_ids)
        return [
            candidate
            for start in range(0, len(ids), ID_CHUNK)
            for candidate in load_candidates(ids[start : start + ID_CHUNK])
        ]
    profiles = select(
        StudentProfile.id, StudentProfile.available_from, StudentProfile.available_to
    ).order_by(StudentProfile.id)
    skills = select(StudentSkill.profile_id, StudentSkill.name, StudentSkill.level)
    languages = select(StudentLanguage.profile_id, StudentLanguage.language, StudentLanguage.level)
    if profile_ids is not None:
        profiles = profiles.where(StudentProfile.id.in_(profile_ids))
        skills = skills.where(StudentSkill.profile_id.in_(profile_ids))
        languages = languages.where(StudentLanguage.profile_id.in_(profile_ids))
    claims: dict[int, list[SkillClaim]] = defaultdict(list)
    for pid, name, level in db.session.execute(skills):
        claims[pid].append(SkillClaim(name, level))
    spoken: dict[int, list[SkillClaim]] = defaultdict(list)
    for pid, code, level in db.session.execute(languages):
        spoken[pid].append(SkillClaim(code, level))
    return [
        Candidate(
            key=pid,
            skills=tuple(claims.get(pid, ())),
            languages=tuple(spoken.get(pid, ())),
            available_from=start,
            available_to=end,
        )
        for pid, start, end in db.session.execute(profiles)
    ]


@dataclass
class _State:
    index: PoolIndex
    stamps: dict[int, datetime]  # profile id -> the updated_at of what the index holds
    count: int
    latest: datetime | None
    engine_url: str
    read_at: datetime  # when the last read began, by this server's clock
    checked: float  # time.monotonic() of the last read
    fully_checked: float  # time.monotonic() of the last comparison of every stamp


class StudentPool:
    """One PoolIndex per process and database, kept in step with the student table.

    A change shows as a new count or a later ``updated_at``; the profiles stamped since
    the last read (less ``_SAFETY_MARGIN``) are then compared with the stamps the index
    holds, and only those that differ are loaded again; a count that still differs from
    the index's size adds the missing profiles and drops the deleted ones. A change that
    committed late with an earlier timestamp than one already seen (a long import) moves
    neither count nor maximum, so the comparison also runs every ``RECHECK_SECONDS``, and
    over every profile every ``FULL_CHECK_SECONDS`` (about 0.1 s for 100,000), for a
    transaction longer than the margin or a server whose clock is off.
    """

    RECHECK_SECONDS = 60.0
    FULL_CHECK_SECONDS = 600.0

    def __init__(self) -> None:
        self._state: _State | None = None
        self._lock = threading.Lock()
        self._clock = time.monotonic

    def _signature(self) -> tuple[int, datetime | None]:
        # Two scalar subqueries, not one aggregate: the maximum then comes from the index
        # on updated_at and the count from an index-only scan, a few milliseconds with
        # 100,000 profiles instead of a scan of the table on every ranking.
        count, latest = db.session.execute(
            select(
                select(func.count()).select_from(StudentProfile).scalar_subquery(),
                select(func.max(StudentProfile.updated_at)).scalar_subquery(),
            )
        ).one()
        return count, latest

    def index(self) -> PoolIndex:
        """The current index, refreshed first if the student table changed."""
        count, latest = self._signature()
        url = db.engine.url.render_as_string(hide_password=True)
        with self._lock:
            state = self._state
            if state is None or state.engine_url != url:
                state = self._state = self._build(count, latest, url)
            else:
                changed = (count, latest) != (state.count, state.latest)
                if changed or self._clock() - state.checked > self.RECHECK_SECONDS:
                    self._refresh(state, count, latest)
            return state.index

    def _build(self, count: int, latest: datetime | None, url: str) -> _State:
        read_at = utcnow()
        stamps = _stamps(None)  # before the profiles: a change in between is seen next time
        index = PoolIndex(load_candidates())
        now = self._clock()
        return _State(index, stamps, count, latest, url, read_at, now, now)

    def _refresh(self, state: _State, count: int, latest: datetime | None) -> None:
        read_at, now = utcnow(), self._clock()
        full = now - state.fully_checked > self.FULL_CHECK_SECONDS
        seen = _stamps(None if full else state.read_at - _SAFETY_MARGIN)
        ids = [pid for pid, stamp in seen.items() if state.stamps.get(pid) != stamp]
        new = sum(pid not in state.stamps for pid in ids)
        if full or count != len(state.index) + new:  # deleted, or added outside the window
            alive = set(seen) if full else set(db.session.scalars(select(StudentProfile.id)))
            for key in set(state.index.keys()) - alive:
                state.index.remove(key)
                state.stamps.pop(key, None)
            missing = list(alive - state.stamps.keys() - set(ids))
            if missing:  # committed late and stamped before the window: rare, read all
                seen = _stamps(None)
                ids += missing
        for candidate in load_candidates(ids) if ids else ():
            if candidate.key in state.index:
                state.index.update(candidate)
            else:
                state.index.add(candidate)
        state.stamps.update((pid, seen[pid]) for pid in ids if pid in seen)
        state.count, state.latest, state.read_at, state.checked = count, latest, read_at, now
        state.fully_checked = now if full else state.fully_checked


def _stamps(since: datetime | None) -> dict[int, datetime]:
    """Profile id -> updated_at, of every profile or of those stamped since a time."""
    stamped = select(StudentProfile.id, StudentProfile.updated_at)
    if since is not None:
        stamped = stamped.where(StudentProfile.updated_at >= since)
    return dict(db.session.execute(stamped).tuples().all())


pool = StudentPool()


def warm(app: Flask) -> int:
    """Build this process's indexes now, not on the first ranking; returns the pool size.

    gunicorn calls it in its master process (gunicorn.conf.py, ``preload_app``), so every
    worker it forks, then or later, starts with the index instead of spending seconds
    (about 10 s for 100,000 students) on its first shortlist. No database connection may
    cross a fork, so the connections used are closed afterwards.
    """
    with app.app_context():
        try:
            size = len(pool.index())
            open_postings.index(date.today())
        finally:
            db.session.remove()
            db.engine.dispose()
    return size


@dataclass(frozen=True)
class Scored:
    """Profile ids and their scores as arrays, best first (ties by id): cheap to filter."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def at_least(self, minimum: float) -> Scored:
        keep = self.scores >= minimum
        return Scored(self.ids[keep], self.scores[keep])


def score_students(posting: Posting, profile_ids: Sequence[int] | None = None) -> Scored:
    """Scores of all students (or these), without reasons, from the fast path.

    A large subset is scored as the whole pool and then masked: one vectorised pass is
    cheaper than mapping tens of thousands of keys to index slots.
    """
    index = pool.index()
    spec = spec_from(posting)
    if profile_ids is not None and len(profile_ids) * 4 < len(index):
        keys = [k for k in profile_ids if k in index]
        ordered, scores = index.score_array(spec, keys=keys) if keys else ([], np.zeros(0))
        ids = np.asarray(ordered, dtype=np.int64)
    else:
        ordered, scores = index.score_array(spec)
        ids = np.asarray(ordered, dtype=np.int64)
        if profile_ids is not None:
            keep = np.isin(ids, np.asarray(profile_ids, dtype=np.int64))
            ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))
    return Scored(ids[order], scores[order])


def id_array(stmt: Select[Any]) -> np.ndarray:
    """The integer ids a one-column query returns, without building ORM rows."""
    result = db.session.connection().execute(stmt)
    return np.fromiter((row[0] for row in result), dtype=np.int64)


def rank_students(
    posting: Posting, *, top: int, profile_ids: Sequence[int] | None = None
) -> list[Match]:
    """The best ``top`` students for a posting, with reasons, from the fast path."""
    index = pool.index()
    keys = None if profile_ids is None else [k for k in profile_ids if k in index]
    if keys is not None and not keys:
        return []
    return index.rank(spec_from(posting), top=top, keys=keys)


def _taking_applications(today: date) -> Any:
    return (
        (Posting.status == "open")
        & (Posting.review_status == "approved")
        & or_(Posting.deadline.is_(None), Posting.deadline >= today)
    )


def load_open_specs(today: date) -> list[tuple[int, PostingSpec]]:
    """(id, spec) of every posting taking applications, by id, from three Core queries.

    Requirements come in the order of ``Posting.skills`` and ``Posting.languages``, so
    each spec equals ``spec_from(posting)``.
    """
    taking = _taking_applications(today)
    needs: dict[int, dict[str, list[Requirement]]] = defaultdict(
        lambda: {"required": [], "preferred": [], "languages": []}
    )
    for pid, kind, name, level, weight in db.session.execute(
        select(
            PostingSkill.posting_id,
            PostingSkill.kind,
            PostingSkill.name,
            PostingSkill.min_level,
            PostingSkill.weight,
        )
        .join(Posting)
        .where(taking)
        .order_by(PostingSkill.posting_id, PostingSkill.id)
    ):
        needs[pid][kind].append(Requirement(name, level, weight))
    for pid, language, level in db.session.execute(
        select(PostingLanguage.posting_id, PostingLanguage.language, PostingLanguage.min_level)
        .join(Posting)
        .where(taking)
        .order_by(PostingLanguage.posting_id, PostingLanguage.id)
    ):
        needs[pid]["languages"].append(Requirement(language, level))
    specs = []
    for pid, start, end in db.session.execute(
        select(Posting.id, Posting.start_date, Posting.end_date).where(taking).order_by(Posting.id)
    ):
        need = needs.get(pid, {})
        specs.append(
            (
                pid,
                PostingSpec(
                    required=tuple(need.get("required", ())),
                    preferred=tuple(need.get("preferred", ())),
                    languages=tuple(need.get("languages", ())),
                    start=start,
                    end=end,
                ),
            )
        )
    return specs


class OpenPostings:
    """The PostingIndex of the postings taking applications, one per process.

    A deadline closes a posting without touching its row, hence the day in the
    signature; the age limit catches a change committed late with an older timestamp.
    """

    MAX_AGE = 300.0  # seconds

    def __init__(self) -> None:
        self._state: tuple[tuple[Any, ...], float, PostingIndex] | None = None
        self._lock = threading.Lock()

    def index(self, today: date) -> PostingIndex:
        count, latest = db.session.execute(
            select(func.count(Posting.id), func.max(Posting.updated_at))
        ).one()
        url = db.engine.url.render_as_string(hide_password=True)
        signature = (url, today, count, latest)
        with self._lock:
            state = self._state
            if state is None or state[0] != signature or time.monotonic() - state[1] > self.MAX_AGE:
                index = PostingIndex(load_open_specs(today))
                state = self._state = (signature, time.monotonic(), index)
            return state[2]


open_postings = OpenPostings()


def recommend(profile: StudentProfile, *, top: int = 20, today: date) -> list[Recommendation]:
    """Open postings still taking applications, best match for this student first."""
    matches = open_postings.index(today).rank(candidate_from(profile), top=top)
    shown = {
        p.id: p
        for p in db.session.scalars(
            select(Posting)
            .where(Posting.id.in_([m.key for m in matches]), _taking_applications(today))
            .options(selectinload(Posting.firm))
        )
    }
    return [Recommendation(shown[m.key], m) for m in matches if m.key in shown]


@dataclass(frozen=True)
class Recommendation:
    posting: Posting
    match: Match
