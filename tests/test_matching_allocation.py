"""Deferred acceptance gives stable, feasible, student-optimal, deterministic allocations.

Three kinds of evidence: classic examples whose answers are known (worked by hand in the
comments), Hypothesis properties on random markets (incomplete lists, ties in the firms'
scores broken by the firm's order, capacities from 0 to many, more students than places
and fewer), and a cross-check against the PyPI ``matching`` package. That package
expects consistent lists and fails where ours must not (a student ranking a posting
that does not list them, an empty list, a posting with no places: see
``test_pypi_package_fails_where_ours_must_not``), so it is given each market reduced
to its mutually acceptable pairs, which leaves the stable matchings unchanged.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.allocation import (
    UNASSIGNED,
    deferred_acceptance,
    is_stable,
    prefs_from_scores,
    summarise,
)
from tests import pypi_matching

# -- a reference stability check, written the plain way, to test is_stable against ----------


def stable_reference(assignment, students, postings, caps) -> bool:
    rank = [{s: r for r, s in enumerate(prefs)} for prefs in postings]
    held: list[list[int]] = [[] for _ in postings]
    for s, p in enumerate(assignment):
        if p == UNASSIGNED:
            continue
        if p not in students[s] or s not in rank[p]:
            return False
        held[p].append(s)
    if any(len(h) > c for h, c in zip(held, caps, strict=True)):
        return False
    for s, prefs in enumerate(students):
        for p in prefs:
            if p == assignment[s]:
                break
            if s in rank[p] and (
                len(held[p]) < caps[p] or any(rank[p][s] < rank[p][t] for t in held[p])
            ):
                return False
    return True


# -- classic examples ---------------------------------------------------------------------


def test_textbook_example_is_student_optimal():
    students = [[0, 1], [1, 0], [0, 1]]
    postings = [[1, 0, 2], [0, 2, 1]]
    got = deferred_acceptance(students, postings, [1, 1])
    assert got.tolist() == [1, 0, UNASSIGNED]  # s2 bumps s1, who bumps s0, who bumps s2
    assert is_stable(got, students, postings, [1, 1])


def test_gale_shapley_1962_each_side_gets_its_first_choices_when_it_proposes():
    # Gale and Shapley's three-by-three example: men α β γ rank A B C / B C A / C A B,
    # women A B C rank β γ α / γ α β / α β γ. Three matchings are stable; the proposing
    # side always gets its optimum, here everybody's first choice.
    men = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    women = [[1, 2, 0], [2, 0, 1], [0, 1, 2]]
    assert deferred_acceptance(men, women, [1, 1, 1]).tolist() == [0, 1, 2]
    assert deferred_acceptance(women, men, [1, 1, 1]).tolist() == [1, 2, 0]
    everyone_second = np.array([1, 2, 0])  # α-B, β-C, γ-A: stable too, but not optimal
    assert is_stable(everyone_second, men, women, [1, 1, 1])


def test_residency_style_example():
    # Eight residents, four programmes of two places (after the NRMP's illustration).
    anderson, brown, chen, davis, eastman, ford, garcia, hassan = range(8)
    mercy, city, general, state = range(4)
    residents = [
        [city],
        [city, mercy],
        [city, mercy],
        [mercy, city, general, state],
        [city, mercy, state, general],
        [city, general, mercy, state],
        [city, mercy, state, general],
        [state, city, mercy, general],
    ]
    programmes = [
        [chen, garcia],
        [garcia, hassan, eastman, anderson, brown, chen, davis, ford],
        [brown, eastman, hassan, anderson, chen, davis, garcia],
        [brown, eastman, anderson, chen, hassan, ford, davis, garcia],
    ]
    got = deferred_acceptance(residents, programmes, [2, 2, 2, 2])
    # By hand: Garcia and Eastman push Anderson and Brown out of City; neither is
    # acceptable anywhere else they ranked. Chen falls back to Mercy, Davis (unlisted by
    # Mercy, too low for City) to General, Ford (listed only by City and State) to State.
    assert got.tolist() == [
        UNASSIGNED,
        UNASSIGNED,
        mercy,
        general,
        city,
        state,
        city,
        state,
    ]
    summary = summarise(got, residents, [2, 2, 2, 2])
    assert (summary.matched, summary.unmatched, summary.filled, summary.unfilled) == (6, 2, 6, 2)
    assert summary.first_choice == 3  # Eastman, Garcia and Hassan
    assert summary.by_choice == (3, 1, 1, 1)


def test_capacities_and_unacceptable_pairs():
    students = [[0], [0], [0], [1]]
    postings = [[2, 0, 1], []]  # posting 1 accepts nobody
    got = deferred_acceptance(students, postings, [2, 3])
    assert got.tolist() == [0, UNASSIGNED, 0, UNASSIGNED]


def test_more_places_than_students_and_nobody_anywhere():
    assert deferred_acceptance([[1, 0]], [[0], [0]], [5, 5]).tolist() == [1]
    assert deferred_acceptance([], [[], []], [1, 1]).tolist() == []
    assert deferred_acceptance([[], []], [], []).tolist() == [UNASSIGNED, UNASSIGNED]
    assert deferred_acceptance([[0], [0]], [[0, 1]], [0]).tolist() == [UNASSIGNED] * 2


def test_prefs_from_scores():
    scores = np.array([[50.0, 90.0, np.nan, 90.0], [10.0, 0.0, 5.0, 70.0]])
    prefs = prefs_from_scores(scores, min_score=5.0)
    assert [p.tolist() for p in prefs] == [[1, 3, 0], [3, 0, 2]]


def test_ties_are_broken_by_the_firms_order():
    scores = np.array([[80.0, 80.0, 80.0], [80.0, 80.0, 70.0]])
    firm_order = np.array([[2, 0, 1], [1, 0, 2]])  # position of each student per firm
    prefs = prefs_from_scores(scores, tiebreak=firm_order)
    assert [p.tolist() for p in prefs] == [[1, 2, 0], [1, 0, 2]]
    one_order = prefs_from_scores(scores, tiebreak=np.array([1, 1, 0]))
    assert [p.tolist() for p in one_order] == [[2, 0, 1], [0, 1, 2]]


@pytest.mark.parametrize(
    ("students", "postings", "caps", "message"),
    [
        ([[0]], [[0]], [], "one capacity per posting"),
        ([[0]], [[0]], [-1], "negative"),
        ([[1]], [[0]], [1], "outside"),
        ([[0]], [[3]], [1], "outside"),
        ([[0, 0]], [[0]], [1], "student lists the same posting twice"),
        ([[0]], [[0, 0]], [1], "posting lists the same student twice"),
    ],
)
def test_malformed_input_is_refused(students, postings, caps, message):
    with pytest.raises(ValueError, match=message):
        deferred_acceptance(students, postings, caps)


def test_is_stable_finds_what_is_wrong():
    students, postings = [[0, 1], [0]], [[1, 0], [0]]
    assert is_stable(np.array([1, 0]), students, postings, [1, 1])
    assert not is_stable(np.array([0, UNASSIGNED]), students, postings, [1, 1])  # 1 and 0 block
    assert not is_stable(np.array([0, 0]), students, postings, [1, 1])  # over capacity
    assert not is_stable(np.array([1, 1]), students, postings, [1, 1])  # 1 never ranked 1
    assert not is_stable(np.array([1, 0]), [[0, 1], [0]], [[1, 0], []], [1, 1])  # unlisted
    assert not is_stable(np.array([1, 5]), students, postings, [1, 1])  # no such posting


# -- random markets ----------------------------------------------------------------------


@st.composite
def markets(draw, max_students=7, max_postings=4, max_capacity=3):
    """Incomplete lists both ways, tied scores broken by each firm's order, capacities 0+."""
    ns = draw(st.integers(1, max_students))
    npost = draw(st.integers(1, max_postings))
    students = []
    for _ in range(ns):
        order = draw(st.permutations(range(npost)))
        students.append(list(order)[: draw(st.integers(0, npost))])
    scores = np.array(
        [[draw(st.one_of(st.none(), st.integers(0, 3))) for _ in range(ns)] for _ in range(npost)],
        dtype=float,
    )  # few distinct scores: many ties
    firm_order = np.array([draw(st.permutations(range(ns))) for _ in range(npost)])
    caps = [draw(st.integers(0, max_capacity)) for _ in range(npost)]
    return students, prefs_from_scores(scores, tiebreak=firm_order), caps


