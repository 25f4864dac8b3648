"""Scanners for text that reaches users without being marked for translation.

Used by tests/test_unmarked_strings.py. Each returns findings as "file:line: text". The
allow-lists (what is not language, and the few literals shown untranslated on purpose)
are here, next to the rules they relax.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
TEMPLATES = WEB / "templates"
SCRIPTS = WEB / "static" / "js"
GETTEXT = {"_", "gettext", "ngettext", "_l", "lazy_gettext", "pgettext", "npgettext"}

# Not language, so the same in every locale (removed before looking for letters).
NOT_LANGUAGE = (
    "Talent Bridge",  # the service's name (tests/test_translations.py keeps it too)
    *("CSV", "XLSX", "JSON", ".ics"),  # file formats, named on buttons and in headings
    *("UTF-8", "GB18030", "GBK", "Big5-HKSCS"),  # encodings offered for imports: standards
)
EMAIL_OR_URL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+")
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgxX%]")  # '%.0f'|format
LETTER = re.compile(r"[A-Za-z]")

# Python literals shown untranslated on purpose: (file, text) -> why. Keyed by text, not
# line, so that edits elsewhere in the file do not break the test. (The seed-format
# exports of firms, postings and students reuse the importer's column names from
# web/services/importing/kinds.py, the contract of seeds/README.md: an edited export must
# import again, so those stay English and are not scanned as headers.)
PYTHON_ALLOWED = {
    # The invitations CSV is a mail-merge source: the same columns come from the command
    # line (no locale) and the portal, and merge templates and tests/test_invitations.py
    # refer to them by these names.
    ("web/services/invitations.py", "email"): "mail-merge field",
    ("web/services/invitations.py", "full_name"): "mail-merge field",
    ("web/services/invitations.py", "link"): "mail-merge field",
    ("web/services/invitations.py", "expires"): "mail-merge field",
    # `flask ops stats` prints for operators at a terminal, like every other command.
    ("web/ops/cli.py", "slow SQL statements"): "command-line output",
    ("web/ops/cli.py", "5xx answers"): "command-line output",
}


def is_language(text: str) -> bool:
    """True if the text still holds a Latin letter once names, formats and addresses go."""
    text = PLACEHOLDER.sub(" ", EMAIL_OR_URL.sub(" ", text))
    for term in NOT_LANGUAGE:
        text = re.sub(rf"(?<![\w.]){re.escape(term)}(?![\w])", " ", text)
    return bool(LETTER.search(text))


# --- Templates ---------------------------------------------------------------------------

JINJA_CODE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
VISIBLE_ATTRIBUTE = re.compile(r"title|placeholder|alt|label|aria-(label|description|valuetext)")
TEXT_DATA_ATTRIBUTE = re.compile(r"data-[\w-]*(label|text|message|confirm|title|prompt|error)")
BUTTON_INPUTS = {"submit", "button", "reset"}
# Macro parameters and keyword arguments that carry text to show.
LABEL_PARAMETER = re.compile(
    r"label|title|text|heading|caption|message|confirm|description|legend|help|prompt|"
    r"placeholder|alt|aria_(label|description|valuetext)"
)


class _PageText(HTMLParser):
    """The text and visible attribute values of a page, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # &times; and &nbsp; are not letters
        self.found: list[tuple[int, str, str]] = []  # line, attribute ("" for text), value
        self._raw = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw += 1
        self._attributes(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw:
            self._raw -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw:
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.found.append((line, "", data))

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start, text = self.getpos()[0], self.get_starttag_text() or ""
        kind = dict(attrs).get("type") or ""
        for name, value in attrs:
            shown = (
                VISIBLE_ATTRIBUTE.fullmatch(name)
                or TEXT_DATA_ATTRIBUTE.fullmatch(name)
                or (name == "value" and tag == "input" and kind.lower() in BUTTON_INPUTS)
            )
            if shown and value:
                line = start + text[: max(text.find(f"{name}="), 0)].count("\n")
                self.found.append((line, f"{name}=", value))


# Filters whose result is their input's text, changed: a literal through them is shown.
TEXT_FILTERS = {"format", "upper", "lower", "title", "capitalize", "trim", "truncate", "e"}


def _shown_literals(node: nodes.Node) -> list[str]:
    """String constants that end up as the value of an expression, untranslated."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value] if is_language(node.value) else []
    if isinstance(node, nodes.CondExpr):
        return _shown_literals(node.expr1) + (_shown_literals(node.expr2) if node.expr2 else [])
    if isinstance(node, nodes.Concat):
        return [text for part in node.nodes for text in _shown_literals(part)]
    if isinstance(node, (nodes.And, nodes.Or)):
        return _shown_literals(node.left) + _shown_literals(node.right)
    if isinstance(node, nodes.Output):
        return [text for part in node.nodes for text in _shown_literals(part)]
    if isinstance(node, nodes.Filter) and node.name in TEXT_FILTERS:  # 'Text'|upper
        return _shown_literals(node.node) if node.node else []
    if isinstance(node, nodes.Filter) and node.name in ("default", "d"):  # x|default('None')
        return [text for arg in node.args for text in _shown_literals(arg)]
    return []


MARKER = re.compile("\ue000(\\d+)\ue001")  # private-use characters: no letters


def html_text(name: str, source: str, env: Environment | None = None) -> list[str]:
    """Text a page shows that no _() produces: plain text, and literals printed by {{ }}.

    Each {{ }} becomes a marker, so the parsed page tells whether it prints into text or a
    visible attribute (checked) or into, say, a class (not language).
    """
    env = env or Environment(extensions=["jinja2.ext.i18n"])
    printed: list[list[str]] = []

    def replace(match: re.Match[str]) -> str:
        code = match.group()
        if not code.startswith("{{"):
            return " " + "\n" * code.count("\n")  # keep line numbers right
        try:
            printed.append(_shown_literals(env.parse(code).body[0]))
        except Exception:  # a fragment Jinja cannot parse alone prints nothing checkable
            printed.append([])
        return f"\ue000{len(printed) - 1}\ue001" + "\n" * code.count("\n")

    parser = _PageText()
    parser.feed(JINJA_CODE.sub(replace, TRANS_BLOCK.sub(" ", source)))
    parser.close()
    findings = []
    for line, attribute, raw in parser.found:
        text = " ".join(MARKER.sub(" ", raw).split())
        texts = [text] if is_language(text) else []
        texts += [t for m in MARKER.finditer(raw) for t in printed[int(m.group(1))]]
        findings += [f"{name}:{line}: {attribute}{t}" for t in texts]
    return findings


def _name(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    return node.attr if isinstance(node, nodes.Getattr) else ""


def _is_gettext(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Call) and _name(node.node) in GETTEXT


def jinja_literals(name: str, tree: nodes.Template, macros: dict[str, list[str]]) -> list[str]:
    """Literals handed to a macro as its label, and _() that pybabel cannot extract."""
    found: list[tuple[int, str]] = []
    for call in tree.find_all(nodes.Call):
        callee = _name(call.node)
        if callee in GETTEXT:
            needed = 2 if callee in ("ngettext", "pgettext") else 1
            if not all(isinstance(a, nodes.Const) for a in call.args[:needed]):
                found.append((call.lineno, "_() of something not a literal: not extracted"))
            continue
        params = macros.get(callee, [])
        labels = [
            a for p, a in zip(params, call.args, strict=False) if LABEL_PARAMETER.fullmatch(p)
        ]
        labels += [k.value for k in call.kwargs if LABEL_PARAMETER.fullmatch(k.key)]
        found += [(call.lineno, text) for arg in labels for text in _shown_literals(arg)]
    for assign in tree.find_all(nodes.Assign):  # {% set heading = 'Your data' %}, not codes
        found += [
            (assign.lineno, text)
            for text in _shown_literals(assign.node)
            if " " in text or text[:1].isupper()
        ]
    for pair in tree.find_all(nodes.Pair):  # render_kw={'placeholder': ...}
        if isinstance(pair.key, nodes.Const) and VISIBLE_ATTRIBUTE.fullmatch(str(pair.key.value)):
            found += [(pair.lineno, text) for text in _shown_literals(pair.value)]
    for concat in tree.find_all(nodes.Concat):
        if any(_is_gettext(part) for part in concat.nodes):
            found.append((concat.lineno, "translated text joined with ~: use %(name)s"))
    return [f"{name}:{line}: {text}" for line, text in found]


def template_findings(sources: dict[str, str]) -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    trees = {name: env.parse(source) for name, source in sources.items()}
    macros = {
        macro.name: [arg.name for arg in macro.args]
        for tree in trees.values()
        for macro in tree.find_all(nodes.Macro)
    }
    findings: list[str] = []
    for name, source in sources.items():
        findings += html_text(name, source, env) + jinja_literals(name, trees[name], macros)
    return findings


# --- Python ------------------------------------------------------------------------------

# Exceptions that carry a reason code, turned into text by the page that catches them.
CODE_ERRORS = {"ConfirmationError", "InvitationError"}
FORM_ERRORS = {"ValidationError", "StopValidation"}
# Validators whose message is a positional argument, and its position.
VALIDATOR_MESSAGE = {"DataRequired": 0, "InputRequired": 0, "Email": 0, "EqualTo": 1}
EXPORT_HEADER = re.compile(r"(?:^|_)(?:HEADER|HEADERS|COLUMNS)$")
NOT_A_LABEL = {"FormField", "FieldList"}  # their first argument is a form or a field


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _is_py_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _callee(node) in GETTEXT


JOINED = " (join with one _() and %(name)s placeholders)"


def _shown(text: str) -> str:
    return text if text.endswith(JOINED) else repr(text)


def unmarked(expr: ast.AST | None) -> list[str]:
    """Literal text in an expression that would reach the user untranslated."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value] if is_language(expr.value) else []
    if isinstance(expr, ast.JoinedStr):  # an f-string glues fragments in English order
        glue = "".join(v.value for v in expr.values if isinstance(v, ast.Constant))
        return [ast.unparse(expr) + JOINED] if glue.strip() else []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        sides = (expr.left, expr.right)
        joined = isinstance(expr.op, ast.Add) and any(_is_py_gettext(s) for s in sides)
        if joined or any(unmarked(s) for s in sides):
            return [ast.unparse(expr) + JOINED]
        return []
    if isinstance(expr, ast.IfExp):
        return unmarked(expr.body) + unmarked(expr.orelse)
    if isinstance(expr, ast.BoolOp):
        return [text for value in expr.values for text in unmarked(value)]
    if isinstance(expr, ast.Call) and _callee(expr) == "str" and expr.args:
        return unmarked(expr.args[0])
    return []


def _choices(expr: ast.AST) -> list[ast.AST]:
    """The labels of a choices list: the second of each pair, or the item itself."""
    if not isinstance(expr, (ast.List, ast.Tuple)):
        return []
    return [
        item.elts[1] if isinstance(item, ast.Tuple) and len(item.elts) == 2 else item
        for item in expr.elts
    ]


def _markup_text(expr: ast.AST) -> list[str]:
    """Markup("<b>Text</b>"): the text between the tags must be translated."""
    if isinstance(expr, ast.JoinedStr):  # Markup(f"<b>{name}</b>"): only the tags are literal
        html = "".join(v.value if isinstance(v, ast.Constant) else " " for v in expr.values)
        return [ast.unparse(expr)] if html_text("Markup", html) else []
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value] if html_text("Markup", expr.value) else []
    return unmarked(expr)


