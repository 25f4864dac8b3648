"""The coordinator portal. Access is checked once, in web/coordinator/__init__.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from web.coordinator import bp
from web.coordinator.forms import SettingsForm
from web.extensions import db
from web.formatting import firm_name
from web.models import EmployerMembership, Firm, Posting, User
from web.pagination import paginate
from web.services import accounts, programme, review, settings
from web.services import dashboard as dashboard_service
from web.services import postings as posting_service
from web.student.forms import ConfirmForm

MEMBERSHIP_FILTERS = ("pending", "approved", "rejected")


@bp.route("/")
def dashboard() -> str:
    overview = programme.overview()
    return render_template(
        "coordinator/dashboard.html",
        overview=overview,
        board=dashboard_service.build(overview.by_status),
        pending_reviews=review.pending_count(),
        format_duration=dashboard_service.format_duration,
    )


@bp.route("/settings", methods=["GET", "POST"])
def programme_settings() -> Response | str:
    form = SettingsForm()
    if form.validate_on_submit():
        changed = settings.change(settings.REVIEW_POSTINGS, form.review_postings.data, current_user)
        db.session.commit()
        flash(_("Settings saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("coordinator.programme_settings"))
    if request.method == "GET":
        form.review_postings.data = review.required()
    return render_template(
        "coordinator/settings.html", form=form, pending_reviews=review.pending_count()
    )


@bp.route("/employers")
def employers() -> str:
    status = request.args.get("status", "pending")
    if status not in MEMBERSHIP_FILTERS:
        status = "pending"
    page = paginate(
        select(EmployerMembership)
        .where(EmployerMembership.status == status)
        # Unconfirmed sign-ups may not own the address they gave: nothing to decide yet.
        .join(EmployerMembership.user)
        .where(User.email_verified_at.is_not(None))
        .options(selectinload(EmployerMembership.user), selectinload(EmployerMembership.firm))
        .order_by(EmployerMembership.created_at, EmployerMembership.id)
    )
    return render_template(
        "coordinator/employers.html",
        page=page,
        status=status,
        filters=MEMBERSHIP_FILTERS,
        form=ConfirmForm(),
    )


@bp.post("/employers/<int:membership_id>/<any(approve, reject):decision>")
def decide_employer(membership_id: int, decision: str) -> Response:
    membership = db.session.get(EmployerMembership, membership_id)
    if membership is None or membership.user.email_verified_at is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        accounts.decide_membership(membership, decision == "approve", current_user)
        db.session.commit()
        if decision == "approve":
            flash(
                _(
                    "%(email)s can now act for %(firm)s.",
                    email=membership.user.email,
                    firm=firm_name(membership.firm),
                ),
                "success",
            )
        else:
            flash(_("%(email)s was not approved.", email=membership.user.email), "info")
    return redirect(url_for("coordinator.employers", status=request.args.get("status", "pending")))


@bp.route("/firms")
def firms() -> str:
    page = paginate(select(Firm).order_by(Firm.name))
    counts = programme.firm_posting_counts([f.id for f in page.items])
    return render_template("coordinator/firms.html", page=page, counts=counts)


@bp.route("/postings")
def postings() -> str:
    status = request.args.get("status", "")
    stmt = select(Posting).options(selectinload(Posting.firm))
    if status in ("draft", "open", "closed"):
        stmt = stmt.where(Posting.status == status)
    page = paginate(stmt.order_by(Posting.ref))
    counts = posting_service.applicant_counts([p.id for p in page.items])
    return render_template("coordinator/postings.html", page=page, counts=counts, status=status)
