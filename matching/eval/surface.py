"""Seeded generation of the ways people write a skill (for the eval set and the bench).

Given a canonical skill from the alias table this produces surface forms a student
or a firm might type: the display name, an abbreviation or alias, a Simplified or
Traditional Chinese name, full-width letters, odd casing and punctuation, a trailing
parenthetical, or a typo (a swapped, dropped or doubled letter).
"""

from __future__ import annotations

import random

from matching.skills import SkillInfo, alias_table

__all__ = ["fullwidth", "skill_keys", "surface_form", "typo"]


def fullwidth(text: str) -> str:
    """Type ``text`` on a Chinese keyboard: ASCII letters and digits become full-width."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in a word of 5+ letters: swap, drop or double a letter."""
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) >= 5 and w.isascii() and w.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == 1:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _restyle(text: str, rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return text.upper() if len(text) <= 12 else text.title()
    if kind == 1:
        return text.lower().replace(" ", "-")
    if kind == 2:
        return f" {text.lower()} "
    return text


def skill_keys(categories: set[str] | None = None, *, exclude: set[str] = frozenset()) -> list[str]:
    """Keys of the alias table, optionally of some categories only, sorted."""
    skills = alias_table().skills.values()
    return sorted(
        s.key
        for s in skills
        if (categories is None or s.category in categories) and s.key not in exclude
    )


def surface_form(key: str, rng: random.Random, *, typo_rate: float = 0.15) -> str:
    """A way somebody might write the skill ``key`` (seeded by ``rng``)."""
    info: SkillInfo = alias_table().skills[key]
    roll = rng.random()
    if roll < typo_rate:
        written = typo(rng.choice((info.display, *info.aliases)), rng)
        return written if written != info.display else _restyle(info.display, rng)
    roll = rng.random()
    if roll < 0.3:
        return _restyle(info.display, rng)
    if roll < 0.5 and info.aliases:
        return _restyle(rng.choice(info.aliases), rng)
    if roll < 0.6 and info.zh_hans:
        return rng.choice(info.zh_hans)
    if roll < 0.7 and info.zh_hant:
        return rng.choice(info.zh_hant)
    if roll < 0.8:
        return fullwidth(info.display)
    if roll < 0.9 and info.aliases:
        short = min(info.aliases, key=len)
        return f"{info.display} ({short.upper()})"
    return info.display
