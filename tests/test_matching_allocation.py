"""Deferred acceptance gives stable, feasible, student-optimal allocations."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.allocation import UNASSIGNED, deferred_acceptance, is_stable, prefs_from_scores


def test_textbook_example_is_student_optimal():
    students = [[0, 1], [1, 0], [0, 1]]
    postings = [[1, 0, 2], [0, 2, 1]]
    got = deferred_acceptance(students, postings, [1, 1])
    assert got.tolist() == [1, 0, UNASSIGNED]  # s2 bumps s1, who bumps s0, who bumps s2
    assert is_stable(got, students, postings, [1, 1])


def test_capacities_and_unacceptable_pairs():
    students = [[0], [0], [0], [1]]
    postings = [[2, 0, 1], []]  # posting 1 accepts nobody
    got = deferred_acceptance(students, postings, [2, 3])
    assert got.tolist() == [0, UNASSIGNED, 0, UNASSIGNED]


def test_prefs_from_scores():
    scores = np.array([[50.0, 90.0, np.nan, 90.0], [10.0, 0.0, 5.0, 70.0]])
    prefs = prefs_from_scores(scores, min_score=5.0)
    assert [p.tolist() for p in prefs] == [[1, 3, 0], [3, 0, 2]]


@st.composite
def markets(draw):
    ns, npost = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    students = [
        draw(st.permutations(range(npost)).map(lambda p: list(p)[: draw(st.integers(0, npost))]))
        for _ in range(ns)
    ]
    scores = np.array(
        [[draw(st.one_of(st.none(), st.integers(0, 9))) for _ in range(ns)] for _ in range(npost)],
        dtype=float,
    )
    caps = [draw(st.integers(0, 3)) for _ in range(npost)]
    return students, prefs_from_scores(scores), caps


@settings(max_examples=150, deadline=None)
@given(markets())
def test_stable_and_best_for_every_student(market):
    students, postings, caps = market
    got = deferred_acceptance(students, postings, caps)
    assert is_stable(got, students, postings, caps)

    def rank(s, p):
        return students[s].index(p) if p != UNASSIGNED else len(students[s])

    options = [[*students[s], UNASSIGNED] for s in range(len(students))]
    for other in itertools.product(*options):  # brute force over tiny markets
        other = np.array(other)
        if is_stable(other, students, postings, caps):
            assert all(rank(s, got[s]) <= rank(s, other[s]) for s in range(len(students)))


def test_one_capacity_per_posting():
    with pytest.raises(ValueError):
        deferred_acceptance([[0]], [[0]], [])
