"""Programme-round allocation: student-proposing deferred acceptance (Gale-Shapley).

Students rank the postings they want (incomplete lists); postings rank students,
usually from the matcher's scores (:func:`prefs_from_scores`), possibly adjusted by the
employer; each posting has a capacity. The result is stable (no student and posting
both prefer each other to what they got), respects capacities and both sides' lists,
and is the student-optimal stable matching: every student gets the best posting they
can have in any stable matching. That is also why ranking honestly is a student's best
strategy: with student-proposing deferred acceptance no student can gain by misreporting
(Dubins and Freedman 1981; Roth 1982).

Students and postings are integer ids ``0..n-1`` so the web app maps its rows to them.
Lists are incomplete and need not agree: a student may rank a posting that does not list
them (the pair is simply not acceptable), a posting may list students who never rank it,
a list may be empty and a capacity may be 0. The student-optimal matching is unique, so
the result does not depend on the order in which students propose: it is deterministic.

Speed: both sides' lists are flattened into integer arrays once; the posting's rank of
every (student, posting) pair a student lists is looked up for all pairs at once by
sorting both sides' pairs together, pairs that can never match are dropped, and the loop
of proposals works on plain integer lists, each posting keeping a heap of the ranks it
holds. 20,000 students ranking 10 of 2,000 postings take a fraction of a second
(``bench/bench_allocation.py``).

Compared with the PyPI ``matching`` package (``HospitalResident``, resident-optimal),
which the tests use as a cross-check (``tests/test_matching_allocation.py``): that
package expects consistent lists and warns, then fails during the solve, where this
module must not: a student ranking a posting that does not list them (``ValueError``),
a student with an empty list or a posting with no places (``IndexError``). A posting
listing students who do not rank it only warns. Its games also deep-copy their players
recursively, which passes Python's default recursion limit from about 1,000 students.
Unless its ``clean`` option removes the offending players first, the tests reduce each
instance to mutually acceptable pairs (which changes no stable matching) before
handing it over. This module accepts all of those inputs as they are.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "UNASSIGNED",
    "AllocationSummary",
    "deferred_acceptance",
    "is_stable",
    "prefs_from_scores",
    "summarise",
]

#: The assignment of a student who gets no posting.
UNASSIGNED = -1


def prefs_from_scores(
    scores: np.ndarray, *, min_score: float = 0.0, tiebreak: np.ndarray | None = None
) -> list[np.ndarray]:
    """Turn a ``(n_postings, n_students)`` score matrix into posting preference lists.

    Parameters
    ----------
    scores : numpy.ndarray
        Score of each student for each posting (NaN: not acceptable).
    min_score : float, keyword-only
        Students scoring below this are not acceptable to the posting.
    tiebreak : numpy.ndarray, optional, keyword-only
        The firm's order among equal scores, lower first: one value per student, or a
        ``(n_postings, n_students)`` matrix (each posting its own). Remaining ties, and
        all ties without it, go to the lower student id.

    Returns
    -------
    list of numpy.ndarray
        For each posting, acceptable student ids best first.
    """
    scores = np.asarray(scores, dtype=np.float64)
    order = (
        np.zeros(scores.shape)
        if tiebreak is None
        else np.broadcast_to(np.asarray(tiebreak, dtype=np.float64), scores.shape)
    )
    out = []
    for row, firm_order in zip(scores, order, strict=True):
        ok = np.flatnonzero(~np.isnan(row) & (row >= min_score))
        out.append(ok[np.lexsort((ok, firm_order[ok], -row[ok]))])
    return out


@dataclass(frozen=True)
class _Lists:
    """Preference lists flattened: ``ids[offsets[i]:offsets[i + 1]]`` is list ``i``."""

    offsets: np.ndarray
    ids: np.ndarray

    @property
    def owner(self) -> np.ndarray:
        """For each entry, whose list it is in."""
        return np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets))

    @property
    def position(self) -> np.ndarray:
        """For each entry, its position in its list (0: first choice)."""
        return np.arange(len(self.ids)) - np.repeat(self.offsets[:-1], np.diff(self.offsets))


def _flatten(prefs: Sequence[Sequence[int]], n_other: int, side: str) -> _Lists:
    lengths = np.fromiter((len(p) for p in prefs), dtype=np.int64, count=len(prefs))
    offsets = np.zeros(len(prefs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if len(prefs) and all(isinstance(p, np.ndarray) for p in prefs):
        ids = np.concatenate([np.asarray(p, dtype=np.int64).ravel() for p in prefs])
    else:  # Python lists: one pass over the chained ints beats a small array per list
        ids = np.fromiter(
            itertools.chain.from_iterable(prefs), dtype=np.int64, count=int(offsets[-1])
        )
    if len(ids) and (ids.min() < 0 or ids.max() >= n_other):
        raise ValueError(f"a {side} list names an id outside 0..{n_other - 1}")
    return _Lists(offsets, ids)


def _pair_ranks(students: _Lists, postings: _Lists, n_students: int) -> np.ndarray:
    """For every entry of the students' lists, the posting's rank of that student (-1: none).

    Both sides' (posting, student) pairs are sorted together once, as ``2 * pair`` for a
    posting's entry and ``2 * pair + 1`` for a student's: a student's entry right after
    its pair's posting entry is acceptable, at that entry's position, and a list naming
    someone twice shows as two equal neighbours.
    """
    n_post_entries = len(postings.ids)
    keys = np.concatenate(
        (
            (postings.owner * n_students + postings.ids) * 2,
            (students.ids * n_students + students.owner) * 2 + 1,
        )
    )
    if len(keys) and keys.max() < np.iinfo(np.int32).max:
        keys = keys.astype(np.int32)  # halves the memory the sort moves
    order = np.argsort(keys)  # not stable: the low bit already orders the two sides
    ordered = keys[order]
    twice = ordered[1:] == ordered[:-1]
    if twice.any():
        if np.any(ordered[1:][twice] % 2):
            raise ValueError("a student lists the same posting twice")
        raise ValueError("a posting lists the same student twice")
    ranks = np.full(len(students.ids), -1, dtype=np.int64)
    hit = np.flatnonzero((ordered[1:] == ordered[:-1] + 1) & (ordered[:-1] % 2 == 0))
    ranks[order[hit + 1] - n_post_entries] = postings.position[order[hit]]
    return ranks


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
        Places per posting (0 or more).

    Returns
    -------
    numpy.ndarray
        ``assignment[student]`` is a posting id or ``UNASSIGNED`` (-1).

    Raises
    ------
    ValueError
        One capacity per posting is needed, capacities are not negative, ids are in
        range and no list names anyone twice.
    """
    n_students, n_postings = len(student_prefs), len(posting_prefs)
    if len(capacities) != n_postings:
        raise ValueError("one capacity per posting is needed")
    caps = np.asarray(capacities, dtype=np.int64).reshape(n_postings)
    if np.any(caps < 0):
        raise ValueError("a capacity cannot be negative")
    students = _flatten(student_prefs, n_postings, "student")
    postings = _flatten(posting_prefs, n_students, "posting")
    ranks = _pair_ranks(students, postings, n_students)

    # Keep only the pairs that can match: listed by both sides, with places to give.
    keep = (ranks >= 0) & (caps[students.ids] > 0)
    counts = np.bincount(students.owner[keep], minlength=n_students)
    ends = np.cumsum(counts)
    post, rank = students.ids[keep].tolist(), ranks[keep].tolist()
    nxt, end = (ends - counts).tolist(), ends.tolist()
    listed, first = postings.ids.tolist(), postings.offsets[:-1].tolist()
    cap = caps.tolist()

    held: list[list[int]] = [[] for _ in range(n_postings)]  # heaps of -rank held
    assignment = [UNASSIGNED] * n_students
    free = list(range(n_students - 1, -1, -1))  # a stack: student 0 proposes first
    push, replace = heapq.heappush, heapq.heapreplace
    while free:
        s = free.pop()
        i, stop = nxt[s], end[s]
        while i < stop:
            p, r = post[i], rank[i]
            i += 1
            h = held[p]
            if len(h) < cap[p]:
                push(h, -r)
                assignment[s] = p
                break
            if r < -h[0]:  # p prefers s to the worst student it holds
                bumped = listed[first[p] - replace(h, -r)]
                assignment[s], assignment[bumped] = p, UNASSIGNED
                free.append(bumped)
                break
        nxt[s] = i
    return np.asarray(assignment, dtype=np.int64)


