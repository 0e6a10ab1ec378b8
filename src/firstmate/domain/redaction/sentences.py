"""The sentences of a booking's notes, and which of them speak of money: a word of money in them, or an amount
hidden."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from firstmate.domain.redaction.amounts import HIDDEN_AMOUNT, MARKUP, MONEY_WORDS
from firstmate.domain.redaction.figures import CLAUSE_REACH, one_word
from firstmate.domain.redaction.note_words import (
    ANY_MONEY_WORD,
    CLAUSE_BREAK,
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
        #: the note with its markup as spaces, and how many characters are before each position, a run of spaces (or
        #: markup) one: a figure's words are read from it (`reach`)
        self.plain = plain
        runs = (0 if char.isspace() and was.isspace() else 1 for was, char in zip(f"x{plain}", plain, strict=False))
        self._written = [0, *accumulate(runs)]
        self._clauses: list[int] | None = None  # where each clause starts, found when `priced` is first asked
        self._read: dict[int, tuple[int, bool]] = {}  # of each clause, how far `priced` read it, and what it found

    def at(self, position: int) -> int:
        """The index of the sentence `position` is in."""
        return bisect.bisect_right(self.starts, position) - 1

    def reach(self, start: int) -> int:
        """Where the words read before the figure at `start` begin in `plain`: CLAUSE_REACH characters back, a run of
        markup or spaces one ("Deposit:&nbsp;&nbsp;… 85", a styled span pasted from an e-mail), at the space before a
        word it would cut (up to 40 characters further back)."""
        reach = max(0, bisect.bisect_right(self._written, self._written[start] - CLAUSE_REACH, 0, start + 1) - 1)
        stop = max(0, reach - 40)
        while reach > stop and not self.plain[reach - 1].isspace():
            reach -= 1
        return reach

    def priced(self, start: int) -> bool:
        """Whether the clause before the figure at `start` has a word of money, read whole however far back it goes
        ("Tip max 50 on board", "Total … max 50 on board" 150 characters on): each stretch of a clause is read once
        (a clause read whole for each figure asking, "max 24 on board max 24 on board …", grew with its square)."""
        if self._clauses is None:
            self._clauses = [0] + [found.end() for found in CLAUSE_BREAK.finditer(self.plain)]
        begin = self._clauses[bisect.bisect_right(self._clauses, start) - 1]
        read, priced = self._read.get(begin, (begin, False))
        if priced and read <= start:
            return True
        # from the figure the last read stopped at: no word before it is money, and a word after it keeps all it is
        # read with ("24 total": a word or two back could start at "total", the 24 cut off, and read it as money)
        since = begin if start < read else read
        priced = speaks(self.plain[since:start], NOTE_MONEY, NOTE_MAYBE, MONEY_WORDS)
        if start >= read:
            self._read[begin] = (start, priced)
        return priced

    def money_at(self, position: int) -> None:
        """The sentence `position` is in speaks of money: an amount was found in it."""
        self.money[self.at(position)] = True
        self.any_money = True


def speaks(sentence: str, *words: re.Pattern[str]) -> bool:
    """Whether a word of `sentence` is one of `words`: two words a note writes for one read as one ("gift card"),
    and not "paid" of "6 paid guests" nor "total" of "24 total"."""
    said = PAID_HEADS.sub(" ", NOTE_TWO_WORDS.sub(one_word, sentence))
    return any(kind.fullmatch(word) for word in ANY_MONEY_WORD.findall(said) for kind in words)
