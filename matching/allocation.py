"""Programme-round allocation: student-proposing deferred acceptance (Gale-Shapley).

Students rank the postings they want (incomplete lists); postings rank students,
usually from the matcher's scores (:func:`prefs_from_scores`), possibly adjusted by the
employer; each posting has a capacity. The result is stable (no student and posting
both prefer each other to what they got) and the best stable result for every student.
Students and postings are integer ids ``0..n-1`` so the web app maps its rows to them.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

__all__ = ["UNASSIGNED", "deferred_acceptance", "is_stable", "prefs_from_scores"]

#: The assignment of a student who gets no posting.
UNASSIGNED = -1


def prefs_from_scores(scores: np.ndarray, *, min_score: float = 0.0) -> list[np.ndarray]:
    """Turn a ``(n_postings, n_students)`` score matrix into posting preference lists.

    Parameters
    ----------
    scores : numpy.ndarray
        Score of each student for each posting (NaN: not acceptable).
    min_score : float, keyword-only
        Students scoring below this are not acceptable to the posting.

    Returns
    -------
    list of numpy.ndarray
        For each posting, acceptable student ids best first (ties: lower id first).
    """
    scores = np.asarray(scores, dtype=np.float64)
    out = []
    for row in scores:
        ok = np.flatnonzero(~np.isnan(row) & (row >= min_score))
        out.append(ok[np.lexsort((ok, -row[ok]))])
    return out


def _rank_tables(posting_prefs: Sequence[Sequence[int]]) -> list[dict[int, int]]:
    return [{int(s): r for r, s in enumerate(prefs)} for prefs in posting_prefs]


def deferred_acceptance(
    student_prefs: Sequence[Sequence[int]],
    posting_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> np.ndarray:
    """Allocate students to postings, student-proposing, with capacities.

    Parameters
    ----------
    student_prefs : sequence of sequences of int
        For each student, the posting ids they accept, most wanted first.
    posting_prefs : sequence of sequences of int
        For each posting, the student ids it accepts, best first; unlisted students
        are not acceptable.
    capacities : sequence of int
        Places per posting.

    Returns
    -------
    numpy.ndarray
        ``assignment[student]`` is a posting id or ``UNASSIGNED`` (-1).
    """
    n_students, n_postings = len(student_prefs), len(posting_prefs)
    if len(capacities) != n_postings:
        raise ValueError("one capacity per posting is needed")
    rank = _rank_tables(posting_prefs)
    held: list[list[tuple[int, int]]] = [[] for _ in range(n_postings)]  # (-rank, student)
    next_choice = np.zeros(n_students, dtype=np.int64)
    assignment = np.full(n_students, UNASSIGNED, dtype=np.int64)
    free = list(range(n_students - 1, -1, -1))
    while free:
        s = free.pop()
        prefs = student_prefs[s]
        while next_choice[s] < len(prefs):
            p = int(prefs[next_choice[s]])
            next_choice[s] += 1
            r = rank[p].get(s)
            if r is None or capacities[p] <= 0:
                continue
            if len(held[p]) < capacities[p]:
                heapq.heappush(held[p], (-r, s))
                assignment[s] = p
                break
            worst_rank, worst = -held[p][0][0], held[p][0][1]
            if r < worst_rank:
                heapq.heapreplace(held[p], (-r, s))
                assignment[s], assignment[worst] = p, UNASSIGNED
                free.append(worst)
                break
    return assignment


def is_stable(
    assignment: np.ndarray,
    student_prefs: Sequence[Sequence[int]],
    posting_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> bool:
    """Check an assignment: feasible, acceptable to both sides, and no blocking pair."""
    rank = _rank_tables(posting_prefs)
    filled = np.zeros(len(posting_prefs), dtype=np.int64)
    worst = [-1] * len(posting_prefs)  # worst held rank per posting
    for s, p in enumerate(assignment):
        if p == UNASSIGNED:
            continue
        if p not in list(student_prefs[s]) or s not in rank[p]:
            return False
        filled[p] += 1
        worst[p] = max(worst[p], rank[p][s])
    if np.any(filled > np.asarray(capacities)):
        return False
    for s, prefs in enumerate(student_prefs):
        for p in prefs:
            if p == assignment[s]:
                break  # every posting after this one is liked less
            r = rank[p].get(s)
            if r is not None and (filled[p] < capacities[p] or r < worst[p]):
                return False
    return True
