"""Bulk actions on a shortlist: move or reject several applicants in one transaction."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from web.committing import commit_change
from web.employer import bp
from web.employer.hiring_forms import BulkForm
from web.employer.routes import _own_posting
from web.employer.shortlist import _filter_args
from web.formatting import status_label
from web.services import hiring


@bp.post("/postings/<int:posting_id>/bulk")
def bulk(posting_id: int) -> Response:
    """Move or reject the ticked applicants in one transaction: all of them or none."""
    posting = _own_posting(posting_id)
    back = redirect(
        url_for(
            "employer.applicants",
            posting_id=posting.id,
            page=request.args.get("page", 1, type=int),
            **_filter_args(),
        )
    )
    form = BulkForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return back
    selected = [s for v in form.selected.data or [] if (s := hiring.Selected.parse(v))]
    if form.reject.data:
        if not form.reason.data:
            flash(_("Choose a reason for the rejection."), "warning")
            return back
        target, reason = "rejected", form.reason.data
    else:
        target, reason = form.stage.data or "", None
        if not target:
            flash(_("Choose the stage to move the selected applicants to."), "warning")
            return back
    commit_change(
        lambda: hiring.bulk_transition(
            posting, selected, target, current_user, reason=reason, note=form.note.data or ""
        ),
        lambda moved: ngettext(
            "%(num)d applicant moved to “%(stage)s”.",
            "%(num)d applicants moved to “%(stage)s”.",
            len(moved),
            stage=status_label(target),
        ),
    )
    return back
