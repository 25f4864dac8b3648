"""Locale and time-zone selection for Flask-Babel.

The language is the user's saved choice, else the one chosen with the switcher before
logging in (kept in the session), else the browser's Accept-Language, else English.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, request_started, session
from flask_babel import refresh
from flask_login import current_user

# The names each language is offered under, written in that language so anyone finds theirs.
LANGUAGE_NAMES = {
    "en": "English",
    "zh_Hant_HK": "繁體中文（香港）",
    "zh_Hans_CN": "简体中文",
}
SESSION_KEY = "locale"


def init_app(app: Flask) -> None:
    """Work the language out afresh for every request.

    Flask-Babel caches it in ``g``, which lives as long as the app context; a request
    pushed inside a longer-lived one (tests, scripts) would otherwise keep the language
    of the request before it.
    """
    request_started.connect(_forget_locale, app)  # before any before_request hook


def _forget_locale(_sender: Flask, **_extra: object) -> None:
    refresh()


def from_accept_language(header_values: list[str]) -> str | None:
    """Map browser language tags to ours: Hong Kong, Macau, Taiwan and Hant to Traditional.

    Werkzeug's best_match cannot see that ``zh-HK`` means ``zh_Hant_HK``, so the tags
    are mapped by hand, in the browser's order of preference.
    """
    for tag in header_values:
        parts = tag.replace("_", "-").lower().split("-")
        if parts[0] == "en":
            return "en"
        if parts[0] == "zh":
            rest = set(parts[1:])
            if rest & {"hant", "hk", "mo", "tw"}:
                return "zh_Hant_HK"
            return "zh_Hans_CN"
    return None


def offered() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def is_offered(locale: str | None) -> bool:
    return bool(locale) and locale in offered()


def select_locale() -> str | None:
    if not has_request_context():  # command line: the default language
        return None
    user_choice = getattr(current_user, "locale", None) if current_user else None
    if is_offered(user_choice):
        return user_choice
    if is_offered(session.get(SESSION_KEY)):
        return session[SESSION_KEY]
    browser = from_accept_language([value for value, _q in request.accept_languages])
    return browser if is_offered(browser) else "en"


def select_timezone() -> str:
    """Everyone in the programme works in Hong Kong / Shenzhen time (UTC+8)."""
    return current_app.config["PROGRAMME_TIMEZONE"]
