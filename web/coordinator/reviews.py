"""The posting review queue. Access is checked once, in web/coordinator/__init__.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.coordinator import bp
from web.coordinator.forms import ReturnPostingForm
from web.extensions import db
from web.models import Posting
from web.pagination import paginate
from web.services import review
from web.student.forms import ConfirmForm


@bp.route("/reviews")
def reviews() -> str:
    page = paginate(review.pending_query())
    return render_template(
        "coordinator/reviews.html",
        page=page,
        approve_form=ConfirmForm(),
        return_form=ReturnPostingForm(formdata=None),
        required=review.required(),
    )


@bp.post("/reviews/<int:posting_id>/approve")
def approve_posting(posting_id: int) -> Response:
    posting = _posting(posting_id)
    if ConfirmForm().validate_on_submit():
        try:
            review.approve(posting, current_user)
        except review.ReviewError as exc:
            db.session.rollback()
            flash(str(exc), "warning")
        else:
            db.session.commit()
            flash(
                _("Posting %(ref)s is approved; students can see it.", ref=posting.ref), "success"
            )
    return _back()


@bp.post("/reviews/<int:posting_id>/return")
def return_posting(posting_id: int) -> Response:
    posting = _posting(posting_id)
    form = ReturnPostingForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(_("%(posting)s: %(error)s", posting=posting.ref, error=error), "danger")
        return _back()
    try:
        review.send_back(posting, form.comment.data, current_user)
    except review.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("Posting %(ref)s is returned to the firm.", ref=posting.ref), "info")
    return _back()


def _posting(posting_id: int) -> Posting:
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        abort(404)
    return posting


def _back() -> Response:
    return redirect(url_for("coordinator.reviews", page=request.args.get("page", 1, type=int)))
