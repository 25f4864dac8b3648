"""Pagination of a list computed in Python (e.g. a ranked shortlist)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from web.extensions import db

T = TypeVar("T")
MAX_PAGE = 1_000_000  # beyond any list's last page, and far below SQLite's integer limit


@dataclass
class ListPage(Generic[T]):
    """The same surface as Flask-SQLAlchemy's Pagination, for the shared macro."""

    page: int
    per_page: int
    total: int
    items: list[T] = field(default_factory=list)

    @classmethod
    def of(cls, rows: Sequence[T], page: int, per_page: int) -> ListPage[T]:
        pages = max(1, math.ceil(len(rows) / per_page))
        page = min(max(1, page), pages)
        start = (page - 1) * per_page
        return cls(page, per_page, len(rows), list(rows[start : start + per_page]))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self,
        *,
        left_edge: int = 2,
        left_current: int = 2,
        right_current: int = 4,
        right_edge: int = 2,
    ) -> Iterator[int | None]:
        last = 0
        for num in range(1, self.pages + 1):
            if (
                num <= left_edge
                or self.page - left_current <= num < self.page + right_current
                or num > self.pages - right_edge
            ):
                if last + 1 != num:
                    yield None
                yield num
                last = num


def paginate(stmt: Select[Any], *, page_arg: str = "page") -> Pagination:
    """One page of a query: the page number from the request, PAGE_SIZE rows a page."""
    page = request.args.get(page_arg, 1, type=int)
    return db.paginate(
        stmt,
        page=max(1, min(page, MAX_PAGE)),  # a page number the database can take
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
