"""PoolIndex: the fast path gives the reference scorer's scores, and stays right
through updates."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import (
    Candidate,
    PoolIndex,
    PostingSpec,
    Requirement,
    SkillClaim,
    Weights,
    rank_postings,
    score,
)

NAMES = [
    "Python",
    "Pyhton",
    "Ｐｙｔｈｏｎ",
    "py",
    "ML",
    "機器學習",
    "机器学习",
    "Machine Learning (ML)",
    "Java",
    "JavaScript",
    "Javascirpt",
    "js",
    "vue js",
    "C",
    "C++",
    "C#",
    "R",
    "Go",
    "Golang",
    "k8s",
    "Kubernets",
    "Postgres",
    "SQL",
    "NoSQL",
    "反洗钱",
    "AML",
    "KYC",
    "risk managment",
    "actuarial modelling",
    "quantum js",
    "marine forecasting",
    "Excel",
    "Tableau",
    "qx",
]
LANGS = ["English", "英文", "Mandarin", "普通話", "Cantonese", "粤语", "Japanese", "Klingon"]
D0 = date(2027, 5, 1)

names = st.one_of(
    st.sampled_from(NAMES), st.text(alphabet="abcjkpsvy+#. ", min_size=1, max_size=10)
)
claims = st.builds(SkillClaim, names, st.integers(1, 5))
lang_claims = st.builds(SkillClaim, st.sampled_from(LANGS), st.integers(1, 5))
days = st.one_of(st.none(), st.integers(0, 150).map(lambda d: D0 + timedelta(days=d)))
reqs = st.builds(Requirement, names, st.integers(1, 5), st.sampled_from([0.5, 1.0, 2.0, 3.0]))
lang_reqs = st.builds(Requirement, st.sampled_from(LANGS), st.integers(1, 5))


@st.composite
def pools(draw):
    n = draw(st.integers(0, 25))
    return [
        Candidate(
            i,
            tuple(draw(st.lists(claims, max_size=6))),
            tuple(draw(st.lists(lang_claims, max_size=3))),
            draw(days),
            draw(days),
        )
        for i in range(n)
    ]


@st.composite
def postings(draw):
    start = draw(days)
    end = None if start is None else start + timedelta(days=draw(st.integers(0, 90)))
    return PostingSpec(
        tuple(draw(st.lists(reqs, max_size=6))),
        tuple(draw(st.lists(reqs, max_size=3))),
        tuple(draw(st.lists(lang_reqs, max_size=2))),
        start,
        end,
    )


weights = st.builds(
    Weights, st.floats(0.1, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)
)


def reference_order(pool, posting, **kw):
    scored = [(score(c, posting, **kw).score, i, c.key) for i, c in enumerate(pool)]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return scored


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(), postings(), weights, st.sampled_from([0.7, 0.8, 0.9]))
def test_fast_path_equals_reference_scorer(pool, posting, w, threshold):
    index = PoolIndex(pool)
    keys, fast = index.score_array(posting, weights=w, threshold=threshold)
    ref = {c.key: score(c, posting, weights=w, threshold=threshold).score for c in pool}
    assert keys == [c.key for c in pool]
    for k, s in zip(keys, fast, strict=True):
        assert s == pytest.approx(ref[k], abs=1e-6)
    top = index.rank(posting, top=7, weights=w, threshold=threshold)
    expected = reference_order(pool, posting, weights=w, threshold=threshold)[:7]
    assert [m.key for m in top] == [k for _, _, k in expected]
    assert [m.score for m in top] == pytest.approx([s for s, _, _ in expected], abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(), postings(), st.data())
def test_subset_ranking_equals_reference(pool, posting, data):
    index = PoolIndex(pool)
    chosen = data.draw(
        st.lists(st.sampled_from([c.key for c in pool]), unique=True) if pool else st.just([])
    )
    subset = [c for c in pool if c.key in set(chosen)]
    top = index.rank(posting, top=5, keys=chosen)
    expected = reference_order(subset, posting)[:5]
    assert [m.key for m in top] == [k for _, _, k in expected]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(), pools(), postings(), st.data())
def test_updates_match_a_fresh_index(pool, replacements, posting, data):
    index = PoolIndex(pool)
    live = {c.key: c for c in pool}
    for c in replacements:
        action = data.draw(st.sampled_from(["update", "remove", "add"]))
        key = c.key if action != "add" else 1000 + c.key
        c = Candidate(key, c.skills, c.languages, c.available_from, c.available_to)
        if action == "remove":
            if key in live:
                index.remove(key)
                del live[key]
        else:
            index.update(c)
            live[key] = c
    keys, fast = index.score_array(posting)
    assert sorted(keys) == sorted(live)
    for k, s in zip(keys, fast, strict=True):
        assert s == pytest.approx(score(live[k], posting).score, abs=1e-6)
        assert index.candidate(k) == live[k]


POSTING = PostingSpec(
    required=(Requirement("Python", 3), Requirement("机器学习", 2)),
    languages=(Requirement("English", 3),),
    start=date(2027, 6, 1),
    end=date(2027, 6, 30),
)


def test_zero_skill_candidates_anywhere_in_the_pool():
    pool = [
        Candidate("empty-first"),
        Candidate("a", (SkillClaim("Python", 5),)),
        Candidate("empty-mid"),
        Candidate("b", (SkillClaim("ML", 5),)),
        Candidate("empty-last"),
    ]
    keys, fast = PoolIndex(pool).score_array(POSTING)
    assert dict(zip(keys, fast, strict=True)) == pytest.approx(
        {c.key: score(c, POSTING).score for c in pool}
    )
    assert PoolIndex().rank(POSTING) == []


def test_ties_break_by_insertion_order_and_update_keeps_place():
    same = (SkillClaim("Python", 5),)
    index = PoolIndex([Candidate("z", same), Candidate("a", same), Candidate("m", same)])
    assert [m.key for m in index.rank(POSTING)] == ["z", "a", "m"]
    index.update(Candidate("z", (SkillClaim("Python", 5),), available_from=None))
    assert [m.key for m in index.rank(POSTING)] == ["z", "a", "m"]
    index.remove("a")
    index.add(Candidate("a", same))
    assert [m.key for m in index.rank(POSTING)] == ["z", "m", "a"]
    assert index.keys() == ["z", "m", "a"]


def test_rank_returns_reasons_for_top_k_only():
    pool = [Candidate(i, (SkillClaim("Python", 1 + i % 5), SkillClaim("ML", 3))) for i in range(50)]
    top = PoolIndex(pool).rank(POSTING, top=3)
    assert len(top) == 3
    assert [m.score for m in top] == sorted((m.score for m in top), reverse=True)
    assert top[0].reasons.required[0].matched_by == "Python"


def test_many_removals_compact_the_arrays():
    pool = [
        Candidate(i, (SkillClaim("Python", 3), SkillClaim(f"skill {i}", 2))) for i in range(400)
    ]
    index = PoolIndex(pool)
    for i in range(0, 400, 2):
        index.remove(i)
    assert len(index) == 200
    assert index.skills.lens.size < 400  # dead slots were dropped
    keys, fast = index.score_array(POSTING)
    assert keys == list(range(1, 400, 2))
    assert np.allclose(fast, [score(pool[k], POSTING).score for k in keys])


def test_errors_for_unknown_or_duplicate_keys():
    index = PoolIndex([Candidate(1)])
    with pytest.raises(KeyError):
        index.add(Candidate(1))
    with pytest.raises(KeyError):
        index.remove(2)
    with pytest.raises(KeyError):
        index.rank(POSTING, keys=[2])


def test_rank_postings_for_a_candidate():
    c = Candidate("s", (SkillClaim("Python", 4), SkillClaim("SQL", 3)), (SkillClaim("English", 5),))
    postings = {
        "P-JAVA": PostingSpec(required=(Requirement("Java"),)),
        "P-PY": PostingSpec(required=(Requirement("Python"), Requirement("SQL"))),
        "P-HALF": PostingSpec(required=(Requirement("Python"), Requirement("Rust"))),
        "P-PY2": PostingSpec(required=(Requirement("python"),)),
    }
    ranked = rank_postings(c, postings, top=3)
    assert [m.key for m in ranked] == ["P-PY", "P-PY2", "P-HALF"]
    assert ranked[0].score == pytest.approx(100.0)
    assert rank_postings(c, list(postings.items()), top=1)[0].key == "P-PY"
