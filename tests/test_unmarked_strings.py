"""Every user-visible string is marked for translation.

pybabel only extracts what is marked, so an unmarked string stays English on a Chinese
page and nothing complains. These scanners read the source for the places text reaches a
user: what a template shows once its Jinja code is removed (text, visible attributes,
literal labels handed to macros); in Python under web/ the strings given to flash(),
abort(), the exceptions whose message is shown, form labels, choices and validators,
export headers, email text and Markup; in web/static/js, text written into the page. Each
failure names file:line and the text. The scanners (tests/unmarked_scan.py, with the
allow-lists) are tried on samples too, so a clean scan means something.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unmarked_scan import (
    CODE_ERRORS,
    JOINED,
    ROOT,
    SCRIPTS,
    TEMPLATES,
    WEB,
    python_findings,
    script_findings,
    template_findings,
    user_error_classes,
)


def _read(paths: list[Path]) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in sorted(paths)}


def _report(findings: list[str], where: str) -> str:
    return f"{len(findings)} unmarked strings in {where}:\n" + "\n".join(findings)


def test_templates_mark_every_string():
    sources = _read(list(TEMPLATES.rglob("*.html")))
    assert len(sources) > 40
    findings = template_findings(sources)
    assert not findings, _report(findings, "templates (wrap them in {{ _('...') }})")


def test_python_marks_every_string_users_see():
    findings = python_findings(_read(list(WEB.rglob("*.py"))))
    assert not findings, _report(findings, "web/ (wrap them in _() or, at import time, _l())")


def test_scripts_take_their_text_from_the_page():
    findings = [
        f
        for p in sorted(SCRIPTS.glob("*.js"))
        for f in script_findings(str(p.relative_to(ROOT)), p.read_text())
    ]
    assert not findings, _report(findings, "web/static/js (pass text in data-* attributes)")


def test_the_exceptions_users_read_are_known():
    trees = {str(p): ast.parse(p.read_text()) for p in WEB.rglob("*.py")}
    shown = user_error_classes(trees)
    assert {"AccountError", "ApplicationError", "StageError", "CellError", "RoundError"} <= shown
    assert not shown & CODE_ERRORS


# --- The scanners find what they should ------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("<p>Apply now</p>", ["t.html:1: Apply now"]),
        ("<p>\n  {{ _('Fine') }} Not fine</p>", ["t.html:2: Not fine"]),
        ('<a title="Open it" href="#">{{ _("x") }}</a>', ["t.html:1: title=Open it"]),
        ('<input type="submit" value="Save">', ["t.html:1: value=Save"]),
        ('<input type="hidden" name="a" value="abc">', []),
        (
            '<button data-confirm-text="Sure?">{{ _("Go") }}</button>',
            ["t.html:1: data-confirm-text=Sure?"],
        ),
        ("<p>{# Comment #}{% if x %}{{ y }}{% endif %} · &times; — CSV</p>", []),
        ("<p>Talent Bridge</p><p>a@b.example.org</p>", []),
        ("<script>var a = 'x';</script><style>p { color: red }</style>", []),
        ("{{ 'Hello' if x else _('Bye') }}", ["t.html:1: Hello"]),
        ("{% macro b(url, label) %}{% endmacro %}{{ b('x.y', 'Save') }}", ["t.html:1: Save"]),
        ("{{ f(placeholder='Your name') }}", ["t.html:1: Your name"]),
        ("{{ _(name) }}", ["t.html:1: _() of something not a literal: not extracted"]),
        ("{{ _('Hi') ~ name }}", ["t.html:1: translated text joined with ~: use %(name)s"]),
        ("{{ url_for('student.dashboard') }}{{ 'open'|status_label }}", []),
        ("{{ note|default('None given') }}", ["t.html:1: None given"]),
        ("{{ '%d left'|format(n) }}", ["t.html:1: %d left"]),
        ("{% set heading = 'Your data' %}{% set role = 'student' %}", ["t.html:1: Your data"]),
        ("<p class=\"{{ 'text-success' if ok else 'text-danger' }}\">{{ x }}</p>", []),
    ],
)
def test_the_template_scanner(template, expected):
    assert template_findings({"t.html": template}) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('flash("Saved.")', ["m.py:1: flash(): 'Saved.'"]),
        ('flash(_("Saved."), "success")', []),
        ('flash(f"{label}: {error}")', ["m.py:1: flash(): f'{label}: {error}'" + JOINED]),
        ('flash(_("a") + " " + name)', ["m.py:1: flash(): _('a') + ' ' + name" + JOINED]),
        ('abort(404, "No such posting")', ["m.py:1: abort(): 'No such posting'"]),
        ("class E(ValueError): pass\nraise E('Too late')", ["m.py:2: E(): 'Too late'"]),
        ("raise ValidationError('Too long')", ["m.py:1: ValidationError(): 'Too long'"]),
        ("raise ConfirmationError('expired')", []),
        (
            'name = StringField("Name", validators=[Length(max=9)])',
            ["m.py:1: StringField label: 'Name'"],
        ),
        (
            'x = SelectField(_l("X"), choices=[("a", "Alpha"), ("b", _l("B"))])',
            ["m.py:1: SelectField choice: 'Alpha'"],
        ),
        (
            'x = IntegerField(_l("X"), description="Days")',
            ["m.py:1: IntegerField(description=): 'Days'"],
        ),
        (
            'x = StringField(_l("X"), render_kw={"placeholder": "Name"})',
            ["m.py:1: StringField placeholder: 'Name'"],
        ),
        ('x = DataRequired("Needed")', ["m.py:1: DataRequired(): 'Needed'"]),
        ('HEADER = ("Rank", _l("Score"))', ["m.py:1: export header: 'Rank'"]),
        ('MESSAGES = {"k": ("Title", _l("Body"))}', ["m.py:1: email text: 'Title'"]),
        (
            'render_template("a.html", heading="Welcome")',
            ["m.py:1: render_template(heading=): 'Welcome'"],
        ),
        ('Markup("<b>Note</b>")', ["m.py:1: Markup(): '<b>Note</b>'"]),
        ('Markup("<br>")', []),
        ('Markup(f"<b>{name}</b>")', []),
        ("_(text)", ["m.py:1: _(text) is not extracted"]),
        ('log.info("Started the import")', []),
    ],
)
def test_the_python_scanner(code, expected):
    assert python_findings({"m.py": code}) == expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('button.textContent = "Saved";', ["s.js:1: Saved"]),
        ("if (!confirm('Delete it?')) return;", ["s.js:1: Delete it?"]),
        ("el.setAttribute('aria-label', `Close`);", ["s.js:1: Close"]),
        ("const m = 'Are you sure you want this?';", ["s.js:1: Are you sure you want this?"]),
        ("button.textContent = button.dataset.doneText;", []),
        ("document.querySelector('.btn .rank-position');", []),
    ],
)
def test_the_script_scanner(script, expected):
    assert script_findings("s.js", script) == expected
