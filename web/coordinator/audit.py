"""The audit log for coordinators: filter it, read it in Hong Kong time, download it.

The download is a POST with a CSRF token, like the other exports, and is itself audited.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from web.coordinator import bp
from web.coordinator.exports import _download
from web.coordinator.import_forms import DownloadForm
from web.extensions import db
from web.forms_common import AppForm
from web.pagination import paginate
from web.services import audit, exports


class AuditFilterForm(AppForm):
    """The log's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional(), Length(max=60)], default="")
    actor = StringField(_l("Actor’s email contains"), validators=[Optional(), Length(max=254)])
    since = DateField(_l("From (Hong Kong date)"), validators=[Optional()])
    until = DateField(_l("To (Hong Kong date)"), validators=[Optional()])

    def __init__(self, actions: list[str], areas: list[str]) -> None:
        super().__init__(request.args)
        self.action.choices = [("", _("All actions"))]
        self.action.choices += [(a, audit.area_label(a)) for a in areas]
        self.action.choices += [(a, audit.action_label(a)) for a in actions]

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def log_filter(self) -> audit.LogFilter:
        """The filters to apply: none while the form has an error (it is shown instead)."""
        if not self.validate():
            return audit.LogFilter()
        return audit.LogFilter(
            action=self.action.data or "",
            actor=(self.actor.data or "").strip(),
            since=self.since.data,
            until=self.until.data,
        )


def _form() -> tuple[AuditFilterForm, list[str], list[str]]:
    actions = audit.actions()
    areas = audit.areas(actions)
    return AuditFilterForm(actions, areas), actions, areas


@bp.get("/audit")
def audit_log() -> str:
    form, actions, areas = _form()
    log_filter = form.log_filter()
    page = paginate(audit.entries(log_filter))
    return render_template(
        "coordinator/audit.html",
        form=form,
        page=page,
        actions=actions,
        areas=areas,
        filter_args=log_filter.args(),
        download=DownloadForm(),
        audit=audit,
    )


@bp.post("/audit.csv")
def audit_csv() -> Response:
    if not DownloadForm().validate_on_submit():
        abort(400)
    form, _actions, _areas = _form()
    log_filter = form.log_filter()
    audit.record(current_user, "export.audit", None, filters=log_filter.args())
    db.session.commit()
    return _download("audit-log", exports.csv_lines(audit.CSV_HEADER, audit.csv_rows(log_filter)))
