"""What a figure in a note is by its shape and the words around it: the count of a kind of guest, what the word
after it counts, a phone number, amounts a space apart, a figure of 20 or more, and the word before it that names
it. The rules of `readings` ask these; they read no more than the text around the figure."""

from __future__ import annotations

import re

from firstmate.domain.redaction.amounts import NUMBER_WORDS, spelled_value
from firstmate.domain.redaction.note_words import (
    CLAUSE_BREAK,
    FLIGHT,
    GUEST_KINDS,
    LIST_ITEM_WORD,
    MOST_COUNTED,
    MOST_OF_A_KIND,
    NEXT_GUEST_COUNT,
    NEXT_GUEST_ITEM,
    NOT_DESCRIBING,
    NOT_PLURALS,
    NOTE_COUNTED,
    NOTE_FILLERS,
    NOTE_LABEL,
    NOTE_MAYBE,
    NOTE_MONEY,
    NOTE_MONEY_AFTER,
    NOTE_TIME_WORD,
    NOTE_TWO_WORDS,
    NOTE_WORD,
    SMALL_COUNT_WORDS,
    TWO_WORDS_AFTER,
)


def guest_item(found: re.Match[str], money_word: str | None) -> bool:
    """Whether a figure is the price or count of a kind of guest, or an amount a word of money names, in a list written
    without commas, the next kind of guest and its figure after it ("Adults 85 kids 5", "Deposit 200 kids 4"), not a
    count of that next kind ("4 adults 2 kids")."""
    if not NEXT_GUEST_ITEM.match(found.string, found.end()):
        return False
    item = LIST_ITEM_WORD.search(found.string, max(0, found.start() - 40), found.start())
    return money_word is not None or (item is not None and bool(GUEST_KINDS.fullmatch(item[1])))


def heads_of_a_kind(found: re.Match[str]) -> bool:
    """Whether a figure after a kind of guest is their count: under MOST_OF_A_KIND, with the next kind of guest's
    single digit after it ("Adults 22, kids 4"); not "Adults 22, kids 14", which may price both."""
    text, start = found.string, found.start()
    if not NEXT_GUEST_COUNT.match(text, found.end()):
        return False  # the cheaper test first: most figures have no kind of guest after them
    item = LIST_ITEM_WORD.search(text, max(0, start - 40), start)
    if item is None or not GUEST_KINDS.fullmatch(item[1]):
        return False
    return (spelled_value(found["spelled"]) if found["spelled"] else int(found["figure"])) < MOST_OF_A_KIND


def counted(word: str) -> bool:
    """Whether a word after a figure is what it counts: a plural, or a word of NOTE_COUNTED ("2 bags", "5 knots")."""
    return bool(NOTE_COUNTED.fullmatch(word)) or (word.lower().endswith("s") and word.lower() not in NOT_PLURALS)


def counted_after_a_word(text: str, end: int) -> bool:
    """Whether the second word after a figure is what it counts, the first describing it ("20 life jackets", "1
    large cooler", "2 no-shows"); not when the first is a word of money, of a number or of grammar ("Paid 200 two
    days ago"). Only for a figure no word of money comes before: "Deposit 200 bank transfers" is money."""
    two = TWO_WORDS_AFTER.match(text, end)
    if two is None or two[1].lower() in NOT_DESCRIBING or NUMBER_WORDS.get(two[1].lower()):
        return False
    return not (is_note_money_word(two[1]) or NOTE_MONEY_AFTER.fullmatch(two[1])) and counted(two[2])


def one_word(two: re.Match[str]) -> str:
    """Two words naming one thing ("gift card", "engine hours", "pick up") written as one, read as a single word."""
    return re.sub(r"[ \t-]+", "", two[0])


def is_phone(text: str) -> bool:
    """Whether digits in groups are a phone number rather than an amount grouped in thousands ("1 200 000")."""
    groups = re.findall(r"\d+", text)
    if sum(len(group) for group in groups) < 7:
        return False
    if any(len(group) > 4 for group in groups) and not text.startswith(("+", "(", "0")):
        return False  # "+44 7700 900123", "07700 900123"; not "Paid 1200 300000"
    return text.startswith(("+", "(")) or "-" in text or any(len(group) != 3 for group in groups[1:])


def amounts_apart(digits: re.Match[str]) -> bool:
    """Whether digits in groups a space apart are amounts after a word of money, not a phone number ("Total 2400 1200
    paid"); with a sign of a phone ("+", "(", "-") they are one ("Deposit paid 415-555-0148")."""
    if re.search(r"[+(\-.]", digits[0]):
        return False
    clause = CLAUSE_BREAK.split(digits.string[max(0, digits.start() - 60) : digits.start()])[-1]
    word = word_before(NOTE_TWO_WORDS.sub(one_word, clause))
    return word is not None and is_note_money_word(word)


def pair_start(start: int, firsts: set[int]) -> int:
    """Where the joiner before the figure at `start` would begin: the end of the nearest first figure before it."""
    return next((first for first in range(start, start - 13, -1) if first in firsts), start)


#: How far before a figure the words of its clause are read ("Tip max 50 on board", "Paid lunch for 30"), in
#: characters that are neither markup nor spaces: the words that say what a figure is stand near it, and a clause read
#: whole before each figure made a long note's redaction grow with the square of its length.
CLAUSE_REACH = 100


def counted_shape(found: re.Match[str]) -> bool:
    """Whether a figure could be a head count or an age: a whole number under MOST_COUNTED ("22", "twenty")."""
    if found["spelled"]:
        return spelled_value(found["spelled"]) < MOST_COUNTED
    figure = found["figure"] or ""
    return figure.isdigit() and int(figure) < MOST_COUNTED


def at_least_20(found: re.Match[str]) -> bool:
    """Whether a figure is 20 or more, or has cents or thousands ("Total: 1290", "Total: 1,150", "net 2.50",
    "1.2k"); a comma before three digits groups thousands, before one or two it starts the cents ("2,50")."""
    if found["spelled"]:
        return spelled_value(found["spelled"]) >= 20
    figure = found["figure"]
    whole = re.sub(r",(?=\d{3}(?!\d))", "", figure).split(",")[0]
    return "." in figure or figure.endswith(("k", "K")) or float(re.sub(r"[^\d]", "", whole) or 0) >= 20


def is_note_money_word(word: str) -> bool:
    """Whether `word` is a word of money, sure (NOTE_MONEY: "paid", "deposit") or less so (NOTE_MAYBE: "total")."""
    return bool(NOTE_MONEY.fullmatch(word) or NOTE_MAYBE.fullmatch(word))


def word_before(clause: str) -> str | None:
    """The word of money (NOTE_MONEY, NOTE_MAYBE), of a time (NOTE_TIME_WORD) or naming what a figure is
    (NOTE_LABEL, SMALL_COUNT_WORDS) the figure after `clause` follows, over at most two fillers ("balance due",
    "deposit of", "owes us", "party of"), or None."""
    if FLIGHT.search(clause):
        return "flight"  # "flight DL 1432": the airline's code between the word and its number
    words: list[str] = NOTE_WORD.findall(clause)
    for fillers, word in enumerate(reversed(words)):
        if is_note_money_word(word) or NOTE_LABEL.fullmatch(word) or NOTE_TIME_WORD.fullmatch(word):
            return word
        if word.lower() in SMALL_COUNT_WORDS and fillers == 0:
            return word.lower()
        if word.isdigit() or fillers == 2 or not NOTE_FILLERS.fullmatch(word):
            return None
    return None
