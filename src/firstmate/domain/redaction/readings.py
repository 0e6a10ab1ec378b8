"""What a figure of a booking's notes is, by where it stands, its shape and the words around it: money, one a word
names, another shown as written, one a word of quantity says is a count, or one nothing says anything of.
`notes` hides those that are money."""

from __future__ import annotations

import re
from typing import Literal

from firstmate.domain.redaction.amounts import MARKUP, WORD_CODES, figure_size, spelled_value
from firstmate.domain.redaction.at_words import (
    AT_TIME_WORDS,
    CLOCK_AFTER,
    COUNT_BEFORE_AT,
    COUNTED_AT,
    HEADS_AT,
    HIRED_AT,
    HOUR_SHAPED,
    NOT_COUNTED_AT,
    PRICE_AT_NEAR,
    TIME_WORD_BEFORE_AT,
    WORD_AT,
    WORD_COUNT_AT,
)
from firstmate.domain.redaction.figures import (
    at_least_20,
    counted,
    counted_after_a_word,
    counted_shape,
    guest_item,
    heads_of_a_kind,
    is_note_money_word,
    one_word,
    pair_start,
    word_before,
)
from firstmate.domain.redaction.note_words import (
    ABOARD,
    ABOARD_PRICED,
    AGE_OF,
    AT_CLOCK_WORD,
    CARRIERS,
    CATCH_LIMIT,
    CLAUSE_BREAK,
    CLOCK_ENDS,
    CLOCK_SHAPED,
    CLOCK_WORD_AT,
    EACH,
    EACH_FOR,
    FEET,
    FOR_HEADS,
    LIST_COMMA,
    LIST_REST,
    NAMED_PAIR_JOINER,
    NOTE_APIECE,
    NOTE_CLOCK_WORD,
    NOTE_HEADCOUNT,
    NOTE_LABEL,
    NOTE_MAYBE,
    NOTE_MONEY_AFTER,
    NOTE_PAID_BY,
    NOTE_PAY,
    NOTE_TIME_WORD,
    NOTE_TWO_WORDS,
    OWN_CURRENCY_AFTER,
    OWN_CURRENCY_BEFORE_COUNT,
    PAID_AFTER,
    PAID_FOR_COUNTED_AT,
    PAIR_JOINER,
    PERCENT_AFTER,
    PHONE_SHAPED,
    PLACE_NUMBER_PRICED_AFTER,
    PLACE_NUMBER_WORDS,
    PLACE_PRICED_AFTER,
    PLACE_TIMES,
    PRICED_AT,
    PRODUCT_BEFORE,
    PRODUCT_COLON,
    QUANTITY_AFTER,
    QUANTITY_BEFORE,
    RANGE,
    SMALL_COUNT_WORDS,
    SPACED_COLON_BEFORE,
    STREET_AFTER,
    TIME_SHAPED,
    TIMES,
    WORD_AFTER,
    ZERO_CLOCK,
)
from firstmate.domain.redaction.sentences import Sentences

#: What a figure of the notes is: money, one a word names ("slip 14", and so "and 15" after it), another shown as
#: written, one a word of quantity alone says is a count ("approx 25"), which the notes decide, or one nothing says
#: anything of, which its sentence and the notes decide.
Reading = Literal["money", "named", "other", "quantity", "unsaid"]


def rises(first: str | None, second: str) -> bool:
    """Whether two figures joined by a dash or "to" make a range: the second the larger ("20-25", "1.5k-2k"); in
    doubt, a figure written in a way read here as no size (a number in words, "1.200,50"), yes."""
    low, high = figure_size(first or ""), figure_size(second)
    return low is None or high is None or high > low


