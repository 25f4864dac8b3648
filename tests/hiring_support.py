"""Helpers shared by the hiring-workflow tests: apply as a student, read what users were told."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from web.extensions import db
from web.models import Application, Notification, Posting, User
from web.services import applications as application_service

NOTE = "I built a credit-risk scorecard in Python and SQL for my final-year project."


def applied(client, login, student: User, posting: Posting) -> Application:
    """The student applies through the portal; returns the application (logged out after)."""
    login(student)
    response = client.post(
        f"/student/postings/{posting.ref}/apply",
        data={"cover_note": NOTE, "transfer_consent": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    login.logout()
    return db.session.scalars(
        select(Application).where(
            Application.student_id == student.profile.id, Application.posting_id == posting.id
        )
    ).one()


def fresh(application: Application) -> Application:
    """The application as the database has it now."""
    db.session.expire_all()
    return db.session.get(Application, application.id)


def kinds_for(user: User) -> list[str]:
    """The kinds of the notifications queued for a user, oldest first."""
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def flashed(client, response) -> str:
    """The page a redirect leads to, with its flashed messages."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def look_for_a_place_then_wait(
    monkeypatch: Any, checked: threading.Event, committed: threading.Event, timeout: float
) -> None:
    """Applying looks for the student's place, says so (``checked``) and, finding none,
    waits for the other transaction to commit (``committed``) before it inserts: the
    interleaving in which an application would slip in beside a place being given."""
    placement = application_service.placement

    def checking_then_waiting(profile: Any) -> Any:
        found = placement(profile)
        checked.set()
        if found is None:
            committed.wait(timeout=timeout)
        return found

    monkeypatch.setattr(application_service, "placement", checking_then_waiting)
