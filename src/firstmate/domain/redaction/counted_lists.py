"""A booking's notes as a counted price list: each kind of guest with its count and its figure ("Adults x2 85, kids x1
5", "2 adults @ 85, 1 child @ 5", "adults 2x85 kids 1x5"). Once one item's figure is a price, each item's figure in
that place is, however small (in words too: "kids x1 five"), and so is each item's total after "="; the counts stay, for
crew need them. A count times a small figure prices it alone ("Kids 2x5"), and any word counted after an "x" is an item
of a list of two or more ("Grown-ups x2 85, littles x1 5", "dog x1 5"). Figures that list ages stay too ("kids x2 (5,
7)", "Kids x2 10,12"), and a time the notes name ("at 10.30") prices no list; without one, a small figure after "@" or
"at" and a count is a price per head ("Adults 2 @ 15")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import NamedTuple

from firstmate.domain.redaction.amounts import CODE, HIDDEN_AMOUNT, MONEY_WORDS, NUMBER_WORDS, SPELLED, spelled_value
from firstmate.domain.redaction.figures import counted
from firstmate.domain.redaction.note_words import (
    GUEST_KINDS,
    NOTE_CLOCK_WORD,
    NOTE_LABEL,
    NOTE_MONEY,
    PLACE_BEFORE,
    TOTAL_AFTER_COLON,
    TOTAL_ARROW,
    WORD_AFTER,
)
from firstmate.domain.redaction.sentences import speaks

#: Who an item counts: a kind of guest ("Adults x2", "1 x Child"), or an adult or a child as "A" or "C" against their
#: count ("2A x 85, 1C x 5").
_KIND = rf"(?:\b(?:{GUEST_KINDS.pattern}|guests?|people|pax|persons?|passengers?)\b|(?<=\d)(?-i:A|C)\b)"
#: Words that count heads of any kind: after a kind of guest and its count, the unit of that count ("Adults 2 pax x
#: 85").
_HEADS = re.compile(r"guests?|people|pax|persons?|passengers?", re.IGNORECASE)
_TIMES = r"[xX×]"
#: An item's count: in figures or in words under 20 ("Adults x2", "two adults", "kids one @ 5").
_WORDS = "|".join(sorted((word for word, value in NUMBER_WORDS.items() if value < 20), key=len, reverse=True))
_COUNT = rf"(?:\d{{1,2}}|(?i:{_WORDS})\b)"
#: An item's figure: a whole, with cents, its thousands grouped ("1,200", "1.200") or in "k", a number in words
#: ("eighty-five", "five"), or an amount a currency already hid ("Adults x2 $85"); "pp" or "ea" may follow ("2x85ea"),
#: or a colon and its total ("kids 1 x 5: 5").
_WRITTEN = (
    rf"(?:\d{{1,3}}(?:[.,]\d{{3}})+|\d+)(?:[.,]\d\d?)?[kK]?(?!(?!(?i:pp|ea)\b)(?:\w|(?!{TOTAL_AFTER_COLON}):)|[.,]\d)"
)
_FIGURE = rf"(?:(?<![\w.,]){_WRITTEN}|{re.escape(HIDDEN_AMOUNT)}|(?i:{SPELLED})(?![\w-]))"
#: Any other word (or words joined by hyphens) that an "x" and a count follow: an item of a list of two or more
#: that prices one ("Grown-ups x2 85, littles x1 5", "Adults x2 85, dog x1 5"); alone it may count or size anything
#: ("Life jackets x2 4").
_A_WORD = r"(?![xX×]\d)[^\W\d_]+(?:-[^\W\d_]+)*"
_OTHER_KIND = rf"(?<![\w\-]){_A_WORD}(?:[ \t]+{_A_WORD})?"
#: What may stand between a kind and its figure ("Adult x2: 85", "Adult x2 = 85", "2 adults @ 85", "2 adults at 85",
#: "2 adults x 85").
_BEFORE_FIGURE = r"[ \t]*(?:[:=@xX×\-–—]|at\b)?[ \t]*\(?[ \t]*"
#: What ends an item's figure: a space, a line's or a clause's end ("Adults x2 85, kids x1 5"), its total's "="
#: ("2x85=170"); a word after it is read by `_lists`.
_ITEM_END = rf"(?=\)?(?:[ \t]|$|[,;/|&+.=\n\-–])|(?i:pp|ea)\b|{TOTAL_AFTER_COLON})"
_ITEM = re.compile(
    # "Adults x2 85", "Adults (x2) 85", "Adult (2) 85", "Adult ×2: 85": the count before the figure, the kind's count
    # before it too if any ("2 kids x1 5": not "2 kids" at "x1")
    rf"(?:(?<![\w.,]){_COUNT}[ \t]+(?={_KIND}[ \t]*\(?[ \t]*{_TIMES}[ \t]*\d))?"
    rf"(?P<kind_a>{_KIND})[ \t]*(?:\((?=[ \t]*{_TIMES}?[ \t]*\d{{1,2}}[ \t]*\))|(?={_TIMES}))[ \t]*{_TIMES}?[ \t]*"
    rf"(?P<count_a>{_COUNT})\b[ \t]*\)?{_BEFORE_FIGURE}"
    rf"(?P<price_a>{_FIGURE}){_ITEM_END}"
    # "Adults 2 x 85", "adults 2x85", "Adult 85 x2", "Adults (2x85)", "Adults - 2x85": a figure on each side of the
    # "x", the price the larger
    rf"|(?P<kind_b>{_KIND})[ \t]*[:(\-–]?[ \t]*(?P<first>{_FIGURE}|\d{{1,2}}(?={_TIMES}))[ \t]*{_TIMES}[ \t]*"
    rf"(?P<second>{_WRITTEN}|{re.escape(HIDDEN_AMOUNT)}){_ITEM_END}"
    # "2 adults @ 85", "2x adult 85", "2 x Adult (85)", "2 Adults 85": the count before the kind
    rf"|(?<![\w.,])(?P<count_c>{_COUNT})[ \t]*(?:{_TIMES}[ \t]*)?(?P<kind_c>{_KIND}){_BEFORE_FIGURE}"
    rf"(?P<price_c>{_FIGURE}){_ITEM_END}"
    # "adults 2 @ 85", "Adults 2 (85)", "kids 1 at 5", "kids 1 = 5": the count after the kind, and a sign of a price or
    # a space alone ("Adults 2 15", priced only in a list of two kinds or more)
    rf"|(?P<kind_d>{_KIND})[ \t]*:?[ \t]*(?P<count_d>{_COUNT})"
    rf"(?:[ \t]*(?:[@=]|at\b|\((?=[ \t]*[\d\[][^()\n]*\)))|[ \t](?=[ \t]*\d))[ \t]*"
    rf"(?P<price_d>{_FIGURE}){_ITEM_END}"
    # "dog x1 5", "Grown-ups x2 85": another word, its count after an "x", then its figure
    rf"|(?P<kind_e>{_OTHER_KIND})[ \t]*{_TIMES}[ \t]*(?P<count_e>\d{{1,2}})\b{_BEFORE_FIGURE}"
    rf"(?P<price_e>{_FIGURE}){_ITEM_END}"
    # "littles 1x5", "Dog 1 x 5": another word, a count times its figure, read as "adults 2x85" is
    rf"|(?P<kind_f>{_OTHER_KIND})[ \t]*[:(\-–]?[ \t]*(?P<first_f>\d{{1,2}})[ \t]*{_TIMES}[ \t]*"
    rf"(?P<second_f>{_WRITTEN}|{re.escape(HIDDEN_AMOUNT)}){_ITEM_END}",
    re.IGNORECASE,
)
#: A kind of guest as a word alone ("kids" after "Adults x2 85").
_KIND_WORD = re.compile(_KIND, re.IGNORECASE)
#: A kind of guest before an item counted before its kind: its count is that kind's figure ("Adults 85 kids 5" prices
#: adults).
_NOT_A_COUNT = re.compile(rf"{_KIND}[ \t]*[:=@\-–]?[ \t]*\(?[ \t]*$", re.IGNORECASE)
#: A figure joined to an item's as a list of them: the item's figures are ages, not a price ("kids x2 (5, 7)", "Kids x2
#: 5 and 7 years old", "kids x2 5/7"); not a count of something else ("kids x1 5, 3 hours", "kids x1 5, 2 infants").
_AGES_AFTER = re.compile(
    rf"[ \t]*(?:[,/&]|and\b)[ \t]*(?:\d{{1,2}}(?![\d.,]\d)|(?:{_WORDS})\b)"
    r"(?=[ \t]*(?:[),;./&\n]|and\b|y(?:rs?|ears?|o|/o)?\b|$))",
    re.IGNORECASE,
)
#: An age's unit after a figure, or after the range it starts ("Kids 2x5 yo", "kids x1 5 y/o", "Kids 2 x 5 y.o.", "5 yr
#: old", "Kids 3x 5-7yo"): the figure is an age.
_AGE_UNIT = re.compile(r"(?:[ \t]*[-–][ \t]*\d{1,2})?[ \t]*(?:y/o|y\.[ \t]?o|yo|yrs?|years?|y)\b", re.IGNORECASE)
#: An item's total after its price ("Adults 2 x 85 = 170", "kids 1 x 5: 5", "kids 1x5 (5)", "kids 1 x 5 -> 5"): a price
#: too.
_TOTAL = re.compile(rf"[ \t]*(?:{TOTAL_ARROW}|[=:]|\((?=[ \t]*{_WRITTEN}[ \t]*\)))[ \t]*({_FIGURE}){_ITEM_END}")
#: What stands between two items of a list ("Adults x2 85, kids x1 5", "adults x2 85 kids x1 5", one a line, after a
#: full stop, a bullet or a number, "2 adults at 85 each and 1 child at 5 each", "1 x 5 USD", "Kids x1 5 (under 12),").
_BETWEEN = re.compile(
    rf"\)?[ \t]*(?:(?:{CODE}|(?i:each|ea|pp|per[ \t]+(?:person|head|guest|pax)))\.?[ \t]*){{0,2}}"
    r"(?:\([^()\n]{0,40}\)[ \t]*)?(?:[,;/|&+.•*·][ \t]*|[\-–—]+[ \t]*)?(?:\n[ \t]*)*"  # not "Adults x6 21+, kids"
    r"(?:(?:[\-–—•*·]|\d{1,2}[.)])[ \t]*|(?i:and|plus)[ \t]+)?"
)


#: "@" or "at" before an item's figure: a price per head ("Adults 2 @ 15"), or a time ("Adults 2 @ 9.30").
_AT = re.compile(r"@|\bat\b", re.IGNORECASE)
#: An item's figure shaped as a clock: minutes after "." ("10.30"), or a 24-hour clock ("1600", "0930").
_CLOCK = re.compile(r"(?:[01]?\d|2[0-4])\.[0-5]\d|(?:[01]\d|2[0-3])[0-5]\d")
#: A time after a count or a kind and "@" or "at", its minutes after ":" or "h", that no item reads ("Adults x2 at
#: 16:00, kids x1 at 8"; not "pickup at 9:30").
_AT_CLOCK = re.compile(
    rf"(?:\d|{_KIND})[ \t]*\)?[ \t]*(?P<at>@|\bat)[ \t]*(?:[01]?\d|2[0-4])[:h][0-5]\d(?!\d)", re.IGNORECASE
)
#: How far around a list such a time makes it one of times, on its line.
_CLOCK_REACH = 40
#: A word of a time before a list, in its clause ("Pickup 2 adults at 10", "Meet at the marina 6 adults @ 10"): what
#: follows it, up to the list, is `rest`.
_TIME_BEFORE = re.compile(rf"\b(?:{NOTE_CLOCK_WORD.pattern}|pick[ \t-]up)\b(?P<rest>[^,;.!?\n]*)$", re.IGNORECASE)


class _Item(NamedTuple):
    shape: str  # "a", "b", "c" or "d": where the count stands
    heads: tuple[int, int] | None  # its count; None for a "b" item whose count is not yet told from its price
    price: tuple[int, int] | None
    #: for a "b" item, its two figures, the price first or second still to tell
    figures: tuple[tuple[int, int], tuple[int, int]] | None
    total: tuple[int, int] | None = None  # its total after "=", if any
    #: whether it counts a word that is no kind of guest ("dog x1 5"): an item only of a list of two or more
    other: bool = False
    #: whether its figure follows an "x" after its kind ("2 adults x 15"): a price per head by how it is written
    times: bool = False
    #: "@" or "at" if its figure follows one ("Adults 2 @ 15", "2 adults at 10"): a price per head, unless its list
    #: names a time so ("2 adults at 10, 1 child at 10.30")
    at: str = ""
    #: whether its figure stands apart after its kind and count, no "x", "@" nor "at" between ("Adults x2 15",
    #: "Adult (2) 15", "2 adults 15", "2 x Adult 15", "Adults 2 15"): in a list of two or more kinds, the figures are
    #: prices, as one age is not written for a whole kind ("Adults x2 15, kids x1 5", "2 adults 15, 1 kid 5")
    apart: bool = False
    kind: str = ""  # the kind of guest it counts, as a word alone ("kid" of "Kids x1 5"), if counted after it


def counted_figures(
    text: str,
    hidden: set[tuple[int, int]],
    named: frozenset[tuple[int, int]] = frozenset(),
    doubted: frozenset[tuple[int, int]] = frozenset(),
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The figures of counted price lists in `text` to hide and to show: in a list whose items have one shape (a kind
    of guest, its count and a figure), once one item's figure is a price (`hidden`, an amount a currency hid, or a
    figure from 20 on or with cents that the notes do not name otherwise, as `named` a time: "2 adults at 10.30"),
    each item's figure in that place is hidden and each count shown ("Adults x2
    [amount hidden], kids x1 [amount hidden]" of "Adults x2 85, kids x1 5"); a count times a small figure is a price
    by how it is written ("Adults 2x[amount hidden], kids 1x[amount hidden]" of "Adults 2x15, kids 1x5"). A count to
    show that the notes hid as money stays hidden: `notes` shows only those hidden in doubt ("Deposit 85 kids 5" is no
    count of 85 kids)."""
    prices: set[tuple[int, int]] = set()
    counts: set[tuple[int, int]] = set()
    for items in _lists(text):
        told = [_told(text, item, hidden, doubted) for item in items]
        second = [item.price == item.figures[1] for item in told if item.figures and item.price]
        # a "b" item whose figures are both small takes the place its list's other items say the price is in
        told = [_placed(item, second[0]) if second and item.price is None else item for item in told]
        # "Adults 2x15, kids 1x5", "Kids 2x5", "2 adults x 15", "Adults 2 @ 15": a count times a small figure, or one
        # at a small figure, a price per head
        # "Adults x2 15, kids x1 5": two kinds of guest or more counted after their kind; not "Kids x1 5, life jackets
        # x2 4" (an age and a size as often), nor that said twice
        kinds = len({item.kind for item in told if item.apart and not item.other})
        by_writing = not second and all(
            (item.figures and _small_pair(text, item.figures)) or item.times or item.at or (item.apart and kinds > 1)
            for item in told
        )
        by_writing = by_writing and not all(item.other for item in told)  # "Rods 2x4, reels 2x3": sizes as often
        if by_writing:
            told = [_placed(item, _price_second(text, item)) for item in told]
        if len(told) < 2 and any(item.other for item in told):
            continue  # "Life jackets x2 4": a size or a count as often as a price
        prices |= {figure for item in told for figure in _both_prices(text, item, hidden, named)}  # "Adults 25x30"
        if not any(item.price and _a_price(text, item.price, hidden, named) for item in told):
            if not by_writing:
                continue
            if any(item.at for item in told):
                timed = _clocked(text, told)  # "2 adults at 10, 1 child at 10.30": times
                told = [item for item in told if item.times or item.at not in timed]
        prices |= {item.price for item in told if item.price} | {item.total for item in told if item.total}
        counts |= {item.heads for item in told if item.heads}
    return prices, counts