def _sinks(node: ast.AST, user_errors: set[str]) -> list[tuple[str, ast.AST]]:
    """(what, expression) for every place in this node whose value is shown to someone."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [getattr(t, "id", None) or getattr(t, "attr", "") for t in targets]
        sinks: list[tuple[str, ast.AST]] = []
        for target in names:
            if EXPORT_HEADER.search(target) and isinstance(node.value, (ast.Tuple, ast.List)):
                sinks += [("export header", e) for e in node.value.elts]
            elif target.endswith("CHOICES") or target == "choices":
                sinks += [("choice label", e) for e in _choices(node.value)]
            elif target.endswith("LABELS") and isinstance(node.value, ast.Dict):
                sinks += [("label", v) for v in node.value.values]
            elif target in ("login_message", "needs_refresh_message"):
                sinks.append(("login message", node.value))
            elif target == "MESSAGES" and isinstance(node.value, ast.Dict):  # email texts
                texts = [v for v in node.value.values if isinstance(v, (ast.Tuple, ast.List))]
                sinks += [("email text", e) for v in texts for e in v.elts]
        return [s for s in sinks if s[1] is not None]
    if not isinstance(node, ast.Call):
        return []
    name, args = _callee(node), node.args
    kw = {k.arg: k.value for k in node.keywords if k.arg}
    found = [(f"{name}({key}=)", kw[key]) for key in ("message", "description") if key in kw]
    if name == "flash" and args:
        found.append(("flash()", args[0]))
    elif name == "abort" and len(args) > 1:
        found.append(("abort()", args[1]))
    elif (name in user_errors or name in FORM_ERRORS) and args:
        found.append((f"{name}()", args[0]))
    elif name in VALIDATOR_MESSAGE and len(args) > VALIDATOR_MESSAGE[name]:
        found.append((f"{name}()", args[VALIDATOR_MESSAGE[name]]))
    elif name.endswith("Field"):
        if args and name not in NOT_A_LABEL:
            found.append((f"{name} label", args[0]))
        found += [(f"{name}(label=)", kw["label"])] if "label" in kw else []
        found += [(f"{name} choice", e) for e in _choices(kw.get("choices"))]
        render_kw = kw.get("render_kw")
        if isinstance(render_kw, ast.Dict):
            for key, value in zip(render_kw.keys, render_kw.values, strict=True):
                if isinstance(key, ast.Constant) and VISIBLE_ATTRIBUTE.fullmatch(str(key.value)):
                    found.append((f"{name} {key.value}", value))
    elif name == "render_template":
        found += [(f"render_template({k}=)", v) for k, v in kw.items() if k]
    elif name == "OutboxMessage":
        found += [(f"email {k}", kw[k]) for k in ("subject", "body") if k in kw]
    return found


def user_error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """Exception classes under web/ whose message is shown: ValueError's family here."""
    bases = {
        cls.name: {getattr(b, "id", getattr(b, "attr", "")) for b in cls.bases}
        for tree in trees.values()
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
    }
    found: set[str] = set()
    changed = True
    while changed:
        new = {n for n, bs in bases.items() if bs & (found | {"ValueError"})} - found
        found |= new
        changed = bool(new)
    return found - CODE_ERRORS


