"""The bridge from stored skill text to the matcher's keys."""

from __future__ import annotations

from matching import canonical


def skill_key(name: str) -> str:
    """The matcher's canonical key, stored beside the text the user wrote."""
    return canonical(name)[:100]