def _lists(text: str) -> Iterator[list[_Item]]:
    """The counted lists of `text`: items of one shape, next to each other."""
    found_items = [
        found
        for found in _ITEM.finditer(text)
        if not (found["kind_c"] and _NOT_A_COUNT.search(text, max(0, found.start() - 40), found.start()))
        or _counted_heads(found)
    ]
    found_items = _without_places(text, found_items)
    starts = {found.start() for found in found_items}
    items: list[_Item] = []
    end = -1
    for found in found_items:
        following = WORD_AFTER.match(text, found.end())
        # an item that counts its kind before its figure prices it, whatever kind follows ("Adults x2 85 kids free")
        no_count = bool(following and not found["kind_c"] and _KIND_WORD.fullmatch(following[1]))
        # nor is a word naming the figure after it what this one counts ("kids 1x5 ages 4 and 7")
        no_count = no_count or bool(following and _names_a_figure(text, following))
        if following and following.start(1) not in starts and counted(following[1]) and not no_count:
            continue  # "Adults x2 3 hours", "4 adults 2 kids"; not "adults x2 85 kids x1 5", where an item follows
        item, total = _item(found), _TOTAL.match(text, found.end())
        if _ages(text, item):
            continue  # "kids x2 5 and 7", "Kids x2 10,12"
        if total:
            item = item._replace(total=total.span(1))
        if not (items and items[-1].shape == item.shape and _BETWEEN.fullmatch(text, end, found.start())):
            if items:
                yield items
            items = []
        items.append(item)
        end = total.end() if total else found.end()
    if items:
        yield items


