"""docs/guests.md, "The waiver": a guest signs in their name as a person would judge it the same, whatever the form
the group or the booking channel wrote it in, and the departure waits for nothing more."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.guests import Guest
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.web.test_crew import sign_in


def _sign(client: TestClient, code: str, typed: str) -> tuple[int, str]:
    page = client.get(f"/g/{code}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
    assert version is not None
    form = {"typed_name": typed, "agree": "yes", "waiver_version": version.group(1)}
    done = client.post(f"/g/{code}/waiver", data=form, follow_redirects=False)
    return done.status_code, " ".join(re.findall(r'role="alert">([^<]*)<', done.text))


def test_a_guest_types_their_plain_name_for_the_channels_and_the_groups_and_the_trip_departs(demo_app: App) -> None:
    """Found by a review: the marketplace wrote the lead "Dana Whitcomb (Airbnb)" and the lead listed Robin as "Dr.
    Robin Sample"; on their phones, Dana typing "Dana Whitcomb" and Robin "ROBIN SAMPLE" were refused ("type your
    full name as the group lists it: Dana Whitcomb (Airbnb)"), and the crew could not depart. Both sign; "Dan
    Whitcomb" still does not; the record keeps what each typed, and the PDF shows it beside the name it matched."""
    lead = {"name": "Dana Whitcomb (Airbnb)", "email": "dana@example.com"}
    booking = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=2, lead_guest=lead))
    ).booking
    with TestClient(create_app(demo_app)) as client:
        code = booking.guest_code
        added = client.post(f"/g/{code}/guests", data={"name": "Dr. Robin Sample"}, follow_redirects=False)
        assert added.status_code == 303
        robin = next(g for g in list_guests(demo_app.store, "demo", booking.id) if not g.lead)
        for page_code in (code, str(robin.code)):
            assert client.post(f"/g/{page_code}/confirm", follow_redirects=False).status_code == 303
        assert "Type your full name, as your group lists it: Dana Whitcomb</label>" in client.get(f"/g/{code}").text

        jonah = sign_in(demo_app, "jonah")
        assert jonah.post(f"/api/v1/events/{booking.event_id}/roles/captain/claim").status_code == 200
        for key in ("fuel", "life_jackets", "engine_hours_out"):
            done = jonah.post(f"/crew/events/{booking.event_id}/checklist/{key}/tick", follow_redirects=False)
            assert done.status_code == 303
        waiting = jonah.post(f"/crew/events/{booking.event_id}/checklist/waivers/tick", follow_redirects=False)
        [said] = re.findall(r'role="alert">([^<]*)<', waiting.text)
        assert waiting.status_code == 409 and "Dana Whitcomb (Airbnb), Dr. Robin Sample" in said, said

        assert _sign(client, code, "Dan Whitcomb") == (422, "type your full name as the group lists it: Dana Whitcomb")
        assert all(g.waiver is None for g in list_guests(demo_app.store, "demo", booking.id))
        assert _sign(client, code, "Dana Whitcomb") == (303, "")
        assert _sign(client, str(robin.code), "ROBIN SAMPLE") == (303, "")

        signed = {g.name: g.waiver.typed_name for g in list_guests(demo_app.store, "demo", booking.id) if g.waiver}
        assert signed == {"Dana Whitcomb (Airbnb)": "Dana Whitcomb", "Dr. Robin Sample": "ROBIN SAMPLE"}
        ticked = jonah.post(f"/crew/events/{booking.event_id}/checklist/waivers/tick", follow_redirects=False)
        assert ticked.status_code == 303, re.findall(r"role=.alert.>([^<]*)<", ticked.text)
        pdf = PdfReader(BytesIO(client.get(f"/g/{robin.code}/waiver.pdf").content)).pages[0].extract_text()
        assert "Dr. Robin Sample, the guest" in " ".join(pdf.split()) and "ROBIN SAMPLE" in pdf


