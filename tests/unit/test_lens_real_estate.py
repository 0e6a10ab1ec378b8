"""The Real-estate manager lens: occupancy, ADR and RevPAN, the year-on-year RevPAN trend, and the
maintenance forecast, on one hand-computed rental cottage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from firstmate.domain.business import Asset, Entity
from firstmate.domain.reports.document import Finding, Severity, Tone
from firstmate.domain.reports.real_estate import real_estate_report
from firstmate.domain.snapshot import Finance, Goal, Maintenance, Occupancy, Snapshot

AS_OF = date(2026, 11, 21)
OCCUPANCY = (
    # month, available, booked, revenue
    ("2026-08", 31, 31, 6200),
    ("2026-09", 30, 24, 4320),
    ("2026-10", 31, 17, 3400),
    # a year earlier, outside the 12-month window
    ("2025-08", 31, 31, 6820),
    ("2025-09", 30, 27, 5400),
    ("2025-10", 31, 20, 4000),
)
MAINTENANCE = (
    # id, date, kind, cost
    ("M0", "2025-10-15", "repair", 10000),  # before the window
    ("M1", "2026-01-10", "repair", 300),
    ("M2", "2026-04-15", "planned", 600),
    ("M3", "2026-09-05", "repair", 900),
    ("M4", "2026-10-20", "repair", 600),
    ("M5", "2026-12-15", "planned", 1200),  # scheduled, within 90 days (to 19 Feb 2027)
    ("M6", "2027-03-01", "planned", 5000),  # scheduled beyond 90 days
)


def _snapshot(goal: Decimal | None = Decimal("0.7"), extra: tuple[Maintenance, ...] = ()) -> Snapshot:
    goals = (Goal(entity="stays", metric="occupancy", monthly=goal),) if goal is not None else ()
    return Snapshot(
        org_id="acme",
        org_name="Acme Harbour",
        as_of=AS_OF,
        entities=(Entity(id="stays", name="Dune Stays", kind="rental"),),
        assets=(Asset(id="cottage", entity="stays", name="Dune Cottage", kind="property"),),
        occupancy=tuple(
            Occupancy(asset="cottage", month=m, nights_available=a, nights_booked=b, revenue=Decimal(r))
            for m, a, b, r in OCCUPANCY
        ),
        maintenance=tuple(
            Maintenance(id=i, asset="cottage", date=d, description="Work", kind=k, cost=Decimal(c))
            for i, d, k, c in MAINTENANCE
        )
        + extra,
        finance=Finance(goals=goals),
    )


def test_occupancy_adr_and_revpan_by_month() -> None:
    doc = real_estate_report(_snapshot())
    table = doc.sections[0].tables[0]
    # only the three 2026 months fall in Nov 2025–Oct 2026
    assert [row[0] for row in table.rows] == ["Aug 2026", "Sep 2026", "Oct 2026"]
    # Oct: 17/31 = 54.8%; ADR 3,400/17 = 200; RevPAN 3,400/31 = 109.68
    assert table.rows[2] == ("Oct 2026", "Dune Cottage", "31", "17", "55%", "$3,400", "$200.00", "$109.68")
    # Sep: 24/30 = 80%; ADR 4,320/24 = 180; RevPAN 4,320/30 = 144
    assert table.rows[1][4:] == ("80%", "$4,320", "$180.00", "$144.00")


def test_last_month_below_the_goal_is_an_alert_with_its_lost_nights() -> None:
    doc = real_estate_report(_snapshot())
    card = doc.sections[0].cards[0]
    assert (card.label, card.value) == ("Dune Cottage occupancy, Oct 2026", "55%")  # 17 / 31 = 54.8%
    assert (card.marker, card.tone, card.note) == ("[ALERT]", Tone.ALERT, "goal 70%")
    finding = next(f for f in doc.findings if f.key == "real_estate:occupancy:cottage")
    # 0.7 × 31 = 21.7 − 17 booked = 4.7 → 5 nights short × $200 ADR = $1,000 → HIGH
    assert finding.money_at_stake == Decimal(1000) and finding.severity is Severity.HIGH
    assert finding.title == "Lift Dune Cottage occupancy from 55% to the goal 70%"


def test_without_a_goal_the_bar_is_ten_points_under_the_12_month_average() -> None:
    doc = real_estate_report(_snapshot(goal=None))
    card = doc.sections[0].cards[0]
    # 12-month average (17 + 24 + 31) / (31 + 30 + 31) = 72/92 = 78.3%; 54.8% < 68.3% → alert
    assert card.marker == "[ALERT]" and card.note == "12-month average 78%"
    finding = next(f for f in doc.findings if f.key == "real_estate:occupancy:cottage")
    # 0.7826 × 31 = 24.26 − 17 = 7.26 → 7 nights × $200 = $1,400
    assert finding.money_at_stake == Decimal(1400)


def _units(rows: tuple[tuple[str, str, int, int], ...]) -> Snapshot:
    """Two units of one rental business without an occupancy goal: (asset, month, available, booked)."""
    return Snapshot(
        org_id="acme",
        org_name="Acme Harbour",
        as_of=AS_OF,
        entities=(Entity(id="stays", name="Dune Stays", kind="rental"),),
        assets=(
            Asset(id="cottage", entity="stays", name="Dune Cottage", kind="property"),
            Asset(id="loft", entity="stays", name="Harbour Loft", kind="property"),
        ),
        occupancy=tuple(
            Occupancy(asset=a, month=m, nights_available=n, nights_booked=b, revenue=Decimal(b * 150))
            for a, m, n, b in rows
        ),
    )


def test_a_unit_with_nights_available_and_none_booked_is_an_alert_even_when_it_always_was_empty() -> None:
    # the loft was on offer all year and never booked: its average is 0%, and 0% − 10 points once let 0% pass
    doc = real_estate_report(_units(tuple(("loft", f"2026-{m:02d}", 28, 0) for m in range(1, 11))))
    card = doc.sections[0].cards[0]
    assert (card.label, card.value, card.marker, card.note) == (
        "Harbour Loft occupancy, Oct 2026", "0%", "[ALERT]", "12-month average 0%"
    )  # fmt: skip
    finding = next(f for f in doc.findings if f.key == "real_estate:occupancy:loft")
    assert finding.title == "Find out why Harbour Loft had no bookings in Oct 2026"
    assert finding.detail.startswith("Oct 2026: none of 28 available nights booked (12-month average 0%)")
    assert finding.severity is Severity.MEDIUM


def test_a_row_of_no_nights_available_is_said_so_and_not_judged() -> None:
    doc = real_estate_report(_units((("cottage", "2026-09", 30, 12), ("cottage", "2026-10", 0, 0))))
    card = doc.sections[0].cards[0]
    assert (card.value, card.note) == ("—", "0 nights available in Oct 2026")  # it read "no occupancy row"
    assert not [f for f in doc.findings if f.key.startswith("real_estate:occupancy")]


def test_goal_met_is_ok() -> None:
    doc = real_estate_report(_snapshot(goal=Decimal("0.5")))
    assert doc.sections[0].cards[0].marker == "[OK]"  # 54.8% ≥ 50%
    assert not any(f.key.startswith("real_estate:occupancy") for f in doc.findings)


def test_revpan_against_the_same_months_a_year_earlier() -> None:
    doc = real_estate_report(_snapshot())
    trend = doc.sections[1]
    # now (6,200 + 4,320 + 3,400) / 92 = 151.30; then (6,820 + 5,400 + 4,000) / 92 = 176.30;
    # change = (13,920 − 16,220) / 16,220 = −14.2%
    assert trend.tables[0].rows == (("Dune Cottage", "$151.30", "$176.30", "−14%"),)
    finding = next(f for f in doc.findings if f.key == "real_estate:revpan-drop:cottage")
    # (176.30 − 151.30) × 92 nights / 3 = 25 × 92 / 3 = 766.67 a month → MEDIUM
    assert finding.money_at_stake.quantize(Decimal("0.01")) == Decimal("766.67")
    assert finding.severity is Severity.MEDIUM


def test_a_revpan_that_rose_reads_with_its_sign_as_a_fall_does() -> None:
    """A review: a rise read "14%" in the Change column, beside others' "−14%"."""
    snapshot = _snapshot()
    years = {2025: 2026, 2026: 2025}  # the two years swapped: this year's RevPAN is last year's, and up
    risen = tuple(o.model_copy(update={"month": o.month.replace(year=years[o.month.year])}) for o in snapshot.occupancy)
    trend = real_estate_report(snapshot.model_copy(update={"occupancy": risen})).sections[1]
    assert trend.tables[0].rows == (("Dune Cottage", "$176.30", "$151.30", "+17%"),)


