"""Long lists on the admin pages, a page at a time: its number in the address (`?page=3`), the
page's place in the whole ("201–400 of 1,224") and links to the pages around it that keep the
page's other filters. The data pages' lists are read whole and cut here: they are an org's own, in
thousands. The outbox, tens of thousands a year, is read a page at a time from a row's place on
(`CursorPager`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from firstmate.errors import NotFound

T = TypeVar("T")

#: Rows on a page: enough to scan, few enough that a page stays quick to load and to print.
PAGE_ROWS = 200


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a list: its rows, its number (from 1) and what the links around it need."""

    rows: list[T]
    number: int
    pages: int
    total: int
    first: int  # the place of its first row in the whole list, from 1 (0 for an empty list)
    query: tuple[tuple[str, str], ...]  # the page's other parameters, kept by its links

    @property
    def last(self) -> int:
        """The place of its last row in the whole list (0 for an empty list)."""
        return self.first + len(self.rows) - 1 if self.rows else 0

    def link(self, number: int) -> str:
        """The address (its query) of page `number` of the same list."""
        return "?" + page_query(self.query, number)

    def previous(self) -> str:
        """The address of the page before this one."""
        return self.link(self.number - 1)

    def following(self) -> str:
        """The address of the page after this one."""
        return self.link(self.number + 1)


def page_query(query: Iterable[tuple[str, str]], number: int) -> str:
    """A query string of these parameters and page `number` (left out for the first page)."""
    return urlencode([*query, *((("page", str(number)),) if number > 1 else ())])


def pages_for(count: int, size: int = PAGE_ROWS) -> int:
    """How many pages `count` rows take (one, for none)."""
    return max((count + size - 1) // size, 1)


def page_holding(keys: Sequence[str], key: str, size: int = PAGE_ROWS) -> int:
    """The page of a list with these `keys` that lists `key` (the first when none does)."""
    return next((n // size + 1 for n, each in enumerate(keys) if each == key), 1)


def page_of(
    items: Sequence[T], number: int, query: Mapping[str, str] | None = None, *, size: int = PAGE_ROWS
) -> Paged[T]:
    """Page `number` of `items` (`size` rows a page); NotFound past the last page, saying how many there
    are. `query`: the page's other parameters (filters), empty ones left out of its links."""
    pages = pages_for(len(items), size)
    if number > pages:
        raise NotFound(f"no page {number}: the list has {pages} page(s) of {size} rows", hint="go back to page 1")
    start = (number - 1) * size
    kept = tuple((k, v) for k, v in (query or {}).items() if v)
    rows = list(items[start : start + size])
    return Paged(rows, number, pages, len(items), start + 1 if rows else 0, kept)


@dataclass(frozen=True)
class CursorPager:
    """The links around a page of a list read from a row's place on (the outbox), not cut from the whole
    list: each names the row the page next to it follows or precedes (`after=`, `before=`), so that rows
    leaving or joining a filtered list (a message retried out of "dead") between two loads move no row
    across a page boundary. How many rows the list holds is not known: counting them is reading them."""

    newer: bool  # rows are listed before its first
    older: bool  # rows are listed after its last
    query: tuple[tuple[str, str], ...]  # the page's other parameters, kept by its links
    first: str  # the place of its first row
    last: str  # the place of its last row

    def newest(self) -> str:
        """The address of the list's first page."""
        return "?" + urlencode(self.query)

    def previous(self) -> str:
        """The address of the rows listed just before this page's first."""
        return "?" + urlencode([*self.query, ("before", self.first)])

    def following(self) -> str:
        """The address of the rows listed just after this page's last."""
        return "?" + urlencode([*self.query, ("after", self.last)])

    def oldest(self) -> str:
        """The address of the list's last page."""
        return "?" + urlencode([*self.query, ("oldest", "1")])
