"""Skill names: normalisation, the alias table and pairwise similarity.

People write one skill many ways (``ML``, ``machine-learning``, ``機器學習``,
``Ｐｙｔｈｏｎ``, ``Pyhton``). This module turns a name into a *canonical key* and
compares two names on a 0..1 scale, without confusing look-alikes such as Java and
JavaScript or C, C++ and C#.

Rules, in order (see :func:`key_similarity`):

1. same canonical key -> 1.0 (an alias hit is exact);
2. both names known to the alias table but different keys -> 0.0 (the table knows
   Java is not JavaScript, so fuzzy matching must not overrule it);
3. otherwise the best ``fuzz.ratio`` (normalised Indel similarity, ``processor=None``
   so ``+``, ``#`` and ``.`` survive) between the forms of the two names, where a known
   name contributes all its alias forms and an unknown name its normalised text;
   forms of ``SHORT_NAME_LEN`` characters or fewer never match fuzzily, and a ratio
   below the threshold counts as no match (0.0).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import fuzz

__all__ = [
    "DEFAULT_THRESHOLD",
    "SHORT_NAME_LEN",
    "AliasTable",
    "SkillInfo",
    "alias_table",
    "canonical",
    "fuzzy_forms",
    "is_known",
    "key_similarity",
    "normalise",
    "similarity",
]

#: Pairs whose fuzzy similarity is below this count as no match.
DEFAULT_THRESHOLD = 0.8
#: Names this short (after normalisation) match only exactly or through the alias table.
SHORT_NAME_LEN = 3

_TRAILING_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
# Everything that is not a letter, digit, '+', '#' or '.' separates words ('_' too).
_SEPARATORS = re.compile(r"[^\w+#.]+|_+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def _clean(text: str) -> str:
    text = _SEPARATORS.sub(" ", text)
    words = [w.rstrip(".") for w in text.split()]
    return _CJK_GAP.sub("", " ".join(w for w in words if w))


def _split(text: str) -> tuple[str, str]:
    """NFKC + casefold, then split a trailing parenthetical off: ``(main, inner)``."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    m = _TRAILING_PAREN.match(text)
    if m is None:
        return text, ""
    main, inner = m.group(1), m.group(2)
    return (main, inner) if main.strip() else (inner, "")


def normalise(text: str) -> str:
    """Return the normalised form of a skill name.

    Unicode NFKC (full-width letters become ASCII), case-folded, a trailing
    parenthetical dropped (``"Machine Learning (ML)"`` -> ``"machine learning"``),
    punctuation other than ``+ # .`` turned into single spaces, trailing dots trimmed
    and spaces between Chinese characters removed.

    Parameters
    ----------
    text : str
        A skill name as somebody wrote it.

    Returns
    -------
    str
        The normalised text (may be empty).
    """
    return _clean(_split(text)[0])


def _compact(text: str) -> str:
    return text.replace(" ", "").replace(".", "")


@dataclass(frozen=True)
class SkillInfo:
    """One row of the alias table."""

    key: str
    display: str
    category: str
    aliases: tuple[str, ...]
    zh_hans: tuple[str, ...]
    zh_hant: tuple[str, ...]
    forms: tuple[str, ...]  # every normalised spelling, key first


