"""Guests' names: what a name typed or listed must be (`Name`), whether a name typed to sign is the
name the group lists (`same_person`), and the name a guest is asked to type (`name_to_sign`)."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import Annotated

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

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
    Whitcomb" is someone else, and so is "Dana Whitcomb Sr." for "Dana Whitcomb Jr." (a generation is no form), and
    "Mrs. Ana Keel" for "Mr Ana Keel" or "Ana Keel (Mr)" (`title_clash`: a title in brackets is a title). A name
    listed with another writing of it in brackets ("李小龍 (Bruce Lee)") is signed in either writing, or both."""
    return _likeness(typed, listed) > _NOT_ALIKE


def name_to_sign(listed: str) -> str:
    """The name the group lists as a guest is asked to type it: without a booking channel's note in brackets
    ("Dana Whitcomb (Airbnb)" asks for "Dana Whitcomb"), with another writing of it in brackets ("李小龍 (Bruce Lee)"
    asks for both) and a title in brackets ("Ana Keel (Mr) (Airbnb)" asks for "Ana Keel (Mr)", weighed as "Mr Ana
    Keel" is), its spacing tidied; as listed when that is all it is. A title is not asked beside a name too short to
    type ("J (Mr)" asks for "J": the guest signs in their full name, `Guest.signs_as_listed`)."""
    outside, writings = _writings_apart(listed)
    words = [*outside.split(), *(f"({w})" for w in writings)]
    try:
        TYPED_NAME.validate_python(" ".join(words))
    except ValidationError:
        pass
    else:
        words += [f"({note})" for note in _title_notes(listed)]
    return " ".join(words) or " ".join(listed.split())


def only_the_booking_gives(typed: str, listed: str) -> bool:
    """Whether `typed`, its titles aside, is made only of the words of `listed`, a name the form could not take typed
    ("李 (VIP)", "J (Airbnb)"): "VIP", "李 VIP" and "J Airbnb" are no full name, but what the booking gives."""
    words = [word for word in _letters(typed) if word not in NAME_TITLES]
    return set(words) <= set(_letters(listed))


def guardian_is_guest(guardian: str, named: str, *, listed: str = "") -> bool:
    """Whether `guardian`, typed as the name of the parent or guardian signing for a guest under 18 (`named`: as the
    group lists them, or as typed for them, untitled then weighed with the title `listed` gives), is that guest's
    own (`same_person`): not when both carry a title and the titles differ, as a parent's and a child's do ("Mr Kit
    Keel" for his son "Master Kit Keel", typed "Kit Keel"; "Sra. Ana Pérez" for her daughter "Srta. Ana Pérez")."""
    if not same_person(guardian, named):
        return False
    mine = {_SAME_TITLE.get(_plain_word(t), _plain_word(t)) for t in _titles(guardian)}
    theirs = {_SAME_TITLE.get(_plain_word(t), _plain_word(t)) for t in _titles(named) or _titles(listed)}
    return not (mine and theirs and mine.isdisjoint(theirs))


def guardians_example(listed: str) -> str:
    """How a parent who shares the name of a guest under 18 (`listed`) may write theirs, in the guest's words: with
    Sr. ("Kit Keel Sr."), and with a parent's title when the child's is a child's ("Mr Kit Keel" for "Master Kit
    Keel"; a title beside an untitled name is its form, the same person)."""
    surname, _, given = _bare(listed).rpartition(",")  # "Keel, Kit" is Kit Keel; "Kit Keel, Jr." Kit Keel
    words = [w for w in f"{given} {surname}".split() if _plain_word(w) not in NAME_TITLES | _GENERATIONS_AFTER]
    bare = " ".join(words)
    titles = [_plain_word(t) for t in _titles(listed)]
    adult = next((_PARENTS_TITLE[t] for t in titles if t in _PARENTS_TITLE), None)
    if adult:
        return f"a parent who shares it writes it with their title or Sr.: {adult} {bare}, {bare} Sr."
    return f"a parent who shares it adds Sr.: {bare} Sr."


