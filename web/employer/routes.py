"""The employer portal. Role and approval are checked once, in web/employer/__init__.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from web.employer import bp
from web.employer.forms import PostingForm
from web.extensions import db
from web.forms_common import filled_languages, filled_skills, pad_rows
from web.models import Firm, Posting
from web.pagination import paginate
from web.services import postings as posting_service
from web.services import review
from web.services.postings import PostingData, SkillNeed
from web.student.forms import ConfirmForm


def _firm() -> Firm:
    return current_user.membership.firm


def _own_posting(posting_id: int) -> Posting:
    """A posting of the employer's own firm; any other id is a 404, never a leak."""
    posting = db.session.scalar(
        select(Posting)
        .where(Posting.id == posting_id, Posting.firm_id == _firm().id)
        .options(selectinload(Posting.skills), selectinload(Posting.languages))
    )
    if posting is None:
        abort(404)
    return posting


@bp.route("/pending")
def pending() -> Response | str:
    if current_user.is_approved_employer:
        return redirect(url_for("employer.dashboard"))
    return render_template("employer/pending.html", membership=current_user.membership)


@bp.route("/")
def dashboard() -> str:
    firm = _firm()
    page = paginate(
        select(Posting)
        .where(Posting.firm_id == firm.id)
        .order_by(Posting.status.desc(), Posting.start_date.desc(), Posting.id.desc())
    )
    counts = posting_service.applicant_counts([p.id for p in page.items])
    return render_template(
        "employer/dashboard.html", firm=firm, page=page, counts=counts, form=ConfirmForm()
    )


def _form_data(form: PostingForm) -> PostingData:
    return PostingData(
        title=form.title.data.strip(),
        description=form.description.data.strip(),
        location=(form.location.data or "").strip(),
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        capacity=form.capacity.data,
        deadline=form.deadline.data,
        required=[SkillNeed(n, lvl) for n, lvl in filled_skills(form.required)],
        preferred=[SkillNeed(n, lvl) for n, lvl in filled_skills(form.preferred)],
        languages=[SkillNeed(c, lvl) for c, lvl in filled_languages(form.languages)],
    )


def _render_form(form: PostingForm, posting: Posting | None) -> str:
    pad_rows(form.required)
    pad_rows(form.preferred, extra=2)
    pad_rows(form.languages, extra=1)
    return render_template(
        "employer/posting_form.html", form=form, posting=posting, review_required=review.required()
    )


def _saved_message(posting: Posting) -> str:
    if posting.status != "draft" and posting.review_status == "pending":
        return _(
            "Posting %(ref)s is saved and sent to the programme office for review.", ref=posting.ref
        )
    return _("Posting %(ref)s is saved.", ref=posting.ref)


def _add_blank_rows(form: PostingForm) -> None:
    """Blank rows for more skills and languages, when the user asks for them."""
    pad_rows(form.required, extra=5)
    pad_rows(form.preferred, extra=4)
    pad_rows(form.languages, extra=2)


@bp.route("/postings/new", methods=["GET", "POST"])
def new_posting() -> Response | str:
    form = PostingForm()
    if form.add_rows.data:
        _add_blank_rows(form)
    elif form.validate_on_submit():
        firm = _firm()
        posting = Posting(
            firm=firm,
            ref=posting_service.next_ref(firm, form.start_date.data.year),
            created_by_id=current_user.id,
            status="draft",
        )
        posting_service.apply_data(posting, _form_data(form))
        db.session.add(posting)
        review.publish(posting, open_it=bool(form.publish.data))
        db.session.commit()
        flash(_saved_message(posting), "success")
        return redirect(url_for("employer.applicants", posting_id=posting.id))
    return _render_form(form, None)


@bp.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
def edit_posting(posting_id: int) -> Response | str:
    posting = _own_posting(posting_id)
    if request.method == "GET":
        form = PostingForm(
            obj=posting,
            data={
                "required": [
                    {"name": s.name, "level": s.min_level} for s in posting.required_skills
                ],
                "preferred": [
                    {"name": s.name, "level": s.min_level} for s in posting.preferred_skills
                ],
                "languages": [
                    {"language": lang.language, "level": lang.min_level}
                    for lang in posting.languages
                ],
            },
        )
    else:
        form = PostingForm()
    if form.add_rows.data:
        _add_blank_rows(form)
    elif form.validate_on_submit():
        posting_service.apply_data(posting, _form_data(form))
        review.publish(posting, open_it=bool(form.publish.data))
        db.session.commit()
        flash(_saved_message(posting), "success")
        return redirect(url_for("employer.applicants", posting_id=posting.id))
    return _render_form(form, posting)


@bp.post("/postings/<int:posting_id>/status/<any(open, closed):status>")
def set_status(posting_id: int, status: str) -> Response:
    posting = _own_posting(posting_id)
    if ConfirmForm().validate_on_submit():
        review.set_status(posting, status)
        db.session.commit()
        if status == "closed":
            message = _("Posting %(ref)s is closed.", ref=posting.ref)
        elif posting.review_status == "pending":
            message = _saved_message(posting)
        else:
            message = _("Posting %(ref)s is open for applications.", ref=posting.ref)
        flash(message, "info")
    return redirect(url_for("employer.dashboard"))
