"""Locale and time-zone selection for Flask-Babel."""

from __future__ import annotations

from flask import current_app, has_request_context, request


def select_locale() -> str | None:
    """The browser's preference among the languages the programme offers, else English."""
    if not has_request_context():  # command line: the default language
        return None
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def select_timezone() -> str:
    """Everyone in the programme works in Hong Kong / Shenzhen time (UTC+8)."""
    return current_app.config["PROGRAMME_TIMEZONE"]
