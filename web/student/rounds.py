"""Allocation rounds, the student's side: rank the round's internships, see the result.

Access is checked once, in web/student/__init__.py; a student sees only their own list.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.extensions import db
from web.models import AllocationRound, StudentProfile
from web.pagination import paginate
from web.round_forms import ChoicesForm
from web.services import round_lists, round_results, rounds
from web.student import bp
from web.student.routes import _profile


def _visible_round(round_id: int, profile: StudentProfile) -> AllocationRound:
    """A round (not a draft) with a posting the student applied to; else 404."""
    round_ = db.session.scalar(
        rounds.rounds_for_student_query(profile).where(AllocationRound.id == round_id)
    )
    if round_ is None:
        abort(404)
    return rounds.get(round_id)


@bp.route("/rounds")
def rounds_list() -> str:
    profile = _profile()
    page = paginate(rounds.rounds_for_student_query(profile))
    return render_template("student/rounds.html", page=page, status_label=rounds.status_label)


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
def round_page(round_id: int) -> Response | tuple[str, int]:
    profile = _profile()
    round_ = _visible_round(round_id, profile)
    now = datetime.now(UTC)
    options = round_lists.student_options(round_, profile)
    form = ChoicesForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            round_lists.save_student_choices(
                round_, profile, [entry.data for entry in form.choices], now=now
            )
        except rounds.RoundError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            status = 400
        else:
            db.session.commit()
            flash(
                _("Your ranking is saved. You can change it until the rank lists close."), "success"
            )
            return redirect(url_for("student.round_page", round_id=round_id))
    saved = round_lists.student_choices(round_, profile)
    if request.method == "GET":
        form = ChoicesForm(formdata=None, data={"choices": [c.posting_id for c in saved]})
    labels = [("", "—")] + [(str(p.id), f"{p.title} · {p.firm.name}") for p in options]
    while len(form.choices) < round_.max_choices:
        form.choices.append_entry()
    for entry in form.choices:
        entry.choices = labels
    result = round_results.result_for(round_, profile) if round_.status == "published" else None
    return (
        render_template(
            "student/round.html",
            round=round_,
            form=form,
            options=options,
            saved=saved,
            result=result,
            window_open=rounds.window_open(round_, now),
            status_label=rounds.status_label,
        ),
        status,
    )
