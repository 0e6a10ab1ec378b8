"""docs/guests.md, "The waiver": the name typed to sign weighed against a title listed, against the rest of the group,
and against another writing of the name in brackets (docs/reliability.md, "Known gaps", closed 2026-12-07)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from firstmate.domain.guests import Guest, SigningForm, sign, waiver_version
from firstmate.domain.guests.names import name_to_sign, names_another, same_person, title_clash

AT = datetime(2026, 6, 13, 22, tzinfo=UTC)
VERSION = waiver_version("I take part of my own free will.")


def _signing(listed: str, typed: str, others: tuple[str, ...] = (), *, minor: bool = False) -> str:
    """What the guest listed as `listed` is told signing in `typed`: "" when it signs."""
    guest = Guest.model_validate({"id": "g2", "name": listed, "added_at": AT, "minor": minor})
    extra = {"guardian_name": "Sam Keel"} if minor else {}
    form = SigningForm.model_validate({"typed_name": typed, "agree": True, "waiver_version": VERSION, **extra})
    try:
        signed = sign(guest, form, VERSION, at=AT, ip="203.0.113.9", user_agent="t", others=others)
    except ValueError as exc:
        return str(exc)
    assert signed.waiver is not None and signed.waiver.typed_name == typed
    return ""


@pytest.mark.parametrize(
    ("typed", "listed", "clash"),
    [
        # a man's title for a woman's, or the reverse, is someone else (the gap: "Mrs. Ana Keel" signed for "Mr")
        ("Mrs. Ana Keel", "Mr Ana Keel", ("Mrs", "Mr")), ("MR ana keel", "Ms. Ana Keel", ("MR", "Ms")),
        ("Ana Keel, Miss", "Mr. Ana Keel", ("Miss", "Mr")), ("Sir Ana Keel", "Dame Ana Keel", ("Sir", "Dame")),
        ("Keel, Mrs. Ana", "Mr Ana Keel (Airbnb)", ("Mrs", "Mr")), ("Mr Ana Keel", "Whitcomb, Mrs Ana", ("Mr", "Mrs")),
        # the same title whatever its dots and case, or a woman's for a woman's: a booker seldom knows which she uses
        ("MR. Ana Keel", "Mr Ana Keel", None), ("Ms Ana Keel", "Mrs. Ana Keel", None),
        ("Miss Ana Keel", "Ms Ana Keel", None),
        # a title on one side only, or one that is no man's or woman's
        ("Ana Keel", "Mr Ana Keel", None), ("Mrs Ana Keel", "Ana Keel", None), ("Dr. Ana Keel", "Mr Ana Keel", None),
        ("Doctor Ana Keel", "Dr Ana Keel", None), ("Captain Ana Keel", "Capt. Ana Keel", None),
        ("Mx Ana Keel", "Mr Ana Keel", None), ("Prof. Ana Keel", "Mrs Ana Keel", None),
        ("Mrs.Ana Keel", "Mr Ana Keel", ("Mrs", "Mr")), ("Dr.Ana Keel", "Ana Keel", None),  # a dot with no space
        ("Mr Mrs Ana Keel", "Mr Mrs Ana Keel", None), ("Mr Mrs Ana Keel", "Mr Ana Keel", None),  # one in both
        ("Mrs", "Mr", None),  # a name that is a title alone is a name, its letters weighed as such (and refused)
        # a couple's titles joined ("Mr & Mrs Ana Keel", as a booking writes it): the review found "Mrs Ana Keel"
        # refused ("type your name with Mr or no title, not Mrs") and "Ana Keel" too, the guest left nothing to type
        ("Mrs Ana Keel", "Mr & Mrs Ana Keel", None), ("Ana Keel", "Mr and Mrs Ana Keel (Airbnb)", None),
        ("Mr. Ana Keel", "Mr/Mrs Ana Keel", None), ("Ms Ana Keel", "Mr. + Mrs. Ana Keel", None),
        ("Mr Ana Keel", "Dr & Mrs Ana Keel", ("Mr", "Mrs")), ("Mr & Mrs Ana Keel", "Mr Ana Keel", None),
    ],
)  # fmt: skip
def test_a_title_typed_for_a_man_is_not_one_listed_for_a_woman(
    typed: str, listed: str, clash: tuple[str, str] | None
) -> None:
    assert title_clash(typed, listed) == clash
    assert same_person(typed, listed) is (clash is None and typed != "Mrs")


def test_the_guest_is_told_which_title_the_group_lists() -> None:
    assert _signing("Mr Ana Keel", "Mrs. Ana Keel") == (
        "the group lists you as Mr Ana Keel: type your name with Mr or no title, not Mrs"
    )
    assert _signing("Mr Kit Keel", "Miss Kit Keel", minor=True) == (
        "the group lists the guest under 18 as Mr Kit Keel: type their name with Mr or no title, not Miss, then yours"
    )
    assert _signing("Mr Ana Keel", "Ana Keel") == _signing("Mr Ana Keel", "mr. ana keel") == ""
    assert _signing("Mrs Ana Keel (Airbnb)", "Ms Ana Keel") == _signing("Mr Ana Keel", "Dr Ana Keel") == ""


@pytest.mark.parametrize(
    ("listed", "typed", "others", "told"),
    [
        # a name two guests answer to alike signs for neither: each types theirs as the group lists it
        ("Dr. Dana Whitcomb", "Dana Whitcomb", ("Dana Whitcomb",), "Dr. Dana Whitcomb"),
        ("Dana Whitcomb", "Dr Dana Whitcomb", ("Dr. Dana Whitcomb",), "Dana Whitcomb"),
        ("Mr Dana Whitcomb", "Dana Whitcomb", ("Mrs Dana Whitcomb",), "Mr Dana Whitcomb"),
        ("Dr. Dana Whitcomb", "dana WHITCOMB", ("Dana Whitcomb (Airbnb)", "Robin Sample"), "Dr. Dana Whitcomb"),
        ("Dana Whitcomb, M.D.", "Whitcomb, Dana", ("Dana Whitcomb",), "Dana Whitcomb, M.D."),
        # typed as listed, it is theirs
        ("Dr. Dana Whitcomb", "dr dana whitcomb", ("Dana Whitcomb",), ""),
        ("Dana Whitcomb", "Whitcomb, Dana", ("Dr. Dana Whitcomb",), ""),
        ("Dana Whitcomb (Airbnb)", "Dana Whitcomb", ("Dr. Dana Whitcomb",), ""),
        ("Mr Dana Whitcomb", "Mr. Dana Whitcomb", ("Mrs Dana Whitcomb",), ""),
        ("Mrs Dana Whitcomb", "Ms Dana Whitcomb", ("Mr Dana Whitcomb",), ""),  # a man's title is no match for her
        # two guests listed under one name cannot be told apart by it: each signs their own page in it
        ("Dana Whitcomb", "Dana Whitcomb", ("Dana Whitcomb",), ""),
        ("Dana Whitcomb", "Dana Whitcomb", ("Dana Whitcomb Jr.",), ""),  # a generation tells them apart
        ("Dana Whitcomb Jr.", "Dana Whitcomb Jr", ("Dana Whitcomb",), ""),
        # the name the page asks for always signs: "Bruce Lee" is the one listed "Bruce Lee", not "李小龍 (Bruce Lee)"
        ("Bruce Lee", "Bruce Lee", ("李小龍 (Bruce Lee)",), ""),
        ("李小龍 (Bruce Lee)", "Bruce Lee", ("Bruce Lee",), "李小龍 (Bruce Lee)"),
        ("李小龍 (Bruce Lee)", "李小龍 (Bruce Lee)", ("Bruce Lee",), ""),
    ],
)  # fmt: skip
def test_a_name_two_guests_of_the_group_answer_to_signs_for_neither(
    listed: str, typed: str, others: tuple[str, ...], told: str
) -> None:
    assert same_person(typed, listed)
    assert names_another(typed, listed, others) is bool(told)
    said = _signing(listed, typed, others)
    assert said == (
        f"another guest of your group goes by that name too: type yours exactly as the group lists it: {told}"
        if told
        else ""
    )


def test_a_name_two_guests_answer_to_is_refused_for_a_guest_under_18_saying_whose_name_goes_first() -> None:
    assert _signing("Dr. Kit Keel", "Kit Keel", ("Kit Keel",), minor=True) == (
        "another guest of the group goes by that name too: type the name of the guest under 18 exactly as the group "
        "lists it, Dr. Kit Keel, then yours"
    )
    assert _signing("Kit Keel", "Kit Keel", ("Dr. Kit Keel",), minor=True) == ""


def test_a_lead_listed_without_a_full_name_does_not_sign_in_another_guests() -> None:
    told = "that is the name of another guest of your group: type your own full name"
    assert _signing("J (Airbnb)", "Dr. Dana Whitcomb", ("Dana Whitcomb",)) == told
    assert _signing("J (Airbnb)", "Jay Keel", ("Dana Whitcomb",)) == ""


@pytest.mark.parametrize(
    ("listed", "asked", "signs", "refused"),
    [
        ("李小龍 (Bruce Lee)", "李小龍 (Bruce Lee)",
         ("李小龍", "Bruce Lee", "bruce LEE", "李小龍 Bruce Lee", "Lee, Bruce 李小龍"),
         ("Bruce", "Bruce Li", "李小", "Dana Whitcomb")),
        ("Bruce Lee (李小龍)", "Bruce Lee (李小龍)", ("李小龍", "Bruce Lee", "李小龍 (Bruce Lee)"), ("Lee",)),
        ("Иван Петров (Ivan Petrov)", "Иван Петров (Ivan Petrov)", ("Ivan Petrov", "ИВАН ПЕТРОВ", "Petrov, Ivan"),
         ("Ivan Petrova",)),
        ("محمد رحمن (Mohammed Rahman)", "محمد رحمن (Mohammed Rahman)", ("Mohammed Rahman", "محمد رحمن"), ("Rahman",)),
        ("Dr. 李小龍 (Bruce Lee) (Airbnb)", "Dr. 李小龍 (Bruce Lee)", ("Bruce Lee", "Dr Bruce Lee", "李小龍 Bruce Lee"),
         ("Airbnb", "Bruce Lee Airbnb")),
        ("李小龍 (Mr Bruce Lee)", "李小龍 (Mr Bruce Lee)", ("Bruce Lee", "Mr. Bruce Lee"), ("Mrs Bruce Lee",)),
        ("李 (Bruce Lee)", "李 (Bruce Lee)", ("Bruce Lee",), ("Bruce",)),  # "李" alone is too short to type
        # a channel's note is a note whatever script the name is in, and so is a number
        ("李小龍 (Airbnb)", "李小龍", ("李小龍",), ("Airbnb",)),
        ("李小龍 (Booking.com)", "李小龍", ("李小龍",), ("Booking com",)),
        ("李小龍 (#4521)", "李小龍", ("李小龍",), ("No 4521",)), ("李小龍 (Mr)", "李小龍", ("Mr 李小龍",), ("Mr",)),
        ("Dana Whitcomb (Airbnb)", "Dana Whitcomb", ("Dana Whitcomb",), ("Airbnb",)),
        ("Dana Whitcomb (Robin Sample)", "Dana Whitcomb", ("Dana Whitcomb",), ("Robin Sample",)),  # one script: a note
        # the channels firstmate imports from are channels: a review found "王芳 (Boatsetter)" signed in "Boatsetter"
        ("王芳 (Boatsetter)", "王芳", ("王芳",), ("Boatsetter",)),
        ("Иван Петров (GetMyBoat)", "Иван Петров", ("ИВАН ПЕТРОВ",), ("GetMyBoat", "Get My Boat")),
        ("محمد رحمن [Sailo]", "محمد رحمن", ("محمد رحمن",), ("Sailo",)),
    ],
)  # fmt: skip
def test_a_name_listed_with_another_writing_in_brackets_signs_in_either(
    listed: str, asked: str, signs: tuple[str, ...], refused: tuple[str, ...]
) -> None:
    assert name_to_sign(listed) == asked
    for typed in (asked, *signs):
        assert _signing(listed, typed) == "", typed
    for typed in refused:
        assert _signing(listed, typed) == f"type your full name as the group lists it: {asked}", typed


def test_a_lead_the_channel_gave_as_one_letter_still_signs_in_any_full_name() -> None:
    assert name_to_sign("J (Airbnb)") == "J"
    assert _signing("J (Airbnb)", "Jay Keel") == ""