def python_findings(sources: dict[str, str]) -> list[str]:
    trees = {path: ast.parse(source, path) for path, source in sources.items()}
    user_errors = user_error_classes(trees)
    findings = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if _is_py_gettext(node):
                assert isinstance(node, ast.Call)
                needed = 2 if _callee(node) in ("ngettext", "pgettext") else 1
                literal = [isinstance(a, ast.Constant) for a in node.args[:needed]]
                if not all(literal) or len(literal) < needed:
                    findings.append(f"{path}:{node.lineno}: {ast.unparse(node)} is not extracted")
            for what, expr in _sinks(node, user_errors):
                findings += [
                    f"{path}:{expr.lineno}: {what}: {_shown(text)}"
                    for text in unmarked(expr)
                    if (path, text) not in PYTHON_ALLOWED
                ]
            if isinstance(node, ast.Call) and _callee(node) == "Markup" and node.args:
                texts = _markup_text(node.args[0])
                findings += [f"{path}:{node.lineno}: Markup(): {_shown(t)}" for t in texts]
    return findings


# --- JavaScript --------------------------------------------------------------------------

JS_STRING = r"""(['"`])((?:\\.|(?!\1).)*?)\1"""
JS_SINKS = (
    re.compile(r"\.(?:textContent|innerText|innerHTML|outerHTML|title|placeholder|alt)\s*\+?=\s*"),
    re.compile(r"\b(?:alert|confirm|prompt|createTextNode|insertAdjacentText)\(\s*(?:[^,]*,\s*)?"),
    re.compile(r"\bsetAttribute\(\s*['\"](?:aria-label|title|placeholder|alt)['\"]\s*,\s*"),
)
JS_PHRASE = re.compile(r"""(['"`])[A-Z][a-z]+ [a-z][^'"`]*\1""")  # "Are you sure?"


def script_findings(name: str, source: str) -> list[str]:
    """English written into the page by a script; it must come from data-* on the page."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("//", 1)[0] if not line.lstrip().startswith("*") else ""
        texts = [m.group(2) for s in JS_SINKS for m in re.finditer(s.pattern + JS_STRING, code)]
        texts += [m.group(0)[1:-1] for m in JS_PHRASE.finditer(code)]
        found += [f"{name}:{number}: {t}" for t in dict.fromkeys(texts) if is_language(t)]
    return found
