"""Talent Bridge matcher: a pure library (no web framework, no database).

Skills are normalised and compared (:mod:`matching.skills`), a candidate is scored
against a posting with reasons (:mod:`matching.scoring`), and whole pools are ranked
fast with numpy (:mod:`matching.ranking`), as are all postings for one candidate
(:mod:`matching.posting_index`). Inputs and outputs are plain dataclasses.

>>> from matching import Candidate, PoolIndex, PostingSpec, Requirement, SkillClaim
>>> index = PoolIndex([Candidate(1, (SkillClaim("Ｐｙｔｈｏｎ", 4), SkillClaim("機器學習", 3)))])
>>> posting = PostingSpec(required=(Requirement("Python", 3), Requirement("机器学习", 3)))
>>> [(m.key, m.score, m.reasons.summary()) for m in index.rank(posting, top=5)]
[(1, 100.0, '2 of 2 requirements met')]
>>> index.update(Candidate(1, (SkillClaim("Python", 2),)))  # a profile changed
>>> index.rank(posting, keys=[1])[0].reasons.summary()
'0 of 2 requirements met; below level: Python; missing: 机器学习'
"""

from matching.model import Candidate, PostingSpec, Requirement, SkillClaim, Weights
from matching.posting_index import PostingIndex
from matching.ranking import PoolIndex, rank_postings
from matching.reasons import AvailabilityReason, Match, Reasons, RequirementReason
from matching.scoring import DEFAULT_WEIGHTS, score
from matching.skills import (
    DEFAULT_THRESHOLD,
    SHORT_NAME_LEN,
    alias_table,
    canonical,
    normalise,
    similarity,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "SHORT_NAME_LEN",
    "AvailabilityReason",
    "Candidate",
    "Match",
    "PoolIndex",
    "PostingIndex",
    "PostingSpec",
    "Reasons",
    "Requirement",
    "RequirementReason",
    "SkillClaim",
    "Weights",
    "alias_table",
    "canonical",
    "normalise",
    "rank_postings",
    "score",
    "similarity",
]
