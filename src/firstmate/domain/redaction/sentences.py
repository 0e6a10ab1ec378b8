"""The sentences of a booking's notes, and which of them speak of money: a word of money in them, or an amount
hidden."""

from __future__ import annotations

import bisect
import re

from firstmate.domain.redaction.amounts import HIDDEN_AMOUNT, MARKUP, MONEY_WORDS
from firstmate.domain.redaction.figures import one_word
from firstmate.domain.redaction.note_words import (
    ANY_MONEY_WORD,
    NOTE_MAYBE,
    NOTE_MONEY,
    NOTE_TWO_WORDS,
    PAID_HEADS,
    SENTENCE_END,
)


class Sentences:
    """The sentences of a note, and which of them speak of money: a word of money in them, or an amount hidden."""

    def __init__(self, text: str) -> None:
        plain = MARKUP.sub(lambda markup: " " * len(markup[0]), text)  # "deposit&nbsp;200" is one sentence
        self.starts = [0] + [end.end() for end in SENTENCE_END.finditer(plain)]
        pieces = [plain[start:end] for start, end in zip(self.starts, [*self.starts[1:], len(plain)], strict=True)]
        self.money = [HIDDEN_AMOUNT in piece or speaks(piece, NOTE_MONEY) for piece in pieces]
        self.any_word = [speaks(piece, NOTE_MONEY, NOTE_MAYBE, MONEY_WORDS) for piece in pieces]
        #: whether any sentence speaks of money, or has any word of money: asked of each figure, kept not counted
        self.any_money, self.any_money_word = any(self.money), any(self.any_word)

    def at(self, position: int) -> int:
        """The index of the sentence `position` is in."""
        return bisect.bisect_right(self.starts, position) - 1

    def money_at(self, position: int) -> None:
        """The sentence `position` is in speaks of money: an amount was found in it."""
        self.money[self.at(position)] = True
        self.any_money = True


def speaks(sentence: str, *words: re.Pattern[str]) -> bool:
    """Whether a word of `sentence` is one of `words`: two words a note writes for one read as one ("gift card"),
    and not "paid" of "6 paid guests" nor "total" of "24 total"."""
    said = PAID_HEADS.sub(" ", NOTE_TWO_WORDS.sub(one_word, sentence))
    return any(kind.fullmatch(word) for word in ANY_MONEY_WORD.findall(said) for kind in words)
