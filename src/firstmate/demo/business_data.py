"""The demo operator's business data folder, written as a user would write it (CSV and YAML), with
dates around the demo's day so every role report has something true and useful to say.

Everything is fictional: vendors, clients and addresses (example.com). The same day gives the same
files. Secret-looking settings in infrastructure.yaml are random on each run and exist to show
that reports never carry them (only their names).
"""

from __future__ import annotations

import csv
import io
import random
import secrets
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

CHARTER, GUESTS, HAUL, KEEL, LOFT, DELIVERY = (
    "saltwind-charters", "tidewater-guests", "haulaway", "keel-advisory", "harbor-loft", "bluewater-delivery",
)  # fmt: skip
#: Charters booked per month, January first: a northern-hemisphere sailing season.
CHARTER_SEASON = (4, 4, 6, 8, 11, 14, 16, 16, 13, 9, 6, 4)
LOFT_OCCUPANCY = (0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.95, 0.8, 0.7, 0.5, 0.55)
CLIENTS = ("Marlow Studio", "Cedar & Finch LLP", "Brightwater Co-op", "Pelican Freight", "Juniper Labs")
OWNERS = ("R. Okafor (Sea Wren)", "Lindqvist Yachts", "M. Duarte (Blue Heron)", "Harbor Light Sailing")


