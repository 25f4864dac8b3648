"""Reading one cell the way people write it: text, e-mail, web address, date, number, list.

Each parser returns the value or raises CellError with a reason for the user; the row
validators turn that into an error naming the file, row, column and value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from web.reference.languages import resolve_language
from web.services.skills import skill_key

# Items may also be separated by the full-width forms a Chinese keyboard types.
LIST_SEPARATOR = re.compile("[;；]")
LEVEL_SEPARATOR = re.compile("[:：]")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"[0-9]+(\.0+)?")
SKILL_NAME_MAX = 100
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
# Control characters (PostgreSQL refuses NUL) and lone surrogates; descriptions keep
# their tabs and line breaks.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


Cell = str | date  # as read: text, or a date from a spreadsheet date cell


class CellError(ValueError):
    """A cell (or one item of a list cell) that does not parse; str() is the reason."""

    def __init__(self, reason: str, value: str | None = None) -> None:
        super().__init__(reason)
        self.value = value  # the item at fault, when it is not the whole cell


def text(value: str, max_length: int, *, multiline: bool = False) -> str | None:
    """Trimmed text or None when empty; control characters and over-long text refused."""
    value = value.strip()
    if not value:
        return None
    bad = (CONTROL_MULTILINE if multiline else CONTROL).search(value)
    if bad is not None:
        if bad.group(0) in "\r\n":
            raise CellError(_("must be on one line"))
        raise CellError(_("contains the control character U+%(code)04X", code=ord(bad.group(0))))
    check_length(value, max_length)
    return value


def check_length(value: str, max_length: int) -> None:
    """CellError naming the length and the limit when a cell is longer than allowed."""
    if len(value) > max_length:
        raise CellError(
            _(
                "is %(length)d characters long; the limit is %(limit)d",
                length=len(value),
                limit=max_length,
            )
        )


def email(value: str) -> str:
    """A trimmed e-mail address, checked as the registration form checks it.

    email_validator costs about 60 µs an address, mostly on the domain; a bulk file
    has a handful of domains, so a plain dot-atom local part is checked here and each
    distinct domain once. Anything unusual goes through the full check for its message.
    """
    value = text(value, 254) or ""
    if not value.isascii():
        raise CellError(_("is not a valid e-mail address: use plain ASCII letters"))
    local, at, domain = value.rpartition("@")
    if at and len(local) <= 64 and DOT_ATOM.fullmatch(local) and _domain_ok(domain.lower()):
        return value
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise CellError(_("is not a valid e-mail address (%(why)s)", why=str(exc))) from exc
    return value


@functools.lru_cache(maxsize=1024)
def _domain_ok(domain: str) -> bool:
    try:
        validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def website(value: str) -> str | None:
    found = text(value, 300)
    if found is None:
        return None
    scheme, sep, rest = found.partition("://")
    host = rest.split("/", 1)[0]
    if not sep or scheme.lower() not in ("http", "https") or "." not in host or " " in found:
        raise CellError(_("must be a full web address starting with http:// or https://"))
    return found


def iso_date(value: str | date) -> date | None:
    if isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    if ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CellError(_("is not a real date")) from exc
    raise CellError(_("is not a date written YYYY-MM-DD (for example 2027-06-14)"))


def whole_number(value: str, low: int, high: int) -> int | None:
    """An integer from low to high; "3.0" (a spreadsheet number) counts as 3."""
    value = value.strip()
    if not value:
        return None
    if not WHOLE_NUMBER.fullmatch(value) or len(value.split(".")[0]) > 9:
        raise CellError(_("must be a whole number from %(low)d to %(high)d", low=low, high=high))
    number = int(value.split(".")[0])
    if not low <= number <= high:
        raise CellError(_("must be a whole number from %(low)d to %(high)d", low=low, high=high))
    return number


class Item(NamedTuple):
    """One list entry: the text as written (or a language code), its key and level."""

    name: str
    key: str
    level: int
    written: str  # the item as it appeared in the cell, for messages


def _level(level: str | None, default: int, written: str) -> int:
    if level is None:
        return default
    if len(level) != 1 or level not in "12345":
        raise CellError(_("level must be a whole number from 1 to 5"), value=written)
    return int(level)


def _split(raw: str) -> tuple[str, str | None]:
    """(name, level text or None) of one item; CellError for a second colon or no name."""
    # str.split is several times faster than a regex; few cells use full-width forms.
    parts = raw.split(":") if "：" not in raw else LEVEL_SEPARATOR.split(raw)
    if len(parts) > 2:
        raise CellError(_("an item may contain at most one colon"), value=raw)
    name = parts[0].strip()
    if not name:
        raise CellError(_("the name is missing before the colon"), value=raw)
    return name, parts[1].strip() if len(parts) == 2 else None


class ListParser:
    """Parses the list cells of one run, remembering every distinct item it has seen.

    100,000 students write a few thousand distinct items ("Python:3", "機器學習"), so
    each is parsed (and its skill key computed) once; a cell then costs a few lookups.
    """

    CACHE_LIMIT = 100_000  # a file of endless distinct items must not grow it forever

    def __init__(self) -> None:
        self._skills: dict[tuple[str, int], Item | CellError] = {}
        self._languages: dict[tuple[str, int], Item | CellError] = {}

    def skills(self, value: str, default: int) -> tuple[list[Item], list[CellError]]:
        """A skill list; the same skill twice (in any spelling) is refused."""
        return self._parse(value, default, self._skills, self._skill, _same_skill)

    def languages(self, value: str, default: int) -> tuple[list[Item], list[CellError]]:
        """A language list as language codes; unknown or repeated languages refused."""
        return self._parse(value, default, self._languages, self._language, _same_language)

    def _parse(
        self,
        value: str,
        default: int,
        cache: dict[tuple[str, int], Item | CellError],
        make: Callable[[str, int], Item],
        same: Callable[[str], str],
    ) -> tuple[list[Item], list[CellError]]:
        items: list[Item] = []
        errors: list[CellError] = []
        seen: dict[str, Item] = {}
        for raw in value.split(";") if "；" not in value else LIST_SEPARATOR.split(value):
            raw = raw.strip()
            if not raw:
                continue
            parsed = cache.get((raw, default))
            if parsed is None:
                try:
                    parsed = make(raw, default)
                except CellError as exc:
                    parsed = exc
                if len(cache) >= self.CACHE_LIMIT:
                    cache.clear()
                cache[(raw, default)] = parsed
            if isinstance(parsed, CellError):
                errors.append(parsed)
            elif parsed.key in seen:
                errors.append(CellError(same(seen[parsed.key].written), value=raw))
            else:
                seen[parsed.key] = parsed
                items.append(parsed)
        return items, errors

    @staticmethod
    def _skill(raw: str, default: int) -> Item:
        name, level = _split(raw)
        try:
            name = text(name, SKILL_NAME_MAX) or ""
        except CellError as exc:
            raise CellError(_("the skill name %(why)s", why=str(exc)), value=raw) from exc
        key = skill_key(name)
        if not key:
            raise CellError(_("is not a skill name"), value=raw)
        return Item(name, key, _level(level, default, raw), raw)

    @staticmethod
    def _language(raw: str, default: int) -> Item:
        name, level = _split(raw)
        code = resolve_language(name)
        if code is None:
            raise CellError(
                _("is not a language we know (write it in English or Chinese, e.g. Putonghua)"),
                value=raw,
            )
        return Item(code, code, _level(level, default, raw), raw)


def _same_skill(other: str) -> str:
    return _("names the same skill as “%(other)s”", other=other)


def _same_language(other: str) -> str:
    return _("names the same language as “%(other)s”", other=other)
