"""Commit a change at the edge of a request, or roll it back and tell the user why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from sqlalchemy.orm.exc import StaleDataError

from web.extensions import db
from web.services import stages
from web.services.applications import ApplicationError

T = TypeVar("T")


def commit_change(
    change: Callable[[], T], done: Callable[[T], str], category: str = "success"
) -> bool:
    """Run `change` and commit, flashing `done(result)`; if refused or stale, roll back, say why."""
    try:
        result = change()
        db.session.commit()
    except ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return False
    except StaleDataError:
        db.session.rollback()
        flash(str(stages.StaleApplication()), "warning")
        return False
    flash(done(result), category)
    return True
