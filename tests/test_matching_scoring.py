"""Scoring one candidate against one posting, and the reasons that come with it."""

import json
from datetime import date

import pytest

from matching import Candidate, PostingSpec, Requirement, SkillClaim, Weights, score

FIVE = tuple(Requirement(s, 3) for s in ("Python", "SQL", "Machine Learning", "AML", "Excel"))
POSTING = PostingSpec(required=FIVE)


def cand(*skills, languages=(), available=(None, None), key="s1"):
    return Candidate(
        key,
        tuple(SkillClaim(n, lvl) for n, lvl in skills),
        tuple(SkillClaim(n, lvl) for n, lvl in languages),
        *available,
    )


def test_all_requirements_met_in_other_spellings_scores_100():
    c = cand(("Ｐｙｔｈｏｎ", 4), ("sql", 3), ("機器學習", 5), ("反洗钱", 3), ("MS Excel", 4))
    m = score(c, POSTING)
    assert m.score == pytest.approx(100.0)
    assert m.reasons.required_met == 5
    assert m.reasons.summary().startswith("5 of 5 requirements met")


def test_every_requirement_counts():
    one = score(cand(("Python", 5)), POSTING)
    four = score(cand(("Python", 5), ("SQL", 5), ("ML", 5), ("KYC", 5), ("Excel", 5)), POSTING)
    assert one.score == pytest.approx(20.0)
    assert four.reasons.required_met == 4
    assert four.reasons.summary().startswith("4 of 5 requirements met")
    assert four.score == pytest.approx(80.0)
    aml = four.reasons.required[3]
    assert (aml.requirement, aml.status, aml.matched_by) == ("AML", "missing", None)


def test_below_level_gives_partial_credit():
    posting = PostingSpec(required=(Requirement("Python", 4),))
    m = score(cand(("Python", 2)), posting)
    r = m.reasons.required[0]
    assert (r.status, r.level_held, r.min_level, r.credit) == ("partial", 2, 4, 0.5)
    assert m.score == pytest.approx(50.0)


def test_reason_names_the_skill_as_written_and_how_close():
    m = score(cand(("Pyhton", 4), ("Java", 5)), PostingSpec(required=(Requirement("Python"),)))
    r = m.reasons.required[0]
    assert r.matched_by == "Pyhton" and r.status == "met"
    assert 0.8 <= r.similarity < 1.0 and r.credit == r.similarity


def test_best_claim_wins():
    posting = PostingSpec(required=(Requirement("Python", 4),))
    m = score(cand(("py", 2), ("Python 3", 5)), posting)
    assert m.reasons.required[0].matched_by == "Python 3"


def test_weights_of_requirements():
    posting = PostingSpec(required=(Requirement("Python", 1, 3.0), Requirement("SQL", 1, 1.0)))
    assert score(cand(("Python", 3)), posting).score == pytest.approx(75.0)


def test_preferred_is_a_bonus_gated_by_requirements():
    posting = PostingSpec(required=(Requirement("Python"),), preferred=(Requirement("Docker"),))
    with_bonus = score(cand(("Python", 3), ("Docker", 3)), posting)
    without = score(cand(("Python", 3)), posting)
    only_bonus = score(cand(("Docker", 3)), posting)
    assert with_bonus.score == pytest.approx(100.0)
    assert without.score < with_bonus.score
    assert only_bonus.score == 0.0  # a preferred skill never makes up for a missing one
    assert with_bonus.reasons.preferred[0].status == "met"


def test_languages_in_any_language():
    posting = PostingSpec(
        required=(Requirement("Python"),),
        languages=(Requirement("普通話", 3), Requirement("English", 4)),
    )
    c = cand(("Python", 3), languages=(("Mandarin", 4), ("英文", 3)))
    m = score(c, posting)
    putonghua, english = m.reasons.languages
    assert putonghua.status == "met" and putonghua.matched_by == "Mandarin"
    assert english.status == "partial" and english.level_held == 3
    assert m.reasons.language_coverage == pytest.approx((1 + 0.75) / 2)


JUNE_AUG = PostingSpec(
    required=(Requirement("Python"),), start=date(2027, 6, 1), end=date(2027, 8, 29)
)  # 90 days


@pytest.mark.parametrize(
    ("available", "overlap", "fraction"),
    [
        ((date(2027, 6, 1), date(2027, 8, 29)), 90, 1.0),
        ((date(2027, 5, 1), date(2027, 6, 30)), 30, 30 / 90),
        ((date(2027, 7, 31), None), 30, 30 / 90),  # open-ended
        ((date(2027, 9, 1), date(2027, 12, 1)), 0, 0.0),
        ((None, None), 0, 0.5),  # unknown: neutral
    ],
)
def test_availability_overlap(available, overlap, fraction):
    m = score(cand(("Python", 3), available=available), JUNE_AUG)
    a = m.reasons.availability
    assert a.internship_days == 90 and a.overlap_days == overlap
    assert a.fraction == pytest.approx(fraction)
    assert a.known == (available != (None, None))
    assert m.score == pytest.approx(100 * (0.7 + 0.1 * fraction) / 0.8)


def test_unknown_availability_is_tunable():
    w = Weights(unknown_availability=0.0)
    assert score(cand(("Python", 3)), JUNE_AUG, weights=w).score == pytest.approx(87.5)


def test_custom_weights_are_keyword_only():
    posting = PostingSpec(required=(Requirement("Python"),), languages=(Requirement("English"),))
    c = cand(("Python", 3))
    assert score(c, posting).score == pytest.approx(100 * 0.7 / 0.8)
    assert score(c, posting, weights=Weights(languages=0.7)).score == pytest.approx(50.0)
    with pytest.raises(TypeError):
        score(c, posting, Weights())  # type: ignore[misc]


def test_posting_without_requirements():
    assert score(cand(), PostingSpec()).score == 100.0
    assert score(cand(), PostingSpec(required=FIVE)).score == 0.0


def test_reasons_are_json_serialisable():
    c = cand(("Python", 4), languages=(("Cantonese", 5),), available=(date(2027, 6, 1), None))
    posting = PostingSpec(
        required=FIVE,
        preferred=(Requirement("Docker"),),
        languages=(Requirement("粵語", 4),),
        start=date(2027, 6, 1),
        end=date(2027, 7, 1),
    )
    data = json.loads(json.dumps(score(c, posting).to_dict(), ensure_ascii=False))
    assert data["key"] == "s1"
    reasons = data["reasons"]
    assert reasons["required_met"] == 1 and reasons["required_total"] == 5
    assert reasons["required"][0] == {
        "requirement": "Python",
        "min_level": 3,
        "weight": 1.0,
        "status": "met",
        "matched_by": "Python",
        "similarity": 1.0,
        "level_held": 4,
        "credit": 1.0,
    }
    assert reasons["languages"][0]["matched_by"] == "Cantonese"
    assert reasons["availability"]["overlap_days"] == 31
    assert "1 of 5 requirements met" in reasons["summary"]


@pytest.mark.parametrize(
    "bad",
    [
        lambda: SkillClaim("Python", 0),
        lambda: SkillClaim("Python", 6),
        lambda: Requirement("Python", 0),
        lambda: Requirement("Python", 3, 0.0),
        lambda: Weights(required=-1),
    ],
)
def test_invalid_inputs_are_rejected(bad):
    with pytest.raises(ValueError):
        bad()
