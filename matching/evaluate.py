"""Measure ranking quality on the labelled set: ``python -m matching.evaluate``.

Prints NDCG@10 per posting and on average for the matcher and two baselines run on
the same data: exact keyword match (lower-case string equality) and rapidfuzz
``WRatio`` with rapidfuzz's standard preprocessing (``utils.default_process``, which
lower-cases and strips ``+``/``#``). Baselines score a candidate by the weighted sum
of their best per-requirement match (required 1, preferred 0.3, languages 0.5).
The data is ``matching/eval/dataset.json`` (see :mod:`matching.eval.generate`).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz, utils

from matching.model import Candidate, PostingSpec, Requirement, SkillClaim
from matching.ranking import PoolIndex

__all__ = ["baseline_scores", "evaluate", "load_dataset", "ndcg_at"]

_PART_WEIGHTS = {"required": 1.0, "preferred": 0.3, "languages": 0.5}


def load_dataset() -> dict[str, Any]:
    """The labelled set shipped in the package (``matching/eval/dataset.json``)."""
    path = resources.files("matching").joinpath("eval", "dataset.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def to_candidate(c: dict[str, Any]) -> Candidate:
    """A dataset candidate as the matcher sees it: written forms only."""
    return Candidate(
        c["id"],
        tuple(SkillClaim(s["name"], s["level"]) for s in c["skills"]),
        tuple(SkillClaim(s["name"], s["level"]) for s in c["languages"]),
        _day(c["available_from"]),
        _day(c["available_to"]),
    )


def to_posting(p: dict[str, Any]) -> PostingSpec:
    """A dataset posting as the matcher sees it: requirement texts as the firm wrote them."""

    def reqs(part: str) -> tuple[Requirement, ...]:
        return tuple(Requirement(r["skill"], r["min_level"]) for r in p[part])

    return PostingSpec(
        reqs("required"), reqs("preferred"), reqs("languages"), _day(p["start"]), _day(p["end"])
    )


def ndcg_at(ranked_grades: list[int], all_grades: list[int], k: int = 10) -> float:
    """NDCG@k with gains ``2**grade - 1``; 1.0 when nothing is relevant."""

    def dcg(grades: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(ranked_grades) / ideal if ideal > 0 else 1.0


def baseline_scores(
    posting: dict[str, Any], candidates: list[dict[str, Any]], pair: Callable[[str, str], float]
) -> np.ndarray:
    """Score candidates by summing, per requirement, their best ``pair`` similarity."""
    out = np.zeros(len(candidates))
    for i, c in enumerate(candidates):
        for part, weight in _PART_WEIGHTS.items():
            held = c["languages"] if part == "languages" else c["skills"]
            for r in posting[part]:
                out[i] += weight * max((pair(r["skill"], s["name"]) for s in held), default=0.0)
    return out


def exact_keyword(a: str, b: str) -> float:
    """Baseline 1: lower-case string equality."""
    return float(a.strip().lower() == b.strip().lower())


def wratio(a: str, b: str) -> float:
    """Baseline 2: rapidfuzz WRatio with its standard preprocessing, 0..1."""
    return fuzz.WRatio(a, b, processor=utils.default_process) / 100.0


def _ranked(scores: np.ndarray) -> np.ndarray:
    return np.lexsort((np.arange(len(scores)), -scores))  # best first, ties in data order


def evaluate(k: int = 10, data: dict[str, Any] | None = None) -> dict[str, dict[str, float]]:
    """NDCG@k per posting (and ``"mean"``) for ``matcher``, ``exact`` and ``wratio``.

    Parameters
    ----------
    k : int
        Cut-off rank.
    data : dict, optional
        A data set in the format of ``dataset.json``; the shipped one by default.

    Returns
    -------
    dict
        ``{method: {posting_id: ndcg, ..., "mean": ndcg}}``.
    """
    data = data if data is not None else load_dataset()
    cands = data["candidates"]
    index = PoolIndex(to_candidate(c) for c in cands)
    results: dict[str, dict[str, float]] = {"matcher": {}, "exact": {}, "wratio": {}}
    for p in data["postings"]:
        labels = data["grades"].get(p["id"], {})
        grades = [labels.get(c["id"], 0) for c in cands]
        keys, scores = index.score_array(to_posting(p))
        assert keys == [c["id"] for c in cands]
        runs = {
            "matcher": scores,
            "exact": baseline_scores(p, cands, exact_keyword),
            "wratio": baseline_scores(p, cands, wratio),
        }
        for name, s in runs.items():
            results[name][p["id"]] = ndcg_at([grades[i] for i in _ranked(s)], grades, k)
    for per in results.values():
        per["mean"] = sum(per.values()) / len(per)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="NDCG of the matcher and two baselines.")
    parser.add_argument("-k", type=int, default=10, help="cut-off rank (default 10)")
    args = parser.parse_args(argv)
    data = load_dataset()
    res = evaluate(args.k, data)
    titles = {p["id"]: p["title"] for p in data["postings"]}
    print(
        f"{len(data['postings'])} postings, {len(data['candidates'])} candidates; NDCG@{args.k}\n"
    )
    print(f"{'posting':<42} {'matcher':>8} {'exact':>8} {'WRatio':>8}")
    for pid, title in titles.items():
        row = [res[m][pid] for m in ("matcher", "exact", "wratio")]
        print(f"{pid + ' ' + title:<42.42} " + " ".join(f"{v:8.3f}" for v in row))
    means = [res[m]["mean"] for m in ("matcher", "exact", "wratio")]
    print(f"{'mean':<42} " + " ".join(f"{v:8.3f}" for v in means))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