def _without_places(text: str, found_items: list[re.Match[str]]) -> list[re.Match[str]]:
    """The items but those whose "A" or "C" is a place's letter: after a word naming a place, or listed right after
    one such ("Cabin 2C x 2", "Berth 4A x 2, 4C x 1"); not "2A x 85, 1C x 5", adults and children."""
    kept, place = [], -1  # where the last place's item ended
    for found in found_items:
        kind = found["kind_a"] or found["kind_b"] or found["kind_c"] or found["kind_d"]
        if kind in ("A", "C") and (
            PLACE_BEFORE.search(text, max(0, found.start() - 40), found.start())
            or (place >= 0 and _BETWEEN.fullmatch(text, place, found.start()))
        ):
            place = found.end()
            continue
        kept.append(found)
    return kept


def _names_a_figure(text: str, word: re.Match[str]) -> bool:
    """Whether a word after an item's figure names the figure after it, not what the item's figure counts ("ages 4",
    "slips 3 and 4"); not a word of heads ("4 adults 2 guests")."""
    said = word[1]
    return bool(NOTE_LABEL.fullmatch(said) and not _HEADS.fullmatch(said) and _FIGURE_NEXT.match(text, word.end()))


#: A figure right after a word, a colon between if any ("ages 4", "Ages: 4").
_FIGURE_NEXT = re.compile(r"[ \t]*:?[ \t]*\d")


