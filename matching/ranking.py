"""Rank a pool of candidates for a posting fast, and postings for a candidate.

:class:`PoolIndex` keeps the pool as arrays (see :mod:`matching.store`). Ranking
compares the posting's requirements with the whole skill vocabulary in one
``rapidfuzz.process.cdist`` call, then per requirement gathers every
(candidate, skill) entry's ``similarity * level_credit`` and takes each candidate's
best with ``np.maximum.reduceat``; the total, the languages and the availability are
vectorised the same way. Only the top K get full reasons, from the reference scorer,
whose scores are identical (the array code repeats its float operations in order).

Ties are broken by the order candidates were first added to the index (an update
keeps a candidate's place), so results are deterministic whatever the key type.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

import numpy as np

from matching.model import Candidate, PostingSpec, Requirement, Weights
from matching.reasons import Match
from matching.scoring import DEFAULT_WEIGHTS, combine, score, weight_sum
from matching.skills import DEFAULT_THRESHOLD, canonical
from matching.store import ClaimStore, GrowArray

__all__ = ["PoolIndex", "rank_postings"]

_MIN_ORD = date.min.toordinal()
_MAX_ORD = date.max.toordinal()

_F = TypeVar("_F", bound=Callable[..., Any])


def _locked(method: _F) -> _F:
    """Run a PoolIndex method under the index's lock (one index serves many threads)."""

    @functools.wraps(method)
    def wrapper(self: PoolIndex, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class PoolIndex:
    """A searchable pool of candidates, built once and updated one candidate at a time.

    Parameters
    ----------
    candidates : iterable of Candidate, optional
        The initial pool; keys must be unique.

    Notes
    -----
    ``add``, ``update`` and ``remove`` are cheap: removal only marks a slot dead and
    an update appends the new version; dead slots are compacted away once they make
    up a quarter of the pool. Methods hold an internal lock, so one index can be shared
    by the threads of a web process. The index keeps no ``Candidate`` objects, only arrays
    and the distinct names as written, and rebuilds candidates when reasons are asked.
    """

    def __init__(self, candidates: Iterable[Candidate] = ()) -> None:
        self.skills = ClaimStore()
        self.languages = ClaimStore()
        self._keys: list[Hashable] = []
        self._slot: dict[Hashable, int] = {}
        self._alive = GrowArray(np.bool_)
        self._order = GrowArray(np.int64)
        self._from = GrowArray(np.int64)
        self._to = GrowArray(np.int64)
        self._known = GrowArray(np.bool_)
        self._next_order = 0
        self._dead = 0
        self._lock = threading.RLock()
        for c in candidates:
            self.add(c)

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, key: object) -> bool:
        return key in self._slot

    @_locked
    def keys(self) -> list[Hashable]:
        """Keys of the pool in tie-break order."""
        slots = np.flatnonzero(self._alive.view)
        return [self._keys[int(s)] for s in slots[np.argsort(self._order.view[slots])]]

    def _append(self, c: Candidate, order: int) -> None:
        self._slot[c.key] = len(self._keys)
        self._keys.append(c.key)
        self._alive.append(True)
        self._order.append(order)
        self._from.append(c.available_from.toordinal() if c.available_from else _MIN_ORD)
        self._to.append(c.available_to.toordinal() if c.available_to else _MAX_ORD)
        self._known.append(c.available_from is not None or c.available_to is not None)
        self.skills.append(c.skills)
        self.languages.append(c.languages)

    @_locked
    def add(self, candidate: Candidate) -> None:
        """Add a new candidate; raises ``KeyError`` if the key is already indexed."""
        if candidate.key in self._slot:
            raise KeyError(f"candidate {candidate.key!r} already indexed; use update()")
        self._append(candidate, self._next_order)
        self._next_order += 1

    @_locked
    def update(self, candidate: Candidate) -> None:
        """Replace a candidate (keeping its tie-break place), or add it if new."""
        old = self._slot.get(candidate.key)
        if old is None:
            self.add(candidate)
            return
        order = int(self._order.view[old])
        self._kill(old)
        self._append(candidate, order)
        self._maybe_compact()

    @_locked
    def remove(self, key: Hashable) -> None:
        """Remove a candidate; raises ``KeyError`` if it is not indexed."""
        self._kill(self._slot[key])
        del self._slot[key]
        self._maybe_compact()

    def _kill(self, slot: int) -> None:
        self._alive.view[slot] = False
        self._dead += 1

    def _maybe_compact(self) -> None:
        if self._dead < 64 or self._dead * 4 < len(self._keys):
            return
        keep = np.flatnonzero(self._alive.view)
        self.skills.keep(keep)
        self.languages.keep(keep)
        for arr in (self._alive, self._order, self._from, self._to, self._known):
            arr.reset(arr.view[keep])
        self._keys = [self._keys[int(s)] for s in keep]
        self._slot = {k: i for i, k in enumerate(self._keys)}
        self._dead = 0

    @_locked
    def candidate(self, key: Hashable) -> Candidate:
        """Rebuild an indexed candidate (skills and languages as written)."""
        return self._candidate(self._slot[key])

    def _candidate(self, slot: int) -> Candidate:
        lo, hi = int(self._from.view[slot]), int(self._to.view[slot])
        return Candidate(
            self._keys[slot],
            self.skills.claims(slot),
            self.languages.claims(slot),
            date.fromordinal(lo) if lo != _MIN_ORD else None,
            date.fromordinal(hi) if hi != _MAX_ORD else None,
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays (not counting Python strings and dicts)."""
        slot_arrays = (self._alive, self._order, self._from, self._to, self._known)
        return self.skills.nbytes + self.languages.nbytes + sum(a.nbytes for a in slot_arrays)

    # ---------------------------------------------------------------- scoring
    def _slots_for(self, keys: Iterable[Hashable] | None) -> np.ndarray:
        if keys is None:
            return np.flatnonzero(self._alive.view)
        return np.unique(np.fromiter((self._slot[k] for k in keys), dtype=np.int64))

    def _entries(self, store: ClaimStore, sims: np.ndarray, slots: np.ndarray) -> tuple:
        """The CSR entries worth looking at for a posting, for the given slots."""
        if 4 * len(slots) > len(self._keys):  # most of the pool: use the arrays as they are
            codes, starts, lens = store.codes.view, store.starts.view, store.lens.view
            n, pick = len(starts), slots
        else:  # a small subset gets its own CSR
            codes, _, starts = store.gather(slots)
            lens, n, pick = store.lens.view[slots], len(slots), None
        mask = (sims > 0).any(axis=0) if len(sims) else np.zeros(len(store.vocab), bool)
        return (*store.relevant(mask, codes, starts, lens), n, pick)

    @staticmethod
    def _coverage(
        reqs: tuple[Requirement, ...], sims: np.ndarray, entries: tuple, count: int
    ) -> np.ndarray:
        """Weighted coverage of ``reqs`` (0..1 per slot), as in the reference scorer."""
        if not reqs:
            return np.ones(count)
        codes, starts, rows, n, pick = entries
        acc = np.zeros(len(rows))  # only rows holding some relevant skill; the rest get 0
        for i, r in enumerate(reqs):
            acc += r.weight * ClaimStore.best(sims[i], r.min_level, codes, starts, rows)
        total = np.zeros(n)
        total[rows] = acc / weight_sum(reqs)
        return total if pick is None else total[pick]

    def _scores(
        self, posting: PostingSpec, slots: np.ndarray, weights: Weights, threshold: float
    ) -> np.ndarray:
        skill_reqs = posting.required + posting.preferred
        n = len(slots)
        sims = self.skills.vocab.similarities([canonical(r.skill) for r in skill_reqs], threshold)
        entries = self._entries(self.skills, sims, slots) if skill_reqs else ()
        nreq = len(posting.required)
        req = self._coverage(posting.required, sims[:nreq], entries, n)
        pref = self._coverage(posting.preferred, sims[nreq:], entries, n)
        lang_sims = self.languages.vocab.similarities(
            [canonical(r.skill) for r in posting.languages], threshold
        )
        entries = self._entries(self.languages, lang_sims, slots) if posting.languages else ()
        lang = self._coverage(posting.languages, lang_sims, entries, n)
        avail = self._availability(posting, slots, weights)
        total = combine(posting, weights, req, pref, lang, avail)
        return np.broadcast_to(np.asarray(total, dtype=np.float64), (n,)).copy()

    @_locked
    def score_array(
        self,
        posting: PostingSpec,
        *,
        keys: Iterable[Hashable] | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> tuple[list[Hashable], np.ndarray]:
        """Score the pool (or the ``keys`` subset) without reasons, vectorised.

        Returns
        -------
        keys : list
            Candidate keys, in index order (not ranked).
        scores : numpy.ndarray
            Their scores, equal to :func:`matching.scoring.score`'s.
        """
        slots = self._slots_for(keys)
        scores = self._scores(posting, slots, weights, threshold)
        all_keys = self._keys
        return [all_keys[s] for s in slots.tolist()], scores

    def _availability(
        self, posting: PostingSpec, slots: np.ndarray, weights: Weights
    ) -> np.ndarray:
        if not posting.has_dates:
            return np.zeros(len(slots))
        assert posting.start is not None and posting.end is not None
        start, end = posting.start.toordinal(), posting.end.toordinal()
        lo = np.maximum(start, self._from.view[slots])
        hi = np.minimum(end, self._to.view[slots])
        overlap = np.maximum(0, hi - lo + 1)
        return np.where(
            self._known.view[slots], overlap / (end - start + 1), weights.unknown_availability
        )

    @_locked
    def rank(
        self,
        posting: PostingSpec,
        *,
        top: int = 10,
        keys: Iterable[Hashable] | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> list[Match]:
        """Return the ``top`` candidates for a posting, best first, with reasons.

        Parameters
        ----------
        posting : PostingSpec
            What the internship asks for.
        top : int, keyword-only
            How many matches to return.
        keys : iterable of keys, keyword-only
            Rank only these candidates (e.g. the posting's applicants); an unknown
            key raises ``KeyError``.
        weights, threshold : keyword-only
            As for :func:`matching.scoring.score`.

        Returns
        -------
        list of Match
            Sorted by score descending, then by the order candidates were added.
        """
        slots = self._slots_for(keys)
        scores = self._scores(posting, slots, weights, threshold)
        best = _top_k(scores, self._order.view[slots], top)
        matches = []
        for i in best:
            m = score(self._candidate(int(slots[i])), posting, weights=weights, threshold=threshold)
            assert abs(m.score - scores[i]) <= 1e-6, "fast path and reference disagree"
            matches.append(m)
        return matches


def _top_k(scores: np.ndarray, order: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, by score descending then ``order`` ascending."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k < n:
        part = np.argpartition(-scores, k - 1)[:k]
        pool = np.flatnonzero(scores >= scores[part].min())  # everyone tied at the edge
    else:
        pool = np.arange(n)
    return pool[np.lexsort((order[pool], -scores[pool]))][:k]


def rank_postings(
    candidate: Candidate,
    postings: Mapping[Hashable, PostingSpec] | Iterable[tuple[Hashable, PostingSpec]],
    *,
    top: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Match]:
    """Recommend postings to one candidate: the ``top`` best, with reasons.

    Loops the reference scorer; its similarity and canonical-key caches make repeated
    requirement texts cheap, which is what a few thousand postings mostly share.

    Parameters
    ----------
    candidate : Candidate
        The student.
    postings : mapping or iterable of (key, PostingSpec)
        Postings by key (e.g. ``ref``).
    top : int, keyword-only
        How many to return.
    weights, threshold : keyword-only
        As for :func:`matching.scoring.score`.

    Returns
    -------
    list of Match
        ``Match.key`` is the posting key; best first, ties in the given order.
    """
    items = postings.items() if isinstance(postings, Mapping) else postings
    scored = []
    for i, (pkey, spec) in enumerate(items):
        m = score(candidate, spec, weights=weights, threshold=threshold)
        scored.append((-m.score, i, Match(pkey, m.score, m.reasons)))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [m for _, _, m in scored[: max(top, 0)]]