#: A title and its other writing, one title to tell a parent from a child by (`guardian_is_guest`).
_SAME_TITLE = {
    "mister": "mr", "senor": "sr", "senora": "sra", "senorita": "srta", "madame": "mme", "mademoiselle": "mlle",
    "doctor": "dr", "professor": "prof", "captain": "capt", "reverend": "rev",
}  # fmt: skip
#: A child's title, and the parent's of the same sex, to show a parent sharing the child's name what to type.
_PARENTS_TITLE = {"master": "Mr", "miss": "Mrs", "srta": "Sra.", "senorita": "Sra.", "mlle": "Mme",
                  "mademoiselle": "Mme"}  # fmt: skip


def title_clash(typed: str, listed: str) -> tuple[str, str] | None:
    """The title typed and the one listed, without their dots, when they address someone else: a man's (Mr, Sir)
    for a woman's (Mrs, Ms, Miss, Dame), or the reverse ("Mrs. Ana Keel" for "Mr Ana Keel" is ("Mrs", "Mr")). None
    when they agree: the same title whatever its case and dots ("MR." for "Mr"), Mrs, Ms and Miss for one another (a
    booker seldom knows which a woman uses), or a title on one side only, or one that is not a man's or a woman's
    (Mx, Dr, Prof, Capt, Rev, in full or not)."""
    mine = [t for t in _titles(typed) if _plain_word(t) in _ADDRESSED]
    theirs = [t for t in _titles(listed) if _plain_word(t) in _ADDRESSED]
    # "Mr & Mrs Ana Keel" for itself is no clash: only one addressed wholly otherwise is
    if (
        mine
        and theirs
        and {_ADDRESSED[_plain_word(t)] for t in mine}.isdisjoint(_ADDRESSED[_plain_word(t)] for t in theirs)
    ):
        return mine[0].rstrip("."), theirs[0].rstrip(".")
    return None


def names_another(typed: str, listed: str, others: Sequence[str]) -> bool:
    """Whether `typed`, a name that signs for `listed` (`same_person`), is as much the name of another guest of the
    group (`others`, as listed): "Dana Whitcomb" on the page of "Dr. Dana Whitcomb" whose group lists a "Dana
    Whitcomb" too. A name typed as listed, its letters all there, is nearer than one whose form was set aside: on
    Dana Whitcomb's page "Dana Whitcomb" is hers. Guests listed under one name ("Dana Whitcomb" twice) cannot be told
    apart by it, and are not weighed."""
    mine, own = _likeness(typed, listed), _letters(name_to_sign(listed))
    rivals = (other for other in others if not _alike(_letters(name_to_sign(other)), own))
    return any(_likeness(typed, other) >= mine for other in rivals)


def _likeness(typed: str, listed: str) -> int:
    """How near `typed` is to `listed`: not alike; alike once their forms are set aside (`_bare`); alike as listed,
    its letters all there, in one of its writings (`_writings`); or the very name the page asks for (`name_to_sign`):
    on the page of "李小龍 (Bruce Lee)", "Bruce Lee" is nearer to a guest listed "Bruce Lee" than to them. A title
    that is not the one listed (`title_clash`) is no match, in the name or in one of its writings."""
    if title_clash(typed, listed):
        return _NOT_ALIKE
    if _alike(_letters(typed), _letters(name_to_sign(listed))):
        return _AS_ASKED
    writings = [w for w in _writings(listed) if not title_clash(typed, w)]
    if any(_alike(_letters(typed), _letters(w)) for w in writings):
        return _AS_LISTED
    if any(_alike(_letters(_bare(typed)), _letters(_bare(w))) for w in writings):
        return _ALIKE_IN_FORM
    return _NOT_ALIKE


_NOT_ALIKE, _ALIKE_IN_FORM, _AS_LISTED, _AS_ASKED = 0, 1, 2, 3
#: Titles that say whether one is addressed as a man or as a woman, in the languages `NAME_TITLES` holds; the others
#: say neither: Mx, Dr, Prof, Capt, Rev, and "Sr." and "Fr.", each a man's and a woman's (Señor or Sister; Father or
#: Frau).
_ADDRESSED = dict.fromkeys(("mr", "mister", "master", "sir", "father", "herr", "senor", "monsieur"), "man")
_ADDRESSED |= dict.fromkeys(
    ("mrs", "ms", "miss", "dame", "frau", "sra", "senora", "srta", "senorita", "mme", "madame", "mlle", "mademoiselle"),
    "woman",
)