def test_the_revpan_summary_compares_only_properties_with_rows_in_both_years_and_names_the_others() -> None:
    # the loft is new: its $50 a night now once sat in this year's figure but had nothing a year earlier, so
    # the summary read a portfolio-wide fall the cottage never had
    loft = Asset(id="loft", entity="stays", name="Harbour Loft", kind="property")
    new_rows = tuple(
        Occupancy(asset="loft", month=m, nights_available=n, nights_booked=10, revenue=Decimal(50 * n))
        for m, n in (("2026-08", 31), ("2026-09", 30), ("2026-10", 31))
    )
    base = _snapshot()
    snapshot = base.model_copy(update={"assets": (*base.assets, loft), "occupancy": base.occupancy + new_rows})
    trend = real_estate_report(snapshot).sections[1]
    # all now: (13,920 + 4,600) / 184 = 100.65; like for like, the cottage: 151.30 against 176.30
    assert trend.summary == (
        "Each available night earned $100.65 over Aug 2026–Oct 2026. Like for like (Dune Cottage): $151.30 "
        "against $176.30 in Aug 2025–Oct 2025; left out: Harbour Loft (no rows then)."
    )
    assert trend.bullets == (
        "No rows for the same months a year earlier for Harbour Loft: add last year's occupancy.csv rows to compare.",
    )
    # with every property in both years the summary reads as before
    assert real_estate_report(base).sections[1].summary == (
        "Each available night earned $151.30 over Aug 2026–Oct 2026, against $176.30 a year earlier."
    )