def acceptable(s: int, p: int, students, postings) -> bool:
    return p in students[s] and s in list(postings[p])


@settings(max_examples=200, deadline=None)
@given(markets(max_students=12, max_postings=6, max_capacity=5))
def test_stable_within_capacity_and_acceptable(market):
    students, postings, caps = market
    got = deferred_acceptance(students, postings, caps)
    assert is_stable(got, students, postings, caps)
    assert stable_reference(got.tolist(), students, postings, caps)
    filled = np.bincount(got[got != UNASSIGNED], minlength=len(caps))
    assert np.all(filled <= caps)
    assert all(acceptable(s, p, students, postings) for s, p in enumerate(got) if p >= 0)


@settings(max_examples=120, deadline=None)
@given(markets(max_students=12, max_postings=6, max_capacity=5), st.randoms())
def test_deterministic_whatever_the_order_students_come_in(market, rnd):
    students, postings, caps = market
    got = deferred_acceptance(students, postings, caps)
    assert deferred_acceptance(students, postings, caps).tolist() == got.tolist()
    relabel = list(range(len(students)))  # new id of each student
    rnd.shuffle(relabel)
    back = np.argsort(relabel)
    shuffled_students = [students[old] for old in back]
    shuffled_postings = [[relabel[s] for s in prefs] for prefs in postings]
    again = deferred_acceptance(shuffled_students, shuffled_postings, caps)
    assert again[relabel].tolist() == got.tolist()