def _titles(name: str) -> list[str]:
    """The titles leading each of `name`'s comma's parts, as written ("Whitcomb, Mrs. Dana" has "Mrs."), those of a
    note in brackets that is titles alone ("Ana Keel (Mrs)", "Ana Keel (Mr & Mrs)"), and those leading another
    writing of it (`_writings_apart`: "李小龍 (Mr Bruce Lee)" has "Mr"); none when its words are all titles (a
    name that is a title alone, "Dr.", is a name)."""
    name = unicodedata.normalize("NFKC", name)
    words = [part.split() for part in _spaced(_without_notes(name)).split(",")]
    titles: list[str] = []
    for index, part in enumerate(words):
        titles.extend(part[: _leading(part, surname=index == 0 < len(words) - 1)])
    named = any(_letters(word) for part in words for word in part if _plain_word(word) not in NAME_TITLES)
    if not named:
        return []
    for note in _title_notes(name):
        titles.extend(_spaced(note).split())
    for writing in _writings_apart(name)[1]:
        titles.extend(itertools.takewhile(lambda word: _plain_word(word) in NAME_TITLES, _spaced(writing).split()))
    return titles


def _title_notes(name: str) -> list[str]:
    """The notes in brackets of `name` that are titles alone, a couple's joined too ("Ana Keel (Mr & Mrs)" has "Mr &
    Mrs"), each as written, its spacing tidied."""
    notes = (" ".join(_without_notes(note).split()) for note in _inside_notes(name))
    return [note for note in notes if note and all(_plain_word(w) in NAME_TITLES for w in _spaced(note).split())]


def _leading(part: list[str], *, surname: bool = False) -> int:
    """How many of a comma's part's words lead it as titles: a generation that is a title too ("Sr.", Señor) is one
    only before a name ("Sr. Juan Pérez"), not as all a part holds ("Dana Whitcomb, Sr." is a father's name); and
    none of a `surname` written first ("Herr, Kit" is Kit Herr; "Ana Keel, Miss" is a title)."""
    count = sum(1 for _ in itertools.takewhile(lambda word: _plain_word(word) in NAME_TITLES, part))
    if count == len(part) and surname:
        return 0
    if count == len(part):
        while count and _plain_word(part[count - 1]) in _GENERATIONS:
            count -= 1
    return count


#: Titles that are a generation too, after a name.
_GENERATIONS = frozenset({"sr"})
#: A generation after a name, each.
_GENERATIONS_AFTER = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _writings(listed: str) -> list[str]:
    """The names `listed` is signed in: as listed, as the page asks for it (`name_to_sign`), and when it holds
    another writing of itself in brackets, each writing alone ("李小龍", "Bruce Lee") and all without brackets (a
    title set aside then: "李小龍 Bruce Lee" for "Dr. 李小龍 (Bruce Lee)")."""
    outside, writings = _writings_apart(listed)
    return [listed, name_to_sign(listed), *([outside, *writings, " ".join([outside, *writings])] if writings else [])]


def _writings_apart(name: str) -> tuple[str, list[str]]:
    """`name` without its notes in brackets, and each other writing of it that one of them holds: letters of no
    script of the name outside, its title and degree aside ("李小龍 (Bruce Lee)", "Ivan Petrov (Иван Петров)"),
    not a booking channel's name ("李小龍 (Airbnb)" is a note), a number ("(#4521)") or a title alone ("(Mr)"); and
    of two words or more beside a name too short to type ("李 (Bruce Lee)": "李 (VIP)" and "李 (Trip.com)" are
    notes, and the guest is asked for their full name). A note within it is no part of it."""
    outside, inside = _without_notes(name), _inside_notes(name)
    own = " ".join(w for w in outside.split() if _plain_word(w) not in NAME_TITLES | NAME_DEGREES)
    scripts, short = _scripts(own), len("".join(_letters(own))) < 2
    writings = []
    for note in inside:
        writing = " ".join(_without_notes(note).split())
        words = _letters(writing)
        if not scripts or not words or any(c.isdigit() for c in writing) or _CHANNEL_WORDS.intersection(words):
            continue
        if short and len(writing.split()) < 2:
            continue  # "李 (VIP)": a one-word note beside a name that is none to sign in
        if all(_plain_word(word) in NAME_TITLES | NAME_DEGREES for word in writing.split()):
            continue  # "李小龍 (Mr)": a title, not a name to sign in
        if scripts.isdisjoint(_scripts(writing)):
            writings.append(writing)
    return outside, writings


