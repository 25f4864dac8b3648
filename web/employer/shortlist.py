"""Ranked shortlists, talent search and the student profiles an employer may see."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from web.employer import bp
from web.employer.forms import CandidateFilterForm
from web.employer.hiring_forms import BulkForm
from web.employer.routes import _firm, _own_posting
from web.extensions import db
from web.models import Application, Posting, StudentProfile
from web.services import shortlist
from web.student.forms import ConfirmForm


def _page() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("/postings/<int:posting_id>")
def applicants(posting_id: int) -> str:
    posting = _own_posting(posting_id)
    form = CandidateFilterForm(request.args)
    page = shortlist.applicants(posting, form.filters(), _page(), current_app.config["PAGE_SIZE"])
    return render_template(
        "employer/applicants.html",
        posting=posting,
        page=page,
        form=form,
        filter_args=_filter_args(),
        action=ConfirmForm(),
        bulk=BulkForm(),
    )


@bp.route("/talent")
def talent() -> str:
    """Students who opted in to discovery, ranked for one of the firm's postings."""
    firm = _firm()
    postings = list(
        db.session.scalars(
            select(Posting)
            .where(Posting.firm_id == firm.id, Posting.status != "closed")
            .order_by(Posting.start_date.desc(), Posting.id.desc())
        )
    )
    posting_id = request.args.get("posting", type=int)
    posting = next((p for p in postings if p.id == posting_id), postings[0] if postings else None)
    form = CandidateFilterForm(request.args)
    page = (
        shortlist.discoverable(posting, form.filters(), _page(), current_app.config["PAGE_SIZE"])
        if posting
        else None
    )
    return render_template(
        "employer/talent.html",
        postings=postings,
        posting=posting,
        page=page,
        form=form,
        filter_args=_filter_args(),
    )


@bp.route("/students/<int:profile_id>")
def student(profile_id: int) -> str:
    """A student's profile, only if they applied to this firm or opted in to discovery."""
    firm = _firm()
    applied = exists().where(
        Application.student_id == StudentProfile.id,
        Application.status != "withdrawn",
        Application.posting_id.in_(select(Posting.id).where(Posting.firm_id == firm.id)),
    )
    profile = db.session.scalar(
        select(StudentProfile)
        .where(StudentProfile.id == profile_id, StudentProfile.discoverable.is_(True) | applied)
        .options(selectinload(StudentProfile.skills), selectinload(StudentProfile.languages))
    )
    if profile is None:
        abort(404)
    applications = db.session.scalars(
        select(Application)
        .join(Posting)
        .where(
            Application.student_id == profile.id,
            Application.status != "withdrawn",
            Posting.firm_id == firm.id,
        )
        .options(selectinload(Application.posting))
    ).all()
    return render_template("employer/student.html", profile=profile, applications=applications)


def _filter_args() -> dict[str, str]:
    keys = ("university", "year", "language", "min_score", "posting")
    return {k: v for k in keys if (v := request.args.get(k, ""))}