def _counted_heads(found: re.Match[str]) -> bool:
    """Whether an item counted before its kind, after a kind of guest, counts that kind's heads, its figure after "x",
    "@" or "at" its price ("Adults 2 pax x 85", "kids 1 pax @ 5"); not "Adults 85 kids 5", which prices adults."""
    if not (found["kind_c"] and _HEADS.fullmatch(found["kind_c"])):
        return False
    return bool(re.search(rf"{_TIMES}|@|\bat\b", found.string[found.end("kind_c") : found.start("price_c")], re.I))


def _ages(text: str, item: _Item) -> bool:
    """Whether a counted item's figure lists ages, not a price: an age's unit follows it ("Kids 2x5 yo", "kids x1 5
    y/o"), a figure joined to it as a list follows ("kids x2 (5, 7)", "Kids x2 5 and 7 years old"), or it is one
    whole under 20 for each head counted, joined by commas ("Kids x2 10,12"; not "Kids x2 12,50", cents)."""
    end = item.figures[1][1] if item.figures is not None else item.price[1] if item.price else None
    if end is not None and _AGE_UNIT.match(text, end):
        return True  # "Kids 2x5 yo", "kids x1 5 y/o"
    if item.figures is not None:
        return bool(_AGES_AFTER.match(text, item.figures[1][1]))  # "Kids 2x5 and 7"
    if item.heads is None or item.price is None:
        return False
    if _AGES_AFTER.match(text, item.price[1]):
        return True
    words = re.findall(r"[^\W\d_]+", text[item.price[0] : item.price[1]].lower())
    values = [NUMBER_WORDS.get(word, 100) for word in words if word != "and"]  # "hundred", "thousand": 100 on
    if any(first < 20 and second < 20 for first, second in pairwise(values)):
        return True  # "Kids x2 five and seven": two numbers in words, each under 20, are no one number
    parts = text[item.price[0] : item.price[1]].split(",")
    count = text[item.heads[0] : item.heads[1]]
    heads = int(count) if count.isdigit() else NUMBER_WORDS[count.lower()]
    return len(parts) == heads > 1 and all(part.isdigit() and int(part) < 20 for part in parts)