def test_a_lead_the_channel_gave_by_first_name_signs_in_the_name_the_page_asks_for(demo_app: App) -> None:
    """Found by a review: the marketplace gave the lead's first name alone, "Dana (Airbnb)"; the page asked for
    "Dana", and "Dana" typed was refused ("type your full name as the group lists it: Dana"), over and over."""
    lead = {"name": "Dana (Airbnb)", "email": "dana@example.com"}
    booking = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=1, lead_guest=lead))
    ).booking
    with TestClient(create_app(demo_app)) as client:
        code = booking.guest_code
        assert "Type your full name, as your group lists it: Dana</label>" in client.get(f"/g/{code}").text
        assert _sign(client, code, "Dan") == (422, "type your full name as the group lists it: Dana")
        assert _sign(client, code, "Dana") == (303, "")
        [dana] = list_guests(demo_app.store, "demo", booking.id)
        assert dana.waiver is not None and dana.waiver.typed_name == "Dana"


def _group(demo_app: App, client: TestClient, lead: str, *names: str, room: int = 0) -> tuple[str, dict[str, str]]:
    """A booking of `lead`, the lead adding `names` on their page (`room` places left): its id, and each guest's page
    code by name."""
    body = booking_body(guest_count=1 + len(names) + room, lead_guest={"name": lead, "email": "lead@example.com"})
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    for name in names:
        added = client.post(f"/g/{booking.guest_code}/guests", data={"name": name}, follow_redirects=False)
        assert added.status_code == 303
    guests = list_guests(demo_app.store, "demo", booking.id)
    return booking.id, {g.name: str(g.code or booking.guest_code) for g in guests}


def _typed(demo_app: App, booking_id: str) -> dict[str, str]:
    """What each guest who signed typed, by their name as the group lists it."""
    return {g.name: g.waiver.typed_name for g in list_guests(demo_app.store, "demo", booking_id) if g.waiver}


def test_a_title_typed_that_is_not_the_one_listed_is_refused_and_the_guest_told_which(demo_app: App) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: "Mrs. Ana Keel" signed for the group's "Mr Ana Keel"."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Mr Ana Keel")
        told = "the group lists you as Mr Ana Keel: type your name with Mr or no title, not Mrs"
        assert _sign(client, codes["Mr Ana Keel"], "Mrs. Ana Keel") == (422, told)
        assert _sign(client, codes["Mr Ana Keel"], "Ms Ana Keel") == (422, told.replace("Mrs", "Ms"))
        assert _typed(demo_app, booking_id) == {}
        assert _sign(client, codes["Mr Ana Keel"], "Ana Keel") == (303, "")
        assert _typed(demo_app, booking_id) == {"Mr Ana Keel": "Ana Keel"}


def test_a_name_two_guests_answer_to_signs_only_as_the_group_lists_it(demo_app: App) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: in a group listing a parent "Dana Whitcomb" and a child "Dr.
    Dana Whitcomb", "Dana Whitcomb" typed on the doctor's page signed it."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Robin Sample", "Dana Whitcomb", "Dr. Dana Whitcomb")
        doctor, parent = codes["Dr. Dana Whitcomb"], codes["Dana Whitcomb"]
        told = "another guest of your group goes by that name too: type yours exactly as the group lists it: "
        assert _sign(client, doctor, "Dana Whitcomb") == (422, told + "Dr. Dana Whitcomb")
        assert _sign(client, parent, "Dr Dana Whitcomb") == (422, told + "Dana Whitcomb")
        assert _typed(demo_app, booking_id) == {}
        assert _sign(client, doctor, "DR. DANA WHITCOMB") == (303, "")
        assert _sign(client, parent, "Dana Whitcomb") == (303, "")
        assert _typed(demo_app, booking_id) == {
            "Dr. Dana Whitcomb": "DR. DANA WHITCOMB",
            "Dana Whitcomb": "Dana Whitcomb",
        }


