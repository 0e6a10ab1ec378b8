"""Long lists on the admin pages (the outbox, the business data's kinds), a page at a time, each read
from a row's place on rather than cut from the whole list: the links to the pages around it name the
row they follow or precede, and keep the page's other filters (`CursorPager`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

#: Rows on a page: enough to scan, few enough that a page stays quick to load and to print.
PAGE_ROWS = 200
#: The highest page number an address may name (`?page=N`, kept from before the pages named rows): 20 million
#: rows. A number of 20 digits reached the store as a limit SQLite cannot hold, and answered 500.
MOST_PAGE = 100_000
#: The longest place a page link may name (a row's key and when it was made): past any row's (a sort key holds
#: 1,024 bytes), as `services.data_list` bounds its own.
LONGEST_PLACE = 900


@dataclass(frozen=True)
class CursorPager:
    """The links around a page of a list read from a row's place on (the outbox), not cut from the whole
    list: each names the row the page next to it follows or precedes (`after=`, `before=`), so that rows
    leaving or joining a filtered list (a message retried out of "dead") between two loads move no row
    across a page boundary. How many rows the list holds is not known: counting them is reading them."""

    newer: bool  # rows are listed before its first
    older: bool  # rows are listed after its last
    query: tuple[tuple[str, str], ...]  # the page's other parameters, kept by its links
    first: str  # the place of its first row (or where a search read back to)
    last: str  # the place of its last row (or where a search stopped reading)
    end: str = "oldest"  # the parameter asking for the list's last page

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
        return "?" + urlencode([*self.query, (self.end, "1")])
