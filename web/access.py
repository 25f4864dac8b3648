"""Role guards: each portal blueprint is protected in one place, before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response


def guard_blueprint(
    bp: Blueprint,
    role: str,
    *,
    extra_check: Callable[[], Response | None] | None = None,
) -> None:
    """Send anonymous users to log in and answer 403 to any other role."""

    @bp.before_request
    def _require_role() -> Response | None:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role != role:
            abort(403)
        if extra_check is not None:
            return extra_check()
        return None


def require_login(bp: Blueprint) -> None:
    """Pages for every role (e.g. notifications): only anonymous users are turned away."""

    @bp.before_request
    def _require_login() -> Response | None:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None