def figure_reading(
    found: re.Match[str],
    firsts: set[int],
    sentences: Sentences,
    phones: list[tuple[int, int]],
    named: dict[int, bool],
) -> Reading:
    """What a figure of the notes is: by where it stands (a phone number, part of a word), a percent or a currency
    with it, and its shape (a clock with a leading zero, a head count on board); then by what follows it and the words
    before it. `firsts` gains the end of a percentage of an amount ("Deposit 50% = 600"), `named` the end of a figure
    a word names ("slip 14"), each for the figure after it."""
    text, start, end = found.string, found.start(), found.end()
    if any(begin <= start < finish for begin, finish in phones):
        return "other"  # "Deposit paid, call 415 555 0148", "Paid 2026-06-12"
    joiner = PAIR_JOINER.fullmatch(text, pair_start(start, firsts), start) if start else None
    second = joiner is not None and joiner.start() in firsts  # "Paid 200 of 400": the 400 too
    joined = start and (text[start - 1].isalnum() or text[start - 1] in "_+-#:/.,")
    # "Lunch 6 x 15:90", "Lunch 6x15 :90": the product's total, no minutes
    joined = joined and not (
        PRODUCT_COLON.match(text, start - 1) or SPACED_COLON_BEFORE.search(text, max(0, start - 16), start)
    )
    before_a_count = OWN_CURRENCY_BEFORE_COUNT.match(text, end)
    own = OWN_CURRENCY_AFTER.match(text, end) or (before_a_count and counted(before_a_count[1]))
    if found["figure"] and joined and text[start - 1] in "xX×" and own:
        return "money"  # "Ice x9€", "Slip 14x2 eur", "Bait x5 EUR 3 bags": a count no price follows owns the currency
    # "Paid 2x150", "Total 2x850": a count times a figure, the figure read on its own ("2x20 min", "4x4 truck")
    joined = joined and not (start >= 2 and text[start - 1] in "xX×" and text[start - 2].isdigit())
    if found["figure"] and not found["before"] and joined and not second:
        return "other"  # part of a word, a time, a date or a phone number ("B2", "16:00", "+1 415")
    # its words near the figure, markup read as spaces (a word of money further back in the clause: `Sentences.priced`)
    clause = _clause(sentences.plain, start, sentences.reach(start))
    word = word_before(clause)
    money_word = word if word is not None and is_note_money_word(word) else None
    ranged = RANGE.match(text, end)
    ranged = ranged if ranged and rises(found["figure"], ranged[1]) else None  # not "200 - 6 guests"
    if found["percent"] or (ranged and PERCENT_AFTER.match(text, ranged.end())):  # "tip 15-20%": a range of rates
        if money_word is not None:
            firsts.add(end)  # "Deposit 50% = 600": the 600 is money
        return "money" if money_word and NOTE_PAY.fullmatch(money_word) else "other"  # not "discount 25%"
    currency = (found["before"] or found["after"] or "").strip()
    if currency in WORD_CODES and not sentences.any_word[sentences.at(start)]:
        currency = ""  # "ALL 4 ON BOARD", "Deposit paid. TOP 3": a word in capitals, not the lek or the pa'anga
    if currency in ("$", "€", "£", "¥"):
        return "money"
    if not currency and ZERO_CLOCK.fullmatch(found["figure"] or ""):
        named[end] = False
        return "named"  # "ETA 0930 balance 400", "0930 departure": no amount is written with a leading zero
    if not currency and PHONE_SHAPED.fullmatch(found["figure"] or ""):
        return "other"  # "Guest 07700900123": a phone number, and no amount either
    if NOTE_HEADCOUNT.match(text, end):
        return "other"  # "6 paid guests", "Paid 4 of 6 guests"
    aboard = ABOARD.match(sentences.plain, end)  # markup read as spaces ("Max <span>24</span> on board")
    if aboard and ABOARD_PRICED.match(sentences.plain, aboard.end()):
        return "money"  # "Max 24 onboard fee", "max 24 on board per head": a price, not a head count
    if QUANTITY_BEFORE.search(clause) and aboard and counted_shape(found) and not sentences.priced(start):
        return "other"  # "Max 24 on board"; not "Tip max 50 on board"
    # "20-25 guests", "20-25 per person": what follows the range says
    return _reading_by_what_follows(
        found, ranged.end() if ranged else end, clause, word, money_word, bool(currency) or second, sentences, named
    )


