"""The Chinese catalogues are complete: every marked string has a careful translation.

The strings are extracted from the source at test time (as `make translations-update`
does), so a newly marked string without a translation fails here by name.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "web" / "translations"
CHINESE = ("zh_Hant_HK", "zh_Hans_CN")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[0-9]*[sdX]|%[sd%]|\{[a-z_]+\}|<[^>]+>")
NAMES = {"Talent Bridge"}  # the service's name is not translated
HAN = re.compile(r"[\u3400-\u9fff]")


def _method_map() -> list[tuple[str, str]]:
    return [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]


@cache
def marked_strings() -> frozenset[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), _method_map(), keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


@cache
def catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _texts(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_the_source_has_marked_strings():
    assert len(marked_strings()) > 500


@pytest.mark.parametrize("locale", CHINESE)
def test_every_marked_string_is_translated(locale):
    po = catalogue(locale)
    missing = [
        msgid
        for msgid in sorted(marked_strings())
        if (entry := po.get(msgid)) is None
        or "fuzzy" in entry.flags
        or not all(text.strip() for text in _texts(entry))
    ]
    assert not missing, f"{len(missing)} strings lack a {locale} translation:\n" + "\n".join(
        missing[:40]
    )


@pytest.mark.parametrize("locale", CHINESE)
def test_translations_keep_every_placeholder(locale):
    wrong = []
    for entry in catalogue(locale):
        if not entry.id:
            continue
        # A plural's one Chinese form follows the plural source (which carries the count).
        source = entry.id[1] if isinstance(entry.id, tuple) else entry.id
        expected = sorted(PLACEHOLDER.findall(source))
        for text in _texts(entry):
            if text and sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{source!r} -> {text!r}")
    assert not wrong, "\n".join(wrong[:40])


@pytest.mark.parametrize("locale", CHINESE)
def test_translations_are_chinese_not_english_left_in_place(locale):
    """A translation with no Chinese character is English copied across, unless it is code."""
    untranslated = [
        entry.id
        for entry in catalogue(locale)
        if entry.id
        and any(text and not HAN.search(text) for text in _texts(entry))
        and re.search(r"[A-Za-z]{4,}", PLACEHOLDER.sub("", str(entry.id)))
        and not _is_code_like(str(entry.id))
    ]
    assert not untranslated, "\n".join(map(str, untranslated[:40]))


def _is_code_like(text: str) -> bool:
    """Formats, commands and names that read the same in every language."""
    pattern = r"[A-Z0-9 ./()_-]+|.*\.(csv|xlsx|json|ics)|flask .*"
    return text in NAMES or bool(re.fullmatch(pattern, text))


def test_traditional_and_simplified_differ_where_the_scripts_do():
    """A catalogue copied into the other script would pass every test above; this does not."""
    hant, hans = catalogue("zh_Hant_HK"), catalogue("zh_Hans_CN")
    same = [
        entry.id
        for entry in hant
        if entry.id and (other := hans.get(entry.id)) is not None and other.string == entry.string
    ]
    assert len(same) < len(marked_strings()) * 0.25