def test_a_name_listed_with_its_latin_writing_in_brackets_signs_in_either(demo_app: App) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: "李小龍 (Bruce Lee)" was asked for "李小龍" alone, which a
    phone without a Chinese keyboard cannot type, and "Bruce Lee" was refused. A channel's note stays a note."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Ana Keel (Airbnb)", "李小龍 (Bruce Lee)", "王芳 (Booking.com)")
        bruce, fang = codes["李小龍 (Bruce Lee)"], codes["王芳 (Booking.com)"]
        assert "as your group lists it: 李小龍 (Bruce Lee)</label>" in client.get(f"/g/{bruce}").text
        assert "as your group lists it: 王芳</label>" in client.get(f"/g/{fang}").text
        assert _sign(client, bruce, "Bruce Li") == (
            422,
            "type your full name as the group lists it: 李小龍 (Bruce Lee)",
        )
        assert _sign(client, fang, "Booking com") == (422, "type your full name as the group lists it: 王芳")
        assert _sign(client, bruce, "Bruce Lee") == (303, "")
        assert _sign(client, fang, "王芳") == (303, "")
        assert _sign(client, codes["Ana Keel (Airbnb)"], "Ana Keel") == (303, "")
        signed = {"李小龍 (Bruce Lee)": "Bruce Lee", "王芳 (Booking.com)": "王芳", "Ana Keel (Airbnb)": "Ana Keel"}
        assert _typed(demo_app, booking_id) == signed


def test_a_name_the_channels_firstmate_imports_from_noted_is_asked_without_the_note(demo_app: App) -> None:
    """Found by the review of 2026-12-07: a bracket in another script than the name was read as another writing of
    it unless it named one of a few marketplaces, not the charter channels firstmate imports from. "王芳 (Boatsetter)"
    signed in "Boatsetter", and a lead the channel gave as "李 (GetMyBoat)", who had signed in their full name, was
    asked for "李 (GetMyBoat)" and refused in "Li Wei"."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "李 (GetMyBoat)", "王芳 (Boatsetter)")
        fang = codes["王芳 (Boatsetter)"]
        assert "as your group lists it: 王芳</label>" in client.get(f"/g/{fang}").text
        assert _sign(client, fang, "Boatsetter") == (422, "type your full name as the group lists it: 王芳")
        assert _typed(demo_app, booking_id) == {}
        assert _sign(client, codes["李 (GetMyBoat)"], "Li Wei") == (303, "")
        assert _sign(client, fang, "王芳") == (303, "")
        assert _typed(demo_app, booking_id) == {"李 (GetMyBoat)": "Li Wei", "王芳 (Boatsetter)": "王芳"}


def test_a_couple_listed_under_one_name_signs_in_either_title_or_none(demo_app: App) -> None:
    """Found by the review of 2026-12-07: a lead the channel wrote "Mr & Mrs Ana Keel (Airbnb)" typing "Mrs Ana Keel"
    was told "type your name with Mr or no title, not Mrs", and "Ana Keel" was refused too: nothing but the couple's
    name signed."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Mr & Mrs Ana Keel (Airbnb)")
        code = codes["Mr & Mrs Ana Keel (Airbnb)"]
        told = "type your full name as the group lists it: Mr &amp; Mrs Ana Keel"  # the page's HTML
        assert _sign(client, code, "Ana Kel") == (422, told)
        assert _sign(client, code, "Mrs Ana Keel") == (303, "")
        assert _typed(demo_app, booking_id) == {"Mr & Mrs Ana Keel (Airbnb)": "Mrs Ana Keel"}


def test_a_title_in_brackets_is_weighed_and_the_page_asks_for_it(demo_app: App) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: a title in brackets was a note: "Mrs Ana Keel" signed for
    the group's "Ana Keel (Mr)", and "Kit Keel (Mrs)" for its "Mr Kit Keel"."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Robin Sample", "Ana Keel (Mr)", "Mr Kit Keel")
        ana, kit = codes["Ana Keel (Mr)"], codes["Mr Kit Keel"]
        assert "as your group lists it: Ana Keel (Mr)</label>" in client.get(f"/g/{ana}").text
        told = "the group lists you as Ana Keel (Mr): type your name with Mr or no title, not Mrs"
        assert _sign(client, ana, "Mrs Ana Keel") == (422, told)
        told = "the group lists you as Mr Kit Keel: type your name with Mr or no title, not Mrs"
        assert _sign(client, kit, "Kit Keel (Mrs)") == (422, told)
        assert _typed(demo_app, booking_id) == {}
        assert _sign(client, ana, "Ana Keel") == (303, "")
        assert _sign(client, kit, "Kit Keel (Mr)") == (303, "")
        assert _typed(demo_app, booking_id) == {"Ana Keel (Mr)": "Ana Keel", "Mr Kit Keel": "Kit Keel (Mr)"}


