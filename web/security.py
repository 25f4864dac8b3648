"""Security headers on every response, and the limits that slow down password guessing.

The headers are written by hand in one ``after_request`` hook rather than with
Flask-Talisman: we need five fixed headers, cookies are already configured in
web/config.py, and HTTPS redirects belong to the proxy in front of gunicorn, so an
extra dependency would add more behaviour than it saves lines.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# No 'unsafe-inline' anywhere: templates load scripts and styles from /static only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap's CSS draws icons as data: SVGs
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Add the security headers to every response; trust the configured proxies."""
    trust_proxies(app)
    app.before_request(refuse_nul_in_url)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Only where the site is served over HTTPS (secure cookies), or browsers on a
        # development http:// address would be told to refuse it for a year.
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def refuse_nul_in_url() -> None:
    """400 for a NUL in the path or query: no one types it, and PostgreSQL refuses it in text.

    Form fields get a field error instead (web.forms_common.AppForm).
    """
    if "\x00" in request.path or any("\x00" in k + v for k, v in request.args.items(multi=True)):
        abort(400)


def trust_proxies(app: Flask) -> None:
    """Behind nginx every request comes from the proxy: read the client's address (for the
    per-address rate limits) and scheme from the headers TRUSTED_PROXIES proxies set."""
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def auth_limit() -> str:
    """Limit per client address on each login, registration and claim form."""
    return current_app.config["AUTH_RATE_LIMIT"]


def login_email_limit() -> str:
    """Limit per account on login, so that guessing from many addresses is slow too."""
    return current_app.config["LOGIN_EMAIL_RATE_LIMIT"]


def login_email_key() -> str:
    """Rate-limit key for the email typed into the login form (the address when none)."""
    email = (request.form.get("email") or "").strip().lower()
    return f"login-email:{email}" if email else get_remote_address()