def write_demo_data(folder: Path, today: date) -> Path:
    """Write the demo's data folder for `today` and return it."""
    rng = random.Random(f"saltwind-{today.isoformat()}")  # noqa: S311 - fictional data, not security
    folder.mkdir(parents=True, exist_ok=True)
    months = [_month(today, -n) for n in range(14, 0, -1)] + [_month(today, 0)]
    occupancy = _occupancy(months[:-1])
    revenue = _revenue(rng, today, months) + [  # the loft's takings, one line a month as the channel pays them
        _line(f"R-LOFT-{o['month']}", LOFT, "loft-unit", "booking:airbnb", date.fromisoformat(f"{o['month']}-01"),
              date.fromisoformat(f"{o['month']}-01"), float(str(o["revenue"])))
        for o in occupancy
    ]  # fmt: skip
    deliveries = _deliveries(rng, today)
    revenue += [  # a delivery is revenue when billed, on the day it was delivered
        _line(f"R-{d['id']}", DELIVERY, "", "delivery", date.fromisoformat(str(d["delivered"])),
              date.fromisoformat(str(d["delivered"])), float(str(d["billed"])), reference=str(d["id"]))
        for d in deliveries if d["delivered"] and d["billed"] and float(str(d["billed"])) > 0
    ]  # fmt: skip
    files = {
        "revenue.csv": _csv(revenue),
        "expenses.csv": _csv(_expenses(rng, months[-13:-1])),
        "invoices.csv": _csv(_invoices(rng, today)),
        "payouts.csv": _csv(_payouts(rng, today, revenue)),
        "occupancy.csv": _csv(occupancy),
        "maintenance.csv": _csv(_maintenance(today)),
        "deliveries.csv": _csv(deliveries),
        "channels.csv": _csv(_channels()),
        "infrastructure.yaml": _infrastructure(),
        "business.yaml": _business(today),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _month(today: date, offset: int) -> date:
    index = today.year * 12 + today.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _day_in(rng: random.Random, month: date, today: date | None = None) -> date:
    last = (_month(month, 1) - timedelta(days=1)).day
    day = month.replace(day=rng.randint(1, last))
    return min(day, today) if today else day


def _csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _money(value: float) -> str:
    return str(Decimal(str(round(value, 2))).quantize(Decimal("0.01")))


def _revenue(rng: random.Random, today: date, months: list[date]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for month in months:
        for n in range(CHARTER_SEASON[month.month - 1]):
            service = _day_in(rng, month)
            boat = "morning-tern" if n % 3 == 0 else "sea-lark"
            amount = rng.choice((950, 1150, 1290, 1450, 1700)) * (1.3 if boat == "morning-tern" else 1)
            ref = f"BS-{month:%y%m}{n:02d}"
            rows.append(_line(f"R-{ref}", CHARTER, boat, "booking:boatsetter", service - timedelta(days=rng.randint(4, 45)),
                              service, amount, reference=ref))  # fmt: skip
        for n in range(6 if month.month in (5, 6, 7, 8, 9) else 3):
            service = _day_in(rng, month)
            rows.append(_line(f"R-TW-{month:%y%m}{n}", GUESTS, "sea-lark", "club", service, service, 350))
        for n in range(rng.randint(17, 24)):
            service = _day_in(rng, month)
            rows.append(_line(f"R-HA-{month:%y%m}{n:02d}", HAUL, "haul-truck", "direct", service, service,
                              rng.choice((240, 320, 385, 460, 590))))  # fmt: skip
    # deposits for trips still ahead: recorded as revenue when taken (the accounting report catches it)
    for n, days in enumerate((9, 16, 23, 38)):
        rows.append(_line(f"R-DEP-{n + 1}", CHARTER, "morning-tern", "direct", today - timedelta(days=5 + n),
                          today + timedelta(days=days), 400, deposit=True, reference=f"DEP-{n + 1}"))  # fmt: skip
    return [r for r in rows if str(r["recorded_on"]) <= today.isoformat()]


def _line(
    id_: str, entity: str, asset: str, source: str, recorded: date, service: date, amount: float, *,
    deposit: bool = False, reference: str = "",
) -> dict[str, object]:  # fmt: skip
    return {"id": id_, "entity": entity, "asset": asset, "source": source, "recorded_on": recorded.isoformat(),
            "service_date": service.isoformat(), "amount": _money(amount), "deposit": str(deposit).lower(),
            "reference": reference}  # fmt: skip


def _expenses(rng: random.Random, months: list[date]) -> list[dict[str, object]]:
    plan = (  # entity, category, vendor, base amount, fixed, asset
        (CHARTER, "fuel", "Bayline Fuel Dock", 95, False, "sea-lark"),
        (CHARTER, "crew wages", "Saltwind payroll", 310, False, ""),
        (CHARTER, "slip rent", "Northpoint Marina", 2400, True, ""),
        (CHARTER, "advertising", "Example Social Ads", 1400, False, ""),
        (CHARTER, "repairs", "Gull Marine Supply", 420, False, "morning-tern"),
        (GUESTS, "advertising", "Example Social Ads", 600, False, ""),
        (HAUL, "disposal fees", "County Transfer Station", 1750, False, "haul-truck"),
        (HAUL, "fuel", "Bayline Fuel Dock", 820, False, "haul-truck"),
        (HAUL, "labour", "Haulaway payroll", 2900, False, ""),
        (HAUL, "vehicle lease", "Example Fleet Leasing", 1100, True, "haul-truck"),
        (KEEL, "software", "Cloudnest", 140, True, ""),
        (LOFT, "cleaning", "Tidy Harbor Cleaning", 520, False, "loft-unit"),
        (LOFT, "utilities", "Bay Utilities", 260, True, "loft-unit"),
        (DELIVERY, "crew wages", "Delivery crew payroll", 2600, False, ""),
        (DELIVERY, "travel", "Example Travel Desk", 900, False, ""),
    )
    rows: list[dict[str, object]] = []
    for m, month in enumerate(months):
        for n, (entity, category, vendor, base, fixed, asset) in enumerate(plan):
            if entity == DELIVERY and m == len(months) - 2:
                continue  # the delivery crew's September receipts never came in: the CFO shows a range
            scale = CHARTER_SEASON[month.month - 1] if category in ("fuel", "crew wages") and entity == CHARTER else 1
            amount = base if fixed else base * scale * rng.uniform(0.85, 1.15)
            rows.append({"id": f"E-{month:%y%m}-{n:02d}", "month": f"{month:%Y-%m}", "entity": entity,
                         "category": category, "vendor": vendor, "amount": _money(amount),
                         "fixed": str(fixed).lower(), "asset": asset})  # fmt: skip
    last = months[-1]
    rows += [  # what a real ledger has: receipts nobody filed yet, and one filed under the wrong heading
        {"id": f"E-{last:%y%m}-90", "month": f"{last:%Y-%m}", "entity": CHARTER, "category": "", "vendor": "Harborside Rigging",
         "amount": "1380.00", "fixed": "false", "asset": "sea-lark"},
        {"id": f"E-{last:%y%m}-91", "month": f"{last:%Y-%m}", "entity": HAUL, "category": "", "vendor": "Example Tire Center",
         "amount": "640.00", "fixed": "false", "asset": "haul-truck"},
        {"id": f"E-{last:%y%m}-92", "month": f"{last:%Y-%m}", "entity": CHARTER, "category": "software",
         "vendor": "Gull Marine Supply", "amount": "286.40", "fixed": "false", "asset": ""},
    ]  # fmt: skip
    return rows


def _invoices(rng: random.Random, today: date) -> list[dict[str, object]]:
    plan = (  # client, days ago issued, terms, amount, paid: None | (days after due, fraction)
        (0, 120, 30, 4200, (25, 1)), (0, 95, 30, 3800, None), (0, 60, 30, 4200, (0, 0.5)),
        (1, 80, 30, 6500, (2, 1)), (1, 40, 30, 6500, (-3, 1)), (1, 12, 30, 6500, None),
        (2, 70, 15, 2250, None), (2, 35, 15, 2250, None), (3, 50, 30, 3100, (1, 1)),
        (3, 20, 30, 3100, None), (4, 8, 30, 5400, None),
    )  # fmt: skip
    rows: list[dict[str, object]] = []
    for n, (client, ago, terms, amount, paid) in enumerate(plan, start=1):
        issued = today - timedelta(days=ago)
        due = issued + timedelta(days=terms)
        paid_on = due + timedelta(days=paid[0]) if paid else None
        paid_on = min(paid_on, today) if paid_on else None
        rows.append({"id": f"KA-{2400 + n}", "entity": KEEL, "client": CLIENTS[client], "issued": issued.isoformat(),
                     "due": due.isoformat(), "amount": _money(amount),
                     "paid_on": paid_on.isoformat() if paid_on else "",
                     "paid_amount": _money(amount * paid[1]) if paid else ""})  # fmt: skip
    return rows


def _payouts(rng: random.Random, today: date, revenue: list[dict[str, object]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    bookings = [r for r in revenue if str(r["source"]) == "booking:boatsetter"]
    for n, line in enumerate(bookings):
        service = date.fromisoformat(str(line["service_date"]))
        if service > today - timedelta(days=3) or n % 17 == 5:
            continue  # not paid out yet; and now and then a payout that never arrived
        fee = Decimal("0.35") if n % 23 == 7 else Decimal("0.15")  # one payout with a wrong fee taken
        amount = Decimal(str(line["amount"])) * (1 - fee)
        rows.append({"id": f"P-{line['reference']}", "source": "boatsetter",
                     "paid_on": (service + timedelta(days=2)).isoformat(), "amount": _money(float(amount)),
                     "reference": line["reference"]})  # fmt: skip
    rows.append({"id": "P-ORPHAN-1", "source": "boatsetter", "paid_on": (today - timedelta(days=11)).isoformat(),
                 "amount": "742.50", "reference": "BS-UNKNOWN-77"})  # fmt: skip
    return rows


def _occupancy(months: list[date]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for month in months:
        available = (_month(month, 1) - timedelta(days=1)).day - (4 if month.month == 2 else 0)
        rate = LOFT_OCCUPANCY[month.month - 1] * (0.8 if month == months[-1] else 1)  # a soft last month
        booked = min(available, round(available * rate))
        rows.append({"asset": "loft-unit", "month": f"{month:%Y-%m}", "nights_available": available,
                     "nights_booked": booked, "revenue": _money(booked * 185)})  # fmt: skip
    return rows


def _maintenance(today: date) -> list[dict[str, object]]:
    plan = (  # asset, days from today, what, cost, kind, vendor
        ("loft-unit", -300, "Annual HVAC service", 380, "planned", "Example Heating"),
        ("loft-unit", -200, "Dishwasher replaced", 940, "repair", "Example Appliance Repair"),
        ("loft-unit", -75, "Leak under the bathroom sink", 460, "repair", "Example Plumbing"),
        ("loft-unit", -40, "Water heater replaced", 1650, "repair", "Example Plumbing"),
        ("loft-unit", -12, "Lock replaced after lost key", 310, "repair", "Example Locksmith"),
        ("loft-unit", 25, "Deep clean and repaint", 1200, "planned", "Tidy Harbor Cleaning"),
        ("sea-lark", 18, "Haul-out and bottom paint", 3200, "planned", "Example Boatyard"),
        ("haul-truck", 40, "Brake service", 780, "planned", "Example Fleet Leasing"),
    )  # fmt: skip
    return [{"id": f"M-{n:03d}", "asset": a, "date": (today + timedelta(days=d)).isoformat(), "description": what,
             "cost": _money(cost), "kind": kind, "vendor": vendor}
            for n, (a, d, what, cost, kind, vendor) in enumerate(plan, start=1)]  # fmt: skip


def _deliveries(rng: random.Random, today: date) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(14):
        promised = today - timedelta(days=8 + n * 7)
        late = (0, 0, 3, 0, 0, 6, 0, 1, 0, 0, 2, 0, 0, 0)[n]
        billed = rng.choice((2800, 3400, 3900, 4600))
        collected = 0 if n == 1 else billed
        rows.append({"id": f"BW-{300 + n}", "entity": DELIVERY, "client": OWNERS[n % len(OWNERS)],
                     "promised": promised.isoformat(), "delivered": (promised + timedelta(days=late)).isoformat(),
                     "billed": _money(0 if n == 3 else billed), "collected": _money(0 if n == 3 else collected)})  # fmt: skip
    rows.append({"id": "BW-399", "entity": DELIVERY, "client": OWNERS[2], "promised": (today - timedelta(days=4)).isoformat(),
                 "delivered": "", "billed": "", "collected": ""})  # fmt: skip
    return rows


def _channels() -> list[dict[str, object]]:
    listings = (
        (CHARTER, "Boatsetter", "live"), (CHARTER, "GetMyBoat", "listed"), (CHARTER, "Google Business Profile", "live"),
        (GUESTS, "Google Business Profile", "live"), (HAUL, "Google Business Profile", "live"), (HAUL, "Yelp", "live"),
        (KEEL, "LinkedIn", "live"), (LOFT, "Airbnb", "live"), (LOFT, "Vrbo", "listed"),
    )  # fmt: skip
    return [{"entity": e, "channel": c, "status": s, "url": ""} for e, c, s in listings]


def _infrastructure() -> str:
    stripe = "sk_live_" + secrets.token_hex(12)  # random each run: it must never show up in a report
    return f"""# Services the businesses run on (fictional).
- id: booking-site
  name: Charter booking website
  kind: hosting
  monthly_cost: 45.00
  runtime: python3.9
  version: "2.3.1"
  used_by: [{CHARTER}, {GUESTS}]
  tls: true
  config:
    SITE_URL: https://charters.example.com
    STRIPE_SECRET_KEY: {stripe}
    DATABASE_URL: postgres://site:{secrets.token_hex(8)}@db.example.com/site
- id: report-runner
  name: Report and reminder functions
  kind: function
  monthly_cost: 3.00
  runtime: python3.12
  version: latest
  used_by: [{CHARTER}, {KEEL}]
- id: guest-photos
  name: Guest photo bucket
  kind: storage
  monthly_cost: 6.00
  public: true
  used_by: [{CHARTER}]
- id: charters-mail
  name: Transactional email
  kind: email
  monthly_cost: 20.00
  sending_domain: charters.example.com
  spf: true
  dkim: true
  dmarc: false
  used_by: [{CHARTER}, {GUESTS}, {LOFT}]
- id: newsletter
  name: Newsletter tool
  kind: email
  monthly_cost: 39.00
  sending_domain: charters.example.com
  spf: true
  dkim: false
  used_by: [{CHARTER}, {GUESTS}]
- id: crm
  name: CRM
  kind: saas
  monthly_cost: 90.00
  cheaper_alternative: the CRM's starter plan (the team uses 2 of its 5 seats)
  alternative_cost: 45.00
  used_by: [{CHARTER}, {KEEL}]
- id: old-scheduler
  name: Old scheduling app
  kind: saas
  monthly_cost: 29.00
  used_by: []
- id: charters-domain
  name: charters.example.com
  kind: domain
  monthly_cost: 1.50
  tls: true
  used_by: [{CHARTER}]
"""


def _business(today: date) -> str:
    return f"""currency: USD
cash:
  balance: 88500.00
  as_of: {(today - timedelta(days=1)).isoformat()}
fixed_costs:
  - {{name: Boat loan (Morning Tern), entity: {CHARTER}, monthly: 1850.00}}
  - {{name: Loft mortgage, entity: {LOFT}, monthly: 2100.00}}
  - {{name: Charter insurance, entity: {CHARTER}, monthly: 690.00}}
  - {{name: Bookkeeping, monthly: 350.00}}
goals:
  - {{metric: revenue, monthly: 52000}}
  - {{entity: {CHARTER}, metric: revenue, monthly: 19000}}
  - {{entity: {HAUL}, metric: revenue, monthly: 8000}}
  - {{entity: {LOFT}, metric: occupancy, monthly: 0.70}}
  - {{entity: {GUESTS}, metric: bookings, monthly: 6}}
  - {{metric: profit, monthly: 9000}}
reserve_months: 3
capital_options:
  - {{name: Second junk-removal truck, cost: 18000.00, monthly_return: 2300.00, entity: {HAUL}}}
  - {{name: Loft kitchen refresh, cost: 6500.00, monthly_return: 420.00, entity: {LOFT}}}
  - {{name: Third boat (deposit), cost: 25000.00, monthly_return: 1500.00, entity: {CHARTER}}}
email_lists:
  - {{entity: {CHARTER}, subscribers: 2400, open_rate: 0.31, click_rate: 0.07, conversion_rate: 0.025, average_order: 1150.00, blasts_per_month: 2}}
  - {{entity: {GUESTS}, subscribers: 860, open_rate: 0.44, click_rate: 0.11, conversion_rate: 0.04, average_order: 350.00, blasts_per_month: 1}}
seo:
  - {{entity: {CHARTER}, business_profile: true, reviews: 64, rating: 4.8, consistent_contact: true, https: true, structured_data: false, location_page: true}}
  - {{entity: {GUESTS}, business_profile: true, reviews: 9, rating: 4.9, consistent_contact: false, https: true}}
  - {{entity: {HAUL}, business_profile: true, reviews: 31, rating: 4.4, consistent_contact: true, https: false}}
  - {{entity: {LOFT}, reviews: 22, rating: 4.7}}
ux_debt:
  - {{title: Booking form forgets the chosen date when the page reloads, area: booking site, impact: high}}
  - {{title: Guests cannot change party size after booking, area: booking site, impact: medium}}
  - {{title: Crew checklist needs two taps per item on small phones, area: crew app, impact: low}}
engineering:
  automated_tests: true
  ci: true
  deploy_steps: 5
  rollback: false
  monitoring: false
  backups_tested: false
"""