def test_maintenance_totals_forecast_and_repair_spike() -> None:
    doc = real_estate_report(_snapshot())
    upkeep = doc.sections[2]
    cards = {c.label: c for c in upkeep.cards}
    assert cards["Planned, 12 months"].raw == Decimal(600)  # M2
    assert cards["Repairs, 12 months"].raw == Decimal(1800)  # M1 + M3 + M4 = 300 + 900 + 600
    # M5 1,200 scheduled + 1,800 / 12 = 150 a month × 3 = 450 → 1,650 (M6 is beyond 90 days)
    assert cards["Forecast next 3 months"].raw == Decimal(1650)
    # 2,400 / 13,920 = 17.2% of revenue: under the 25% ceiling
    assert cards["Maintenance / revenue"].value == "17%" and cards["Maintenance / revenue"].marker == "[OK]"
    scheduled = next(t for t in upkeep.tables if t.title == "Scheduled")
    assert scheduled.rows == (("2026-12-15", "Dune Cottage", "Work", "planned", "$1,200"),)
    spike = next(f for f in doc.findings if f.key == "real_estate:repairs:spike")
    # Aug–Oct repairs 900 + 600 = 1,500 against the 9 months before them: 300 / 9 = 33.33 × 3 = 99.99; excess
    # 1,400.01
    assert spike.money_at_stake == Decimal("1400.01") and spike.severity is Severity.MEDIUM
    assert spike.detail == (
        "Repairs in the last 3 months (Aug 2026–Oct 2026) were $1,500 against $100, 3 months at the average month "
        "of the 9 before them (Nov 2025–Jul 2026: $300 / 9 = $33.33): more than 50% above it."
    )
    assert upkeep.bullets == ()  # the cottage has 9 months before Aug 2026


def _let_since_august(repairs: Decimal) -> Snapshot:
    """The cottage first let in Aug 2026, $4,000 a month since, with a repair of `repairs` each month."""
    months = ("2026-08", "2026-09", "2026-10")
    return _snapshot().model_copy(
        update={
            "occupancy": tuple(
                Occupancy(asset="cottage", month=m, nights_available=30, nights_booked=20, revenue=Decimal(4000))
                for m in months
            ),
            "maintenance": tuple(
                Maintenance(id=f"R{n}", asset="cottage", date=f"{m}-10", description="Fix", kind="repair",
                            cost=repairs)
                for n, m in enumerate(months)
            ),
        }
    )  # fmt: skip


