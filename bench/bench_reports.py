"""Reports at scale: the eight role reports and the weekly marketing report of a large operator.

The spec operator (16x here): 500 campaigns (one ad set each) x 104 weeks of ad figures, 20,000
CRM leads, 5,000 bookings, 2,000 invoices. 1x and 4x are the same operator at 1/16 and 4/16 of
that size (104 weeks at every size), so that the cost's growth shows: with linear growth each
added unit of data costs the same from 4x to 16x as from 1x to 4x.

Set-up (untimed, in this process): a FIRSTMATE_HOME with the demo business, where the bookings go
through `orchestrate_booking` (the real intake, fan-out and all; each size is a copy of the smaller
one's home plus more bookings); the demo data folder with the invoices and a payout for most past
bookings, through `check_data` + `import_data`; the ads as CSV files for `CsvAdsSource`; the CRM
as a file of HubSpot search pages, read by the real HubSpot parser (all leads inside the sixteen
weeks a weekly run pulls: the heaviest case).

Measured, in a fresh process per size (so that its memory is the build's alone):
- build: `run_weekly` (pull, archive, metrics, analysis, HTML/text/JSON/PDF) then `run_role_reports`
  for all eight roles (snapshot, lenses, HTML/text/JSON/PDF), both with `--out`. The first build in
  the process is "cold" (fonts, templates, caches, and the drawing libraries it imports on first use),
  the next WARM_BUILDS "warm" (the best is kept: on a shared machine a burst of other work lengthens
  one build by a quarter or more), each with the week's ad-set figures not kept yet, as on a Monday
  (a build of a week already built wrote 13 items where a Monday's writes 500).
- read: every read call the build made through the store and blobs ports (Store get/get_many/query…,
  Blobs get/head/list), recorded during a warm build and replayed alone twice after each warm build,
  and the files the ads and CRM sources read, decoded plainly (csv.reader, json.loads; the sources'
  own work on them, dates and rows, is firstmate's and in the build); the best replay per port, summed.
- memory: tracemalloc's peak over one more build, and the process's peak RSS (ru_maxrss) above
  its RSS before the first build. `reports_peak_mb` is the larger of the two.
The package is imported before every build (about 0.5 s a command pays besides); the drawing libraries
a build loads on first use (matplotlib, fpdf2) are timed and added to the cold build's time.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import QUICK, ratio_span, record, show
from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.ads_csv import COLUMNS, CsvAdsSource
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.demo.business_data import write_demo_data
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.marketing import CrmLead
from firstmate.domain.reports.document import ROLES
from firstmate.ports import Delete, RawPage
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.business import save_business
from firstmate.services.data import check_data, import_data
from firstmate.services.intel import run_weekly
from firstmate.services.people import save_people
from firstmate.services.reports import run_role_reports

ROOT = Path(__file__).resolve().parents[1]
ORG = "demo"
NOW = datetime(2026, 11, 21, 15, tzinfo=UTC)  # a Saturday: the last complete week starts 2026-11-09
WEEK = date(2026, 11, 9)
ZONE = ZoneInfo("America/Los_Angeles")
SPEC = {"campaigns": 500, "weeks": 104, "leads": 20_000, "bookings": 5_000, "invoices": 2_000}
#: Each size as a share of the spec; BENCH_QUICK=1 runs every size at a quarter of it (a smoke run).
SCALES = {label: share / (4 if QUICK else 1) for label, share in {"1x": 1 / 16, "4x": 4 / 16, "16x": 1.0}.items()}
WARM_BUILDS = 1 if QUICK else 4
GOALS = {"seconds": 5.0, "peak_mb": 500.0, "vs_read": 3.0}
READS = {"get", "get_many", "query", "query_between", "query_index", "head", "list", "pull"}


def _import_drawing() -> None:
    """What a build imports on first use (charts, PDFs): loaded here, outside the timed builds."""
    pdfs = ("firstmate.reports.role_pdf", "firstmate.reports.weekly_pdf")
    for module in (*pdfs, "matplotlib.figure", "matplotlib.backends.backend_agg"):
        importlib.import_module(module)


# ---- the data -------------------------------------------------------------------------------------


def sizes(scale: float) -> dict[str, int]:
    """The spec's counts at `scale` (104 weeks at every scale: history length is not volume)."""
    return {k: v if k == "weeks" else max(round(v * scale), 1) for k, v in SPEC.items()}


