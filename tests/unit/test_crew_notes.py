"""What crew read of a booking's notes: its amounts of money hidden, every other figure as written."""

from __future__ import annotations

import pytest

from firstmate.domain.redaction import HIDDEN_AMOUNT, crew_notes

MONEY = [
    ("Deposit 200 paid", "Deposit … paid"),
    ("Owner share 624", "Owner share …"),
    ("paid 350 cash", "paid … cash"),
    ("balance due 1200 on arrival", "balance due … on arrival"),
    ("Balance: 1,200.00", "Balance: …"),
    ("Payout - $624", "Payout - …"),
    ("owner payout usd 524", "owner payout …"),
    ("net payout after fees 624.00 USD", "net payout after fees …"),
    ("Captain pay: 150", "Captain pay: …"),
    ("200 deposit received", "… deposit received"),
    ("Tip of 50 for the crew", "Tip of … for the crew"),
    ("Total: 1290", "Total: …"),
    ("Deposit 215 paid, 6 guests, slip 14", "Deposit … paid, 6 guests, slip 14"),
    ("Paid 1.2k up front", "Paid … up front"),
    ("bring 20€ for parking", "bring … for parking"),
    # a review: amounts after a verb or an app the rules did not know, and amounts in words, reached crew
    ("collected 350", "collected …"),
    ("Collected 350 from Rob at the dock", "Collected … from Rob at the dock"),
    ("Venmo 200", "Venmo …"),
    ("Zelle 150", "Zelle …"),
    ("paid via venmo 200", "paid via venmo …"),
    ("cash app 40", "cash app …"),
    ("PayPal: 80", "PayPal: …"),
    ("received 300 by zelle", "received … by zelle"),
    ("balance 300 in cash", "balance … in cash"),
    ("200 via Venmo", "… via Venmo"),
    ("cash 300 on board", "cash … on board"),
    ("owes 120", "owes …"),
    ("guest still owes us 120", "guest still owes us …"),
    ("tip 50 included", "tip … included"),
    ("two hundred paid", "… paid"),
    ("fifty bucks for fuel", "… bucks for fuel"),
    ("Deposit of two hundred fifty received", "Deposit of … received"),
    ("balance due one thousand two hundred on arrival", "balance due … on arrival"),
    ("owes one hundred and twenty", "owes …"),
    # what one is paid: a share of it is as private as its amount
    ("Captain pay: 30%", "Captain pay: …"),
    ("owner share 70 %", "owner share …"),
    # a review: an amount written as another country writes it, or with a currency the rules did not know,
    # reached crew whole or in part
    ("€ 1.200,50 paid", "… paid"),
    ("1.200,50 €", "…"),
    ("200,00 € Anzahlung", "… Anzahlung"),
    ("EUR 1.200,00", "…"),
    ("USD 200,00", "…"),
    ("1 200 € payé", "… payé"),
    ("balance 1 200", "balance …"),
    ("balance 1'200 CHF", "balance …"),
    ("Deposit 1.200,50 received", "Deposit … received"),
    ("1.200 kr", "…"),
    ("kr 300 i depositum", "… i depositum"),
    ("200 zł", "…"),
    ("200,-", "…"),
    ("Preis 1.200,- inkl. Skipper", "Preis … inkl. Skipper"),
    ("₹500", "…"),
    ("20000円", "…"),
    ("R$ 200", "…"),
    ("US$300", "…"),
    ("Rs. 500", "…"),
    ("USD200", "…"),
    ("200USD", "…"),
    ("paid 300NOK", "paid …"),
    ("$85pp", "…pp"),
    ("$.50 a can", "… a can"),
    # markup left in the notes, and a figure in brackets
    ("Deposit: <span>200</span>", "Deposit: <span>…</span>"),
    ("deposit&nbsp;200", "deposit&nbsp;…"),
    ("Deposit (200)", "Deposit (…)"),
]

HARMLESS = [
    "6 guests",
    "slip 14",
    "2 coolers",
    "Back by 16:00",
    "ramp B",
    "birthday: 40",
    "Pickup at 10.30, total of 6 with the kids",
    "Tip: bring 2 towels",
    "Charge 2 phones",
    "Owner use 2026",
    "Rate: 5 knots max",
    "Net: 2 landing nets aboard",
    "Total party: 4 adults and 2 children",
    "Paid parking: gate 3",
    "deposit the bags at slip 3",
    "Deposit 2 bags at the dock",
    "Call +1 415 555 0148 on arrival",
    "BRING ALL 3 COOLERS",
    "Sunset cruise; one guest uses a cane: help boarding",
    # a review: a count of paying guests is a count, and a percentage no amount of money
    "6 paid guests",
    "Two paid guests, one on a comp",
    "Paid 4 of 6 guests",
    "discount 25%",
    "Discount 10 percent on drinks",
    "tip 18% included",
    "25% off the second trip",
    "dock 3",
    "pier 39",
    "engine hours 1200",
    "Engine hours: 1200 at haul-out",
    "Tip: bring two towels",
    "Back at four",
    "Deposit: three life jackets in the locker",
    "Collected 3 bags from the lost and found",
    "cash box in cabin 2",
    # a review: figures as other countries write them, dates, times and phones stay
    "Pickup 10.30",
    "12.-14. Juni",
    "Pickup 12.06.2026",
    "Call +45 20 30 40 50",
    "depth 3,5 m",
    "We are 6 (2 kids)",
    "BRING ALL 3 COOLERS",
    "RS 2 on the left",
]


@pytest.mark.parametrize(("notes", "shown"), MONEY)
def test_an_amount_of_money_in_the_notes_is_hidden_from_crew(notes: str, shown: str) -> None:
    assert crew_notes(notes) == shown.replace("…", HIDDEN_AMOUNT)


@pytest.mark.parametrize("notes", HARMLESS)
def test_other_figures_in_the_notes_reach_crew_as_written(notes: str) -> None:
    assert crew_notes(notes) == notes


def test_each_line_of_the_notes_is_read_on_its_own() -> None:
    notes = "Owner share 624\n6 guests\nbalance due 1200 on arrival"
    assert crew_notes(notes) == f"Owner share {HIDDEN_AMOUNT}\n6 guests\nbalance due {HIDDEN_AMOUNT} on arrival"
