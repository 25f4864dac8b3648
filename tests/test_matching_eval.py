"""Ranking quality on the labelled set meets its target, well above the baselines."""

import pytest

from matching.eval.generate import generate
from matching.evaluate import evaluate, load_dataset, main, ndcg_at


def test_matcher_meets_target_and_beats_baselines():
    res = evaluate(10)
    assert res["matcher"]["mean"] >= 0.9
    assert res["matcher"]["mean"] >= res["exact"]["mean"] + 0.15
    assert res["matcher"]["mean"] >= res["wratio"]["mean"] + 0.1
    assert min(v for p, v in res["matcher"].items() if p != "mean") >= 0.8


def test_dataset_is_the_seeded_script_output_and_big_enough():
    data = load_dataset()
    assert generate() == data  # regenerate with: python -m matching.eval.generate
    assert len(data["postings"]) >= 10 and len(data["candidates"]) >= 100
    assert {g for grades in data["grades"].values() for g in grades.values()} == {1, 2, 3}


def test_ndcg():
    assert ndcg_at([3, 2, 0], [0, 2, 3]) == pytest.approx(1.0)
    assert ndcg_at([0, 2, 3], [0, 2, 3]) < 1.0
    assert ndcg_at([0, 0], [0, 0]) == 1.0


def test_command_prints_all_three(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "matcher" in out and "exact" in out and "WRatio" in out and "mean" in out
