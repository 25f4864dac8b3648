"""PostingIndex: every posting scored for one candidate at once gives the reference
scorer's scores and rank_postings's order."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import (
    Candidate,
    PostingIndex,
    PostingSpec,
    Requirement,
    SkillClaim,
    rank_postings,
    score,
)
from tests.test_matching_ranking import claims, days, lang_claims, postings, weights

candidates = st.builds(
    Candidate,
    st.just("s"),
    st.lists(claims, max_size=6).map(tuple),
    st.lists(lang_claims, max_size=3).map(tuple),
    days,
    days,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidates, st.lists(postings(), max_size=25), weights, st.sampled_from([0.7, 0.8, 0.9]))
def test_scores_and_order_equal_the_reference(candidate, specs, w, threshold):
    items = [(f"P{i}", spec) for i, spec in enumerate(specs)]
    index = PostingIndex(items)
    fast = index.scores(candidate, weights=w, threshold=threshold)
    ref = [score(candidate, spec, weights=w, threshold=threshold).score for spec in specs]
    assert list(fast) == ref  # the same floats, not merely close
    top = index.rank(candidate, top=7, weights=w, threshold=threshold)
    expected = rank_postings(candidate, items, top=7, weights=w, threshold=threshold)
    assert [(m.key, m.score, m.reasons) for m in top] == [
        (m.key, m.score, m.reasons) for m in expected
    ]


def test_shared_requirements_at_different_levels_and_weights():
    c = Candidate("s", (SkillClaim("Python", 2), SkillClaim("機器學習", 5)))
    specs = {
        "easy": PostingSpec(required=(Requirement("python", 1),)),
        "hard": PostingSpec(required=(Requirement("Python", 4),)),
        "heavy": PostingSpec(
            required=(Requirement("Python", 4, 3.0), Requirement("Machine Learning", 3))
        ),
        "none": PostingSpec(),
    }
    index = PostingIndex(specs.items())
    ranked = index.rank(c, top=4)
    assert [m.key for m in ranked] == ["easy", "none", "heavy", "hard"]
    assert ranked[2].score == pytest.approx(100 * (3 * 0.5 + 1) / 4)
    assert ranked[3].reasons.required[0].status == "partial"


def test_an_empty_index_recommends_nothing():
    assert PostingIndex([]).rank(Candidate("s", (SkillClaim("Python", 3),)), top=5) == []
