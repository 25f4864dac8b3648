"""`flask rank REF`: ranking from the command line, as text or JSON."""

from __future__ import annotations

import json


def test_rank_json_lists_the_pool_best_first(runner, make):
    posting = make.posting(required=[("Python", 3), ("SQL", 3)])
    make.student("best@hku.example.edu.hk", skills=[("Python", 4), ("SQL", 4)])
    make.student("half@hku.example.edu.hk", skills=[("Python", 4)])
    make.student("none@hku.example.edu.hk", skills=[("Excel", 4)])
    result = runner.invoke(args=["rank", posting.ref, "--json", "--top", "2"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["email"] for r in rows] == ["best@hku.example.edu.hk", "half@hku.example.edu.hk"]
    assert rows[0]["score"] > rows[1]["score"] and 0 <= rows[1]["score"] <= 100
    assert rows[0]["reasons"]["required_met"] == 2
    assert rows[1]["reasons"]["summary"].startswith("1 of 2 requirements met")


def test_rank_applicants_only(runner, client, make, login):
    posting = make.posting()
    applicant = make.student("applied@cuhk.example.edu.hk")
    make.student("stranger@cuhk.example.edu.hk")
    login(applicant)
    client.post(
        f"/student/postings/{posting.ref}/apply",
        data={"cover_note": "Keen to join your risk team this summer.", "transfer_consent": "y"},
    )
    result = runner.invoke(args=["rank", posting.ref, "--applicants", "--json"])
    assert [r["email"] for r in json.loads(result.stdout)] == ["applied@cuhk.example.edu.hk"]


def test_rank_text_output_and_unknown_ref(runner, make):
    posting = make.posting()
    make.student("someone@hku.example.edu.hk")
    text = runner.invoke(args=["rank", posting.ref])
    assert text.exit_code == 0 and "someone@hku.example.edu.hk" in text.output
    missing = runner.invoke(args=["rank", "NOPE-1"])
    assert missing.exit_code != 0 and "No posting with the ref 'NOPE-1'" in missing.output
