"""Money in free text: a booking's notes as crew read them (`crew_notes`), and whether a channel's text
tells an amount (`speaks_of_money`). What each figure is, `readings` says; which sentences speak of money,
`sentences`; which figures of a list that counts kinds of guest are prices, `counted_lists`."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from firstmate.domain.redaction.amounts import (
    CURRENCY,
    FIGURE_THEN_CODE,
    GROUPS,
    HIDDEN_AMOUNT,
    MONEY_WORDS,
    PHONE,
    PRICED,
    SIGNED_FIGURE,
    SPELLED,
    WORD_THEN_FIGURE,
    spelled_value,
)
from firstmate.domain.redaction.counted_lists import counted_figures
from firstmate.domain.redaction.figures import amounts_apart, at_least_20, counted, is_phone
from firstmate.domain.redaction.note_words import (
    PAID_FOR_BEFORE,
    PAID_FOR_COUNTED_BEFORE,
    PER,
    PLACE_NUMBER_BEFORE,
    RANGE_JOINER,
    SOLD_BY,
    TOTAL_AFTER_COLON,
    TOTAL_ARROW,
    WORD_AFTER,
    YEAR,
)
from firstmate.domain.redaction.price_lists import PriceList, in_price_list, list_item
from firstmate.domain.redaction.readings import Reading, figure_reading, rises
from firstmate.domain.redaction.sentences import Sentences


def speaks_of_money(text: str, *, in_doubt: bool = True) -> bool:
    """Whether text a channel wrote tells an amount of money: a currency sign before a figure, a word of
    money with a figure right after it, or a figure in a currency in a text with a word of money
    ("Reserved - Rob S. - payout usd 524", "owner payout 624", "net payout after fees 624.00 USD"), or any
    figure a booking's notes hide from crew (`crew_notes`); not "Pickup at 10.30, total of 6 with the kids", "Tip:
    bring 2 towels", "Charge 2 phones" or "Owner use 2026". Without `in_doubt`, a figure from 20 on that nothing
    names ("Reserved - Rob S. - 624") tells money only in a text with a word of money."""
    if SIGNED_FIGURE.search(text) or WORD_THEN_FIGURE.search(text):
        return True
    if FIGURE_THEN_CODE.search(text) and MONEY_WORDS.search(text):
        return True
    return _without_money(text, everywhere=in_doubt) != text  # "Venmo 200", "collected 350"


#: A figure, with the currency before or after it if any ("$624", "usd 524", "1,200.00", "624.00 USD", "1.2k"),
#: or a number in words ("two hundred"), and a percent sign after it if any ("25%"); not part of a time, a date
#: or a word ("16:00", "12/06", "B2"), but a product's factor before its total's colon ("Lunch 6 x 15: 90"). A count
#: after "x" leaves the code after it to the price ("Kids x1 USD 5").
_NOTE_FIGURE = re.compile(
    rf"(?P<before>{CURRENCY}\s?)?"
    rf"(?:(?P<figure>(?:\d{{1,3}}(?:{GROUPS})+|\d+)(?:\.\d+|,\d\d?(?!\d))?[kK]?)(?!(?!(?i:pp|ea)\b|[xX]\d)(?:\w|(?!{TOTAL_AFTER_COLON}):)|/(?!\d{{3}}|(?i:{PER}|{SOLD_BY})\b)|[.,]\d)"
    rf"|(?P<spelled>(?i:{SPELLED})))"
    rf"(?P<after>(?<![xX×]\d)(?<![xX×]\d\d)\s?{CURRENCY})?(?P<percent>[ \t]?(?:%|(?i:percent|per cent)\b))?"
)


@lru_cache(maxsize=2048)  # a pure function of the text, read by every crew page, list, feed and mail of a trip
def crew_notes(notes: str) -> str:
    """A booking's notes as crew read them: each amount of money in them reads HIDDEN_AMOUNT ("Deposit 200
    paid", "Owner share 624", "paid 350 cash", "balance due 1200 on arrival", "Payout - $624", "Venmo 200",
    "collected 350", "two hundred paid", "Captain pay: 30%", "Paid 200 of 400", "Paid 200, rest 400 on arrival",
    "15 per head", "200 pounds"); every other figure as written ("6 guests", "6 paid guests", "slip 14", "2
    coolers", "16:00", "birthday: 40", "Rate: 5 knots", "discount 25%", "ALL 4 ON BOARD", "Deposit paid. TOP 3").

    A figure is money when a currency goes with it, when a word of money is right before it or after it, when it
    is a price per head, when it is the second of a pair whose first is money, or when it is in the place of a price
    in a list that counts kinds of guest and prices one ("Adults x2 85, kids x1 5": the 5 too; the counts stay). One
    nothing speaks of (no unit, count, label or time says what it is) is money in a sentence that speaks of money, and
    from 20 on anywhere else ("Sent 300 by bank transfer"; a year is a year in notes that say nothing of money): when
    in doubt, it is hidden."""
    return _without_money(notes, everywhere=True)


def _without_money(notes: str, *, everywhere: bool) -> str:
    """`notes` with each amount of money hidden; a figure from 20 on that nothing names anywhere when `everywhere`,
    else only in notes with a word of money."""
    priced, typed = _priced(notes)
    amounts = list(_HIDDEN.finditer(priced)) if HIDDEN_AMOUNT in priced else []
    # where a figure that makes the next of a pair money ends: an amount hidden, or a percentage of one
    firsts = {amount.end() for amount in amounts}
    sentences = Sentences(priced)
    phones = [span.span() for span in PHONE.finditer(priced) if is_phone(span[0]) and not amounts_apart(span)]
    # where a figure a word names ends ("ages 8"), for the next of a pair ("and 10"), and whether the word names a
    # list ("Ages 4, 7, 12 and 45")
    named: dict[int, bool] = {}
    readings: list[tuple[re.Match[str], Reading]] = []
    for found in _NOTE_FIGURE.finditer(priced):
        reading = figure_reading(found, firsts, sentences, phones, named)
        if reading == "money":
            firsts.add(found.end())
            sentences.money_at(found.start())
        readings.append((found, reading))
    return _hidden(priced, readings, sentences, amounts, everywhere, typed)


_HIDDEN = re.compile(re.escape(HIDDEN_AMOUNT))
#: Spaces a note may hold typed as characters of their own, each read as a space: a non-breaking space ("Max
#: 24\u00a0on board" is "Max 24&nbsp;on board"), a thin one, the narrow one French puts before "€", and the rest.
_SPACES = dict.fromkeys((0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000), " ")


def _priced(notes: str) -> tuple[str, str]:
    """`notes` with each amount a currency's sign or code says is money hidden (`PRICED`), to read, its spaces all
    read as spaces; and the same as written, its spaces as typed, for crew to read: each position the same in both.
    A currency between a count's "x" and a figure that counts something is the count's ("Ice x9€ 2 bags": 9 a bag, the
    2 bags stay)."""
    spaced = notes.translate(_SPACES)
    read, typed, last = [], [], 0
    for amount in PRICED.finditer(spaced):
        start, end = amount.span()
        glued = _GLUED_COUNT.search(spaced, max(last, start - 8), start)
        figure = _CURRENCY_FIRST.match(amount[0])
        following = WORD_AFTER.match(spaced, end)
        if glued and figure and following and counted(following[1]):
            start, end = glued.start(1), start + figure.end()  # "Ice x9€ 2 bags": the 9 and its sign
        read += [spaced[last:start], HIDDEN_AMOUNT]
        typed += [notes[last:start], HIDDEN_AMOUNT]
        last = end
    return _product_totals("".join(read) + spaced[last:], "".join(typed) + notes[last:])


#: A product glued by a colon to a total shaped as minutes ("Drinks 6x5:30", "Lunch 4 x 10:40"): its total if the
#: product makes it, else a time ("Dep 6 x 15:30").
_TIME_SHAPED_TOTAL = re.compile(
    r"(?<![\w.,:])(\d{1,3})[ \t]*[xX×][ \t]*(\d{1,3}(?:[.,]\d\d?)?):(?P<total>[0-5]\d)(?![\w:]|[.,]\d)"
)


def _product_totals(read: str, typed: str) -> tuple[str, str]:
    """`read` and `typed` with the total of each product `_TIME_SHAPED_TOTAL` finds hidden where count times price
    makes it ("6x5:30": 30 is no half past), so that its factors read as those of "6 x 15:90" do."""
    spans = [
        found.span("total")
        for found in _TIME_SHAPED_TOTAL.finditer(read)
        if Decimal(found[1]) * Decimal(found[2].replace(",", ".")) == Decimal(found["total"])
    ]
    for start, end in reversed(spans):
        read = read[:start] + HIDDEN_AMOUNT + read[end:]
        typed = typed[:start] + HIDDEN_AMOUNT + typed[end:]
    return read, typed


#: A count glued to its "x" right before an amount ("Ice x9€ 2 bags", "Bait x5 EUR 3 bags"), and the currency that
#: amount starts with.
_GLUED_COUNT = re.compile(r"[xX×](\d{1,3}(?:[.,]\d\d?)?)[ \t]?$")
_CURRENCY_FIRST = re.compile(r"[^\d\s]+(?=\s?\d)")


def _hidden(
    priced: str,
    readings: list[tuple[re.Match[str], Reading]],
    sentences: Sentences,
    amounts: list[re.Match[str]],
    everywhere: bool,
    typed: str,
) -> str:
    """`typed` (`priced` with its spaces as typed) with each figure its reading, its sentence, its price list or its
    range says is money hidden; the amounts a currency hid (`amounts`) are items of a price list too ("Bait $40. Ice
    15")."""
    spans: list[tuple[int, int]] = []  # the figures hidden
    doubted: set[tuple[int, int]] = set()  # those hidden only as a figure nothing names in a sentence of money
    listed: PriceList | None = None  # the last item hidden of a price list ("Bait 40")
    items: list[tuple[int, int, str | None]] = []  # the items hidden after it, read as a list's only when needed
    hidden: re.Match[str] | None = None  # the figure before, if it was hidden
    currencies = iter(amounts)
    currency = next(currencies, None)
    for found, reading in readings:
        while currency is not None and currency.end() <= found.start():
            items.append((currency.start(), currency.end(), None))
            currency = next(currencies, None)
        # a deck's, a bunk's or a level's number is an item of a price list as any figure ("Tips: skipper 40, deck 15")
        listable = reading in ("unsaid", "quantity") or (
            reading == "named"
            and PLACE_NUMBER_BEFORE.search(priced, max(0, found.start() - 12), found.start()) is not None
        )
        if items and listable:
            for start, end, written in items:
                listed = list_item(priced, start, end, written, listed)
            items.clear()
        sure = (
            reading == "money"
            or (listable and in_price_list(found, listed))  # "Adults 85, kids 12, infants 4"
            or _ends_a_range(found, hidden)
        )
        if sure or (
            (reading == "unsaid" and _unsaid_is_money(found, sentences, everywhere))
            or (reading == "quantity" and _unsaid_is_money(found, sentences, everywhere=False))
        ):
            spans.append(found.span())
            if not sure:
                doubted.add(found.span())
            items.append((found.start(), found.end(), found["figure"] or str(spelled_value(found["spelled"]))))
            hidden = found
        else:
            listed = hidden = None
            items.clear()
    # "Adults x2 85, kids x1 5": the 5 too; and a count in doubt shows ("Adults 2 x 85, deposit paid")
    # a figure a word names ("at 10.30", a time) makes no counted list priced, unless hidden
    named = frozenset(found.span() for found, reading in readings if reading == "named")
    prices, counts = counted_figures(priced, set(spans), named, frozenset(doubted))
    hiding = ({*spans} | prices) - (counts & doubted)
    shown, last = [], 0
    for start, end in sorted(hiding | _factors(readings, hiding), key=lambda span: (span[0], -span[1])):
        if start >= last and priced[start:end] != HIDDEN_AMOUNT:
            shown += [typed[last:start], HIDDEN_AMOUNT]
            last = end
    return "".join(shown) + typed[last:]


#: What joins two factors ("6 x 15"), and the product to its total ("6 x 15 = 90", "6x15=90", "6 x 15 - 90", "6 x 15
#: -> 90").
_TIMES_JOINER = re.compile(r"[ \t]*[xX×][ \t]*")
_TOTAL_JOINER = re.compile(rf"[ \t]*(?:{TOTAL_ARROW}|[-–=:])?[ \t]*")


def _factors(readings: list[tuple[re.Match[str], Reading]], hiding: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The figures of a product whose total is hidden that may be its price of each, nothing naming them: both when
    nothing says which is the price ("Lunch 6 x 15 = 90", "Lunch 15 x 6 = 90"), in doubt; when one is hidden, the
    other if larger ("Lunch [6] x 13 = 78"), not a smaller one, its count ("Lunch 6 x 25 = 150", "Adults 2 x 85 =
    170"); not a figure after a place's number, its count ("Slip 14 x 2 - 80 total")."""
    factors: set[tuple[int, int]] = set()
    for (first, read_first), (second, read_second), (total, _) in zip(
        readings, readings[1:], readings[2:], strict=False
    ):
        text = total.string
        if not (
            total.span() in hiding
            and read_first != "named"
            and _TIMES_JOINER.fullmatch(text, first.end(), second.start())
            and _TOTAL_JOINER.fullmatch(text, second.end(), total.start())
            and total.start() > second.end()
        ):
            continue
        pair = ((first, read_first, second), (second, read_second, first))
        for found, reading, other in pair:
            smaller = other.span() in hiding and rises(found["figure"], other["figure"] or "")
            if reading == "unsaid" and found.span() not in hiding and not smaller:
                factors.add(found.span())
    return factors


def _ends_a_range(found: re.Match[str], hidden: re.Match[str] | None) -> bool:
    """Whether a figure is the end of a range whose start was hidden: what follows the range said what both are
    ("300-400 on the day", "1.5k-2k"); not a smaller figure after a dash ("Deposit 200 - 6 guests")."""
    if hidden is None or not found["figure"] or not RANGE_JOINER.fullmatch(found.string, hidden.end(), found.start()):
        return False
    return rises(hidden["figure"], found["figure"])


def _unsaid_is_money(found: re.Match[str], sentences: Sentences, everywhere: bool) -> bool:
    """Whether a figure nothing says anything of is money: in a sentence that speaks of money, yes ("Paid 200, rest
    400 on arrival"); after what a party pays for by itself, in doubt, yes ("Parking 5", "Ice 8"); elsewhere from 20
    on ("Deposit paid. 400 on arrival", "Owner rate applies: 350 for the day", "Sent 300 by bank transfer"; not
    "Deposit paid. TOP 3"), but for a year in notes without a word of money ("Owner use 2026"). A number in words
    under 20 is a count ("Deposit: three life jackets")."""
    if everywhere and _paid_for(found, sentences.plain):
        return True  # "Parking 5", "Fuel 12", "Ice 8", "Parking five": a price as often as a count, in doubt money
    if found["spelled"] and spelled_value(found["spelled"]) < 20:
        return False
    if sentences.money[sentences.at(found.start())]:
        return True
    if not at_least_20(found):
        return False
    if sentences.any_money or sentences.any_money_word:
        return True
    return everywhere and not YEAR.fullmatch(found["figure"] or "")


#: Dozens after a figure: what it counts ("Bait 2 dozen", "Bait 3 doz").
_DOZENS = re.compile(r"[ \t]*(?:dozen|doz)\b", re.IGNORECASE)
#: The second factor of a product after its first ("Ice 2x8", "Fuel 2 x 85", "Ice 2x8 bags"), and the word after it.
_SECOND_FACTOR = re.compile(r"[ \t]*[xX×][ \t]*(\d+(?:[.,]\d+)?)(?:[ \t]*([^\W\d_]+))?")


def _paid_for(found: re.Match[str], plain: str) -> bool:
    """Whether a small figure follows what a party pays for by itself (`PAID_FOR_BEFORE`: "Parking 5", "Ice 8", "Ice
    2x8": both factors), or its count and what that counts ("Ice 3 bags 8"); not the count of a product whose other
    factor is surely a price or counts something ("Fuel 2x85", "Ice 2x8 bags"), nor a figure a word after it says it
    counts ("Rentals 2 kayaks 1 canoe")."""
    if not PAID_FOR_BEFORE.search(plain, max(0, found.start() - 24), found.start()):
        counted_before = PAID_FOR_COUNTED_BEFORE.search(plain, max(0, found.start() - 40), found.start())
        return counted_before is not None and not WORD_AFTER.match(plain, found.end())
    if _DOZENS.match(plain, found.end()):
        return False  # "Bait 2 dozen": a count (a dozen's price is "6 a dozen", "6/dozen")
    second = _SECOND_FACTOR.match(plain, found.end())
    if second is None:
        return True
    figure, word = second[1], second[2] or ""
    return figure.isdigit() and int(figure) < 20 and not counted(word)
