"""Talent Bridge matcher: a pure library (no web framework, no database).

Skills are normalised and compared (:mod:`matching.skills`), a candidate is scored
against a posting with reasons (:mod:`matching.scoring`), and whole pools are ranked
fast with numpy (:mod:`matching.ranking`). Inputs and outputs are plain dataclasses.
"""

from matching.model import Candidate, PostingSpec, Requirement, SkillClaim, Weights
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
