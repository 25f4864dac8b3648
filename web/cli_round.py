"""flask --app wsgi round list|show ID|preview ID|publish ID: allocation rounds from a shell.

``preview`` stores the result for the coordinator and tells nobody; ``publish`` creates
the placements and queues every notice and email in one transaction (run ``outbox send``
afterwards, or let the scheduled one send them). ``--by EMAIL`` names the coordinator
kept in the history; without it the entries say the command line did it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import AllocationRound, User
from web.models.users import normalise_email
from web.services import round_allocation, round_results, rounds

round_cli = AppGroup("round", help="Allocation rounds: list, show, preview, publish.")


def _round(round_id: int) -> AllocationRound:
    round_ = rounds.get(round_id)
    if round_ is None:
        raise click.ClickException(f"No round with the id {round_id}.")
    return round_


def _coordinator(email: str | None) -> User | None:
    if email is None:
        return None
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_coordinator:
        raise click.ClickException(f"{email} is not a coordinator account.")
    return user


def _stats_lines(round_: AllocationRound) -> list[str]:
    stats = round_results.stats(round_)
    if stats is None:
        return ["result: none yet (run `round preview ID`)"]
    kind = "published result" if round_.status == "published" else "preview (not published)"
    by_choice = ", ".join(f"{k}: {v}" for k, v in stats.by_choice.items()) or "-"
    return [
        f"{kind}:",
        f"  students placed    {stats.matched} of {stats.students}",
        f"  first choice       {stats.first_choice}",
        f"  not placed         {stats.unmatched} ({stats.no_list} without a rank list)",
        f"  places filled      {stats.filled} of {stats.places}",
        f"  places not filled  {stats.unfilled}",
        f"  by choice          {by_choice}",
    ]


@round_cli.command("list")
def list_command() -> None:
    """Every round: id, status, phase, postings, window (UTC) and name."""
    found = db.session.scalars(
        rounds.list_query().options(selectinload(AllocationRound.postings))
    ).all()
    if not found:
        click.echo("No rounds.")
        return
    for r in found:
        start, end = rounds.as_utc(r.opens_at), rounds.as_utc(r.closes_at)
        window = f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
        click.echo(
            f"{r.id:>4}  {r.status:<9}  phase {r.phase}  {len(r.postings):>4} postings  "
            f"{window} UTC  {r.name}"
        )


@round_cli.command("show")
@click.argument("round_id", type=int)
def show_command(round_id: int) -> None:
    """A round's settings, postings (places left, places filled) and result figures."""
    round_ = _round(round_id)
    lists = round_results.list_count(round_)
    filled = round_results.filled_by_posting(round_)
    left = rounds.places_left([rp.posting_id for rp in round_.postings])
    click.echo(f"round {round_.id}: {round_.name}")
    click.echo(f"status {round_.status}, phase {round_.phase}, up to {round_.max_choices} choices")
    click.echo(
        f"rank lists {rounds.as_utc(round_.opens_at):%Y-%m-%d %H:%M} to "
        f"{rounds.as_utc(round_.closes_at):%Y-%m-%d %H:%M} UTC, results on {round_.results_on}"
    )
    click.echo(
        f"rank lists saved by {lists.students} students; "
        f"{lists.postings} of {len(round_.postings)} postings ranked by their employer"
    )
    for rp in sorted(round_.postings, key=lambda rp: rp.posting.ref):
        result = f"  filled {filled.get(rp.posting_id, 0)} of {rp.places}" if rp.places else ""
        click.echo(
            f"  {rp.posting.ref:<16} left {left.get(rp.posting_id, 0):>3}{result}  "
            f"{rp.posting.title} ({rp.posting.firm.name})"
        )
    for line in _stats_lines(round_):
        click.echo(line)


def _run(round_id: int, by: str | None, publish: bool) -> None:
    round_ = _round(round_id)
    actor = _coordinator(by)
    now = datetime.now(UTC)
    base = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):  # links in the notices
        try:
            if publish:
                round_allocation.publish(round_, actor, now=now)
            else:
                round_allocation.preview(round_, actor, now=now)
        except rounds.RoundError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:  # a fault halfway: nothing is kept, the log has why
            db.session.rollback()
            current_app.logger.exception("Round %s failed", "publishing" if publish else "preview")
            raise click.ClickException(
                f"The round was not {'published' if publish else 'previewed'}: an unexpected "
                f"error ({type(exc).__name__}: {exc}). Nothing was changed."
            ) from exc
        db.session.commit()
    for line in _stats_lines(round_):
        click.echo(line)
    if publish:
        click.echo("Notices and emails are queued; `flask --app wsgi outbox send` sends them.")


@round_cli.command("preview")
@click.argument("round_id", type=int)
@click.option("--by", metavar="EMAIL", help="The coordinator to record as having done it.")
def preview_command(round_id: int, by: str | None) -> None:
    """Run the allocation and store the result; nothing is published, nobody is told."""
    _run(round_id, by, publish=False)


@round_cli.command("publish")
@click.argument("round_id", type=int)
@click.option("--by", metavar="EMAIL", help="The coordinator to record as having done it.")
def publish_command(round_id: int, by: str | None) -> None:
    """Publish: accepted placements, other applications withdrawn, everyone told."""
    _run(round_id, by, publish=True)
