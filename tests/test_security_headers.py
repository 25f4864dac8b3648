"""Every response carries the security headers, and no page needs inline script or style."""

from __future__ import annotations

import re

import pytest

from web.security import SECURITY_HEADERS

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def assert_security_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/auth/login", 200),
        ("/postings", 200),
        ("/student/", 302),  # anonymous: redirected to the login page
        ("/no-such-page", 404),
        ("/static/css/app.css", 200),
        ("/bootstrap/static/css/bootstrap.min.css", 200),  # Bootstrap-Flask, served locally
    ],
)
def test_every_kind_of_response_has_the_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_a_server_error_has_the_headers_too(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "RuntimeError" not in response.get_data(as_text=True)
    assert_security_headers(response)


def test_hsts_only_where_cookies_are_secure(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_security_headers(response)


def test_the_policy_has_no_unsafe_source():
    assert "unsafe" not in SECURITY_HEADERS["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def assert_no_inline_code(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html)
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html)
    assert not STYLE_ELEMENT.search(html)


def test_pages_load_scripts_and_styles_only_from_our_static_files(client, make, login):
    """Bootstrap-Flask's load_css/load_js must emit external files the policy allows."""
    html = client.get("/auth/login").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    styles = re.findall(r"<link[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", html)
    assert scripts and styles
    # Same origin ('self'): a path on this server, never a CDN or protocol-relative URL.
    assert all(re.match(r"/(static|bootstrap/static)/", url) for url in scripts + styles)
    for url in scripts + styles:
        assert client.get(url).status_code == 200

    pages = ["/", "/postings", "/auth/login", "/auth/register", "/auth/register/employer", "/x"]
    for path in pages:
        assert_no_inline_code(client.get(path).get_data(as_text=True))

    firm = make.firm("Ping An Technology")
    make.posting(firm, status="open")
    student = make.student()
    login(student)
    for path in ["/student/", "/student/profile", "/postings", "/notifications/"]:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert_no_inline_code(response.get_data(as_text=True))
