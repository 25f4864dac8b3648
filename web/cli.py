"""Command-line tools: flask --app wsgi users|demo|seeds|rank|outbox|round ..."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from web.extensions import db
from web.passwords import password_problems, personal_words
from web.services import accounts, audit

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-coordinator")
@click.argument("email")
@click.password_option(help="The password; asked for (twice, hidden) when not given.")
def create_coordinator(email: str, password: str) -> None:
    """Create a programme coordinator account."""
    problems = password_problems(password, personal_words(email))
    if problems:
        raise click.ClickException(problems[0])
    if accounts.email_taken(email):
        raise click.ClickException(f"An account with the email {email} already exists.")
    user = accounts.create_user(email, password, "coordinator", confirmed=True)
    try:
        db.session.flush()  # the id for the audit entry; a concurrent run fails here
        audit.record(None, "account.coordinator_created", user, email=user.email)
        db.session.commit()
    except IntegrityError as exc:  # a concurrent run created it first
        db.session.rollback()
        raise click.ClickException(f"An account with the email {email} already exists.") from exc
    click.echo(f"Coordinator {email.strip().lower()} created.")


def register(app: Flask) -> None:
    from web.cli_outbox import outbox_cli
    from web.cli_rank import rank_command
    from web.cli_round import round_cli
    from web.cli_seeds import seeds_cli
    from web.demo import demo_command

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(seeds_cli)
    app.cli.add_command(rank_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(round_cli)