class AliasTable:
    """Canonical skills and their spellings, indexed for exact lookup.

    Parameters
    ----------
    rows : iterable of dict
        Rows with ``key, display, category, aliases, zh_hans, zh_hant``; list cells
        are separated by ``|``.

    Raises
    ------
    ValueError
        If one spelling belongs to two skills, or a key is not in normalised form.
    """

    def __init__(self, rows: Iterable[dict[str, str]]) -> None:
        self.skills: dict[str, SkillInfo] = {}
        self._by_form: dict[str, str] = {}
        compact: dict[str, str | None] = {}
        for row in rows:
            info = self._make(row)
            if info.key in self.skills:
                raise ValueError(f"duplicate skill key {info.key!r}")
            self.skills[info.key] = info
            for form in info.forms:
                other = self._by_form.setdefault(form, info.key)
                if other != info.key:
                    raise ValueError(f"{form!r} is a spelling of {other!r} and {info.key!r}")
                c = _compact(form)
                if compact.setdefault(c, info.key) != info.key:
                    compact[c] = None  # ambiguous once spaces and dots are gone
        self._by_compact = {c: k for c, k in compact.items() if k is not None}

    @staticmethod
    def _make(row: dict[str, str]) -> SkillInfo:
        def cell(name: str) -> tuple[str, ...]:
            return tuple(p.strip() for p in (row.get(name) or "").split("|") if p.strip())

        key = row["key"].strip()
        if not key or key != key.casefold() or key != key.strip():
            raise ValueError(f"bad skill key {key!r}")
        aliases, hans, hant = cell("aliases"), cell("zh_hans"), cell("zh_hant")
        forms = [key]
        for text in (key, row["display"], *aliases, *hans, *hant):
            form = normalise(text)
            if form and form not in forms:
                forms.append(form)
        return SkillInfo(
            key, row["display"].strip(), row["category"].strip(), aliases, hans, hant, tuple(forms)
        )

    def lookup(self, normalised: str) -> str | None:
        """Return the key for a normalised spelling, or None if unknown."""
        key = self._by_form.get(normalised)
        if key is None and normalised:
            key = self._by_compact.get(_compact(normalised))
        return key

    def __len__(self) -> int:
        return len(self.skills)


@functools.cache
def alias_table() -> AliasTable:
    """Return the alias table shipped with the package (``matching/aliases.csv``)."""
    data = resources.files("matching").joinpath("aliases.csv").read_text(encoding="utf-8")
    return AliasTable(csv.DictReader(io.StringIO(data)))


@functools.lru_cache(maxsize=1 << 16)
def canonical(text: str) -> str:
    """Return the canonical key of a skill name.

    Parameters
    ----------
    text : str
        A skill name as written.

    Returns
    -------
    str
        The alias table's key if the name (or, failing that, its trailing
        parenthetical, as in ``"Machine Learning (ML)"``) is known, else the
        normalised text.
    """
    table = alias_table()
    main, inner = _split(text)
    norm = _clean(main)
    key = table.lookup(norm)
    if key is None and inner:
        key = table.lookup(_clean(inner))
    return key if key is not None else norm


def is_known(key: str) -> bool:
    """Whether a canonical key comes from the alias table."""
    return key in alias_table().skills


@functools.lru_cache(maxsize=1 << 14)
def fuzzy_forms(key: str) -> tuple[str, ...]:
    """Return the texts a canonical key is fuzzily compared by (long enough ones only)."""
    info = alias_table().skills.get(key)
    forms = info.forms if info is not None else (key,)
    return tuple(f for f in forms if len(f) > SHORT_NAME_LEN)


def cutoff(threshold: float) -> float:
    """The rapidfuzz ``score_cutoff`` (0..100) for a 0..1 threshold."""
    return threshold * 100.0


@functools.lru_cache(maxsize=1 << 16)
def key_similarity(a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Similarity 0..1 of two canonical keys (see the module docstring for the rules).

    Parameters
    ----------
    a, b : str
        Canonical keys, as returned by :func:`canonical`.
    threshold : float
        Fuzzy ratios below this (0..1) count as 0.0.

    Returns
    -------
    float
        1.0 for the same key, 0.0 for different known skills or no fuzzy match.
    """
    if a == b:
        return 1.0
    if is_known(a) and is_known(b):
        return 0.0
    best = 0.0
    limit = cutoff(threshold)
    for x in fuzzy_forms(a):
        for y in fuzzy_forms(b):
            best = max(best, fuzz.ratio(x, y, processor=None, score_cutoff=limit))
    return best / 100.0


def similarity(a: str, b: str, *, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Return how alike two skill names are, 0..1.

    Parameters
    ----------
    a, b : str
        Skill names as written (any script, any width, any case).
    threshold : float, keyword-only
        Fuzzy similarities below this count as no match (0.0).

    Returns
    -------
    float
        1.0 when both names have the same canonical key.

    Examples
    --------
    >>> similarity("機器學習", "Machine Learning (ML)")
    1.0
    >>> similarity("Java", "JavaScript")
    0.0
    """
    return key_similarity(canonical(a), canonical(b), threshold)
