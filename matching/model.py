"""Plain input types of the matcher: candidates, postings and scoring weights."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

__all__ = ["MAX_LEVEL", "Candidate", "PostingSpec", "Requirement", "SkillClaim", "Weights"]

#: Levels run from 1 (basic) to MAX_LEVEL (expert).
MAX_LEVEL = 5


def _check_level(level: int, what: str) -> None:
    if not 1 <= level <= MAX_LEVEL:
        raise ValueError(f"{what} must be 1..{MAX_LEVEL}, got {level!r}")


@dataclass(frozen=True, slots=True)
class SkillClaim:
    """A skill or language a candidate holds, as written, at a level 1..5."""

    name: str
    level: int = 3

    def __post_init__(self) -> None:
        _check_level(self.level, "level")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A student as the matcher sees them.

    ``key`` identifies the candidate to the caller (a student id). A missing
    ``available_from`` / ``available_to`` means open-ended on that side; both missing
    means availability is unknown (scored with ``Weights.unknown_availability``).
    """

    key: Hashable
    skills: tuple[SkillClaim, ...] = ()
    languages: tuple[SkillClaim, ...] = ()
    available_from: date | None = None
    available_to: date | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """A skill or language a posting asks for, at a minimum level, with a weight > 0."""

    skill: str
    min_level: int = 1
    weight: float = 1.0

    def __post_init__(self) -> None:
        _check_level(self.min_level, "min_level")
        if not self.weight > 0:
            raise ValueError(f"weight must be > 0, got {self.weight!r}")


@dataclass(frozen=True, slots=True)
class PostingSpec:
    """What a posting asks for. Dates are inclusive; without both, availability is ignored."""

    required: tuple[Requirement, ...] = ()
    preferred: tuple[Requirement, ...] = ()
    languages: tuple[Requirement, ...] = ()
    start: date | None = None
    end: date | None = None

    @property
    def has_dates(self) -> bool:
        """Whether availability counts (both dates known and in order)."""
        return self.start is not None and self.end is not None and self.start <= self.end


@dataclass(frozen=True, slots=True)
class Weights:
    """How the parts of a score are weighed (relative; only parts a posting uses count).

    The score is ``100 * (required*R + preferred*P*R + languages*L + availability*A)``
    divided by the sum of the weights of the parts the posting has, where R, P, L are
    weighted coverages (0..1) of required skills, preferred skills and languages and A
    the fraction of internship days the candidate is available. Preferred skills are
    multiplied by R so that they are a bonus on top of the requirements and never make
    up for missing ones. ``unknown_availability`` is A for a candidate with no dates.
    """

    required: float = 0.7
    preferred: float = 0.1
    languages: float = 0.1
    availability: float = 0.1
    unknown_availability: float = 0.5

    def __post_init__(self) -> None:
        parts = (self.required, self.preferred, self.languages, self.availability)
        if any(w < 0 for w in parts) or not 0 <= self.unknown_availability <= 1:
            raise ValueError("weights must be >= 0 and unknown_availability within 0..1")