def test_the_titles_an_international_charters_guests_write_are_titles_and_weighed(demo_app: App) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: titles firstmate did not know were letters of the name:
    "Kit Keel" was refused for the group's "Master Kit Keel" (asked to type "Master Kit Keel"), and "Herr Ana Pérez"
    signed nobody's but a "Herr"'s."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Robin Sample", "Master Kit Keel", "Sra. Ana Pérez")
        kit, ana = codes["Master Kit Keel"], codes["Sra. Ana Pérez"]
        told = "the group lists you as Sra. Ana Pérez: type your name with Sra or no title, not Herr"
        assert _sign(client, ana, "Herr Ana Pérez") == (422, told)
        assert _sign(client, kit, "Miss Kit Keel") == (
            422,
            "the group lists you as Master Kit Keel: type your name with Master or no title, not Miss",
        )
        assert _typed(demo_app, booking_id) == {}
        assert _sign(client, kit, "Kit Keel") == (303, "")
        assert _sign(client, ana, "Frau Ana Pérez") == (303, "")
        assert _typed(demo_app, booking_id) == {"Master Kit Keel": "Kit Keel", "Sra. Ana Pérez": "Frau Ana Pérez"}


def test_a_lead_the_booking_gives_one_character_and_a_note_is_asked_for_a_full_name(demo_app: App) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: a lead the channel gave as "李 (VIP)" was asked to type "李
    (VIP)" and signed in "VIP"."""
    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "李 (VIP)")
        code = codes["李 (VIP)"]
        assert '<label for="typed_name">Type your full name</label>' in client.get(f"/g/{code}").text
        told = "type your own full name: the booking gives only 李 (VIP)"
        assert _sign(client, code, "VIP") == (422, told)
        assert _sign(client, code, "李 VIP") == (422, told)
        assert _typed(demo_app, booking_id) == {}
        assert _sign(client, code, "Li Wei") == (303, "")
        assert _typed(demo_app, booking_id) == {"李 (VIP)": "Li Wei"}


