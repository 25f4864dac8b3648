"""Let command-line tools build links the way a request would (notifications need them)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

F = TypeVar("F", bound=Callable[..., Any])


def with_public_urls(command: F) -> F:
    """Run a command inside a request context for PUBLIC_BASE_URL, so url_for works."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        base = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
        with current_app.test_request_context("/", base_url=base):
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
