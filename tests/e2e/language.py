"""The journeys' languages: what each page should say, and English left on a Chinese page.

Translations are read from the committed .po catalogues (compiled in memory, fuzzy entries
left out as `pybabel compile` leaves them out), so a journey asserts on the text its locale
shows without hard-coding either language.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from web.reference.institutions import INSTITUTIONS

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "web" / "translations"

# App locale -> the browser's language tag (sent as Accept-Language).
BROWSER_TAGS = {"en": "en-GB", "zh_Hant_HK": "zh-HK", "zh_Hans_CN": "zh-CN"}

# The page chrome that must be translated: navigation, headings, labels, table heads,
# buttons, the choices in drop-downs and the status badges.
CHROME = (
    "nav a, nav button, .nav-link, .dropdown-item, h1, h2, label, legend, caption, summary, "
    "th, .btn, option, .badge"
)
# Text content of each chrome element; an element written in another language on purpose
# (the switcher offers "English" under lang="en") is skipped.
CHROME_TEXTS_JS = """els => els.filter(e => {
    const own = e.closest('[lang]');
    return !own || own === document.documentElement || own.lang === document.documentElement.lang;
  }).map(e => (e.value && e.tagName === 'INPUT' ? e.value : e.textContent)
    .replace(/\\s+/g, ' ').trim()).filter(Boolean)"""

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
LATIN_RUN = re.compile(r"[A-Za-z]{4,}")
# Words that read the same in every language, and shapes of user content.
ALWAYS_ALLOWED = ("Talent Bridge", "CSV", "XLSX", "JSON", "ICS", "UTC", "PDF", "Python")
USER_CONTENT_SHAPES = re.compile(
    r"https?://\S+"  # links
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email addresses
    r"|\b[A-Z0-9]{2,}-\d{4}-\d{3}\b"  # posting refs, e.g. WB-2027-001
)


@cache
def translations(locale: str) -> NullTranslations:
    """The catalogue for ``locale`` as gettext sees it; English is the msgids themselves."""
    if locale == "en":
        return NullTranslations()
    po = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled)


def translate(locale: str, msgid: str, plural: str | None = None, **params: object) -> str:
    """``msgid`` in ``locale`` with ``params`` filled in, as Flask-Babel's ``_()`` gives it.

    For a plural message pass ``plural`` and ``num``, as ``ngettext`` takes them.
    """
    if plural is not None:
        text = translations(locale).ngettext(msgid, plural, int(params["num"]))  # type: ignore[call-overload]
    else:
        text = translations(locale).gettext(msgid)
    return text % params if params else text


def pattern(locale: str, msgid: str, *, named: bool = False, **params: object) -> re.Pattern[str]:
    """A regex for ``msgid`` in ``locale``: given params are literal, the others match anything.

    Playwright runs the regex in JavaScript, which has no ``(?P<name>)``: only with ``named``
    are the others captured by name, for Python to read.
    """
    text = translations(locale).gettext(msgid)
    parts: list[str] = []
    end = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[end : match.start()]))
        name = match.group(1)
        if name in params:
            parts.append(re.escape(str(params[name])))
        else:
            parts.append(f"(?P<{name}>.+?)" if named else "(?:.+?)")
        end = match.end()
    parts.append(re.escape(text[end:]))
    return re.compile(r"\s+".join("".join(parts).split(r"\ ")))


def _seed_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((ROOT / "seeds").rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


@cache
def seed_content() -> tuple[str, ...]:
    """Names that are data, not chrome: firms, posting titles, people, programmes, skills."""
    found: set[str] = set(ALWAYS_ALLOWED)
    for row in _seed_rows():
        for column in ("name", "firm", "title", "full_name", "programme", "location"):
            if row.get(column):
                found.add(row[column].strip())
        for column in ("required_skills", "preferred_skills", "skills"):
            for item in (row.get(column) or "").split(";"):
                found.add(item.split(":")[0].strip())
    with (ROOT / "matching" / "aliases.csv").open(encoding="utf-8", newline="") as handle:
        found.update(row["display"] for row in csv.DictReader(handle))
    found.update(institution.code for institution in INSTITUTIONS)
    return tuple(sorted((item for item in found if item), key=len, reverse=True))


def english_left(texts: list[str], user_content: set[str]) -> list[str]:
    """The texts that still hold a run of 4+ Latin letters once data is taken out."""
    known = sorted({*seed_content(), *(s.strip() for s in user_content if s.strip())}, key=len)
    words = "|".join(re.escape(item) for item in reversed(known))
    data = re.compile(rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])", re.IGNORECASE)
    left = []
    for text in texts:
        rest = data.sub(" ", USER_CONTENT_SHAPES.sub(" ", text))
        if LATIN_RUN.search(rest):
            left.append(text)
    return left