def _reading_by_what_follows(
    found: re.Match[str],
    end: int,
    clause: str,
    word: str | None,
    money_word: str | None,
    money_if_unnamed: bool,
    sentences: Sentences,
    named: dict[int, bool],
) -> Reading:
    """What the words after a figure (or after the range it starts, which `end` ends) say it is ("200 paid", "at
    1600", "15 per head", "2 bags", "38' sloop", "1234 Ocean Ave"); else money when `money_if_unnamed` (a currency
    goes with it, or it is the second of a pair whose first is money), else what the words before it say."""
    text, start = found.string, found.start()
    if NOTE_MONEY_AFTER.match(text, end) or NOTE_PAID_BY.match(text, end):
        return "money"
    if _timed(found, end, clause, word, sentences):
        named[end] = False
        return "named"  # "Pickup 10.30 each", "at 9"
    if CATCH_LIMIT.search(clause):
        named[end] = False
        return "named"  # "Catch limit 20 per person": a count per person
    each = EACH.match(text, end) and not EACH_FOR.match(text, end)  # not "3 vans, 15 each for parking": a price
    if each and not at_least_20(found) and CARRIERS.search(text, sentences.reach(start), start):
        return "other"  # "3 vans, 8 each": how many ride in each
    if NOTE_APIECE.match(text, end):
        return "money"  # "15 per head", "12pp", "300 each"; not "2 each of snacks"
    following = WORD_AFTER.match(text, end)
    after = following[1] if following else ""
    if (counted(after) and not TIMES.match(text, end) and not guest_item(found, money_word)) or (
        money_word is None and counted_after_a_word(text, end)
    ):
        return "other"  # "Deposit 2 bags", "ALL 3 COOLERS" (a code in capitals is also a word), "20 life jackets"
    if text.startswith(FEET, end) and not (start and text[start - 1] in FEET):
        return "other"  # "38' sloop"; not "paid '200'"
    if STREET_AFTER.match(text, end):
        return "other"  # "Pickup at 1234 Ocean Ave"
    if money_if_unnamed:
        return "money"
    return _reading_by_word(found, clause, word, money_word, sentences, named)


def _timed(found: re.Match[str], end: int, clause: str, word: str | None, sentences: Sentences) -> bool:
    """Whether a figure is a time of day, by the word before it and its shape ("Pickup 10.30", "at 9", "Pickup 0830",
    "Late checkout at 1600"); `end` ends it, or the range it starts."""
    text, figure = found.string, found["figure"] or ""
    if word == "@" and _priced_each(clause, figure, text, found.start(), end):
        return False  # "1 kid @ 5", "Lunch 6 @ 15": a price of each
    if word == "@" and CLOCK_SHAPED.fullmatch(figure) and (HIRED_AT.search(clause) or not CLOCK_ENDS.match(text, end)):
        return False  # "Full day @ 1800", "Boat @ 1500/day": a price; "back @ 1530" a time
    if word == "at" and PAID_FOR_COUNTED_AT.search(clause) and not CLOCK_AFTER.match(text, end):
        return False  # "Ice 3 bags at 8": a price of each bag; "Back at 8" a time
    timed = word is not None and bool(NOTE_TIME_WORD.fullmatch(word) and TIME_SHAPED.fullmatch(figure))
    # "Pickup 0830": a 24-hour clock, in a sentence with no word of money, or ending its words in one ("Pickup 0830,
    # balance 400 cash"; "Pickup 1500 extra, deposit paid" may price the pickup)
    sentence = sentences.at(found.start())
    timed = timed or (
        word is not None
        and bool(NOTE_CLOCK_WORD.fullmatch(word) and CLOCK_SHAPED.fullmatch(figure))
        and (not sentences.any_word[sentence] or bool(CLOCK_ENDS.match(text, end)))
    )
    # "Late checkout at 1600": after "at", "by" or "till", in a sentence with no word of money ("Deposit due by 1200"
    # may be the amount) and no word of a price before it ("Quoted at 1600")
    return timed or (
        word is not None
        and bool(AT_CLOCK_WORD.fullmatch(word) and CLOCK_SHAPED.fullmatch(figure))
        and (
            not (sentences.any_word[sentence] or sentences.money[sentence] or PRICED_AT.search(clause))
            or bool(CLOCK_WORD_AT.search(clause) and CLOCK_ENDS.match(text, end))  # "Balance 200, meet at 1745"
        )
    )