def set_up(tmp: Path) -> dict[str, dict[str, Any]]:
    """Each size's FIRSTMATE_HOME, ads and CRM files under `tmp/<size>/`. A size grows out of the
    one before (a copy of its home, with more bookings), so the bookings go through the real intake
    once each; the data folder, ads and CRM are written anew for each size."""
    largest = sizes(max(SCALES.values()))
    plan, all_invoices = plan_bookings(largest["bookings"]), invoices(largest["invoices"])
    made: dict[str, dict[str, Any]] = {}
    previous: Path | None = None
    booked: list[dict[str, Any]] = []
    for label, scale in SCALES.items():
        counts, rng, here = sizes(scale), random.Random(f"bench-reports-{label}"), tmp / label
        started = time.perf_counter()
        if previous is not None:
            shutil.copytree(previous / "home", here / "home")
        clock = FixedClock(NOW)
        app = build(load_settings(home=here / "home"), clock=clock)
        if previous is None:
            save_business(app.store, demo_profile())
            save_people(app.store, ORG, demo_people())
        booked += book(app, clock, plan[len(booked) : counts["bookings"]])
        folder = write_demo_data(here / "data", NOW.astimezone(ZONE).date())
        write_csv(folder / "invoices.csv", all_invoices[: counts["invoices"]])
        demo_payouts = list(csv.DictReader((folder / "payouts.csv").open(encoding="utf-8")))
        write_csv(folder / "payouts.csv", [*demo_payouts, *payouts(booked)])
        raw = read_data_folder(folder)
        assert not isinstance(raw, list), raw
        import_data(app.store, ORG, check_data(app.store, ORG, raw, clock=app.clock))
        write_ads(here / "ads", rng, counts["campaigns"], counts["weeks"], counts["leads"])
        write_crm(here / "crm.json", rng, here / "ads", counts["leads"])
        app.close()
        made[label] = {**counts, "setup_s": round(time.perf_counter() - started, 1)}
        previous = here
    return made


def plan_bookings(count: int) -> list[dict[str, Any]]:
    """`count` charters on the two boats over the last two years and the next eight weeks (no two
    in one slot), each booked 4-45 days ahead; in random order, so that any first n are a fair sample."""
    rng, today = random.Random("bench-reports-bookings"), NOW.astimezone(ZONE).date()
    days = [today - timedelta(days=728 - n) for n in range(728 + 56)]
    slots = [(d, h, boat) for d in days for h in (8, 11, 15, 18) for boat in ("sea-lark", "morning-tern")]
    plan = []
    for n, (day, hour, boat) in enumerate(rng.sample(slots, count)):
        start = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
        source = "boatsetter" if n % 10 < 7 else "direct"
        plan.append({
            "source": source, "external_id": f"{source[:2].upper()}-{n:06d}", "asset": boat,
            "start": start.isoformat(), "duration_hours": "3", "guest_count": rng.randint(2, 10),
            "gross_amount": f"{rng.choice((950, 1150, 1290, 1450, 1700))}.00", "currency": "USD",
            "lead_guest": {"name": f"Guest {n}", "email": f"guest.{n}@example.com"},
            "booked_at": min(start - timedelta(days=rng.randint(4, 45), minutes=rng.randint(0, 600)), NOW),
        })  # fmt: skip
    return plan


