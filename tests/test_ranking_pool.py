"""The per-process pool of students follows profile changes without a rebuild per request."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from tests.conftest import Factory
from web import create_app
from web.config import TestConfig
from web.extensions import db
from web.models import Posting, StudentProfile
from web.services import ranking
from web.services.profiles import ProfileData, save_profile


@pytest.fixture(autouse=True)
def fresh_pool(monkeypatch) -> None:
    """Each test starts with no pool: the process-wide one was built by earlier tests, at
    times (and full checks) that would make the clock tests here depend on the order."""
    monkeypatch.setattr(ranking.pool, "_state", None)


def test_pool_follows_profile_changes_and_deletions(app, make):
    posting = make.posting(required=[("Solidity", 3)])
    first = make.student(skills=[("Excel", 3)])
    second = make.student(skills=[("Solidity", 4)])
    ranked = ranking.score_students(posting)
    assert ranked.ids[0] == second.profile.id
    before = dict(zip(ranked.ids, ranked.scores, strict=True))[first.profile.id]
    index = ranking.pool.index()

    save_profile(
        first.profile, ProfileData(full_name="Now A Blockchain Dev", skills=[("solidity", 5)])
    )
    db.session.commit()
    assert ranking.pool.index() is index  # refreshed in place, not rebuilt
    after = ranking.score_students(posting)
    scores = dict(zip(after.ids, after.scores, strict=True))
    assert scores[first.profile.id] > before + 50

    db.session.execute(delete(StudentProfile).where(StudentProfile.id == second.profile.id))
    db.session.commit()
    assert list(ranking.score_students(posting).ids) == [first.profile.id]


def test_a_change_committed_late_with_an_earlier_timestamp_is_picked_up(app, make, monkeypatch):
    """An import that began before a student's edit but committed after it changes neither
    the count nor the latest timestamp; the periodic re-read still finds it."""
    posting = make.posting(required=[("Solidity", 3)])
    late = make.student(skills=[("Excel", 3)])
    latest = make.student(skills=[("Solidity", 4)])  # the latest change the pool has seen
    ranked = ranking.score_students(posting)
    before = dict(zip(ranked.ids, ranked.scores, strict=True))[late.profile.id]

    # When "the import" began: after the profile was first written, before the latest change.
    stamped = late.profile.updated_at + (latest.profile.updated_at - late.profile.updated_at) / 2
    save_profile(
        late.profile, ProfileData(full_name=late.profile.full_name, skills=[("Solidity", 5)])
    )
    db.session.flush()
    late.profile.updated_at = stamped
    db.session.commit()

    def score() -> float:
        scored = ranking.score_students(posting)
        return dict(zip(scored.ids, scored.scores, strict=True))[late.profile.id]

    assert score() == before  # count and latest timestamp unchanged: not seen yet
    now = ranking.pool._clock()
    monkeypatch.setattr(ranking.pool, "_clock", lambda: now + ranking.pool.RECHECK_SECONDS + 1)
    assert score() > before + 50


def test_the_periodic_re_read_loads_only_what_changed(app, make, monkeypatch):
    """Just after an import every profile carries one recent stamp: the once-a-minute
    re-read compares stamps and loads none of them again (the load test's workers each
    reloaded 100,000 profiles a minute when it did not)."""
    posting = make.posting(required=[("Python", 3)])
    students = [make.student(skills=[("Python", 3)]) for _ in range(3)]
    ranking.score_students(posting)
    loaded: list[list[int]] = []
    load = ranking.load_candidates

    def recording(profile_ids=None):
        loaded.append(sorted(profile_ids or []))
        return load(profile_ids)

    monkeypatch.setattr(ranking, "load_candidates", recording)
    clock = ranking.pool._clock()
    monkeypatch.setattr(ranking.pool, "_clock", lambda: clock + ranking.pool.RECHECK_SECONDS + 1)
    ranking.score_students(posting)
    assert loaded == []

    edited = students[1].profile
    save_profile(edited, ProfileData(full_name=edited.full_name, skills=[("Python", 5)]))
    db.session.commit()
    ranking.score_students(posting)
    assert loaded == [[edited.id]]


def advance(monkeypatch, seconds: float) -> None:
    """Move the pool's clock on by this many seconds from now."""
    now = ranking.pool._clock()
    monkeypatch.setattr(ranking.pool, "_clock", lambda: now + seconds)


