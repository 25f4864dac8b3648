"""The student's side of an offer and of interviews: accept, decline, add to a calendar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from web.committing import commit_change
from web.models import Application
from web.services import interviews, offers, stages
from web.student import bp
from web.student.forms import StageForm
from web.student.routes import _own_application

T = TypeVar("T")


def _attempt(
    application_id: int,
    change: Callable[[Application, int | None], T],
    done: Callable[[T], str],
    category: str = "info",
) -> Response:
    """Run the change on the student's application and commit, or roll back and say why."""
    application = _own_application(application_id)
    form = StageForm()
    if not form.validate_on_submit():
        abort(400)
    commit_change(lambda: change(application, form.version.data), done, category)
    return redirect(url_for("student.application", application_id=application_id))


def _accepted(withdrawn: list[Application]) -> str:
    message = _("You accepted the offer. Congratulations!")
    if withdrawn:
        message += " " + ngettext(
            "Your other open application was withdrawn and the firm told.",
            "Your %(num)d other open applications were withdrawn and the firms told.",
            len(withdrawn),
        )
    return message


@bp.post("/applications/<int:application_id>/accept")
def accept_offer(application_id: int) -> Response:
    return _attempt(
        application_id,
        lambda application, version: offers.accept(
            application, current_user, expected_version=version
        ),
        _accepted,
        "success",
    )


@bp.post("/applications/<int:application_id>/decline")
def decline_offer(application_id: int) -> Response:
    return _attempt(
        application_id,
        lambda application, version: offers.decline(
            application, current_user, expected_version=version
        ),
        lambda _result: _("You declined the offer; the firm has been told."),
    )


@bp.post("/applications/<int:application_id>/withdraw")
def withdraw(application_id: int) -> Response:
    return _attempt(
        application_id,
        lambda application, version: stages.withdraw(
            application, current_user, expected_version=version
        ),
        lambda _result: _("Your application is withdrawn."),
    )


@bp.route("/applications/<int:application_id>/interviews/<int:interview_id>.ics")
def interview_calendar(application_id: int, interview_id: int) -> Response:
    """One interview as a calendar file, only from the student's own application."""
    application = _own_application(application_id)
    interview = next((i for i in application.interviews if i.id == interview_id), None)
    if interview is None:
        abort(404)
    response = Response(interviews.to_ical(interview), mimetype="text/calendar")
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"interview-{interview.id}.ics"
    )
    return response
