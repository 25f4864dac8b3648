"""Allocation rounds, the coordinator's side: set up, open, close, preview, publish, phase 2.

Access is checked once, in web/coordinator/__init__.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from web.coordinator import bp
from web.extensions import db
from web.formatting import firm_name
from web.models import AllocationRound
from web.pagination import ListPage, paginate
from web.round_forms import RoundForm, hong_kong
from web.services import round_allocation, rounds
from web.services import round_results as results_service
from web.student.forms import ConfirmForm


def _now() -> datetime:
    return datetime.now(UTC)


def _round(round_id: int) -> AllocationRound:
    round_ = rounds.get(round_id)
    if round_ is None:
        abort(404)
    return round_


def _page(name: str = "page") -> int:
    return request.args.get(name, 1, type=int)


@bp.route("/rounds")
def rounds_list() -> str:
    page = paginate(rounds.list_query().options(selectinload(AllocationRound.postings)))
    return render_template("coordinator/rounds.html", page=page, status_label=rounds.status_label)


def _posting_choices(form: RoundForm, round_id: int | None) -> None:
    form.postings.choices = [
        (p.id, f"{p.ref} · {p.title} · {firm_name(p.firm)}")
        for p in rounds.candidate_postings(round_id)
    ]


def _fill(form: RoundForm, data: rounds.RoundData) -> None:
    form.name.data = data.name
    form.postings.data = data.posting_ids
    form.opens_at.data = hong_kong(data.opens_at)
    form.closes_at.data = hong_kong(data.closes_at)
    form.results_on.data = data.results_on
    form.max_choices.data = data.max_choices
    form.phase.data = data.phase
    form.parent_id.data = data.parent_id


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round() -> Response | str:
    form = RoundForm()
    _posting_choices(form, None)
    parent = None
    if request.method == "GET":
        parent_id = request.args.get("from", type=int)
        if parent_id is not None:
            parent = _round(parent_id)
            _fill(form, rounds.phase_two_data(parent, _now()))
        else:
            now = _now().replace(minute=0, second=0, microsecond=0)
            _fill(
                form,
                rounds.RoundData(
                    name="",
                    opens_at=now + timedelta(hours=1),
                    closes_at=now + timedelta(days=7, hours=1),
                    results_on=(now + timedelta(days=10)).date(),
                ),
            )
    elif form.validate_on_submit():
        try:
            round_ = rounds.create(form.data_for_service(), current_user)
        except rounds.RoundError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Round “%(name)s” saved as a draft.", name=round_.name), "success")
            return redirect(url_for("coordinator.round_page", round_id=round_.id))
    return render_template("coordinator/round_form.html", form=form, round=None, parent=parent)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
def edit_round(round_id: int) -> Response | str:
    round_ = _round(round_id)
    if round_.status != "draft":
        flash(_("Only a draft round can be changed."), "warning")
        return redirect(url_for("coordinator.round_page", round_id=round_id))
    form = RoundForm()
    _posting_choices(form, round_id)
    if request.method == "GET":
        _fill(
            form,
            rounds.RoundData(
                name=round_.name,
                opens_at=round_.opens_at,
                closes_at=round_.closes_at,
                results_on=round_.results_on,
                max_choices=round_.max_choices,
                phase=round_.phase,
                posting_ids=[rp.posting_id for rp in round_.postings],
                parent_id=round_.parent_id,
            ),
        )
    elif form.validate_on_submit():
        try:
            rounds.update(round_, form.data_for_service(), current_user)
        except rounds.RoundError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Round saved."), "success")
            return redirect(url_for("coordinator.round_page", round_id=round_id))
    return render_template("coordinator/round_form.html", form=form, round=round_, parent=None)


@bp.route("/rounds/<int:round_id>")
def round_page(round_id: int) -> str:
    round_ = _round(round_id)
    stats = results_service.stats(round_)
    filled = results_service.filled_by_posting(round_) if stats else {}
    left = rounds.places_left([rp.posting_id for rp in round_.postings])
    postings = ListPage.of(
        sorted(round_.postings, key=lambda rp: rp.posting.ref),
        _page(),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "coordinator/round.html",
        round=round_,
        stats=stats,
        filled=filled,
        left=left,
        page=postings,
        lists=results_service.list_count(round_),
        window_open=rounds.window_open(round_, _now()),
        status_label=rounds.status_label,
        form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/results")
def round_results(round_id: int) -> str:
    round_ = _round(round_id)
    page = paginate(results_service.results_query(round_))
    return render_template(
        "coordinator/round_results.html",
        round=round_,
        page=page,
        stats=results_service.stats(round_),
        status_label=rounds.status_label,
    )


def _act(round_id: int, action: Callable[[AllocationRound], str]) -> Response:
    """Run one of the round's buttons and commit, or roll back and say why."""
    round_ = _round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message = action(round_)
    except rounds.RoundError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("coordinator.round_page", round_id=round_id))


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int) -> Response:
    def action(round_: AllocationRound) -> str:
        told = rounds.open_round(round_, current_user)
        return ngettext(
            "The round is open; %(num)d person was told.",
            "The round is open; %(num)d people were told.",
            told,
        )

    return _act(round_id, action)


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int) -> Response:
    def action(round_: AllocationRound) -> str:
        rounds.close_round(round_, current_user)
        return _("Rank lists are closed. Preview the result, then publish it.")

    return _act(round_id, action)


@bp.post("/rounds/<int:round_id>/preview")
def preview_round(round_id: int) -> Response:
    def action(round_: AllocationRound) -> str:
        round_allocation.preview(round_, current_user, now=_now())
        return _("Preview ready: nothing is published and nobody has been told.")

    return _act(round_id, action)


@bp.post("/rounds/<int:round_id>/publish")
def publish_round(round_id: int) -> Response:
    def action(round_: AllocationRound) -> str:
        outcome = round_allocation.publish(round_, current_user, now=_now())
        placed = sum(1 for p in outcome.placed.values() if p is not None)
        return ngettext(
            "Published: %(num)d student placed; every student and firm concerned was told.",
            "Published: %(num)d students placed; every student and firm concerned was told.",
            placed,
        )

    return _act(round_id, action)
