"""Password policy: long enough and not guessable, judged by zxcvbn's word lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn 0..4: 3 is "safely unguessable" against online attacks


def personal_words(email: str) -> list[str]:
    """The parts of an email address a guesser would try first."""
    if not email:
        return []
    local, _, domain = email.lower().partition("@")
    return [email.lower(), local, *re.split(r"[._+\-]", local), *domain.split(".")]


def password_problems(password: str, user_inputs: Sequence[str] = ()) -> list[str]:
    """Return the reasons a password is refused, empty if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [_("Use at least %(n)d characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(n)d characters.", n=MAX_LENGTH)]
    result = zxcvbn(password, user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_SCORE:
        return [
            _(
                "This password is too easy to guess (it is common or close to your details). "
                "Try a longer phrase of unrelated words."
            )
        ]
    return []