def _item(found: re.Match[str]) -> _Item:
    """An item as its shape says: its count and price, or for a figure on each side of an "x", both figures."""
    if found["kind_a"]:
        at = _at(found, "count_a", "price_a")
        kind = found["kind_a"].lower().rstrip("s")
        return _Item("a", found.span("count_a"), found.span("price_a"), None, at=at, apart=True, kind=kind)
    if found["kind_c"]:
        times = bool(re.search(_TIMES, found.string[found.end("kind_c") : found.start("price_c")]))
        at, kind = _at(found, "kind_c", "price_c"), found["kind_c"].lower().rstrip("s")
        return _Item(
            "c",
            found.span("count_c"),
            found.span("price_c"),
            None,
            times=times,
            at=at,
            apart=not (times or at),
            kind=kind,
        )
    if found["kind_d"]:
        at, kind = _at(found, "count_d", "price_d"), found["kind_d"].lower().rstrip("s")
        apart = found.string[found.end("count_d") : found.start("price_d")].isspace()  # "Adults 2 15"
        return _Item("d", found.span("count_d"), found.span("price_d"), None, at=at, apart=apart, kind=kind)
    if found["kind_e"]:  # "dog x1 5": read as "Adults x2 85" is, in a list of such items
        other = not _KIND_WORD.search(found["kind_e"])
        at = _at(found, "count_e", "price_e")
        kind = found["kind_e"].lower().rstrip("s")
        return _Item("a", found.span("count_e"), found.span("price_e"), None, other=other, at=at, apart=True, kind=kind)
    if found["kind_f"]:  # "littles 1x5": read as "kids 1x5" is, in a list of such items
        other = not _KIND_WORD.search(found["kind_f"])
        return _Item("b", None, None, (found.span("first_f"), found.span("second_f")), other=other)
    return _Item("b", None, None, (found.span("first"), found.span("second")))


