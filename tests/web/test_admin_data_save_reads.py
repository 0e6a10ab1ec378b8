"""Saving or removing one revenue line or invoice on the admin data page reads what the refund check needs (the
row, its sale, the refunds naming it), not every row and booking of the org: an operator with years of data
(5,000 revenue lines, 2,000 invoices, 5,000 bookings) read them all on every save, slow on SQLite and costly on
DynamoDB. Rows stored before refunds were listed by the sale they name are checked right all the same."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firstmate.bootstrap import App
from firstmate.domain.datafiles import RawRow
from firstmate.errors import DataRejected
from firstmate.jobs.sweeps import sweep_expired
from firstmate.ports import Delete, Item, Put, Store
from firstmate.services.data import check_data, data_pk, data_rows, delete_row, import_data, save_row
from firstmate.services.data_refs import is_listed, refs_pk
from firstmate.services.paging import all_items
from firstmate.services.trips import intake_pk
from firstmate.services.upgrades import upgrade_key
from tests.reads import RecordingStore, admin_browser

DAY = "2026-05-01"
SALE = {"entity": "saltwind-charters", "recorded_on": DAY, "service_date": DAY, "amount": "900.00"}
INVOICE = {"entity": "keel-advisory", "client": "Example Marine", "issued": DAY, "due": "2026-06-01", "amount": "4200"}


def _as_before_the_listing(store: Store, org: str = "demo") -> None:
    """`org` as an earlier firstmate left it: its revenue lines stored, none listed by the sale they name, and no
    record that they are (an org created now is recorded listed as it is created)."""
    store.transact([Delete(*upgrade_key("data-refs", org)), Delete(*upgrade_key("data-refs-at", org))])
    listings = [Delete(item.pk, item.sk) for item in all_items(store, refs_pk(org))]
    for start in range(0, len(listings), 50):
        store.transact(listings[start : start + 50])


def _business(app: App, scale: int, *, swept: bool = True) -> None:
    """`scale` times a small business's history: sales, refunds naming them, invoices and bookings (the files
    replace what an earlier call imported); `swept`: the hourly job run after, as on any day after an upgrade."""
    sales = [RawRow("revenue.csv", n + 1, None, {**SALE, "id": f"S-{n:05d}", "reference": f"BK-{n:05d}"})
             for n in range(30 * scale)]  # fmt: skip
    refund = {**SALE, "amount": "-900.00"}  # of every sixth sale, from the second on
    refunds = [RawRow("revenue.csv", n + 1, None, {**refund, "id": f"F-{n:05d}", "reference": f"BK-{6 * n + 1:05d}"})
               for n in range(5 * scale)]  # fmt: skip
    invoices = [RawRow("invoices.csv", n + 1, None, {**INVOICE, "id": f"INV-{n:05d}"}) for n in range(12 * scale)]
    raw = {"revenue.csv": [*sales, *refunds], "invoices.csv": invoices}
    import_data(app.store, "demo", check_data(app.store, "demo", raw, clock=app.clock))
    for n in range(10 * scale):  # each booking's intake anchor, as the intake keeps them: (channel, its id) → booking
        app.store.put(Item(intake_pk("demo"), f"web-site#WEB-{n:05d}", {"booking_id": f"b{n:05d}"}))
    if swept:
        sweep_expired(app, app.clock.now())


def _reads(app: App, scale: int) -> dict[str, int]:
    """The items one save or removal of each sort reads, with `scale` times the data."""
    _business(app, scale)
    store = RecordingStore(app.store)
    read: dict[str, int] = {}
    with admin_browser(app, store) as (watched, client):

        def post(what: str, address: str, form: dict[str, str] | None = None) -> None:
            store.read.clear()
            answer = client.post(address, data=form or {}, follow_redirects=False)
            assert answer.status_code == 303, answer.text
            read[what] = len(store.read)

        post("invoice edited", "/admin/data/demo/invoices", {**INVOICE, "id": "INV-00003", "amount": "4300",
                                                                "_editing": "INV-00003"})  # fmt: skip
        post("invoice renamed", "/admin/data/demo/invoices", {**INVOICE, "id": "INV-00004-A", "_editing": "INV-00004"})
        post("sale nobody refunds removed", "/admin/data/demo/revenue/S-00020/delete")
        post("refund of an invoice added", "/admin/data/demo/revenue", {**SALE, "id": "F-NEW", "amount": "-10",
                                                                         "reference": "invoice-INV-00003"})  # fmt: skip
        post("refund of a booking added", "/admin/data/demo/revenue", {**SALE, "id": "F-WEB", "amount": "-10",
                                                                        "reference": "WEB-00002"})  # fmt: skip
        store.read.clear()
        with pytest.raises(DataRejected) as refused:
            delete_row(watched.store, "demo", "revenue", "S-00001")  # F-00000 refunds it
        assert refused.value.errors[0].problem.startswith("this refund names 'BK-00001', which would then be no sale")
        read["sale a refund names kept"] = len(store.read)
    return read


def test_a_save_or_removal_reads_as_much_with_sixteen_times_the_data(demo_app: App) -> None:
    small = _reads(demo_app, 1)
    large = _reads(demo_app, 16)  # the files imported again with 16 times the rows, the saves made again
    assert large == small  # what one save reads does not grow with the org's history
    assert max(small.values()) < 60, small


def test_a_sale_stored_before_refunds_were_listed_is_kept_while_a_refund_names_it(demo_app: App) -> None:
    """A sale and its refund stored by an earlier firstmate (no list of refunds by sale): removing or renaming the
    sale is refused with the words it always had, before the hourly job lists them and after."""
    store = demo_app.store
    _as_before_the_listing(store)  # an org an earlier firstmate made
    sale = {**SALE, "id": "R-1", "source": "direct", "deposit": False, "reference": "BK-100"}
    refund = {**sale, "id": "R-2", "amount": "-900.00"}
    for row in (sale, refund):  # as the earlier firstmate wrote them: the rows alone
        store.put(Item(data_pk("demo"), f"revenue#{row['id']}", row))

    def refused() -> None:
        with pytest.raises(DataRejected) as kept:
            delete_row(store, "demo", "revenue", "R-1")
        assert [e.where for e in kept.value.errors] == ["revenue row R-2"]
        assert kept.value.errors[0].problem == (
            "this refund names 'BK-100', which would then be no sale: change or remove the refund first"
        )
        renamed = {**SALE, "id": "R-1", "reference": "BK-1000"}
        with pytest.raises(DataRejected):
            save_row(store, "demo", "revenue", renamed, clock=demo_app.clock, replacing="R-1")
        with pytest.raises(DataRejected):  # a refund of a sale nobody has, also among the older rows
            save_row(store, "demo", "revenue", {**SALE, "id": "R-3", "amount": "-5", "reference": "BK-1000"},
                     clock=demo_app.clock)  # fmt: skip
        assert {key for key, _ in data_rows(store, "demo", "revenue")} == {"R-1", "R-2"}  # nothing changed

    refused()  # the first save lists the org's older lines (they are few), and refuses as it did
    assert is_listed(store, "demo")
    _as_before_the_listing(store)
    sweep_expired(demo_app, demo_app.clock.now())  # the hourly job lists the older refunds by their sale
    refused()
    save_row(store, "demo", "revenue", {**SALE, "id": "R-3", "amount": "-5", "reference": "BK-100"},
             clock=demo_app.clock)  # fmt: skip
    delete_row(store, "demo", "revenue", "R-2")  # one refund gone: R-3 still names R-1's reference
    with pytest.raises(DataRejected) as still:
        delete_row(store, "demo", "revenue", "R-1")
    assert [e.where for e in still.value.errors] == ["revenue row R-3"]
    save_row(store, "demo", "revenue", {**SALE, "id": "R-3", "amount": "-5", "reference": "R-1"},
             clock=demo_app.clock, replacing="R-3")  # fmt: skip  # the refund now names the sale by its id
    with pytest.raises(DataRejected):
        delete_row(store, "demo", "revenue", "R-1")
    save_row(
        store, "demo", "revenue", {**SALE, "id": "R-1", "reference": "BK-1000"}, clock=demo_app.clock, replacing="R-1"
    )  # its reference may change: R-3 names its id
    delete_row(store, "demo", "revenue", "R-3")
    delete_row(store, "demo", "revenue", "R-1")
    assert data_rows(store, "demo", "revenue") == []


def test_a_stored_row_the_listing_cannot_read_stops_that_listing_alone_not_the_hourly_sweep(demo_app: App) -> None:
    """A review: a revenue line an older firstmate stored that no longer validates made the listing of lines by sale
    raise, and with it the whole hourly sweep: unchecked uploads stayed on disk and every later upgrade waited, hour
    after hour, with nothing but a failed run to say why. The rest of the sweep goes on; its line names what was
    not brought up to date, and the listing is done the first run after the row is mended."""
    from datetime import timedelta

    _as_before_the_listing(demo_app.store)
    demo_app.blobs.put("quarantine/left-open.jpg", b"\xff\xd8 a guest closed the page", "image/jpeg")
    landed = max(b.modified for b in demo_app.blobs.list("quarantine/"))  # by the storage's clock
    demo_app.clock.set(landed + timedelta(days=2))  # type: ignore[attr-defined]
    demo_app.store.put(Item(data_pk("demo"), "revenue#BAD", {"id": "BAD", "amount": "a lot"}))

    said = sweep_expired(demo_app, demo_app.clock.now())
    assert "revenue lines' listing by sale not brought up to date (ValidationError" in said, said
    assert "1 unchecked upload removed" in said, said
    assert demo_app.blobs.list("quarantine/") == [] and not is_listed(demo_app.store, "demo")

    demo_app.store.transact([Delete(data_pk("demo"), "revenue#BAD")])  # mended (the admin page removes such a row)
    assert "not brought up to date" not in sweep_expired(demo_app, demo_app.clock.now())
    assert is_listed(demo_app.store, "demo")


def _first_saves(app: App, scale: int) -> tuple[int, int]:
    """The items read by the first save of a refund in an org an earlier firstmate left (its lines not listed by
    sale, the hourly job not run since the upgrade), and by the save after it, with `scale` times the data."""
    _business(app, scale, swept=False)
    _as_before_the_listing(app.store)
    store = RecordingStore(app.store)
    read = []
    for amount in ("-800.00", "-700.00"):  # F-00001 refunds S-00007: its amount corrected, twice
        store.read.clear()
        refund = {**SALE, "id": "F-00001", "amount": amount, "reference": "BK-00007"}
        save_row(store, "demo", "revenue", refund, clock=app.clock, replacing="F-00001")  # type: ignore[arg-type]
        read.append(len(store.read))
    return read[0], read[1]


def test_the_first_save_after_an_upgrade_reads_each_older_line_once_and_the_next_reads_little(demo_app: App) -> None:
    """A review: until the hourly job had listed an org's older revenue lines by sale (an upgraded org's first hour,
    a new org's too), every save read every row and booking, twice for a refund edited (560 revenue lines, 192
    invoices and 160 bookings at 16 times the data: 1,996 items a save). The first save lists the lines (each read
    once) and checks by the list; the next reads as little as any save, with 1 or 16 times the data."""
    first_small, next_small = _first_saves(demo_app, 1)
    first_large, next_large = _first_saves(demo_app, 16)
    assert first_large - first_small == 35 * 15  # 35 more lines for each time the data: each read once
    assert next_large == next_small < 60, (next_small, next_large)
    with pytest.raises(DataRejected) as refused:  # and the refusal is as it was: F-00001 still refunds S-00007
        delete_row(demo_app.store, "demo", "revenue", "S-00007")
    assert [e.where for e in refused.value.errors] == ["revenue row F-00001"]


def test_an_org_created_now_is_recorded_listed_and_one_created_before_is_not(app: App) -> None:
    """A new org has no revenue line from before the listing: `org import` (as the demo and a profile's first save)
    records it listed as it creates it, so no save or sweep goes through its lines. Saving again the profile of an
    org an earlier firstmate created records nothing: its older lines are listed by its first save."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.business import save_business
    from firstmate.services.org_setup import OrgSetup, import_org

    import_org(app.store, OrgSetup(demo_profile(), tuple(demo_people())))
    assert is_listed(app.store, "demo")
    _as_before_the_listing(app.store)
    profile = demo_profile()
    save_business(app.store, profile.model_copy(update={"org": profile.org.model_copy(update={"name": "Renamed"})}))
    assert not is_listed(app.store, "demo")


def test_an_org_created_as_large_as_an_org_may_be_is_created_and_listed_by_its_first_save(app: App) -> None:
    """An org of 98 business lines and assets, the most an org holds, fills its creating transaction (100 writes
    with the org's record and profile): it is created all the same, not recorded listed (no room), and its first
    save lists it."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.business import MAX_LINES_AND_ASSETS, load_business
    from firstmate.services.org_setup import OrgSetup, import_org

    profile = demo_profile()
    boat = next(a for a in profile.assets if a.kind.value == "boat")
    more = MAX_LINES_AND_ASSETS - len(profile.entities) - len(profile.assets)
    extra = tuple(boat.model_copy(update={"id": f"tender-{n:02d}", "name": f"Tender {n}"}) for n in range(more))
    import_org(
        app.store, OrgSetup(profile.model_copy(update={"assets": (*profile.assets, *extra)}), tuple(demo_people()))
    )
    held = load_business(app.store, "demo")
    assert held is not None and len(held.entities) + len(held.assets) == MAX_LINES_AND_ASSETS
    assert not is_listed(app.store, "demo")
    save_row(app.store, "demo", "revenue", {**SALE, "id": "S-1", "reference": "BK-1"}, clock=app.clock)
    delete_row(app.store, "demo", "revenue", "S-1")
    assert is_listed(app.store, "demo")


def _older_lines(store: Store, count: int) -> None:
    """`count` revenue lines as an earlier firstmate stored them (the rows alone): sales, and every tenth line a
    refund of the sale before it."""
    writes = []
    for n in range(1, count + 1):
        refund = n % 10 == 0
        row = {**SALE, "id": f"O-{n:04d}", "source": "direct", "deposit": False, "amount": "-900.00" if refund
               else "900.00", "reference": f"OB-{n - 1 if refund else n:04d}"}  # fmt: skip
        writes.append(Put(Item(data_pk("demo"), f"revenue#{row['id']}", row)))
    for start in range(0, len(writes), 100):
        store.transact(writes[start : start + 100])


def _unlisted_reads(app: App, scale: int) -> dict[str, int]:
    """The items each save or removal reads in an org an earlier firstmate left with 1,200 revenue lines more than
    `scale` times a small business's history, none listed by sale (more than a save lists), each save made in that
    state."""
    _business(app, scale, swept=False)
    _older_lines(app.store, 1200)
    store = RecordingStore(app.store)
    read: dict[str, int] = {}

    def save(what: str, step: Callable[[Store], object]) -> None:
        _as_before_the_listing(app.store)
        store.read.clear()
        step(store)  # type: ignore[arg-type]
        read[what] = len(store.read)

    def refused(store: Store) -> None:
        with pytest.raises(DataRejected) as kept:
            delete_row(store, "demo", "revenue", "S-00001")  # F-00000 refunds it
        assert [(e.where, e.problem) for e in kept.value.errors] == [
            ("revenue row F-00000", "this refund names 'BK-00001', which would then be no sale: change or remove "
             "the refund first")
        ]  # fmt: skip

    invoice = {**INVOICE, "id": "INV-00003", "amount": str(4300 + scale)}
    save("invoice edited", lambda s: save_row(s, "demo", "invoices", invoice, clock=app.clock, replacing="INV-00003"))
    save("sale nobody refunds removed", lambda s: delete_row(s, "demo", "revenue", "S-00020"))
    refund = {**SALE, "id": f"F-NEW{scale}", "amount": "-10", "reference": "invoice-INV-00003"}
    save("refund of an invoice added", lambda s: save_row(s, "demo", "revenue", refund, clock=app.clock))
    save("sale a refund names kept", refused)
    save("older sale a refund names kept", lambda s: _refused_older(s, app))
    older = {**SALE, "id": f"F-OLD{scale}", "amount": "-10", "reference": "OB-1151"}  # O-1151's: not yet listed
    save("refund of an older sale added", lambda s: save_row(s, "demo", "revenue", older, clock=app.clock))
    return read


def _refused_older(store: Store, app: App) -> None:
    """O-1199, among the lines a save does not list, is refunded by O-1200; and a refund naming no sale, old or new,
    is refused."""
    with pytest.raises(DataRejected) as kept:
        delete_row(store, "demo", "revenue", "O-1199")
    assert [e.where for e in kept.value.errors] == ["revenue row O-1200"]
    with pytest.raises(DataRejected) as nothing:
        save_row(
            store, "demo", "revenue", {**SALE, "id": "F-X", "amount": "-5", "reference": "OB-9999"}, clock=app.clock
        )
    assert "no sale has that reference or id" in nothing.value.errors[0].problem


def test_a_save_in_an_org_of_more_unlisted_lines_than_a_save_lists_reads_those_lines_not_every_row(
    demo_app: App,
) -> None:
    """A review: in an upgraded org of more older revenue lines than a save lists (1,000), each save listed 1,000 and
    then read every row and booking of the org to check its refunds (and its 1,000 lines again). It reads the lines
    not yet listed, each once, only when what the list names and the rows keyed by the reference do not settle it:
    an invoice corrected or a refund of an invoice reads as much with 16 times the invoices and bookings, a sale
    removed only the more unlisted lines; and refuses as it did."""
    small = _unlisted_reads(demo_app, 1)
    large = _unlisted_reads(demo_app, 16)
    more = {what: large[what] - small[what] for what in small}
    # the 1,000 lines it lists and a few rows; a sale removed, the 235 lines after where the listing stopped too
    assert (small["invoice edited"], small["sale nobody refunds removed"]) == (1013, 1240)  # docs/reports.md
    assert more == {"invoice edited": 0, "sale nobody refunds removed": 35 * 15, "refund of an invoice added": 0,
                    "sale a refund names kept": 35 * 15, "older sale a refund names kept": 2 * 35 * 15,
                    "refund of an older sale added": 35 * 15}  # fmt: skip
