"""Benchmark: programme-round allocation (deferred acceptance) at programme scale.

Run ``.venv/bin/python bench/bench_allocation.py``. It builds a round like a large
programme's: 20,000 students each ranking 10 of 2,000 postings (popular postings are
ranked more often), capacities 1 to 20, every posting ranking the students who ranked
it by a random score. It prints the time of ``deferred_acceptance`` (best of several
runs) with the number of proposals' worth of work and a stability check, then grows an
instance ten students per posting (500/50, 1,000/100, 2,000/200, ...) until the PyPI
``matching`` package (``HospitalResident``, resident-optimal, the same instance) takes
longer than ``--budget`` seconds, and prints both times and the ratio on the largest
instance measured, checking that both give the same matching. Target (issue 6): the
big allocation within one second. It prints, it does not assert.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.allocation import (  # noqa: E402
    deferred_acceptance,
    is_stable,
    summarise,
)
from tests import pypi_matching  # noqa: E402

Instance = tuple[list[list[int]], list[list[int]], list[int]]


def instance(n_students: int, n_postings: int, length: int, seed: int = 6) -> Instance:
    """Students rank ``length`` postings (skewed popularity); postings rank who ranked them."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(0.0, 1.0, n_postings)
    popularity /= popularity.sum()
    length = min(length, n_postings)
    students = [
        rng.choice(n_postings, size=length, replace=False, p=popularity).tolist()
        for _ in range(n_students)
    ]
    capacities = rng.integers(1, 21, n_postings).tolist()
    owner = np.repeat(np.arange(n_students), length)
    posting = np.asarray(students).ravel()
    score = rng.random(len(posting))
    order = np.lexsort((-score, posting))
    cuts = np.searchsorted(posting[order], np.arange(1, n_postings))
    postings = [chunk.tolist() for chunk in np.split(owner[order], cuts)]
    return students, postings, capacities


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--postings", type=int, default=2_000)
    parser.add_argument("--length", type=int, default=10, help="postings each student ranks")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--budget", type=float, default=5.0, help="seconds the PyPI package may take"
    )
    args = parser.parse_args()

    students, postings, caps = instance(args.students, args.postings, args.length)
    seconds, got = best_of(args.runs, lambda: deferred_acceptance(students, postings, caps))
    summary = summarise(got, students, caps)
    print(
        f"deferred_acceptance: {args.students:,} students x {args.length} choices, "
        f"{args.postings:,} postings, {summary.places:,} places"
    )
    print(
        f"  {seconds * 1000:.0f} ms (best of {args.runs}); matched {summary.matched:,}, "
        f"first choice {summary.first_choice:,}, places filled {summary.filled:,}; "
        f"stable: {is_stable(got, students, postings, caps)}; "
        f"within one second: {'yes' if seconds < 1 else 'NO'}"
    )

    try:
        pypi_matching.hospital_resident()
    except (ImportError, ModuleNotFoundError) as exc:
        print(f"PyPI matching package not available ({exc}); pip install -r requirements-dev.txt")
        return
    print(f"against the PyPI matching package (HospitalResident), budget {args.budget:.0f} s:")
    times: list[tuple[int, float, float]] = []
    n = 500
    while n <= args.students:
        small = instance(n, n // 10, args.length, seed=n)
        ours, mine = best_of(args.runs, lambda small=small: deferred_acceptance(*small))
        started = time.perf_counter()
        theirs = pypi_matching.solve(*small)
        elapsed = time.perf_counter() - started
        same = bool(np.array_equal(mine, theirs))
        print(
            f"  {n:>6,} students / {n // 10:>5,} postings: ours {ours * 1000:8.2f} ms, "
            f"matching {elapsed:7.2f} s, same result: {same}"
        )
        times.append((n, ours, elapsed))
        if elapsed > args.budget:
            break
        n *= 2
    n, ours, elapsed = times[-1]
    print(
        f"ratio on the largest instance measured ({n:,} students / {n // 10:,} postings): "
        f"ours is {elapsed / ours:,.0f} times faster"
    )
    if len(times) >= 2 and n < args.students:
        growth = times[-1][2] / times[-2][2]  # per doubling
        estimate = elapsed * growth ** np.log2(args.students / n)
        when = f"{estimate:,.0f} s" if estimate < 120 else f"{estimate / 60:,.0f} min"
        print(
            f"  (it grows {growth:.1f}x per doubling: about {when} for "
            f"{args.students:,} students, if memory allows)"
        )


if __name__ == "__main__":
    main()