def book(app: App, clock: FixedClock, plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The planned bookings through the real intake (`orchestrate_booking`), each on its booking day."""
    for booking in plan:
        clock.set(booking["booked_at"])
        request = BookingRequest.model_validate({k: v for k, v in booking.items() if k != "booked_at"})
        orchestrate_booking(app, ORG, request)
    clock.set(NOW)
    return plan


def invoices(count: int) -> list[dict[str, Any]]:
    """Consulting invoices over two years to 60 clients; most paid, some late, some open."""
    rng, today = random.Random("bench-reports-invoices"), NOW.astimezone(ZONE).date()
    rows: list[dict[str, Any]] = []
    for n in range(count):
        issued = today - timedelta(days=rng.randint(0, 728))
        due = issued + timedelta(days=rng.choice((15, 30, 45)))
        amount = rng.choice((1200, 2250, 3100, 4200, 6500))
        late = rng.choice((None, -5, 0, 3, 12, 40, 90)) if due < today else None
        paid_on = min(due + timedelta(days=late), today) if late is not None else None
        paid = {"paid_on": paid_on.isoformat(), "paid_amount": f"{amount}.00"} if paid_on else {}
        rows.append({"id": f"INV-{n:06d}", "entity": "keel-advisory", "client": f"Client {n % 60:02d} Co",
                     "issued": issued.isoformat(), "due": due.isoformat(), "amount": f"{amount}.00",
                     "paid_on": "", "paid_amount": "", **paid})  # fmt: skip
    return rows


def payouts(booked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A payout two days after each past trip, less a 15% fee; now and then one missing or wrong."""
    today = NOW.astimezone(ZONE).date()
    rows: list[dict[str, Any]] = []
    for booking in booked:
        day, draw = date.fromisoformat(booking["start"][:10]), random.Random(booking["external_id"]).random()
        if day > today - timedelta(days=3) or draw < 0.02:
            continue
        fee = 0.35 if draw > 0.99 else 0.15
        reference, amount = booking["external_id"], float(booking["gross_amount"]) * (1 - fee)
        rows.append({"id": f"P-{reference}", "source": booking["source"].replace("direct", "stripe"),
                     "paid_on": (day + timedelta(days=2)).isoformat(), "amount": f"{amount:.2f}",
                     "reference": reference})  # fmt: skip
    return rows


def write_ads(folder: Path, rng: random.Random, campaigns: int, weeks: int, leads: int) -> None:
    """`campaigns` campaigns (one ad set each) over `weeks` weeks, in one CSV per ad account; four in
    five are lead campaigns, with leads enough for about 0.9 x `leads` in the last sixteen weeks."""
    folder.mkdir(parents=True, exist_ok=True)
    lead_campaigns = sum(1 for c in range(campaigns) if c % 5)
    mean = 0.9 * leads / (16 * max(lead_campaigns, 1))
    for account in ("1001", "1002"):
        rows = []
        brand = "SW" if account == "1001" else "TW"
        for c in range(int(account == "1002"), campaigns, 2):
            objective = "OUTCOME_LEADS" if c % 5 else "OUTCOME_AWARENESS"
            base = rng.uniform(80, 600)
            for w in range(weeks):
                spend = base * rng.uniform(0.85, 1.15)
                impressions = int(spend / rng.uniform(6, 16) * 1000)
                clicks = int(impressions * rng.uniform(0.006, 0.014))
                n = max(0, round(rng.gauss(mean, mean**0.5))) if objective == "OUTCOME_LEADS" else 0
                rows.append({"week_start": (WEEK - timedelta(weeks=weeks - 1 - w)).isoformat(),
                             "campaign": f"{brand} | Campaign {letters(c)} | {objective[8:].title()}",
                             "adset": f"Audience {letters(c % 7)}",
                             "objective": objective, "spend": f"{spend:.2f}", "impressions": impressions,
                             "clicks": clicks, "leads": n, "landing_page_views": int(clicks * 0.7)})  # fmt: skip
        write_csv(folder / f"{account}.csv", rows, COLUMNS)


def letters(n: int) -> str:
    """A campaign's name without digits (the analyst's number check would read digits as figures)."""
    return "".join(chr(ord("A") + int(d)) for d in f"{n:04d}")


def write_crm(path: Path, rng: random.Random, ads: Path, count: int) -> None:
    """`count` CRM contacts created in the sixteen weeks a run pulls: one per lead of the ad rows
    (paid social, tagged with campaign and ad set) up to `count`, the rest organic."""
    first = WEEK - timedelta(weeks=15)
    contacts: list[dict[str, Any]] = []
    for account in ("1001", "1002"):
        for row in csv.DictReader((ads / f"{account}.csv").open()):
            if date.fromisoformat(row["week_start"]) >= first:
                for _ in range(int(row["leads"])):
                    contacts.append(contact(rng, len(contacts), date.fromisoformat(row["week_start"]), row))
    contacts = contacts[:count]
    while len(contacts) < count:
        contacts.append(contact(rng, len(contacts), first + timedelta(weeks=rng.randrange(16)), None))
    path.write_text(json.dumps(sorted(contacts, key=lambda c: c["properties"]["createdate"])))


def contact(rng: random.Random, n: int, week: date, row: dict[str, str] | None) -> dict[str, Any]:
    """One contact as HubSpot's search answers it."""
    created = datetime.combine(week, datetime.min.time(), UTC) + timedelta(seconds=rng.randrange(7 * 86400))
    stamp = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    paid = {"hs_analytics_source": "PAID_SOCIAL", "hs_analytics_source_data_1": "Facebook",
            "hs_analytics_source_data_2": row["adset"], "utm_campaign": row["campaign"],
            "utm_content": f"{row['campaign']}/{row['adset']}"} if row else  {
            "hs_analytics_source": rng.choice(("ORGANIC_SEARCH", "DIRECT_TRAFFIC", "REFERRALS"))}  # fmt: skip
    props = {"createdate": stamp, "email": f"lead.{n}@example.com", "hs_object_id": str(n), **paid}
    return {"id": str(500_000 + n), "properties": props, "createdAt": stamp, "updatedAt": stamp, "archived": False}


def write_csv(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> None:
    """Rows as a CSV file with a header."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns or rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


class FileCrm:
    """The CrmSource port on a file of HubSpot contacts: pages of 100 like HubSpot's search, parsed
    by the real HubSpot adapter (no network, so that the build's time is firstmate's own)."""

    name = "hubspot"

    def __init__(self, path: Path) -> None:
        self._path = path
        self._hubspot = HubSpotSource("http://127.0.0.1:9", lambda: "unused")

    def pull(self, since: datetime, until: datetime) -> list[RawPage]:
        low, high = since.strftime("%Y-%m-%dT%H:%M:%S"), until.strftime("%Y-%m-%dT%H:%M:%S.999Z")
        found = [c for c in json.loads(self._path.read_bytes()) if low <= c["properties"]["createdate"] <= high]
        return [
            {"request": {"url": "/crm/v3/objects/contacts/search", "after": str(at)},
             "body": {"total": len(found), "results": found[at : at + 100]}}
            for at in range(0, len(found), 100)
        ]  # fmt: skip

    def parse(self, pages: list[RawPage]) -> list[CrmLead]:
        return self._hubspot.parse(pages)


# ---- the measurement ------------------------------------------------------------------------------


@dataclass
class Recorder:
    """Wraps a port and notes every read call made through it (method, arguments), to replay them."""

    target: Any
    calls: list[tuple[Any, str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.target, name)
        if name not in READS or not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((self.target, name, args, kwargs))
            return method(*args, **kwargs)

        return call


def measure(home: Path) -> dict[str, Any]:
    """Build, read and trace at one size (in this process); returns the figures, each as wall-clock
    seconds and as this process's CPU seconds (steadier when other work shares the machine)."""
    app = build(load_settings(home=home / "home"), clock=FixedClock(NOW))
    ads, crm = CsvAdsSource(home / "ads"), FileCrm(home / "crm.json")
    ports: list[Recorder] = []

    def build_all() -> None:
        ports[:] = [Recorder(app.store), Recorder(app.blobs), Recorder(ads), Recorder(crm)]
        ctx = replace(app, store=ports[0], blobs=ports[1])
        run_weekly(ctx, ORG, ports[2], ports[3], week=WEEK, out=home / "out")
        run_role_reports(ctx, ORG, ROLES, out=home / "out", send=False, secrets=app.secrets)

    def replay(calls: list[tuple[Any, str, tuple[Any, ...], dict[str, Any]]]) -> Callable[[], None]:
        def run() -> None:
            for target, method, args, kwargs in calls:
                if target is ads:  # the file the adapter read, decoded plainly: its parsing is firstmate's work
                    text = (home / "ads" / f"{args[0]}.csv").read_text(encoding="utf-8")
                    deque(csv.reader(io.StringIO(text)), maxlen=0)  # every row split into its fields
                elif target is crm:
                    json.loads((home / "crm.json").read_bytes())
                else:
                    getattr(target, method)(*args, **kwargs)

        return run

    def as_on_a_monday() -> None:
        """The week's ad-set figures not yet kept (`remember_figures`): a Monday's run writes them, while a warm
        build of the same week found them written and wrote 13 items, not 500."""
        keys = [(i.pk, i.sk) for i in app.store.query(f"ORG#{ORG}#METRICS", f"{WEEK.isoformat()}#", limit=1000).items]
        for start in range(0, len(keys), 100):
            app.store.transact([Delete(pk, sk) for pk, sk in keys[start : start + 100]])

    started = time.perf_counter()
    _import_drawing()  # paid by a build on first use: counted in the cold build's time below
    drawing_imports = time.perf_counter() - started
    rss_before = current_rss_mb()
    cold = timed(build_all)
    warm: list[tuple[float, float]] = []
    read: dict[str, list[tuple[float, float]]] = {"store": [], "blobs": [], "sources": []}
    for _ in range(WARM_BUILDS):  # each warm build, then its reads: a burst of other work hits both alike
        as_on_a_monday()
        warm.append(timed(build_all))
        calls = {"store": ports[0].calls, "blobs": ports[1].calls, "sources": ports[2].calls + ports[3].calls}
        for _ in range(2):
            for port, made in calls.items():
                read[port].append(timed(replay(made)))
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    build_all()
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    app.close()
    best = [min(t[i] for t in warm) for i in (0, 1)]
    by_port = {port: [min(t[i] for t in times) for i in (0, 1)] for port, times in read.items()}
    best_read = [sum(by_port[port][i] for port in by_port) for i in (0, 1)]
    # each warm build against its own reads: the run's spread
    own_reads = [sum(min(t[0] for t in times[2 * n : 2 * n + 2]) for times in read.values()) for n in range(len(warm))]
    return {
        "vs_read_rounds": [round(w[0] / r, 2) for w, r in zip(warm, own_reads, strict=True)],
        "read_by_port_s": {port: round(t[0], 4) for port, t in by_port.items()},
        "reads_by_port": {port: len(made) for port, made in calls.items()},
        "cold_s": round(cold[0] + drawing_imports, 3), "drawing_imports_s": round(drawing_imports, 3),
        "warm_s": round(best[0], 3), "read_s": round(best_read[0], 4),
        "cold_cpu_s": round(cold[1], 3), "warm_cpu_s": round(best[1], 3), "read_cpu_s": round(best_read[1], 4),
        "vs_read": round(best[0] / best_read[0], 2),
        "cold_vs_read": round(cold[0] / best_read[0], 2), "cpu_vs_read": round(best[1] / best_read[1], 2),
        "tracemalloc_peak_mb": round(traced, 1), "rss_growth_mb": round(rss_peak - rss_before, 1),
        "process_peak_rss_mb": round(rss_peak, 1), "peak_mb": round(max(traced, rss_peak - rss_before), 1),
    }  # fmt: skip


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds `work` takes."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def current_rss_mb() -> float:
    """This process's resident memory now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Set up each size, measure it in a fresh process, print the table and record the figures."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        made = set_up(Path(tmp))
        for label in SCALES:
            child = subprocess.run(
                [sys.executable, "-m", "bench.bench_reports", "--measure", str(Path(tmp) / label)],
                cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if child.returncode != 0:
                raise SystemExit(f"measuring {label} failed:\n{child.stderr}")
            results[label] = {**made[label], **json.loads(child.stdout.strip().splitlines()[-1])}
    spec, mid, small = results["16x"], results["4x"], results["1x"]
    scaling = {label: r["warm_s"] for label, r in results.items()}
    growth = round(spec["warm_s"] / small["warm_s"], 2)
    # CPU seconds per added 1x of data, from 1x to 4x and from 4x to 16x: equal when the cost grows linearly
    marginal = ((mid["warm_cpu_s"] - small["warm_cpu_s"]) / 3, (spec["warm_cpu_s"] - mid["warm_cpu_s"]) / 12)
    rows = [
        (f"{label}: {r['campaigns']} campaigns, {r['leads']:,} leads, {r['bookings']:,} bookings, "
         f"{r['invoices']:,} invoices",
         f"{r['warm_s']:.2f} s warm ({r['warm_cpu_s']:.2f} CPU), {r['cold_s']:.2f} s cold; read {r['read_s']:.3f} s "
         f"({r['vs_read']:.1f}x; CPU {r['cpu_vs_read']:.1f}x); {r['peak_mb']:.0f} MB", "")
        for label, r in results.items()
    ]  # fmt: skip
    show(
        "Reports: 8 role reports + the weekly report (HTML, text, JSON, PDF)"
        + (" — quick run: every size a quarter of the spec's" if QUICK else ""),
        [
            *rows,
            ("reports_s (spec size, first build in a fresh process, drawing imports included)",
             f"{spec['cold_s']:.2f} s",
             f"< {GOALS['seconds']:.0f} s"),
            ("reports_peak_mb (max of tracemalloc, RSS growth)",
             f"{spec['peak_mb']:.0f} MB (tracemalloc {spec['tracemalloc_peak_mb']:.0f}, "
             f"RSS +{spec['rss_growth_mb']:.0f})",
             f"< {GOALS['peak_mb']:.0f} MB"),
            ("reports_vs_read (warm build / its reads)",
             f"{spec['vs_read']:.2f} (CPU {spec['cpu_vs_read']:.2f}; builds {ratio_span(spec['vs_read_rounds'])})",
             f"≤ {GOALS['vs_read']:.0f}"),
            ("reads at spec size, by port", ", ".join(f"{port} {t:.2f} s ({spec['reads_by_port'][port]:,} calls)"
                                                    for port, t in spec["read_by_port_s"].items()), ""),
            ("scaling: 16x time / 1x time", f"{growth:.1f}", "≤ 16"),
            ("scaling: CPU s per added 1x, 1x→4x vs 4x→16x", f"{marginal[0]:.2f} vs {marginal[1]:.2f}", "about equal"),
        ],
    )  # fmt: skip
    record(
        {
            "reports_s": spec["cold_s"],
            "reports_peak_mb": spec["peak_mb"],
            "reports_vs_read": spec["vs_read"],
            "reports_vs_read_rounds": spec["vs_read_rounds"],
            "reports_scaling": scaling,
        },
        details={
            "sizes": results,
            "scaling_16x_over_1x": growth,
            "cpu_seconds_per_added_1x": [round(m, 3) for m in marginal],
            "spec": SPEC,
            "goals": GOALS,
            "quick": QUICK,
        },
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main()
