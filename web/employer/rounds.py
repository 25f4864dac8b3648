"""Allocation rounds, the employer's side: order the applicants of each posting, see results.

Role and approval are checked once, in web/employer/__init__.py; an employer sees only
the firm's own postings in a round (any other is a 404).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.employer import bp
from web.employer.routes import _firm
from web.extensions import db
from web.models import AllocationRound, RoundPosting
from web.pagination import ListPage, paginate
from web.round_forms import RankingForm
from web.services import round_lists, round_results, rounds


def _round(round_id: int) -> tuple[AllocationRound, list[RoundPosting]]:
    """A round the firm takes part in, and the firm's postings in it; else 404."""
    firm_id = _firm().id
    if (
        db.session.scalar(
            rounds.rounds_for_firm_query(firm_id).where(AllocationRound.id == round_id)
        )
        is None
    ):
        abort(404)
    round_ = rounds.get(round_id)
    own = [rp for rp in round_.postings if rp.posting.firm_id == firm_id]
    return round_, sorted(own, key=lambda rp: rp.posting.ref)


def _page() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("/rounds")
def rounds_list() -> str:
    page = paginate(rounds.rounds_for_firm_query(_firm().id))
    return render_template("employer/rounds.html", page=page, status_label=rounds.status_label)


@bp.route("/rounds/<int:round_id>")
def round_page(round_id: int) -> str:
    round_, own = _round(round_id)
    results = None
    if round_.status == "published":
        results = paginate(round_results.results_query(round_, [rp.posting_id for rp in own]))
    return render_template(
        "employer/round.html",
        round=round_,
        own=own,
        results=results,
        filled=round_results.filled_by_posting(round_) if results is not None else {},
        window_open=rounds.window_open(round_, datetime.now(UTC)),
        status_label=rounds.status_label,
    )


@bp.route("/rounds/<int:round_id>/postings/<int:posting_id>", methods=["GET", "POST"])
def round_ranking(round_id: int, posting_id: int) -> Response | tuple[str, int]:
    round_, own = _round(round_id)
    round_posting = next((rp for rp in own if rp.posting_id == posting_id), None)
    if round_posting is None:
        abort(404)
    now = datetime.now(UTC)
    status = 200
    if request.method == "POST":
        form = RankingForm()
        if form.validate_on_submit():
            entries = {
                row.form.student_id.data: (row.form.position.data, bool(row.form.acceptable.data))
                for row in form.rows
            }
            try:
                round_lists.save_employer_order(
                    round_, round_posting, entries, current_user, now=now
                )
            except rounds.RoundError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
                status = 400
            else:
                db.session.commit()
                flash(_("The order is saved."), "success")
                return redirect(
                    url_for(
                        "employer.round_ranking",
                        round_id=round_id,
                        posting_id=posting_id,
                        page=_page(),
                    )
                )
        else:
            flash(_("Each position must be a whole number from 1."), "danger")
            status = 400
    order = round_lists.employer_order(round_, round_posting)
    page = ListPage.of(order, _page(), current_app.config["PAGE_SIZE"])
    form = RankingForm(
        formdata=None,
        data={
            "rows": [
                {"student_id": r.student_id, "position": r.position, "acceptable": r.acceptable}
                for r in page.items
            ]
        },
    )
    applications = round_lists.applications_by_student(
        posting_id, [r.student_id for r in page.items]
    )
    return (
        render_template(
            "employer/round_ranking.html",
            round=round_,
            posting=round_posting.posting,
            round_posting=round_posting,
            page=page,
            rows=list(zip(page.items, form.rows, strict=True)),
            form=form,
            applications=applications,
            window_open=rounds.window_open(round_, now),
            status_label=rounds.status_label,
        ),
        status,
    )