def test_a_guest_added_as_another_signs_in_a_name_both_answer_to_is_weighed(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/reliability.md, "Known gaps" until 2026-12-07: the signing read the group, then wrote. The doctor's
    "Dana Whitcomb" typed as the lead added a "Dana Whitcomb" signed the doctor's waiver in a name two guests answer
    to. The signature is written on the booking as read before the group: the add moves it, and the signing reads the
    group again and refuses the name."""
    from firstmate.domain import guests as rules
    from firstmate.domain.guests import NewGuest
    from firstmate.services.guests import CodeTarget, add_guest

    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Robin Sample", "Dr. Dana Whitcomb", room=1)
        signing, added = rules.sign, []

        def added_meanwhile(*args: object, **kwargs: object) -> Guest:
            if not added:  # the lead adds their parent between the signing's read of the group and its write
                added.append(add_guest(demo_app, CodeTarget("demo", booking_id, "g1"), NewGuest(name="Dana Whitcomb")))
            return signing(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(rules, "sign", added_meanwhile)
        told = "another guest of your group goes by that name too: type yours exactly as the group lists it: "
        assert _sign(client, codes["Dr. Dana Whitcomb"], "Dana Whitcomb") == (422, told + "Dr. Dana Whitcomb")
        assert added and _typed(demo_app, booking_id) == {}
        assert _sign(client, codes["Dr. Dana Whitcomb"], "Dr. Dana Whitcomb") == (303, "")
        assert _typed(demo_app, booking_id) == {"Dr. Dana Whitcomb": "Dr. Dana Whitcomb"}


def test_a_parent_who_shares_a_childs_name_signs_for_them_under_their_own_title(demo_app: App) -> None:
    """Found by the review of the sixteenth session's waiver names: "Master" and "Srta." made titles, a father "Mr Kit
    Keel" signing for his son "Master Kit Keel", or a mother "Sra. Ana Pérez" for her daughter "Srta. Ana Pérez", was
    told "add their own name, not the guest's", whatever they typed as theirs. A parent's own title, another than the
    child's, is another person; the child's name typed again is still refused, and the page says what to type."""
    with TestClient(create_app(demo_app)) as client:
        body = booking_body(guest_count=3, lead_guest={"name": "Mr Kit Keel", "email": "lead@example.com"})
        booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
        for child in ("Master Kit Keel", "Srta. Ana Pérez"):
            form = {"name": child, "minor": "yes"}
            assert client.post(f"/g/{booking.guest_code}/guests", data=form, follow_redirects=False).status_code == 303
        codes = {g.name: str(g.code) for g in list_guests(demo_app.store, "demo", booking.id) if not g.lead}

        def signs(code: str, typed: str, guardian: str) -> tuple[int, str]:
            page = client.get(f"/g/{code}").text
            version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
            assert version is not None
            form = {"typed_name": typed, "agree": "yes", "waiver_version": version.group(1), "guardian_name": guardian}
            done = client.post(f"/g/{code}/waiver", data=form, follow_redirects=False)
            return done.status_code, " ".join(re.findall(r'role="alert">([^<]*)<', done.text))

        told = "a parent or guardian must sign for a guest under 18: add their own name, not the guest&#39;s"
        assert signs(codes["Master Kit Keel"], "Master Kit Keel", "Master Kit Keel")[0] == 422
        status, said = signs(codes["Master Kit Keel"], "Master Kit Keel", "Kit Keel")
        assert status == 422 and said.startswith(told) and "Mr Kit Keel" in said and "Kit Keel Sr." in said, said
        assert _typed(demo_app, booking.id) == {}
        assert signs(codes["Master Kit Keel"], "Master Kit Keel", "Mr Kit Keel") == (303, "")
        assert signs(codes["Srta. Ana Pérez"], "Ana Pérez", "Sra. Ana Pérez") == (303, "")  # her title left off
        signed = {"Master Kit Keel": "Master Kit Keel", "Srta. Ana Pérez": "Ana Pérez"}
        assert _typed(demo_app, booking.id) == signed


def test_two_guests_of_a_group_signing_at_one_moment_both_sign(demo_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review of the sixteenth session's waiver names: a signature is written on the booking's version read before
    the group, and each signature writes the booking. Another guest signing between one's read and its write moves
    that version: the first signing reads again and signs, rather than refusing ("your page changed")."""
    from firstmate.domain import guests as rules
    from firstmate.services.guests import CodeTarget, sign_waiver

    with TestClient(create_app(demo_app)) as client:
        booking_id, codes = _group(demo_app, client, "Robin Sample", "Ana Keel")
        version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', client.get(f"/g/{codes['Ana Keel']}").text)
        assert version is not None
        signing, meanwhile = rules.sign, []

        def signed_meanwhile(guest: Guest, *args: object, **kwargs: object) -> Guest:
            if guest.lead and not meanwhile:  # Ana signs between the lead's read of the group and its write
                form = rules.SigningForm(typed_name="Ana Keel", agree=True, waiver_version=version.group(1))
                ana = CodeTarget("demo", booking_id, "g2")
                meanwhile.append(sign_waiver(demo_app, ana, form, ip="203.0.113.9", user_agent="t"))
            return signing(guest, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(rules, "sign", signed_meanwhile)
        assert _sign(client, codes["Robin Sample"], "Robin Sample") == (303, "")
        assert meanwhile and _typed(demo_app, booking_id) == {"Robin Sample": "Robin Sample", "Ana Keel": "Ana Keel"}


def test_a_couple_listed_under_both_titles_is_greeted_by_name(demo_app: App) -> None:
    """Found by the review of the sixteenth session's waiver names, which weighs a couple's titles ("Mr & Mrs Ana
    Keel"): their page, and their invitation, greeted them "Hi &,"; "Mr and Mrs" was greeted "Hi and,"."""
    with TestClient(create_app(demo_app)) as client:
        greetings = {"Mr & Mrs Ana Keel": "Ana", "Mr and Mrs Kit Keel": "Kit", "Dr. & Mr. Jo Keel": "Jo"}
        _, codes = _group(demo_app, client, *greetings)
        for name, greeted in greetings.items():
            page = client.get(f"/g/{codes[name]}").text
            assert f"Hi {greeted}," in page, re.findall(r"Hi [^,<]*,", page)
