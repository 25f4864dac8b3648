"""CSV downloads for coordinators: programme data and the invitation links.

Downloads are POSTs with a CSRF token: each is audited, and the invitation links are
credentials, so no link on another site can trigger one.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, stream_with_context
from flask_login import current_user
from sqlalchemy import func, select

from web.coordinator import bp
from web.coordinator.import_forms import DownloadForm
from web.extensions import db
from web.models import User
from web.models.base import utcnow
from web.services import audit, exports, invitations


def _download(name: str, lines: Iterator[str]) -> Response:
    def body() -> Iterator[str]:
        yield "\ufeff"  # so Excel reads the Chinese text as UTF-8
        yield from lines

    filename = f"talent-bridge-{name}-{utcnow():%Y%m%d-%H%M}.csv"
    response = Response(stream_with_context(body()), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/exports")
def exports_page() -> str:
    unclaimed = db.session.scalar(
        select(func.count(User.id)).where(User.role == "student", User.password_hash.is_(None))
    )
    return render_template(
        "coordinator/exports.html",
        form=DownloadForm(),
        kinds=list(exports.EXPORTS),
        unclaimed=unclaimed or 0,
        days=max(1, invitations.max_age() // 86400),
    )


@bp.post("/exports/<any(firms, postings, students, applications):kind>.csv")
def export_csv(kind: str) -> Response:
    if not DownloadForm().validate_on_submit():
        abort(400)
    header, rows = exports.EXPORTS[kind]
    audit.record(current_user, f"export.{kind}", None)
    db.session.commit()
    return _download(kind, exports.csv_lines(header, rows()))


@bp.post("/exports/invitations.csv")
def export_invitations() -> Response:
    if not DownloadForm().validate_on_submit():
        abort(400)
    lines = invitations.csv_lines(actor=current_user)
    db.session.commit()
    return _download("invitations", lines)