def _priced_each(clause: str, figure: str, text: str, start: int, end: int) -> bool:
    """Whether the figure after "@" is a price of each: after a count of something ("1 kid @ 5", "2x adults @ 15",
    "Table 4 x 6 @ 8"), any figure after the word of what it counts and its count, shaped as a clock too ("Lunch 6 @
    15", "Lunch (6) @ 15", "Lunch 6 @ 12.50", "Lunch 6 @ 1230"), or after that word alone ("Lunch @ 15", "Charter @
    1800"); not one a word of a time follows ("Lunch 6 @ 7 sharp", "@ 7pm"), nor after a place, a time or who is to be
    there ("Slip 6 @ 10", "Pickup 6 @ 10", "back @ 1530", "Crew @ 7"), nor a clock's shape after a kind of guest and
    its count ("Adults 2 @ 9.30": the party's time as often). A time with ":" is no figure here ("Lunch 6 @ 12:30")."""
    if clause.strip(" \t") == "@" and text[max(0, start - 40) : start].rstrip(" \t@").endswith(")"):
        clause = text[max(0, start - 40) : start].translate(_BRACKETS)  # "Lunch (6) @ 15": the bracket ends a clause
    if COUNTED_AT.search(clause):
        return True
    if CLOCK_AFTER.match(text, end) or TIME_WORD_BEFORE_AT.search(clause):
        return False
    counted_at = WORD_COUNT_AT.search(clause)
    if counted_at is not None:
        if NOT_COUNTED_AT.fullmatch(counted_at["word"]):
            return False
        return not HEADS_AT.fullmatch(counted_at["word"]) or (figure.isdigit() and not CLOCK_SHAPED.fullmatch(figure))
    word_at = WORD_AT.search(clause)
    if word_at is None or AT_TIME_WORDS.fullmatch(word_at["word"]):
        return False
    # "Dinner @ 7", "Ceremony @ 5.30": an hour's shape is a time, unless a price after "@" is near ("Drinks @ 6, lunch
    # @ 15"; looked for within 60 characters, so a long note reads in a time linear in its length) or it is priced
    # each or in a currency ("Drinks @ 6 each", "Drinks @ 6 USD")
    return (
        not HOUR_SHAPED.fullmatch(figure)
        or any(word.match(text, start + len(figure)) for word in (NOTE_APIECE, OWN_CURRENCY_AFTER))
        or bool(PRICE_AT_NEAR.search(text, *_line_near(text, start, end)))
    )


def _line_near(text: str, start: int, end: int) -> tuple[int, int]:
    """Where to look for a price near a figure: its line, 60 characters either side at most."""
    low, high = max(0, start - 60), min(len(text), end + 60)
    before, after = text.rfind("\n", low, start), text.find("\n", end, high)
    return (low if before < 0 else before + 1), (high if after < 0 else after)


#: Brackets around a count before "@", read as spaces ("Lunch (6) @ 15", "Lunch (x6) @ 15").
_BRACKETS = str.maketrans("()", "  ")