def test_a_property_let_for_3_months_averages_its_repairs_over_those_and_claims_no_spike() -> None:
    # first let in Aug 2026, a $400 repair each month since: $400 a month, no spike (it read $100 a month,
    # a $300 forecast, and "Find the cause of $1,200 of repairs" against a year it was not let)
    snapshot = _let_since_august(repairs=Decimal(400))
    doc = real_estate_report(snapshot)
    upkeep = doc.sections[2]
    forecast = next(c for c in upkeep.cards if c.label == "Forecast next 3 months")
    assert (forecast.value, forecast.note) == ("$1,200", "scheduled $0 + repairs $1,200: $400 a month × 3")
    assert not [f for f in doc.findings if f.key == "real_estate:repairs:spike"]
    assert upkeep.bullets == (
        "Dune Cottage has 0 months on the books before Aug 2026: too few to tell a spike in its last 3 months of "
        "repairs from its usual run (3 needed), so none is claimed.",
    )


def test_maintenance_over_a_quarter_of_revenue_is_high() -> None:
    big = Maintenance(id="M7", asset="cottage", date=date(2026, 5, 2), description="Roof", cost=Decimal(2000))
    doc = real_estate_report(_snapshot(extra=(big,)))
    finding = next(f for f in doc.findings if f.key == "real_estate:maintenance:share")
    # (2,400 + 2,000) / 13,920 = 31.6%; excess (4,400 − 0.25 × 13,920) / 12 = 920 / 12 = 76.67 a month
    assert finding.severity is Severity.HIGH
    assert finding.money_at_stake.quantize(Decimal("0.01")) == Decimal("76.67")
    assert finding.title == "Cut property upkeep: 32% of revenue over 12 months"


def test_no_property_and_empty_snapshot_say_what_to_add() -> None:
    doc = real_estate_report(Snapshot(org_id="x", org_name="X", as_of=AS_OF))
    assert [s.title for s in doc.sections] == [
        "Occupancy by month",
        "Revenue per available night",
        "Maintenance cost and forecast",
    ]
    assert all('kind = "property"' in s.summary and s.method for s in doc.sections)
    assert doc.findings == ()
    bare = _snapshot().model_copy(update={"occupancy": (), "maintenance": ()})
    sections = real_estate_report(bare).sections
    assert "add occupancy.csv" in sections[0].summary and "add maintenance.csv" in sections[2].summary


def test_no_property_names_the_file_and_command_an_owner_adds_one_with() -> None:
    """Found by a review: it said to add the property "to business.toml", a file an owner never has (theirs is
    the org file that 'firstmate org template' writes and 'firstmate org import' reads)."""
    doc = real_estate_report(Snapshot(org_id="x", org_name="X", as_of=AS_OF))
    for said in (doc.headline, *(s.summary for s in doc.sections), *(s.method for s in doc.sections)):
        assert "business.toml" not in said, said
    assert "firstmate org import" in doc.headline, doc.headline


def test_a_new_propertys_upkeep_excess_is_a_month_of_the_months_it_was_held() -> None:
    # let since Aug 2026: $12,000 of revenue, $4,500 of repairs (37.5%); the excess over 25% is $1,500 in
    # 3 months, $500 a month (it was divided by 12: $125)
    snapshot = _let_since_august(repairs=Decimal(1500))
    finding = next(f for f in real_estate_report(snapshot).findings if f.key == "real_estate:maintenance:share")
    assert finding.money_at_stake == Decimal(500)


def test_money_at_stake_is_in_cents_as_every_figure_of_the_json_is() -> None:
    """An occupancy shortfall's stood in the JSON as 1428.571428571428571428571429 beside a text of $1,429."""
    finding = Finding("x:y:z", "t", "d", Severity.LOW, "ceo", money_at_stake=Decimal(10000) / 7)
    assert str(finding.money_at_stake) == "1428.57"