#: Words of a booking channel's name, in a note in brackets: the note is the channel's, whatever script the name is in.
#: The charter channels firstmate imports from first ("王芳 (Boatsetter)" was signed in "Boatsetter").
_CHANNEL_WORDS = frozenset(
    {"boatsetter", "getmyboat", "sailo", "google", "airbnb", "vrbo", "booking", "expedia", "viator", "getyourguide",
     "tripadvisor", "klook", "fareharbor", "via"}
)  # fmt: skip


def _scripts(text: str) -> set[str]:
    """The scripts of `text`'s letters, by their Unicode names' first word (LATIN, CYRILLIC, ARABIC, CJK, ...)."""
    return {
        unicodedata.name(c, "?").split()[0]
        for c in unicodedata.normalize("NFKC", text)
        if unicodedata.category(c).startswith("L")
    }


def _inside_notes(name: str) -> list[str]:
    """What each of `name`'s outermost brackets holds, a note within it included, in order ("李小龍 (Bruce Lee)
    (Airbnb)" holds "Bruce Lee", then "Airbnb"); a bracket never closed holds the rest."""
    notes: list[str] = []
    depth = 0
    for char in name:
        if char in _CLOSING and depth:
            depth -= 1
            if depth:
                notes[-1] += char
        elif depth:
            notes[-1] += char
            depth += char in _OPENING
        elif char in _OPENING:
            notes.append("")
            depth = 1
    return notes


def _alike(typed: list[str], listed: list[str]) -> bool:
    """Whether two names' folded words are one name: in any order, or spaced otherwise ("O Brien", "OBrien")."""
    return sorted(typed) == sorted(listed) or "".join(typed) == "".join(listed)


_OPENING, _CLOSING = "([（［", ")]）］"  # a phone's full-width brackets too


def _without_notes(name: str) -> str:
    """`name` without its notes in brackets, closed or not, a note within a note too: what a booking channel adds to
    a name ("(Airbnb)", "[Booking.com]", "(via Airbnb [EU])"), each a space. One note at a time left a bracket of
    the outer one ("Dana Whitcomb (Airbnb )" was asked, and refused)."""
    kept, depth = [], 0
    for char in name:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING and depth:
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
    plain = _spaced(_without_notes(unicodedata.normalize("NFKC", name)))
    if not _letters(plain):
        return name
    parts = []
    written = plain.split(",")
    for index, part in enumerate(written):
        words = part.split()
        words = words[_leading(words, surname=index == 0 < len(written) - 1) :]
        while words and _plain_word(words[-1]) in NAME_DEGREES:
            words.pop()
        parts.append(" ".join(words))
    bare = ", ".join(p for p in parts if p)
    # words as written: "O'Brien" is one, though its letters are two ("o", "brien")
    return bare if sum(1 for word in bare.split() if _letters(word)) >= 2 else plain


def _spaced(name: str) -> str:
    """`name` with a space after each title's dot that a word follows: "Mrs.Ana Keel" is "Mrs. Ana Keel", its title
    seen (as a phone's keyboard types it, "Dr.Dana Whitcomb" was refused for "Dana Whitcomb"); and a couple's titles
    joined by "&", "and", "+" or "/" one after the other: "Mr & Mrs Ana Keel" is "Mr Mrs Ana Keel", both its titles
    seen ("Mrs Ana Keel" and "Ana Keel" were refused for it)."""
    return _JOINED_TITLES.sub(r"\1 ", _GLUED_TITLE.sub(r"\1. ", name))


_TITLE = "|".join(sorted(NAME_TITLES, key=len, reverse=True))
_GLUED_TITLE = re.compile(rf"\b({_TITLE})\.(?=[^\W\d_])", re.IGNORECASE)
_JOINED_TITLES = re.compile(rf"\b((?:{_TITLE})\.?)\s*(?:&|\+|/|\band\b)\s*(?=(?:{_TITLE})(?:\.|\b))", re.IGNORECASE)


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