def _at(found: re.Match[str], before: str, figure: str) -> str:
    """The "@" or "at" an item's figure follows after its count or kind ("Adults 2 @ 15", "2 adults at 10"), or ""."""
    at = _AT.search(found.string, found.end(before), found.start(figure))
    return at[0].lower() if at else ""


def _clocked(text: str, items: list[_Item]) -> set[str]:
    """After which of "@" and "at" a list's figures are times, not prices: both when an item's figure is a clock ("2
    adults at 10, 1 child at 10.30") or a word of a time comes before it in its clause, with no word of money between
    ("Pickup 2 adults at 10"; not "Pickup fee 2 adults at 15"); the one a time just beside it on its line follows
    ("Adults x2 at 16:00, kids x1 at 8"; not "Adults 2 @ 15, 2 Adults at 9:30", where the 15 after "@" is a price)."""
    if any(item.at and item.price and _CLOCK.fullmatch(text, *item.price) for item in items):
        return {"@", "at"}
    spans = [span for item in items for span in (item.heads, item.price, *(item.figures or ())) if span]
    first, last = min(start for start, _ in spans), max(end for _, end in spans)
    begin = max(text.rfind("\n", 0, first) + 1, first - _CLOCK_REACH)
    timed = _TIME_BEFORE.search(text, begin, first)
    # not when the word has its time already ("Departing 9:30 with 2 adults at 15"), nor a word of money between
    if timed and not re.search(r"\d", timed["rest"]) and not speaks(timed["rest"], NOTE_MONEY, MONEY_WORDS):
        return {"@", "at"}
    end = min(len(text) if (newline := text.find("\n", last)) < 0 else newline, last + _CLOCK_REACH)
    return {clock["at"].lower() for clock in _AT_CLOCK.finditer(text, begin, end)}