def test_a_repair_already_dated_is_counted_once_in_the_forecast() -> None:
    """A review: a repair dated after the report's day was scheduled work, and the forecast added it to the
    average monthly repairs × 3, which foresee it: counted twice. It stays scheduled (and committed, for
    the CFO), and the forecast's repairs are the larger of those dated and the average × 3."""
    small = Maintenance(id="M7", asset="cottage", date=date(2026, 11, 26), description="Lock replaced",
                        kind="repair", cost=Decimal(310))  # fmt: skip
    large = small.model_copy(update={"id": "M8", "description": "Roof", "cost": Decimal(1650)})
    for extra, forecast, note in (
        ((small,), "$1,650", "scheduled planned $1,200 + repairs $450: per property, the larger of its scheduled "
         "repairs ($310 in all) and its average month × 3 ($150 a month in all)"),
        ((small, large), "$3,160", "scheduled planned $1,200 + repairs $1,960: per property, the larger of its "
         "scheduled repairs ($1,960 in all) and its average month × 3 ($150 a month in all)"),
    ):  # fmt: skip
        upkeep = real_estate_report(_snapshot(extra=extra)).sections[2]
        card = next(c for c in upkeep.cards if c.label == "Forecast next 3 months")
        assert (card.value, card.note) == (forecast, note)
        [scheduled] = [t for t in upkeep.tables if t.title == "Scheduled"]
        assert {row[0] for row in scheduled.rows} == {"2026-11-26", "2026-12-15"}


def test_one_propertys_average_does_not_stand_for_anothers_dated_repair() -> None:
    """A review of the fix above: the forecast took the larger of all the dated repairs and all the
    properties' average × 3, so Loft A's $2,000 a month swallowed Loft B's $5,000 roof repair next week."""
    months = ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    lofts = ("loft-a", "loft-b")
    history = tuple(Maintenance(id=f"A{n}", asset="loft-a", date=date.fromisoformat(f"{m}-10"), description="Fix",
                                cost=Decimal(2000), kind="repair") for n, m in enumerate(months))  # fmt: skip
    roof = Maintenance(id="B1", asset="loft-b", date=date(2026, 12, 13), description="Roof", cost=Decimal(5000),
                       kind="repair")  # fmt: skip
    snapshot = Snapshot(
        org_id="acme", org_name="Acme Harbour", as_of=date(2026, 12, 6),
        entities=(Entity(id="stays", name="Dune Stays", kind="rental"),),
        assets=tuple(Asset(id=a, entity="stays", name=a.title(), kind="property") for a in lofts),
        occupancy=tuple(Occupancy(asset=a, month=m, nights_available=28, nights_booked=20, revenue=Decimal(3000))
                        for a in lofts for m in months),
        maintenance=(*history, roof),
    )  # fmt: skip
    card = next(c for c in real_estate_report(snapshot).sections[2].cards if c.label == "Forecast next 3 months")
    assert card.value == "$11,000"  # Loft A's 2,000 × 3 + Loft B's dated 5,000 (no repairs before it)


def test_the_forecast_card_is_the_sum_of_the_parts_its_note_shows() -> None:
    """A review: "scheduled planned $101 + repairs $53" sat under a card of $153 (the exact sum rounded)."""
    planned = Maintenance(id="P1", asset="cottage", date=date(2026, 12, 1), description="Paint", kind="planned",
                          cost=Decimal("100.60"))  # fmt: skip
    repair = Maintenance(id="R1", asset="cottage", date=date(2026, 12, 2), description="Tap", kind="repair",
                         cost=Decimal("52.60"))  # fmt: skip
    snapshot = _snapshot().model_copy(update={"maintenance": (planned, repair)})
    upkeep = real_estate_report(snapshot).sections[2]
    card = next(c for c in upkeep.cards if c.label == "Forecast next 3 months")
    assert card.note is not None and card.note.startswith("scheduled planned $101 + repairs $53")
    assert (card.value, card.raw) == ("$154", Decimal("153.20"))
    assert upkeep.summary.endswith("$154 expected in the next 3.")  # as the card, a review found it read $153


def test_the_forecast_without_dated_repairs_is_its_notes_parts_too() -> None:
    """A review: "scheduled $0 + $103 a month of repairs × 3" sat beside a card of $310 (103.33 × 3 = 310,
    but $103 × 3 = $309): the note now shows the repairs' figure the card adds."""
    repairs = tuple(Maintenance(id=f"R{m}", asset="cottage", date=date(2026, m, 3), description="Fix",
                                kind="repair", cost=Decimal(620)) for m in (8, 9))  # fmt: skip
    snapshot = _snapshot().model_copy(update={"maintenance": repairs})
    upkeep = real_estate_report(snapshot).sections[2]
    card = next(c for c in upkeep.cards if c.label == "Forecast next 3 months")
    assert card.note is not None and card.note.startswith("scheduled $0 + repairs ")
    repairs_shown = card.note.split("repairs ")[1].split(":")[0]
    # 1,240 / 12 × 3: the average month in cents, so that it foots (a review: "$103 a month × 3" beside $310)
    assert card.value == repairs_shown == "$310" and card.note.endswith("$103.33 a month × 3")
    assert upkeep.summary.endswith("$310 expected in the next 3.")