def scores_of(posting) -> dict[int, float]:
    scored = ranking.score_students(posting)
    return dict(zip(scored.ids.tolist(), scored.scores.tolist(), strict=True))


def test_a_profile_added_late_with_an_old_stamp_joins_the_pool(app, make):
    """A long import that committed after the margin: its new students still join."""
    posting = make.posting(required=[("Solidity", 3)])
    make.student(skills=[("Solidity", 4)])
    scores_of(posting)
    late = make.student(skills=[("Solidity", 5)])
    late.profile.updated_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    assert late.profile.id in scores_of(posting)


def test_a_change_older_than_the_margin_is_found_by_the_full_check(app, make, monkeypatch):
    posting = make.posting(required=[("Solidity", 3)])
    late = make.student(skills=[("Excel", 3)])
    make.student(skills=[("Solidity", 4)])
    before = scores_of(posting)[late.profile.id]
    data = ProfileData(full_name=late.profile.full_name, skills=[("Solidity", 5)])
    save_profile(late.profile, data)
    db.session.flush()
    late.profile.updated_at = datetime.now(UTC) - timedelta(hours=1)  # a very long transaction
    db.session.commit()

    advance(monkeypatch, ranking.pool.RECHECK_SECONDS + 1)
    assert scores_of(posting)[late.profile.id] == before  # outside the recent window
    advance(monkeypatch, ranking.pool.FULL_CHECK_SECONDS + 1)
    assert scores_of(posting)[late.profile.id] > before + 50


def test_fast_scores_equal_the_reference_scorer(app, make):
    posting = make.posting(required=[("Python", 4), ("Machine Learning", 3)])
    students = [
        make.student(skills=[("python", 5), ("ML", 2)]),
        make.student(skills=[("Pyhton", 4)]),
        make.student(skills=[("機器學習", 4), ("Java", 3)]),
    ]
    scored = ranking.score_students(posting)
    fast = dict(zip(scored.ids, scored.scores, strict=True))
    for s in students:
        assert abs(fast[s.profile.id] - ranking.explain(s.profile, posting).score) < 1e-9


def test_warm_builds_the_indexes_before_the_first_request(tmp_path, monkeypatch):
    """What gunicorn's master runs before forking: the first ranking then builds nothing,
    and no database connection is kept for the forked workers to share."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'warm.db'}"
    app = create_app(config)
    with app.app_context():
        db.create_all()
        make = Factory()
        posting_id = make.posting(required=[("Python", 3)]).id
        profile_id = make.student(skills=[("Python", 4)]).profile.id
        make.student(skills=[("Excel", 2)])
        db.session.remove()

    assert ranking.warm(app) == 2

    def no_rebuild(*args: object) -> None:
        raise AssertionError("rebuilt on the first request")

    monkeypatch.setattr(ranking, "load_candidates", no_rebuild)
    monkeypatch.setattr(ranking, "load_open_specs", no_rebuild)
    with app.app_context():
        assert db.engine.pool.checkedin() == 0  # warm() closed its connections
        posting = db.session.get(Posting, posting_id)
        assert ranking.score_students(posting).ids[0] == profile_id
        profile = db.session.get(StudentProfile, profile_id)
        assert [r.posting.id for r in ranking.recommend(profile, today=date.today())] == [
            posting_id
        ]
        db.session.remove()
        db.engine.dispose()


def test_candidates_load_in_chunks_that_fit_a_statement(app, make, monkeypatch):
    """An import stamps every profile alike, so a refresh may reload them all at once."""
    from web.services import ranking

    students = [make.student(f"chunk{i}@hku.example.edu.hk") for i in range(7)]
    ids = [s.profile.id for s in students]
    whole = ranking.load_candidates(ids)
    monkeypatch.setattr(ranking, "ID_CHUNK", 3)
    assert [c.key for c in ranking.load_candidates(ids)] == [c.key for c in whole]
    assert ranking.load_candidates(ids) == whole