def is_stable(
    assignment: np.ndarray,
    student_prefs: Sequence[Sequence[int]],
    posting_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> bool:
    """Check an assignment: feasible, acceptable to both sides, and no blocking pair."""
    n_students, n_postings = len(student_prefs), len(posting_prefs)
    assignment = np.asarray(assignment, dtype=np.int64)
    if assignment.shape != (n_students,) or np.any(
        (assignment < UNASSIGNED) | (assignment >= n_postings)
    ):
        return False
    caps = np.asarray(capacities, dtype=np.int64).reshape(n_postings)
    students = _flatten(student_prefs, n_postings, "student")
    postings = _flatten(posting_prefs, n_students, "posting")
    ranks = _pair_ranks(students, postings, n_students)
    owner, position = students.owner, students.position

    # Where each student's assignment sits in their list (and the posting's rank of them).
    chosen = students.ids == assignment[owner]
    matched = assignment != UNASSIGNED
    if np.bincount(owner[chosen], minlength=n_students)[matched].min(initial=1) < 1:
        return False  # assigned to a posting the student did not list
    if np.any(ranks[chosen] < 0):
        return False  # assigned to a posting that does not accept the student
    filled = np.bincount(assignment[matched], minlength=n_postings)
    if np.any(filled > caps):
        return False
    worst = np.full(n_postings, -1, dtype=np.int64)
    np.maximum.at(worst, students.ids[chosen], ranks[chosen])
    got = np.full(n_students, np.iinfo(np.int64).max)
    got[owner[chosen]] = position[chosen]
    # A blocking pair: the student prefers p to what they got, p accepts them, and p has
    # a free place or holds someone it likes less.
    p = students.ids
    blocking = (position < got[owner]) & (ranks >= 0) & ((filled[p] < caps[p]) | (ranks < worst[p]))
    return not bool(blocking.any())


@dataclass(frozen=True)
class AllocationSummary:
    """What a coordinator wants to know about an allocation."""

    students: int
    matched: int
    first_choice: int
    places: int
    filled: int
    #: ``by_choice[k]``: students placed at their (k+1)-th choice.
    by_choice: tuple[int, ...]

    @property
    def unmatched(self) -> int:
        return self.students - self.matched

    @property
    def unfilled(self) -> int:
        return self.places - self.filled


def summarise(
    assignment: np.ndarray, student_prefs: Sequence[Sequence[int]], capacities: Sequence[int]
) -> AllocationSummary:
    """Counts of an allocation: matched students, first choices, filled places."""
    assignment = np.asarray(assignment, dtype=np.int64)
    students = _flatten(student_prefs, len(capacities), "student")
    chosen = students.ids == assignment[students.owner]
    by_choice = np.bincount(students.position[chosen])
    caps = np.asarray(capacities, dtype=np.int64)
    filled = np.bincount(assignment[assignment != UNASSIGNED], minlength=len(caps))
    return AllocationSummary(
        students=len(assignment),
        matched=int(np.count_nonzero(assignment != UNASSIGNED)),
        first_choice=int(by_choice[0]) if len(by_choice) else 0,
        places=int(caps.sum()),
        filled=int(np.minimum(filled, caps).sum()),
        by_choice=tuple(int(n) for n in by_choice),
    )