def _told(
    text: str, item: _Item, hidden: set[tuple[int, int]], doubted: frozenset[tuple[int, int]] = frozenset()
) -> _Item:
    """A "b" item with its price told from its count: the one of its figures that is a price while the other is not
    ("Adults 2 x 85", "Adult 85 x2"), by how it is written, else by which the notes hid surely ("Child: 1 x 5 USD",
    the 1 hidden only in `doubted`) or at all ("kids 2 x 5 paid"); as it was when both or neither are."""
    if item.figures is None:
        return item
    # two small figures hidden in doubt say nothing by which one is: how they are written does ("2x15"); nor, of a word
    # that is no kind of guest, does a price read before a count ("littles 1x5": a little at 5, as "kids 1x5" is)
    small = _small_pair(text, item.figures)
    tellers = (
        (set[tuple[int, int]](),) + (() if small and item.other else (hidden - doubted,)) + (() if small else (hidden,))
    )
    for told in tellers:
        first, second = (_a_price(text, figure, told) for figure in item.figures)
        if first != second:
            return _placed(item, second)
    return item


def _placed(item: _Item, second: bool) -> _Item:
    """A "b" item with its price the second of its figures, or the first."""
    if item.figures is None:
        return item
    count, price = item.figures if second else item.figures[::-1]
    return item._replace(heads=count, price=price)


def _both_prices(
    text: str, item: _Item, hidden: set[tuple[int, int]], named: frozenset[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Both figures of a "b" item still untold whose figures are both prices by their size ("Adults 25x30": 25 adults at
    30 or 30 at 25), to hide both; none for any other item."""
    if item.figures is None or item.price is not None:
        return ()
    return item.figures if all(_a_price(text, figure, hidden, named) for figure in item.figures) else ()


def _small_pair(text: str, figures: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    """Whether both figures of a "b" item are wholes under 20, so that neither says which is the price ("2x15")."""
    return all(text[start:end].isdigit() and int(text[start:end]) < 20 for start, end in figures)


def _price_second(text: str, item: _Item) -> bool:
    """Whether a "b" item's price is its second figure by how it is written: the count before the "x" ("2x15", "2 x
    15", "2x 15"), unless the "x" is written against the second figure alone ("15 x2", the count after it)."""
    if item.figures is None:
        return True
    between = text[item.figures[0][1] : item.figures[1][0]]
    return not (between[:1].isspace() and not between[-1:].isspace())


def _a_price(
    text: str, span: tuple[int, int], hidden: set[tuple[int, int]], named: frozenset[tuple[int, int]] = frozenset()
) -> bool:
    """Whether an item's figure is surely a price: hidden already, or from 20 on, with cents or in thousands, and not
    a figure the notes name otherwise (`named`: "at 10.30", a time)."""
    figure = text[span[0] : span[1]]
    if figure == HIDDEN_AMOUNT or any(start <= span[0] and span[1] <= end for start, end in hidden):
        return True  # hidden, alone or with its currency ("5 USD")
    if span in named:
        return False
    if figure[:1].isalpha():
        return spelled_value(figure) >= 20  # "eighty-five"; not "five"
    return not figure.isdigit() or int(figure) >= 20
