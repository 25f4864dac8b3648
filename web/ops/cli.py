"""flask ops stats|reset: the slow-statement and server-error counts on the command line."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from web.ops.counters import ERRORS, SLOW_QUERIES, as_dict
from web.ops.monitoring import counters

ops_cli = AppGroup("ops", help="Operations: slow statements and server errors.")
LABELS = {SLOW_QUERIES: "slow SQL statements", ERRORS: "5xx answers"}


@ops_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for monitoring scripts).")
def stats_command(as_json: bool) -> None:
    """Counts for the last hour, 24 hours and since the reset; the latest events."""
    stats = counters().stats()
    if as_json:
        click.echo(json.dumps(as_dict(stats), indent=2))
        return
    where = "every server (Redis)" if stats.shared else "this process only (no Redis)"
    since = stats.since.isoformat(timespec="seconds") if stats.since else "nothing counted yet"
    click.echo(f"Counted on {where}; since {since}.")
    click.echo(f"{'':22}{'last hour':>10}{'24 hours':>10}{'total':>10}")
    for kind, label in LABELS.items():
        click.echo(
            f"{label:22}{stats.last_hour[kind]:>10}{stats.last_day[kind]:>10}"
            f"{stats.totals[kind]:>10}"
        )
    for kind, label in LABELS.items():
        if stats.recent[kind]:
            click.echo(f"\nLatest {label} (UTC, request id, detail):")
        for e in stats.recent[kind]:
            value = f"{e.value:.0f} ms" if kind == SLOW_QUERIES else f"{e.value:.0f}"
            click.echo(f"  {e.at:%Y-%m-%d %H:%M:%S}  {e.request_id}  {value}  {e.detail}")


@ops_cli.command("reset")
def reset_command() -> None:
    """Start the counts again from zero (on every server when they are in Redis)."""
    if not counters().reset():
        raise click.ClickException("Redis did not answer: the shared counts were not reset.")
    click.echo("Counts reset.")
