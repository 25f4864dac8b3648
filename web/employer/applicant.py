"""One applicant, as the firm's staff see them: profile, reasons, history, notes, next steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from web.committing import commit_change
from web.employer import bp
from web.employer.hiring_forms import (
    InterviewForm,
    MoveForm,
    NoteForm,
    OfferForm,
    RatingForm,
    RejectForm,
)
from web.employer.routes import _firm
from web.formatting import status_label
from web.models import APPLICATION_STATUSES, Application
from web.services import hiring, interviews, offers, ranking, stages


def _own_application(application_id: int) -> Application:
    """An application to one of the firm's postings; any other id is a 404."""
    application = hiring.for_firm(application_id, _firm().id)
    if application is None:
        abort(404)
    return application


def _move_choices(application: Application) -> list[tuple[str, str]]:
    """Next stages for the move form; offering and rejecting have forms of their own."""
    return [
        (s, status_label(s))
        for s in stages.allowed(stages.EMPLOYER, application.status)
        if s not in ("rejected", "offered")
    ]


def _forms(application: Application) -> dict[str, FlaskForm]:
    """Every form of the page, filled from the application (never from another form's POST)."""
    version = {"version": application.version}
    move = MoveForm(None, prefix="move", data=version)
    move.stage.choices = _move_choices(application)
    return {
        "move_form": move,
        "reject_form": RejectForm(None, prefix="reject", data=version),
        "offer_form": OfferForm(None, prefix="offer", data=version),
        "interview_form": InterviewForm(None, prefix="interview", data=version),
        "note_form": NoteForm(None, prefix="note"),
        "rating_form": RatingForm(None, prefix="rating", data={"rating": application.rating}),
    }


def _render(application: Application, status: int = 200, **bound: FlaskForm) -> tuple[str, int]:
    """The page, with any form that failed validation shown with its errors."""
    forms = _forms(application) | bound
    return render_template(
        "employer/application.html",
        application=application,
        profile=application.student,
        posting=application.posting,
        match=ranking.explain(application.student, application.posting),
        places=offers.places(application.posting),
        reason_label=stages.rejection_reason_label,
        can=lambda stage: stage in stages.allowed(stages.EMPLOYER, application.status),
        schedulable=application.status in interviews.SCHEDULABLE,
        **forms,
    ), status


def _back(application_id: int) -> Response:
    return redirect(url_for("employer.application", application_id=application_id))


def _attempt(application_id: int, action: Callable[[], Any], done: str) -> Response:
    """Run a change and commit it, or roll everything back and say why; then show the page."""
    commit_change(action, lambda _result: done)
    return _back(application_id)


def _invalid(application_id: int, form: FlaskForm) -> Response:
    """Flash what is wrong with the form, then show the page again."""
    for field in form:
        label = field.label.text
        for error in field.errors:
            flash(
                _("%(field)s: %(error)s", field=label, error=error) if label else str(error),
                "danger",
            )
    return _back(application_id)


@bp.route("/applications/<int:application_id>")
def application(application_id: int) -> tuple[str, int]:
    return _render(_own_application(application_id))


@bp.post("/applications/<int:application_id>/stage")
def move(application_id: int) -> Response:
    application = _own_application(application_id)
    form = MoveForm(prefix="move")
    # Any stage name passes the form; the rules (and the version check) are the service's.
    form.stage.choices = [(s, s) for s in APPLICATION_STATUSES]
    if not form.validate_on_submit():
        return _invalid(application_id, form)
    return _attempt(
        application_id,
        lambda: stages.transition(
            application,
            form.stage.data,
            current_user,
            role=stages.EMPLOYER,
            note=form.note.data or "",
            expected_version=form.version.data,
        ),
        _("Moved to “%(stage)s”.", stage=status_label(form.stage.data)),
    )


@bp.post("/applications/<int:application_id>/reject")
def reject(application_id: int) -> Response:
    application = _own_application(application_id)
    form = RejectForm(prefix="reject")
    if not form.validate_on_submit():
        return _invalid(application_id, form)
    return _attempt(
        application_id,
        lambda: stages.transition(
            application,
            "rejected",
            current_user,
            role=stages.EMPLOYER,
            reason=form.reason.data,
            note=form.note.data or "",
            expected_version=form.version.data,
        ),
        _("The application is rejected; the student has been told."),
    )


@bp.post("/applications/<int:application_id>/offer")
def offer(application_id: int) -> Response:
    application = _own_application(application_id)
    form = OfferForm(prefix="offer")
    if not form.validate_on_submit():
        return _invalid(application_id, form)
    return _attempt(
        application_id,
        lambda: offers.make_offer(application, current_user, expected_version=form.version.data),
        _("The offer is made; the student has been told."),
    )


@bp.post("/applications/<int:application_id>/interviews")
def schedule_interview(application_id: int) -> Response | tuple[str, int]:
    application = _own_application(application_id)
    form = InterviewForm(prefix="interview")
    if not form.validate_on_submit():
        return _render(application, 400, interview_form=form)
    return _attempt(
        application_id,
        lambda: interviews.schedule(
            application,
            current_user,
            starts_at=form.starts_at(),
            duration_minutes=form.duration.data,
            location=form.location.data,
            details=form.details.data or "",
            expected_version=form.version.data,
        ),
        _("The interview is arranged; the student has been invited."),
    )


@bp.post("/applications/<int:application_id>/notes")
def add_note(application_id: int) -> Response | tuple[str, int]:
    application = _own_application(application_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _render(application, 400, note_form=form)
    return _attempt(
        application_id,
        lambda: hiring.add_note(application, current_user, form.body.data),
        _("Note added."),
    )


@bp.post("/applications/<int:application_id>/rating")
def rate(application_id: int) -> Response:
    application = _own_application(application_id)
    form = RatingForm(prefix="rating")
    if not form.validate_on_submit():
        return _invalid(application_id, form)
    return _attempt(
        application_id,
        lambda: hiring.rate(application, form.rating.data),
        _("Rating saved."),
    )
