"""Every state-changing request needs its CSRF token, and no GET changes anything.

Both walk the route table of tests/test_route_access.py, so a new route is covered the
moment it gets its row there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.test_route_access import PERSONAS, TABLE, _build
from web.extensions import db

# Who may use a route: the first persona whose expected answer is not a refusal.
REFUSALS = {"login", "pending", "403", "404", "405"}
ACTORS = ("coordinator", "firm_a", "student", "pending", "anonymous")


def _everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: the strictest possible 'nothing changed'."""
    db.session.expire_all()
    return {
        table.name: [tuple(row) for row in db.session.execute(select(table)).all()]
        for table in db.metadata.sorted_tables
    }


def _actor(spec: str) -> str | None:
    tokens = spec.split()
    for persona in ACTORS:
        if tokens[PERSONAS.index(persona)] not in REFUSALS:
            return persona
    return None


def test_every_post_without_its_token_is_refused_and_changes_nothing(app, client, make, login):
    world = _build(app, make)
    by_actor: dict[str, list[str]] = {}
    for endpoint, row in TABLE.items():
        if row.post is not None and (actor := _actor(row.post)) is not None:
            by_actor.setdefault(actor, []).append(endpoint)
    assert sum(len(v) for v in by_actor.values()) >= 40, "the walk should reach the forms"
    wrong: list[str] = []
    for actor, endpoints in by_actor.items():
        app.config["WTF_CSRF_ENABLED"] = False  # log in through the form without a token
        if world.users[actor] is not None:
            login(world.users[actor])
        app.config["WTF_CSRF_ENABLED"] = True
        before = _everything()
        for endpoint in endpoints:
            url = TABLE[endpoint].url(world)
            response = client.post(url, data={"confirm": "y", "password": "x"})
            if response.status_code != 400:
                wrong.append(f"POST {url} ({endpoint}) as {actor}: {response.status_code}")
        if _everything() != before:
            wrong.append(f"a POST without a token as {actor} changed the database")
    assert not wrong, "\n".join(wrong)


def test_no_get_changes_anything(app, client, make, login):
    world = _build(app, make)
    wrong: list[str] = []
    for actor in ("anonymous", "student", "firm_a", "coordinator"):
        user = world.users[actor]
        if user is not None:
            login(user)
        before = _everything()
        for endpoint, row in TABLE.items():
            if row.get is None or endpoint == "auth.logout":
                continue
            client.get(row.url(world))
            after = _everything()
            if after != before:
                changed = [name for name in after if after[name] != before[name]]
                wrong.append(f"GET {row.url(world)} ({endpoint}) as {actor} changed {changed}")
                before = after
    assert not wrong, "\n".join(wrong)
