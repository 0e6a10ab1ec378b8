"""Guests' names: what a name typed or listed must be (`Name`), whether a name typed to sign is the
name the group lists (`same_person`), and the name a guest is asked to type (`name_to_sign`)."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, TypeAdapter

from firstmate.domain.shared import NAME_DEGREES, NAME_TITLES


def _seen(value: str) -> str:
    """A name a reader can see: at least one letter and two visible characters. Zero-width spaces and
    direction marks passed the length rule, and a waiver was signed with a name that showed as nothing."""
    shown = [c for c in value if unicodedata.category(c)[0] in "LNPS"]
    if len(shown) < 2 or not any(unicodedata.category(c)[0] == "L" for c in shown):
        raise ValueError("write a name with letters a reader can see")
    return value


def _plain(value: str) -> str:
    """A name that reads as it is written: no control character (C0 or C1), line or paragraph separator, nor the
    direction embeddings, overrides and isolates that reorder what follows ("Ana\u202eexe.live" was listed on the
    operator's page and in `waivers list` as "Anaevil.exe"). Right-to-left letters need none of them."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _DIRECTION_CONTROLS:
            raise ValueError("write the name without control characters (direction overrides, line breaks)")
    return value


_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
Name = Annotated[
    str,
    Field(min_length=2, max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$"),
    AfterValidator(_plain),
    AfterValidator(_seen),
]
#: A name as the signing form takes it typed (`Guest.signs_as_listed`).
TYPED_NAME: TypeAdapter[str] = TypeAdapter(Name)


def same_person(typed: str, listed: str) -> bool:
    """Whether a name typed to sign is the name the group lists, judged as a person would: the same letters
    whatever the case, accents, punctuation and spacing ("dana  whitcombe" is not "Dana Whitcomb"; "DANA
    WHITCÖMB", "Whitcomb, Dana" and "O Brien" for "O'Brien" are), its words in any order; and whatever its form,
    on either side: a title before it ("Dr. Dana Whitcomb"), a degree after it ("Dana Whitcomb, M.D."), a note in
    brackets ("Dana Whitcomb (Airbnb)", as a booking channel writes it), present or not. Strict on letters: "Dan
    Whitcomb" is someone else, and so is "Dana Whitcomb Sr." for "Dana Whitcomb Jr." (a generation is no form)."""
    return _alike(_letters(typed), _letters(listed)) or _alike(_letters(_bare(typed)), _letters(_bare(listed)))


def name_to_sign(listed: str) -> str:
    """The name the group lists as a guest is asked to type it: without a booking channel's note in brackets
    ("Dana Whitcomb (Airbnb)" asks for "Dana Whitcomb"), its spacing tidied; as listed when that is all it is."""
    return " ".join(_without_notes(listed).split()) or " ".join(listed.split())


def _alike(typed: list[str], listed: list[str]) -> bool:
    """Whether two names' folded words are one name: in any order, or spaced otherwise ("O Brien", "OBrien")."""
    return sorted(typed) == sorted(listed) or "".join(typed) == "".join(listed)


def _without_notes(name: str) -> str:
    """`name` without its notes in brackets, closed or not, a note within a note too: what a booking channel adds to
    a name ("(Airbnb)", "[Booking.com]", "(via Airbnb [EU])"), each a space. One note at a time left a bracket of
    the outer one ("Dana Whitcomb (Airbnb )" was asked, and refused)."""
    kept, depth = [], 0
    for char in name:
        if char in "([（［":  # a phone's full-width brackets too
            depth += 1
        elif char in ")]）］" and depth:
            depth -= 1
            kept.append("" if depth else " ")
        elif not depth:
            kept.append(char)
    return "".join(kept)


def _bare(name: str) -> str:
    """`name` without its form: its notes in brackets, the titles leading each of its comma's parts ("Whitcomb, Dr.
    Dana") and the degrees ending each ("Dana Whitcomb, M.D."). Without its notes alone when that leaves less than two
    words (a name of one word, "Dr. Dana", is not judged on "Dana" alone; "Dana (Airbnb)" is Dana, as the page asks,
    `name_to_sign`), and as written when its notes are all it is ("(Airbnb)")."""
    plain = _without_notes(unicodedata.normalize("NFKC", name))
    if not _letters(plain):
        return name
    parts = []
    for part in plain.split(","):
        words = part.split()
        while words and _plain_word(words[0]) in NAME_TITLES:
            words.pop(0)
        while words and _plain_word(words[-1]) in NAME_DEGREES:
            words.pop()
        parts.append(" ".join(words))
    bare = ", ".join(p for p in parts if p)
    # words as written: "O'Brien" is one, though its letters are two ("o", "brien")
    return bare if sum(1 for word in bare.split() if _letters(word)) >= 2 else plain


def _plain_word(word: str) -> str:
    """A word as a title or a degree is known: folded, without its dots ("M.D." is md, "DR." dr)."""
    return "".join(_letters(word))


#: Letters whose mark is drawn into them, which Unicode does not take apart as it does an accent, as a keyboard
#: without them writes them: "Soren" was refused for Søren, and "Lukasz" for Łukasz, where "Sorén" was taken.
_DRAWN_MARKS = str.maketrans({"ø": "o", "ł": "l", "ı": "i", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ȷ": "j",
                              "æ": "ae", "œ": "oe", "þ": "th"})  # fmt: skip


def _letters(name: str) -> list[str]:
    """The words of `name`, folded: lower case, no accents (a letter's marks dropped, those drawn into it too:
    ø is o), punctuation a space."""
    folded = []
    for c in unicodedata.normalize("NFKD", name.casefold()).translate(_DRAWN_MARKS):
        kind = unicodedata.category(c)[0]
        folded.append(c if kind in "LN" else "" if kind == "M" else " ")
    return "".join(folded).split()
