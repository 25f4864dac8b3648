"""Spoken languages the programme asks about, keyed by a stable code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Language:
    code: str
    name: object  # a lazy translated string
    aliases: tuple[str, ...]


LANGUAGES: tuple[Language, ...] = (
    Language("english", _l("English"), ("English", "en", "英語", "英语", "英文")),
    Language(
        "cantonese", _l("Cantonese"), ("Cantonese", "粵語", "粤语", "廣東話", "广东话", "yue")
    ),
    Language(
        "putonghua",
        _l("Putonghua (Mandarin)"),
        (
            "Putonghua",
            "Putonghua (Mandarin)",
            "Mandarin",
            "普通話",
            "普通话",
            "國語",
            "国语",
            "华语",
            "華語",
            "cmn",
        ),
    ),
    Language("japanese", _l("Japanese"), ("Japanese", "日語", "日语", "日文", "ja")),
    Language("korean", _l("Korean"), ("Korean", "韓語", "韩语", "ko")),
    Language("french", _l("French"), ("French", "法語", "法语", "fr")),
    Language("german", _l("German"), ("German", "德語", "德语", "de")),
    Language("spanish", _l("Spanish"), ("Spanish", "西班牙語", "西班牙语", "es")),
    Language("hokkien", _l("Hokkien"), ("Hokkien", "閩南語", "闽南语", "福建話")),
    Language("shanghainese", _l("Shanghainese"), ("Shanghainese", "上海話", "上海话")),
)

BY_CODE = {lang.code: lang for lang in LANGUAGES}

LEVEL_LABELS = {
    1: _l("Basic"),
    2: _l("Conversational"),
    3: _l("Working"),
    4: _l("Fluent"),
    5: _l("Native"),
}


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_LOOKUP: dict[str, str] = {}
for _lang in LANGUAGES:
    for _form in (_lang.code, *_lang.aliases):
        _LOOKUP[_fold(_form)] = _lang.code


def resolve_language(text: str) -> str | None:
    """Return the language code for a name in English or Chinese, or None if unknown."""
    return _LOOKUP.get(_fold(text)) if text else None


def language_choices() -> list[tuple[str, str]]:
    return [(lang.code, str(lang.name)) for lang in LANGUAGES]


def language_name(code: str) -> str:
    lang = BY_CODE.get(code)
    return str(lang.name) if lang else code
