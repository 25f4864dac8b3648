"""Pages anyone can see: the front page and the list of open internships."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.formatting import firm_name
from web.pagination import MAX_PAGE
from web.public import bp
from web.public.forms import PostingSearchForm
from web.services import applications as application_service
from web.services import postings as posting_service
from web.services import ranking
from web.student.forms import ApplyForm


@bp.route("/")
def index() -> Response | str:
    if current_user.is_authenticated:
        from web.auth.routes import home_for

        return redirect(home_for(current_user))
    return render_template("public/index.html")


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/postings")
def postings() -> str:
    form = PostingSearchForm(request.args)
    firms = posting_service.firms_with_open_postings()
    form.firm.choices = [(0, _("All firms"))] + [(f.id, firm_name(f)) for f in firms]
    q = (form.q.data or "").strip()[:100]
    firm_id = form.firm.data if form.firm.data in {f.id for f in firms} else None
    page = posting_service.search(
        q,
        firm_id,
        min(max(1, request.args.get("page", 1, type=int)), MAX_PAGE),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("public/postings.html", form=form, page=page, q=q, firm_id=firm_id or 0)


@bp.route("/postings/<ref>")
def posting(ref: str) -> str:
    item = posting_service.get_by_ref(ref)
    if item is None or not item.is_visible:
        abort(404)
    application = apply_form = fit = placed = None
    if current_user.is_authenticated and current_user.is_student and current_user.profile:
        application = application_service.find(current_user.profile, item)
        placed = application_service.placement(current_user.profile)
        apply_form = ApplyForm(firm=item.firm)
        fit = ranking.explain(current_user.profile, item)
    return render_template(
        "public/posting.html",
        posting=item,
        application=application,
        placed=placed,
        apply_form=apply_form,
        fit=fit,
        accepting=item.accepts_applications(date.today()),
    )
