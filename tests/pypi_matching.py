"""The PyPI ``matching`` package (HospitalResident), loaded beside our own ``matching``.

Both packages are called ``matching`` and ours, first on ``sys.path`` from the project
folder, wins every ``import matching``. The PyPI one imports itself by absolute name
(``from matching import BaseGame``), so it is loaded with its own folder first on the
path and our modules moved aside, then everything is put back: afterwards ``matching``
is ours again and the PyPI classes keep working through the references they hold.

That package expects consistent instances (a hospital ranks exactly the residents who
rank it), non-empty lists and capacities of at least one; otherwise it warns and then
fails during the solve. :func:`consistent` reduces an instance to what it accepts
without changing its stable matchings: a pair that is not acceptable to both sides can
neither be matched nor block, and a player with no acceptable partner stays unmatched.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matching.allocation import UNASSIGNED


def _ours(name: str) -> bool:
    return name == "matching" or name.startswith("matching.")


@functools.cache
def hospital_resident() -> Any:
    """The ``HospitalResident`` game class of the installed PyPI ``matching`` package."""
    dist = importlib.metadata.distribution("matching")
    root = str(Path(str(dist.locate_file(""))).resolve())
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if _ours(name)}
    sys.path.insert(0, root)
    try:
        with warnings.catch_warnings():  # its __init__ sets a global "always" filter
            games = importlib.import_module("matching.games")
            game = games.HospitalResident
            if not Path(games.__file__).resolve().is_relative_to(root):
                raise ImportError("the PyPI matching package is not installed")
    finally:
        sys.path.remove(root)
        for name in [n for n in sys.modules if _ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved)
    return game


def consistent(
    student_prefs: Sequence[Sequence[int]],
    posting_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]:
    """The instance as the PyPI package wants it: mutual lists, nobody empty, capacity >= 1."""
    accepts = [
        set(map(int, prefs)) if capacities[p] > 0 else set()
        for p, prefs in enumerate(posting_prefs)
    ]
    residents = {
        s: kept
        for s, prefs in enumerate(student_prefs)
        if (kept := [int(p) for p in prefs if s in accepts[int(p)]])
    }
    ranked_by = [set() for _ in posting_prefs]
    for s, prefs in residents.items():
        for p in prefs:
            ranked_by[p].add(s)
    hospitals = {
        p: kept
        for p, prefs in enumerate(posting_prefs)
        if (kept := [int(s) for s in prefs if int(s) in ranked_by[p]])
    }
    return residents, hospitals, {p: int(capacities[p]) for p in hospitals}


def solve(
    student_prefs: Sequence[Sequence[int]],
    posting_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> np.ndarray:
    """The resident-optimal matching by the PyPI package, as an assignment array."""
    residents, hospitals, caps = consistent(student_prefs, posting_prefs, capacities)
    assignment = np.full(len(student_prefs), UNASSIGNED, dtype=np.int64)
    if not residents:
        return assignment
    result: dict[Any, Any] = {}

    def run() -> None:
        game = hospital_resident().create_from_dictionaries(residents, hospitals, caps)
        result.update(game.solve(optimal="resident"))

    _deep(run)
    for hospital, matched in result.items():
        for resident in matched:
            assignment[resident.name] = hospital.name
    return assignment


def _deep(fn: Callable[[], None]) -> None:
    """Run ``fn`` in a thread with a deep stack and recursion limit.

    The game deep-copies its players, which point at each other through their lists:
    ``copy.deepcopy`` recurses along those links and passes Python's default limit from
    about 1,000 residents on.
    """
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # handed to the caller's thread
            errors.append(exc)

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(limit, 1_000_000))
    threading.stack_size(1 << 30)
    try:
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(size)
        sys.setrecursionlimit(limit)
    if errors:
        raise errors[0]
