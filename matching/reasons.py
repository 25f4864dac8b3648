"""Structured reasons behind a score: what was asked, what met it and how well.

Everything here is plain data (JSON-serialisable through ``to_dict``) so the web app
can render and translate it; ``Reasons.summary`` is an English one-liner for the CLI.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["AvailabilityReason", "Match", "Reasons", "RequirementReason", "Status"]

#: ``met``: matched at or above the minimum level; ``partial``: matched below it;
#: ``missing``: no candidate skill is similar enough.
Status = Literal["met", "partial", "missing"]


@dataclass(frozen=True, slots=True)
class RequirementReason:
    """How one requirement (skill, preferred skill or language) was met.

    ``matched_by`` is the candidate's skill as they wrote it; ``similarity`` is 0..1;
    ``credit`` is ``similarity * min(1, level_held / min_level)``, the requirement's
    contribution before weighting.
    """

    requirement: str
    min_level: int
    weight: float
    status: Status
    matched_by: str | None = None
    similarity: float = 0.0
    level_held: int | None = None
    credit: float = 0.0


@dataclass(frozen=True, slots=True)
class AvailabilityReason:
    """Overlap of the candidate's availability with the internship (inclusive days)."""

    internship_days: int
    overlap_days: int
    known: bool
    fraction: float


@dataclass(frozen=True, slots=True)
class Reasons:
    """All reasons behind one score, plus the part values it was combined from."""

    required: tuple[RequirementReason, ...]
    preferred: tuple[RequirementReason, ...]
    languages: tuple[RequirementReason, ...]
    availability: AvailabilityReason | None
    required_coverage: float
    preferred_coverage: float
    language_coverage: float

    @property
    def required_met(self) -> int:
        """How many required skills are fully met."""
        return sum(r.status == "met" for r in self.required)

    def summary(self) -> str:
        """A short English summary, e.g. ``"4 of 5 requirements met; missing: SQL"``."""
        parts = [f"{self.required_met} of {len(self.required)} requirements met"]
        partial = [r.requirement for r in self.required if r.status == "partial"]
        missing = [r.requirement for r in self.required if r.status == "missing"]
        if partial:
            parts.append("below level: " + ", ".join(partial))
        if missing:
            parts.append("missing: " + ", ".join(missing))
        if self.preferred:
            got = sum(r.status != "missing" for r in self.preferred)
            parts.append(f"{got} of {len(self.preferred)} preferred")
        if self.languages:
            got = sum(r.status == "met" for r in self.languages)
            parts.append(f"{got} of {len(self.languages)} languages")
        if self.availability is not None:
            a = self.availability
            parts.append(
                f"available {a.overlap_days} of {a.internship_days} days"
                if a.known
                else "availability unknown"
            )
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, with ``required_met`` and ``summary`` added."""
        data = asdict(self)
        data["required_met"] = self.required_met
        data["required_total"] = len(self.required)
        data["summary"] = self.summary()
        return data


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate (or posting) ``key`` with its score 0..100 and the reasons."""

    key: Hashable
    score: float
    reasons: Reasons

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the key is passed through as is)."""
        return {"key": self.key, "score": self.score, "reasons": self.reasons.to_dict()}
