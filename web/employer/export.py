"""A posting's shortlist as a CSV or XLSX download (each export is audited)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_login import current_user

from web.employer import bp
from web.employer.forms import CandidateFilterForm
from web.employer.routes import _own_posting
from web.extensions import db
from web.models import Posting
from web.services import shortlist_export


def _export_rows(posting_id: int) -> tuple[Posting, list[tuple[Any, ...]]]:
    """The firm's posting and its shortlist rows, with the filters shown on the page."""
    posting = _own_posting(posting_id)
    filters = CandidateFilterForm(request.args).filters()
    return posting, shortlist_export.rows(posting, filters)


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


@bp.route("/postings/<int:posting_id>/shortlist.csv")
def export_csv(posting_id: int) -> Response:
    posting, rows = _export_rows(posting_id)
    body, filename = "".join(shortlist_export.csv_body(rows)), f"{posting.ref}-shortlist.csv"
    shortlist_export.record_export(current_user, posting, "csv", len(rows))
    db.session.commit()
    return _download(body.encode("utf-8"), "text/csv", filename)


@bp.route("/postings/<int:posting_id>/shortlist.xlsx")
def export_xlsx(posting_id: int) -> Response:
    posting, rows = _export_rows(posting_id)
    body = shortlist_export.xlsx_body(posting, rows)
    filename = f"{posting.ref}-shortlist.xlsx"
    shortlist_export.record_export(current_user, posting, "xlsx", len(rows))
    db.session.commit()
    return _download(body, shortlist_export.XLSX_TYPE, filename)