@settings(max_examples=150, deadline=None)
@given(markets(max_students=6, max_postings=4, max_capacity=3))
def test_best_for_every_student_among_all_stable_matchings(market):
    students, postings, caps = market
    got = deferred_acceptance(students, postings, caps)

    def rank(s, p):
        return students[s].index(p) if p != UNASSIGNED else len(students[s])

    options = [
        [p for p in students[s] if acceptable(s, p, students, postings)] + [UNASSIGNED]
        for s in range(len(students))
    ]
    for other in itertools.product(*options):  # brute force over tiny markets
        if stable_reference(other, students, postings, caps):
            assert all(rank(s, got[s]) <= rank(s, other[s]) for s in range(len(students)))
            assert is_stable(np.array(other), students, postings, caps)


@settings(max_examples=100, deadline=None)
@given(markets(max_students=15, max_postings=6, max_capacity=4))
def test_same_as_the_pypi_matching_package(market):
    students, postings, caps = market
    assert pypi_matching.solve(students, postings, caps).tolist() == (
        deferred_acceptance(students, postings, caps).tolist()
    )


def test_same_as_the_pypi_matching_package_on_a_larger_market():
    rng = np.random.default_rng(2027)
    n_students, n_postings = 400, 40
    students = [
        rng.choice(n_postings, rng.integers(0, 8), replace=False).tolist()
        for _ in range(n_students)
    ]
    scores = rng.integers(0, 100, (n_postings, n_students)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = np.nan  # firms find some students unacceptable
    postings = prefs_from_scores(scores)
    caps = rng.integers(0, 12, n_postings).tolist()
    got = deferred_acceptance(students, postings, caps)
    assert np.array_equal(got, pypi_matching.solve(students, postings, caps))
    assert is_stable(got, students, postings, caps)
    assert 0 < summarise(got, students, caps).matched < n_students


@pytest.mark.parametrize(
    ("students", "postings", "caps", "error"),
    [
        ([[0], [0]], [[0]], [1], ValueError),  # student 1 ranks a posting that does not list them
        ([[0], []], [[0]], [1], IndexError),  # student 1 ranks nothing
        ([[0, 1]], [[0], [0]], [0, 1], IndexError),  # posting 0 has no places
    ],
)
def test_pypi_package_fails_where_ours_must_not(students, postings, caps, error):
    game = pypi_matching.hospital_resident().create_from_dictionaries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns about each of these before failing
        with pytest.raises(error):
            game(
                dict(enumerate(students)), dict(enumerate(postings)), dict(enumerate(caps))
            ).solve()
    got = deferred_acceptance(students, postings, caps)
    assert is_stable(got, students, postings, caps)
    assert np.array_equal(got, pypi_matching.solve(students, postings, caps))


def test_summary_counts():
    students = [[0, 1], [0, 1], [1], []]
    summary = summarise(np.array([0, 1, UNASSIGNED, UNASSIGNED]), students, [1, 3])
    assert summary.students == 4
    assert (summary.matched, summary.unmatched) == (2, 2)
    assert (summary.places, summary.filled, summary.unfilled) == (4, 2, 2)
    assert summary.first_choice == 1
    assert summary.by_choice == (1, 1)
