"""A booking's notes as a price list: "Bait 40, ice 15", "Adults 85, kids 5", one item a line. Once an item's amount
is hidden, the next items of its shape are hidden too, however small their figures."""

from __future__ import annotations

import re
from typing import NamedTuple

from firstmate.domain.redaction.amounts import MONEY_WORDS, figure_size
from firstmate.domain.redaction.note_words import (
    GUEST_KINDS,
    LIST_ITEM_WORD,
    LIST_NEXT_ITEM,
    LIST_NEXT_LINE,
    LIST_PAIR,
    MOST_OF_A_KIND,
    NOTE_MAYBE,
    NOTE_MONEY,
)


class PriceList(NamedTuple):
    """The last item of a price list whose amount was hidden."""

    end: int  # where its amount ends
    #: whether the list goes on past a sentence's end or a line ("Bait 40. Ice 15"): its word is no word of money
    #: ("Deposit 200\nKids 4" is no price list)
    crosses: bool
    #: whether an item priced a kind of guest beyond a head count ("Adults 85", "Adults $85"): a single digit after
    #: a kind of guest is then a price too ("Adults 85, kids 5"), not their count ("Adults 30, kids 12, infants 4")
    prices_guests: bool
    #: the words of its items: one named again starts another list ("Adults 85, kids 12; adults 2, kids 3")
    words: frozenset[str]


def list_item(text: str, start: int, end: int, figure: str | None, before: PriceList | None) -> PriceList | None:
    """The price list an amount hidden at start..end is an item of, `before` if it is its next item, or None when no
    word comes before it; `figure` None for an amount a currency said was money ("Adults $85")."""
    item = LIST_ITEM_WORD.search(text, max(0, start - 40), start)
    if item is None:
        return None
    word = item[1].lower()
    size = figure_size(figure) if figure is not None else None
    surely_a_price = figure is None or not figure.isdigit() or (size is not None and size >= MOST_OF_A_KIND)
    priced_guest = GUEST_KINDS.fullmatch(word) is not None and surely_a_price  # "Adults 85", "Adults 22.50"
    money = any(kind.fullmatch(word) for kind in (NOTE_MONEY, NOTE_MAYBE, MONEY_WORDS))
    if before is not None and _next_item(text, before, start) is not None:
        return PriceList(end, not money, before.prices_guests or priced_guest, before.words | {word})
    return PriceList(end, not money, priced_guest, frozenset({word}))


def in_price_list(found: re.Match[str], listed: PriceList | None) -> bool:
    """Whether a figure no word says anything of is the next item of a price list, or the second figure of its last
    item ("Bait 40, ice 15", "Adults 85, kids 12 and 9", "Bait 40. Ice 15", and on while the items keep that
    shape); not a single digit after a kind of guest in a list that priced none beyond a head count, read as their
    count ("Adults 30, kids 12, infants 4")."""
    if listed is None or not found["figure"]:
        return False
    if LIST_PAIR.fullmatch(found.string, listed.end, found.start()):
        return True  # "kids 12 and 9"
    word = _next_item(found.string, listed, found.start())
    if word is None:
        return False
    figure = found["figure"]
    return listed.prices_guests or not (GUEST_KINDS.fullmatch(word) and figure.isdigit() and int(figure) < 10)


def _next_item(text: str, listed: PriceList, start: int) -> str | None:
    """The word of the next item of a list, whose figure starts at `start`: after a comma, or after a sentence's end
    or a line for a list that crosses them; None if there is none, or it names an item of the list again."""
    between = LIST_NEXT_ITEM.fullmatch(text, listed.end, start)
    if between is None and listed.crosses:
        between = LIST_NEXT_LINE.fullmatch(text, listed.end, start)
    if between is None or between["word"].lower() in listed.words:
        return None
    return str(between["word"])
