"""The one-candidate reference scorer.

This is the definition of a score; :mod:`matching.ranking` computes the same numbers
for a whole pool with numpy, operation for operation, so the two agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matching.model import Candidate, PostingSpec, Requirement, SkillClaim, Weights
from matching.reasons import AvailabilityReason, Match, Reasons, RequirementReason
from matching.skills import DEFAULT_THRESHOLD, canonical, key_similarity

__all__ = ["DEFAULT_WEIGHTS", "availability", "level_credit", "match_requirement", "score"]

DEFAULT_WEIGHTS = Weights()

_MIN_ORD = date.min.toordinal()
_MAX_ORD = date.max.toordinal()


def level_credit(level: int, min_level: int) -> float:
    """Credit for holding ``level`` where ``min_level`` is asked: full at or above it,
    else proportional (level 2 of 4 asked gives 0.5), so being below level is partial."""
    return min(1.0, level / min_level)


def match_requirement(
    req: Requirement, claims: Sequence[SkillClaim], *, threshold: float = DEFAULT_THRESHOLD
) -> RequirementReason:
    """Find the candidate claim that best meets one requirement.

    Parameters
    ----------
    req : Requirement
        The skill (or language) asked for.
    claims : sequence of SkillClaim
        What the candidate holds, as written.
    threshold : float, keyword-only
        Similarity below which a pair is no match.

    Returns
    -------
    RequirementReason
        The best claim by ``similarity * level_credit`` (the first one on ties).
    """
    rkey = canonical(req.skill)
    best, best_sim, best_claim = 0.0, 0.0, None
    for claim in claims:
        sim = key_similarity(rkey, canonical(claim.name), threshold)
        if sim <= 0.0:
            continue
        credit = sim * level_credit(claim.level, req.min_level)
        if credit > best:
            best, best_sim, best_claim = credit, sim, claim
    if best_claim is None:
        return RequirementReason(req.skill, req.min_level, req.weight, "missing")
    status = "met" if best_claim.level >= req.min_level else "partial"
    return RequirementReason(
        req.skill,
        req.min_level,
        req.weight,
        status,
        best_claim.name,
        best_sim,
        best_claim.level,
        best,
    )


def weight_sum(reqs: Sequence[Requirement]) -> float:
    """Sum of requirement weights (shared with the fast path so both divide alike)."""
    total = 0.0
    for r in reqs:
        total += r.weight
    return total


def _coverage(reasons: Sequence[RequirementReason], reqs: Sequence[Requirement]) -> float:
    if not reqs:
        return 1.0
    total = 0.0
    for r in reasons:
        total += r.weight * r.credit
    return total / weight_sum(reqs)


def availability(
    candidate: Candidate, posting: PostingSpec, *, weights: Weights = DEFAULT_WEIGHTS
) -> AvailabilityReason | None:
    """Overlap of the candidate's dates with the posting's, or None without posting dates.

    A missing bound on the candidate's side is open-ended; with both missing the
    availability is unknown and its fraction is ``weights.unknown_availability``.
    """
    if not posting.has_dates:
        return None
    assert posting.start is not None and posting.end is not None
    start, end = posting.start.toordinal(), posting.end.toordinal()
    days = end - start + 1
    cf, ct = candidate.available_from, candidate.available_to
    lo = max(start, cf.toordinal() if cf is not None else _MIN_ORD)
    hi = min(end, ct.toordinal() if ct is not None else _MAX_ORD)
    overlap = max(0, hi - lo + 1)
    known = cf is not None or ct is not None
    fraction = overlap / days if known else weights.unknown_availability
    return AvailabilityReason(days, overlap if known else 0, known, fraction)


def combine(
    posting: PostingSpec, weights: Weights, req: float, pref: float, lang: float, avail: float
) -> float:
    """Weighted mean of the parts the posting uses, 0..100 (100 if it asks for nothing).

    Written so that numpy arrays work too; keep the operation order in step with
    :mod:`matching.ranking` (floating point is not associative).
    """
    num, den = 0.0, 0.0
    if posting.required:
        num = num + weights.required * req
        den += weights.required
    if posting.preferred:
        num = num + weights.preferred * (pref * req)
        den += weights.preferred
    if posting.languages:
        num = num + weights.languages * lang
        den += weights.languages
    if posting.has_dates:
        num = num + weights.availability * avail
        den += weights.availability
    if den == 0.0:
        return 100.0 + 0.0 * num
    return 100.0 * num / den


def score(
    candidate: Candidate,
    posting: PostingSpec,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    threshold: float = DEFAULT_THRESHOLD,
) -> Match:
    """Score one candidate against one posting, with reasons.

    Parameters
    ----------
    candidate : Candidate
        The student.
    posting : PostingSpec
        What the internship asks for.
    weights : Weights, keyword-only
        How the parts are weighed; see :class:`Weights`.
    threshold : float, keyword-only
        Skill similarity below which a pair is no match.

    Returns
    -------
    Match
        ``score`` 0..100 and structured ``reasons``.
    """
    required = tuple(
        match_requirement(r, candidate.skills, threshold=threshold) for r in posting.required
    )
    preferred = tuple(
        match_requirement(r, candidate.skills, threshold=threshold) for r in posting.preferred
    )
    languages = tuple(
        match_requirement(r, candidate.languages, threshold=threshold) for r in posting.languages
    )
    avail = availability(candidate, posting, weights=weights)
    req_cov = _coverage(required, posting.required)
    pref_cov = _coverage(preferred, posting.preferred)
    lang_cov = _coverage(languages, posting.languages)
    total = combine(
        posting, weights, req_cov, pref_cov, lang_cov, avail.fraction if avail is not None else 0.0
    )
    reasons = Reasons(required, preferred, languages, avail, req_cov, pref_cov, lang_cov)
    return Match(candidate.key, float(total), reasons)
