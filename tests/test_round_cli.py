"""flask round list|show|preview|publish: a whole round from the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.hiring_support import kinds_for
from tests.round_support import create_round, rank
from web.extensions import db
from web.models import AllocationRound, Application, Notification, OutboxMessage


@pytest.fixture
def ranked(client, login, programme):
    p = programme
    round_ = create_round(client, login, p.coordinator, [p.risk, p.data, p.payments])
    rank(client, login, p.chan, round_, [p.payments, p.risk])
    rank(client, login, p.wong, round_, [p.risk, p.data])
    rank(client, login, p.lee, round_, [p.data])
    return round_


def accepted_count() -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(Application.status == "accepted")
    )


def test_list_without_rounds(runner):
    result = runner.invoke(args=["round", "list"])
    assert result.exit_code == 0
    assert "No rounds." in result.output


def test_list_and_show(runner, programme, ranked):
    result = runner.invoke(args=["round", "list"])
    assert result.exit_code == 0, result.output
    assert f"{ranked.id:>4}  open" in result.output
    assert "3 postings" in result.output and "Summer 2027 main round" in result.output
    result = runner.invoke(args=["round", "show", str(ranked.id)])
    assert result.exit_code == 0, result.output
    assert "status open, phase 1, up to 3 choices" in result.output
    assert "rank lists saved by 3 students; 0 of 3 postings ranked by their employer" in (
        result.output
    )
    assert programme.risk.ref in result.output and "Credit Risk Analytics Intern" in result.output
    assert "result: none yet" in result.output


def test_preview_prints_the_figures_and_publishes_nothing(runner, programme, ranked):
    notices = db.session.scalar(select(func.count(Notification.id)))
    result = runner.invoke(args=["round", "preview", str(ranked.id)])
    assert result.exit_code == 0, result.output
    assert "preview (not published):" in result.output
    assert "students placed    3 of 4" in result.output
    assert "not placed         1 (1 without a rank list)" in result.output  # Ho did not rank
    assert "places filled      3 of 4" in result.output
    assert accepted_count() == 0
    assert db.session.scalar(select(func.count(Notification.id))) == notices
    shown = runner.invoke(args=["round", "show", str(ranked.id)])
    assert "filled 1 of 1" in shown.output


def test_publish_needs_the_rank_lists_closed(runner, ranked):
    result = runner.invoke(args=["round", "publish", str(ranked.id)])
    assert result.exit_code == 1
    assert "Close the rank lists before publishing" in result.output
    assert accepted_count() == 0


def test_publish_after_the_window_ends(runner, programme, ranked):
    p = programme
    ranked.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    ranked.opens_at = ranked.closes_at - timedelta(days=2)
    db.session.commit()
    result = runner.invoke(
        args=["round", "publish", str(ranked.id), "--by", p.coordinator.email.upper()]
    )
    assert result.exit_code == 0, result.output
    assert "published result:" in result.output
    assert "students placed    3 of 4" in result.output
    assert "outbox send" in result.output
    db.session.expire_all()
    assert db.session.get(AllocationRound, ranked.id).status == "published"
    assert accepted_count() == 3
    placed = db.session.scalars(
        select(Application).where(Application.status == "accepted").order_by(Application.id)
    ).all()
    assert {a.events[-1].actor_id for a in placed} == {p.coordinator.id}
    assert kinds_for(p.chan)[-1] == "round_placed"
    assert kinds_for(p.ho)[-1] == "round_unplaced"
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_email == p.chan.email)
    ).all()
    assert any("/student/applications/" in m.body for m in mail)  # links in the emails


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["round", "show", "999"], "No round with the id 999"),
        (["round", "preview", "999"], "No round with the id 999"),
        (["round", "publish", "999"], "No round with the id 999"),
    ],
)
def test_unknown_round(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output


def test_by_must_name_a_coordinator(runner, programme, ranked):
    result = runner.invoke(args=["round", "preview", str(ranked.id), "--by", programme.chan.email])
    assert result.exit_code == 1
    assert "is not a coordinator account" in result.output
