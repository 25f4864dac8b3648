"""The student's side of an offer and of interviews: accept, decline, add to a calendar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from web.extensions import db
from web.services import interviews, offers, stages
from web.services.applications import ApplicationError
from web.student import bp
from web.student.forms import StageForm
from web.student.routes import _own_application


def _attempt(action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run the change and commit, or roll back and say why: (done, what the action returned)."""
    if not StageForm().validate_on_submit():
        abort(400)
    try:
        result = action()
        db.session.commit()
    except ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return False, None
    except StaleDataError:
        db.session.rollback()
        flash(str(stages.StaleApplication()), "warning")
        return False, None
    return True, result


def _back(application_id: int) -> Response:
    return redirect(url_for("student.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/accept")
def accept_offer(application_id: int) -> Response:
    application = _own_application(application_id)
    version = StageForm().version.data
    done, withdrawn = _attempt(
        lambda: offers.accept(application, current_user, expected_version=version)
    )
    if done:
        message = _("You accepted the offer. Congratulations!")
        if withdrawn:
            message += " " + ngettext(
                "Your other open application was withdrawn and the firm told.",
                "Your %(num)d other open applications were withdrawn and the firms told.",
                len(withdrawn),
            )
        flash(message, "success")
    return _back(application_id)


@bp.post("/applications/<int:application_id>/decline")
def decline_offer(application_id: int) -> Response:
    application = _own_application(application_id)
    version = StageForm().version.data
    done, _result = _attempt(
        lambda: offers.decline(application, current_user, expected_version=version)
    )
    if done:
        flash(_("You declined the offer; the firm has been told."), "info")
    return _back(application_id)


@bp.post("/applications/<int:application_id>/withdraw")
def withdraw(application_id: int) -> Response:
    application = _own_application(application_id)
    version = StageForm().version.data
    done, _result = _attempt(
        lambda: stages.withdraw(application, current_user, expected_version=version)
    )
    if done:
        flash(_("Your application is withdrawn."), "info")
    return _back(application_id)


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
