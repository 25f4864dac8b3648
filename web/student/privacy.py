"""Privacy and data: the student's consents, talent search, a copy of their data, deletion.

Access is checked once, in web/student/__init__.py; the work is web/services/privacy.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from web.extensions import db, limiter
from web.security import auth_limit
from web.services import consents, privacy
from web.student import bp
from web.student.forms import DeleteAccountForm, DiscoveryForm
from web.student.routes import _profile


def _render(
    discovery: DiscoveryForm | None = None,
    deletion: DeleteAccountForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    profile = _profile()
    discovery = discovery or DiscoveryForm(
        None, prefix="discovery", data={"discoverable": profile.discoverable}
    )
    return render_template(
        "student/privacy.html",
        profile=profile,
        discovery_form=discovery,
        delete_form=deletion or DeleteAccountForm(None, prefix="delete"),
        history=consents.history(current_user),
        consent_label=privacy.consent_label,
    ), status


@bp.route("/privacy")
def privacy_page() -> tuple[str, int]:
    return _render()


@bp.post("/privacy/discovery")
def set_discovery() -> BaseResponse | tuple[str, int]:
    form = DiscoveryForm(prefix="discovery")
    if not form.validate_on_submit():
        return _render(discovery=form, status=400)
    on = bool(form.discoverable.data)
    if privacy.set_discovery(current_user._get_current_object(), _profile(), on):
        db.session.commit()
        flash(
            _("Approved employers can now find your profile in talent search.")
            if on
            else _("Your profile is out of talent search; your consent is withdrawn."),
            "success",
        )
    return redirect(url_for("student.privacy_page"))


@bp.route("/privacy/my-data.json")
def export_data() -> Response:
    """A copy of everything held about the student; reading it changes nothing."""
    now = datetime.now(UTC)
    body = json.dumps(privacy.export_data(current_user, now=now), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"talent-bridge-my-data-{now:%Y%m%d}.json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/privacy/delete")
@limiter.limit(auth_limit)  # it checks the password: guessing through it is slow too
def delete_account() -> BaseResponse | tuple[str, int]:
    form = DeleteAccountForm(prefix="delete")
    if not form.validate_on_submit():
        return _render(deletion=form, status=400)
    user = current_user._get_current_object()  # the session deletes the row, not a proxy
    try:
        privacy.delete_account(user, password=form.password.data, confirmation=form.confirm.data)
    except privacy.PrivacyError as exc:
        db.session.rollback()
        form[exc.field].errors.append(str(exc))
        return _render(deletion=form, status=400)
    db.session.commit()
    logout_user()
    flash(_("Your account and your personal data are deleted. Goodbye."), "success")
    return redirect(url_for("public.index"))