def test_a_revpan_change_that_rounds_to_nothing_reads_0_percent_with_no_sign() -> None:
    """A review: a RevPAN up 0.1% read "+0%" (risen by nothing), and one down 0.1% "-0%", with the ASCII
    hyphen no other figure of the report has."""
    snapshot = _snapshot()
    for then_october in (3380, 3420):  # a year earlier: 13,900 and 13,940 against 13,920 now
        then = {8: Decimal(6200), 9: Decimal(4320), 10: Decimal(then_october)}
        earlier = tuple(
            o.model_copy(update={"revenue": then[o.month.month]}) if o.month.year == 2025 else o
            for o in snapshot.occupancy
        )
        trend = real_estate_report(snapshot.model_copy(update={"occupancy": earlier})).sections[1]
        assert [row[3] for row in trend.tables[0].rows] == ["0%"]


def test_the_maintenance_by_month_and_its_cards_add_up_as_shown() -> None:
    """A review: costs in cents, each rounded on its own, did not add up to the totals beside them, worked out
    exact: September's planned $101 and repair $101 read a total of $201, the repairs of $101 and $101 a card of
    $201, and the 12 months' $101 planned and $202 of repairs "$302 over 12 months"."""

    def work(n: int, day: str, kind: str) -> Maintenance:
        return Maintenance(id=f"W{n}", asset="cottage", date=date.fromisoformat(day), description="Work", kind=kind,
                           cost=Decimal("100.50"))  # fmt: skip

    maintenance = (work(1, "2026-09-05", "planned"), work(2, "2026-09-06", "repair"), work(3, "2026-10-06", "repair"))
    upkeep = real_estate_report(_snapshot().model_copy(update={"maintenance": maintenance})).sections[2]
    by_month = {row[0]: row[1:] for row in upkeep.tables[0].rows}
    assert by_month["Sep 2026"] == ("$101", "$101", "$202") and by_month["Oct 2026"] == ("$0", "$101", "$101")
    cards = {c.label: c.value for c in upkeep.cards}
    assert (cards["Planned, 12 months"], cards["Repairs, 12 months"]) == ("$101", "$202")
    assert upkeep.summary.startswith("$303 over 12 months;")


def test_the_repair_spike_shows_the_average_month_its_three_months_are_worked_out_from() -> None:
    """A review: the demo's spike read "$2,420 against $313 at the average month before them", where the
    average month was $104.44 ($940 over 9 months) and $313 three of them: a reader took $313 for the month."""
    import re

    spike = next(f for f in real_estate_report(_snapshot()).findings if f.key == "real_estate:repairs:spike")
    figures = [Decimal(f.replace(",", "")) for f in re.findall(r"\$([\d,]+(?:\.\d\d)?)", spike.detail)]
    # the last 3 months, the 3 months expected, the repairs of the months before them, and the average month
    assert len(figures) == 4, spike.detail
    recent, expected, before, month = figures
    assert month == (before / 9).quantize(Decimal("0.01"))
    # the cottage's 9 months before Aug 2026 hold $300 of repairs: $33.33 a month, 3 × $33.33 = $99.99
    assert month == Decimal("33.33")
    assert expected == (3 * month).quantize(Decimal(1)) == 100
    assert spike.money_at_stake == recent - 3 * month == Decimal("1400.01")


def test_the_repair_spike_names_the_months_it_is_judged_against() -> None:
    """A review: the demo read "$2,420 against $313, 3 months at the average month before them ($104.44)": the
    average was of the 9 months before the last 3, Dec 2025–Aug 2026, and nothing said which months, nor their
    $940 of repairs, to redo it from the table by month."""
    spike = next(f for f in real_estate_report(_snapshot()).findings if f.key == "real_estate:repairs:spike")
    # Aug–Oct 2026 against Nov 2025–Jul 2026, the cottage's 9 months before them: $300 of repairs, $33.33 a month
    assert spike.detail == (
        "Repairs in the last 3 months (Aug 2026–Oct 2026) were $1,500 against $100, 3 months at the average month "
        "of the 9 before them (Nov 2025–Jul 2026: $300 / 9 = $33.33): more than 50% above it."
    )
