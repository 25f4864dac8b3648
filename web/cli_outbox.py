"""flask --app wsgi outbox send|status: deliver and inspect the queued emails.

The app sends each request's emails right after it commits; ``outbox send`` is the safety
net (run it from cron or a systemd timer, e.g. every minute): it retries what failed and
sends what commands queued. Its exit status is 1 when any message failed in this run (the
mail server is down or refused something), so a scheduler's alerting notices; 0 otherwise,
including when there was nothing to send.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from web.services import mailer

outbox_cli = AppGroup("outbox", help="Send and inspect the email outbox.")


@outbox_cli.command("send")
def send_command() -> None:
    """Send every email that is due; exit status 1 if any failed in this run."""
    try:
        report = mailer.send_due()
    except ValueError as exc:  # a misconfigured MAIL_BACKEND
        raise click.ClickException(str(exc)) from exc
    remaining = mailer.summary().counts["pending"]
    failed = report.retrying + report.failed
    click.echo(f"sent {report.sent}, failed {failed}, remaining {remaining}")
    if report.failed:
        click.echo(f"{report.failed} message(s) given up on: see `outbox status`.", err=True)
    if report.stopped:
        click.echo(f"Stopped early, the mail server is unusable: {report.stopped}", err=True)
    if report.had_errors:
        raise SystemExit(1)


@outbox_cli.command("status")
def status_command() -> None:
    """Counts by status, what is due now, and the latest failures with their errors."""
    info = mailer.summary()
    counts = info.counts
    click.echo(
        f"pending {counts['pending']} (due now {info.due}), "
        f"sent {counts['sent']}, failed {counts['failed']}"
    )
    if info.oldest_pending is not None:
        click.echo(f"oldest pending message written at {info.oldest_pending:%Y-%m-%d %H:%M} UTC")
    if info.failed:
        click.echo("latest failed messages:")
        for row in info.failed:
            click.echo(
                f"  #{row.id} to {row.to_email} after {row.attempts} attempt(s): "
                f"{row.subject}\n      {row.last_error}"
            )
