"""`flask rank REF`: the coordinator's view of the matcher for one posting."""

from __future__ import annotations

import json
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import Application, StudentProfile
from web.services import ranking
from web.services.postings import get_by_ref


@click.command("rank")
@click.argument("ref")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--applicants", is_flag=True, help="Rank only the posting's live applicants.")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON array on stdout.")
def rank_command(ref: str, top: int, applicants: bool, as_json: bool) -> None:
    """Rank the student pool (every student, whatever their discovery setting) for REF."""
    posting = get_by_ref(ref)
    if posting is None:
        raise click.ClickException(f"No posting with the ref {ref!r}.")
    ids = None
    if applicants:
        ids = list(
            db.session.scalars(
                select(Application.student_id).where(
                    Application.posting_id == posting.id,
                    Application.status != "withdrawn",
                    Application.student_id.is_not(None),
                )
            )
        )
    matches = ranking.rank_students(posting, top=top, profile_ids=ids)
    profiles = {
        p.id: p
        for p in db.session.scalars(
            select(StudentProfile)
            .where(StudentProfile.id.in_([m.key for m in matches]))
            .options(selectinload(StudentProfile.user))
        )
    }
    rows: list[dict[str, Any]] = [
        {
            "rank": position,
            "email": profiles[m.key].user.email,
            "full_name": profiles[m.key].full_name,
            "university": profiles[m.key].university,
            "score": round(m.score, 2),
            "reasons": m.reasons.to_dict(),
        }
        for position, m in enumerate(matches, start=1)
    ]
    scope = "applicants" if applicants else "students"
    click.echo(f"{posting.ref} {posting.title}: top {len(rows)} {scope}", err=as_json)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['rank']:>3}. {row['score']:6.2f}  {row['email']:<40} {row['reasons']['summary']}"
        )