def _reading_by_word(
    found: re.Match[str],
    clause: str,
    word: str | None,
    money_word: str | None,
    sentences: Sentences,
    named: dict[int, bool],
) -> Reading:
    """What the words before a figure say it is ("Deposit 200", "Total: 1290", "slip 14", "party of 6", "ages 8 and
    10", "Ages 4, 7, 12 and 45", "Lunch for 22", "grandma is 82", "approx 25"), or "unsaid"."""
    if word == "@":
        return "money"  # "3 adults @ 75"
    if money_word is not None:
        if found["spelled"]:  # "owes one hundred", "Tip of fifty"; not "Deposit: three life jackets"
            return "money" if spelled_value(found["spelled"]) >= 20 else "other"
        if NOTE_MAYBE.fullmatch(money_word):
            return "money" if at_least_20(found) else "other"  # "Deposit paid, total of 6"
        return "money"
    text, start, end = found.string, found.start(), found.end()
    counts_a_place = (
        found["figure"] in _DIGITS
        and _after_a_place(clause)
        and not PLACE_PRICED_AFTER.match(sentences.plain, end)  # not "Slip 14x2€", "Lot 3 x 9 a day"
    )
    if counts_a_place and not sentences.priced(start):  # a word of money anywhere before it in its clause
        return "other"  # "Slip 14 x 2, deposit paid": how many of the place; not "Slip 14 x 45", "Paid slip 14 x 2"
    if word == "for" and found["figure"] and PAID_AFTER.match(text, end):
        return "money"  # "Lunch for 45, paid", "Lunch for 12 - paid": what the lunch cost
    small = word in SMALL_COUNT_WORDS and not at_least_20(found)
    if small and word in PLACE_NUMBER_WORDS and (PLACE_NUMBER_PRICED_AFTER.match(text, end) or sentences.priced(start)):
        small = False  # "Deck 5 + tax", "Bed 10 nightly", "Tip bed 15": a price of the place, not its number
    if small and word in _DECKS and found["figure"] not in _DIGITS:
        small = False  # "Deck 15, deposit paid": a boat has a few decks, so from 10 on in doubt a price
    if (word is not None and NOTE_LABEL.fullmatch(word)) or small:
        named[end] = word is not None and word.lower().endswith("s")  # "Ages 4, 7": a plural word names a list
        return "named"  # "slip 14", "Gift card for 2", "kids under 5"
    counted = counted_shape(found)
    plain = sentences.plain  # markup read as spaces ("Lunch <b>6</b> @ 15")
    at = COUNT_BEFORE_AT.match(plain, end) if counted else None
    if at is not None and WORD_COUNT_AT.search(clause + plain[start : at.end()]):
        return "other"  # "Ice 3 @ 8", "Lunch 6 @ 15, deposit paid": the count, its price after "@"
    if (
        counted
        and ((word == "for" and FOR_HEADS.search(clause)) or AGE_OF.search(clause))
        and not sentences.priced(start)
    ):
        named[end] = False
        return "named"  # "Lunch for 22", "grandma is 82"; not "Paid lunch for 30"
    # the figures named just before this one, nearest last: only spaces, a comma or a joiner between
    near = start - 6
    while near > 0 and text[near - 1] in " \t,":
        near -= 1
    for first in range(near, start):
        if first not in named:
            continue
        names_a_list = named[first]
        if start - 6 <= first < start and NAMED_PAIR_JOINER.fullmatch(text, first, start):
            named[end] = names_a_list
            return "named"  # "ages 8 and 10"
        if names_a_list and counted and LIST_COMMA.fullmatch(text, first, start) and LIST_REST.match(text, end):
            named[end] = True
            return "named"  # "Ages 4, 7, 12 and 45"
    summed = QUANTITY_AFTER.match(text, end) and not PRODUCT_BEFORE.search(clause)  # not "Slip 14 x 2 - 80 total"
    if counted and (QUANTITY_BEFORE.search(clause) or summed or heads_of_a_kind(found)):
        return "quantity"  # "approx 25", "24 total", "Adults 22, kids 4"
    return "unsaid"


#: A single digit: after a place's number and an "x", a count of the place (`PLACE_TIMES`).
_DIGITS = frozenset("123456789")
#: Words before a deck's number: a boat's decks are fewer than ten (`PLACE_NUMBER_WORDS` otherwise under 20).
_DECKS = frozenset({"deck", "decks"})


def _after_a_place(clause: str) -> bool:
    """Whether `clause` ends in a place's number and an "x" (`PLACE_TIMES`): searched for only when it ends in a number
    and an "x" after a word, as "Slip 14 x" does ("2x3 2x3 …" asks it of each figure, the search the slow part)."""
    head = clause.rstrip(" \t")
    if head[-1:] not in ("x", "X", "×"):
        return False
    head = head[:-1].rstrip(" \t")
    head = head[:-1] if head[-1:].isalpha() else head  # its letter ("Cabin 2C x")
    before = head
    while before[-1:].isdecimal():
        before = before[:-1]
    before = before.rstrip(" \t").rstrip("#:").rstrip(" \t")
    return len(before) < len(head) and before[-1:].isalpha() and PLACE_TIMES.search(clause) is not None


def _clause(text: str, start: int, reach: int) -> str:
    """The clause before the figure at `start`, as read from `reach` on: two words for one as one, markup a space."""
    return CLAUSE_BREAK.split(MARKUP.sub(" ", NOTE_TWO_WORDS.sub(one_word, text[reach:start])))[-1]
