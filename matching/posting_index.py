"""Rank thousands of postings for one candidate fast: the postings kept as arrays.

The mirror image of :class:`matching.ranking.PoolIndex`. A student's recommendations
score every open posting; looping the reference scorer over 5,000 postings takes
seconds a request. Postings share their requirements (a few hundred distinct skill
texts), so :class:`PostingIndex` matches each distinct requirement text against the
candidate's claims once, looks up every requirement's credit at its minimum level, and
sums each posting's coverage with numpy, one requirement position at a time, in the
reference scorer's order, so the scores are the same floats. Only the top K get their
reasons, from the reference scorer, which also checks the score.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matching.model import MAX_LEVEL, Candidate, PostingSpec, Requirement, SkillClaim, Weights
from matching.ranking import _top_k
from matching.reasons import Match
from matching.scoring import DEFAULT_WEIGHTS, combine, score, weight_sum
from matching.skills import DEFAULT_THRESHOLD, canonical, key_similarity

__all__ = ["PostingIndex"]

_LEVELS = np.arange(1, MAX_LEVEL + 1, dtype=np.float64)


@dataclass(frozen=True)
class _Slot:
    """The j-th requirement of every posting that has at least j + 1: rows and lookups."""

    rows: np.ndarray  # posting positions
    text: np.ndarray  # index into the part's distinct texts
    level: np.ndarray  # min_level - 1
    weight: np.ndarray


class _Part:
    """One kind of requirement (required, preferred or languages) across all postings."""

    def __init__(self, lists: Sequence[tuple[Requirement, ...]]) -> None:
        texts: dict[str, int] = {}
        for reqs in lists:
            for r in reqs:
                texts.setdefault(r.skill, len(texts))
        self.texts = list(texts)
        self.keys = [canonical(t) for t in self.texts]
        self.used = np.array([bool(reqs) for reqs in lists], dtype=bool)
        # weight_sum per posting, as the reference scorer adds them (1.0 where unused)
        self.weights = np.array([weight_sum(reqs) if reqs else 1.0 for reqs in lists])
        self.slots: list[_Slot] = []
        for j in range(max((len(reqs) for reqs in lists), default=0)):
            rows = [i for i, reqs in enumerate(lists) if len(reqs) > j]
            self.slots.append(
                _Slot(
                    np.array(rows, dtype=np.int64),
                    np.array([texts[lists[i][j].skill] for i in rows], dtype=np.int64),
                    np.array([lists[i][j].min_level - 1 for i in rows], dtype=np.int64),
                    np.array([lists[i][j].weight for i in rows], dtype=np.float64),
                )
            )

    def credits(self, claims: Sequence[SkillClaim], threshold: float) -> np.ndarray:
        """Best ``similarity * level_credit`` of each distinct text at each minimum level.

        Shape (texts, MAX_LEVEL); 0 where no claim matches, as in ``match_requirement``.
        """
        best = np.zeros((len(self.texts), MAX_LEVEL))
        for claim in claims:
            ckey = canonical(claim.name)
            sims = np.array([key_similarity(k, ckey, threshold) for k in self.keys])
            level_credit = np.minimum(1.0, claim.level / _LEVELS)  # min(1, level / min_level)
            np.maximum(best, sims[:, None] * level_credit[None, :], out=best)
        return best

    def coverage(self, claims: Sequence[SkillClaim], threshold: float, n: int) -> np.ndarray:
        """Weighted coverage of every posting (1.0 where the posting has none of these)."""
        table = self.credits(claims, threshold) if self.texts else np.zeros((0, MAX_LEVEL))
        total = np.zeros(n)
        for slot in self.slots:  # requirement j of every posting, in the scorer's order
            total[slot.rows] += slot.weight * table[slot.text, slot.level]
        return np.where(self.used, total / self.weights, 1.0)


class PostingIndex:
    """Postings as arrays, for ranking them all for one candidate at a time.

    Parameters
    ----------
    postings : iterable of (key, PostingSpec)
        The postings; ties in :meth:`rank` go to the one given first.
    """

    def __init__(self, postings: Iterable[tuple[Hashable, PostingSpec]]) -> None:
        items = list(postings)
        self.keys = [key for key, _spec in items]
        self.specs = [spec for _key, spec in items]
        self._required = _Part([s.required for s in self.specs])
        self._preferred = _Part([s.preferred for s in self.specs])
        self._languages = _Part([s.languages for s in self.specs])
        dated = [s.has_dates for s in self.specs]
        self._dated = np.array(dated, dtype=bool)
        self._start = np.array([s.start.toordinal() if d else 0 for s, d in self._zip(dated)])
        self._end = np.array([s.end.toordinal() if d else 0 for s, d in self._zip(dated)])
        # Postings grouped by the parts they use, since combine() leaves out unused ones.
        shapes: dict[tuple[bool, ...], list[int]] = {}
        for i, s in enumerate(self.specs):
            shape = (bool(s.required), bool(s.preferred), bool(s.languages), s.has_dates)
            shapes.setdefault(shape, []).append(i)
        self._groups = [np.array(rows, dtype=np.int64) for rows in shapes.values()]

    def _zip(self, dated: list[bool]) -> Iterable[tuple[PostingSpec, bool]]:
        return zip(self.specs, dated, strict=True)

    def __len__(self) -> int:
        return len(self.keys)

    def scores(
        self,
        candidate: Candidate,
        *,
        weights: Weights = DEFAULT_WEIGHTS,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> np.ndarray:
        """Every posting's score for the candidate, in index order, without reasons."""
        n = len(self.keys)
        req = self._required.coverage(candidate.skills, threshold, n)
        pref = self._preferred.coverage(candidate.skills, threshold, n)
        lang = self._languages.coverage(candidate.languages, threshold, n)
        avail = self._availability(candidate, weights)
        total = np.zeros(n)
        for rows in self._groups:
            shape_of = self.specs[int(rows[0])]
            part = combine(shape_of, weights, req[rows], pref[rows], lang[rows], avail[rows])
            total[rows] = part
        return total

    def _availability(self, candidate: Candidate, weights: Weights) -> np.ndarray:
        cf, ct = candidate.available_from, candidate.available_to
        if cf is None and ct is None:
            return np.where(self._dated, weights.unknown_availability, 0.0)
        lo = np.maximum(self._start, cf.toordinal()) if cf is not None else self._start
        hi = np.minimum(self._end, ct.toordinal()) if ct is not None else self._end
        overlap = np.maximum(0, hi - lo + 1)
        days = np.where(self._dated, self._end - self._start + 1, 1)
        return np.where(self._dated, overlap / days, 0.0)

    def rank(
        self,
        candidate: Candidate,
        *,
        top: int = 10,
        weights: Weights = DEFAULT_WEIGHTS,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> list[Match]:
        """The ``top`` postings for a candidate, best first (ties in index order), with
        reasons; the same as :func:`matching.rank_postings` on the same postings."""
        scores = self.scores(candidate, weights=weights, threshold=threshold)
        best = _top_k(scores, np.arange(len(scores)), top)
        matches = []
        for i in best.tolist():
            m = score(candidate, self.specs[i], weights=weights, threshold=threshold)
            assert abs(m.score - scores[i]) <= 1e-6, "fast path and reference disagree"
            matches.append(Match(self.keys[i], m.score, m.reasons))
        return matches
