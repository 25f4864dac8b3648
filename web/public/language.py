"""The language switcher: a POST, since it changes the saved preference."""

from __future__ import annotations

from flask import redirect, request, session, url_for
from flask_babel import refresh
from flask_login import current_user
from werkzeug.wrappers import Response

from web.extensions import db
from web.i18n import SESSION_KEY
from web.public import bp
from web.public.forms import LanguageForm
from web.services.accounts import is_safe_next


@bp.post("/language")
def choose_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
        refresh()  # the locale of this request was already worked out: forget it
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("public.index"))
