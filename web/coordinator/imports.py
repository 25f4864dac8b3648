"""Importing seed files in the portal: upload, preview (a dry run), confirm; the history.

The uploaded files stay on the server (web/services/uploads.py) between the preview
and the confirmation; only their random id travels, in the session.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from web.coordinator import bp
from web.coordinator.import_forms import CancelImportForm, ConfirmImportForm, UploadForm
from web.extensions import db
from web.models import ImportBatch
from web.pagination import paginate
from web.services import uploads
from web.services.importing import ImportReport, import_paths

SESSION_KEY = "import_upload"


def _limit() -> str:
    """The upload limit for people: "16 MB", or "2 KB" for small test limits."""
    size = current_app.config["MAX_CONTENT_LENGTH"]
    if size >= 1024 * 1024:
        return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(n)s KB", n=format_decimal(max(1, round(size / 1024))))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    return render_template("coordinator/upload_too_large.html", limit=_limit()), 413


@bp.route("/imports")
def imports() -> str:
    page = paginate(
        select(ImportBatch)
        .options(selectinload(ImportBatch.actor))
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    )
    return render_template("coordinator/imports.html", page=page)


@bp.route("/imports/<int:batch_id>")
def import_batch(batch_id: int) -> str:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    return render_template("coordinator/import_batch.html", batch=batch)


@bp.route("/imports/upload", methods=["GET", "POST"])
def import_upload() -> Response | str:
    form = UploadForm()
    if form.validate_on_submit():
        uploads.discard(session.pop(SESSION_KEY, None))
        upload = uploads.save(form.files.data, form.encoding.data or None)
        session[SESSION_KEY] = upload.id
        return redirect(url_for("coordinator.import_preview"))
    return render_template("coordinator/import_upload.html", form=form, limit=_limit())


def _run(upload: uploads.Upload, *, dry_run: bool) -> ImportReport:
    return import_paths(
        upload.paths,
        dry_run=dry_run,
        encoding=upload.encoding,
        actor=current_user,
        source="web",
        labels=upload.labels,
    )


def _preview(report: ImportReport) -> str:
    return render_template(
        "coordinator/import_preview.html",
        report=report,
        confirm=ConfirmImportForm(),
        cancel=CancelImportForm(),
    )


@bp.get("/imports/preview")
def import_preview() -> Response | str:
    upload = uploads.load(session.get(SESSION_KEY))
    if upload is None:
        flash(_("Upload the files again: the previous upload is no longer here."), "warning")
        return redirect(url_for("coordinator.import_upload"))
    return _preview(_run(upload, dry_run=True))


@bp.post("/imports/confirm")
def import_confirm() -> Response | str:
    upload = uploads.load(session.get(SESSION_KEY))
    if upload is None or not ConfirmImportForm().validate_on_submit():
        flash(_("Upload the files again: the previous upload is no longer here."), "warning")
        return redirect(url_for("coordinator.import_upload"))
    report = _run(upload, dry_run=False)
    db.session.commit()  # the data and its batch, or (after a rollback) the failed batch
    if not report.ok:
        flash(_("Nothing was imported: the files have errors."), "danger")
        return _preview(report)
    uploads.discard(session.pop(SESSION_KEY, None))
    flash(
        _(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        "success",
    )
    return redirect(url_for("coordinator.import_batch", batch_id=report.batch_id))


@bp.post("/imports/cancel")
def import_cancel() -> Response:
    if CancelImportForm().validate_on_submit():
        uploads.discard(session.pop(SESSION_KEY, None))
        flash(_("The upload was discarded; nothing was imported."), "info")
    return redirect(url_for("coordinator.import_upload"))
