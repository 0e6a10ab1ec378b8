"""Each guard of the security promises on its own: a review broke them one at a time on purpose (a rate limit
keyed by an address's spelling, a template printing a campaign's name as markup, a word dropped from the crew's
or the secrets' lists, an org admin's listings naming other orgs) and found no test that noticed. Each of these
fails with its guard broken."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.services.crew_access import PER_ADDRESS, PER_CLIENT
from firstmate.web.app import create_app


def _links_sent(app: App) -> int:
    return len([e for e in outbox.list_entries(app.store, "demo", limit=1000) if e.key.startswith("login:")])


def test_the_per_address_limit_counts_every_spelling_of_one_address(demo_app: App) -> None:
    """Mail to theo@example.com is limited to PER_ADDRESS links per window however the address is cased
    or padded: counted by the spelling, anyone could send Theo a link per spelling (mail bombing)."""
    browser = TestClient(create_app(demo_app), client=("203.0.113.40", 40000))
    spellings = ["theo@example.com", "Theo@example.com", "THEO@example.com", " theo@example.com",
                 "theo@EXAMPLE.com", "tHeo@example.com", "theo@Example.Com"]  # fmt: skip
    answers = [browser.post("/crew/login", data={"email": s}).status_code for s in spellings]
    assert answers == [200] * PER_ADDRESS + [429] * 2
    assert _links_sent(demo_app) == PER_ADDRESS


def test_an_ipv6_host_asking_for_links_is_limited_by_its_network(demo_app: App) -> None:
    """The per-client limit on link requests counts an IPv6 /64 as one client, as the guest-code limit does:
    counted per address, one host rotating through its /64 asked for links without end."""
    web = create_app(demo_app)
    answers = [
        TestClient(web, client=(f"2001:db8:5:9::{n:x}", 40000))
        .post("/crew/login", data={"email": f"someone{n}@example.com"})
        .status_code
        for n in range(1, PER_CLIENT + 3)
    ]
    assert answers == [200] * PER_CLIENT + [429] * 2


def test_markup_in_an_ad_campaigns_name_is_escaped_in_the_weekly_report(demo_app: App, tmp_path: Path) -> None:
    """Campaign and ad set names come from the ad account (anyone with access to it, or a CSV file): the
    weekly report's email, page and admin page show them escaped."""
    from datetime import UTC, date, datetime

    from firstmate.adapters.sources.ads_csv import CsvAdsSource
    from firstmate.services.intel import run_weekly
    from tests.security.conftest import operator

    demo_app.clock.set(datetime(2026, 11, 21, 15, tzinfo=UTC))  # type: ignore[attr-defined]
    week, script = date(2026, 11, 9), '<script>alert("fm")</script>'
    folder = tmp_path / "ads"
    folder.mkdir()
    lines = ["week_start,campaign,adset,objective,spend,impressions,clicks,leads,landing_page_views"]
    for n in range(16):
        start = date.fromordinal(week.toordinal() - 7 * (15 - n))
        lines.append(f'{start},"Tours {script}","Locals {script}",OUTCOME_LEADS,500.00,40000,480,30,300')
    for account in ("1001", "1002"):
        (folder / f"{account}.csv").write_text("\n".join(lines) + "\n")
    run = run_weekly(demo_app, "demo", CsvAdsSource(folder), None, week=week)
    shown = {"email": run.report.email_html, "page": run.report.page_html,
             "admin page": operator(demo_app).get(f"/admin/reports/demo/{week}").text}  # fmt: skip
    assert all("Tours &lt;script&gt;" in html for html in shown.values())  # the name is there, escaped
    assert [where for where, html in shown.items() if "<script>alert(" in html] == []


def test_markup_in_a_delivery_client_is_escaped_in_the_logistics_reports_findings(
    demo_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    """A client's name typed into the admin data form reaches a role report's finding ("Deliver D-X for
    <client>: 10 days past the promised date"): the findings table shows it escaped like every table cell."""
    from datetime import date

    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.demo.business_data import write_demo_data
    from firstmate.services.data import check_data, import_data
    from firstmate.services.reports import run_role_reports
    from tests.security.conftest import operator

    today, script = date(2026, 11, 21), '<script>alert("fm")</script>'
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # a report is of a day that has come
    raw = read_data_folder(write_demo_data(tmp_path / "data", today))
    assert not isinstance(raw, list)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=demo_app.clock))
    row = {"id": "D-X", "entity": "haulaway", "client": f"Dana {script}", "promised": "2026-11-11", "delivered": "",
           "billed": "0", "collected": "0"}  # fmt: skip
    assert operator(demo_app).post("/admin/data/demo/deliveries", data=row, follow_redirects=False).status_code == 303
    [run] = run_role_reports(demo_app, "demo", ["logistics"], as_of=today)
    assert "Dana &lt;script&gt;" in run.report.html  # the finding is there, its client escaped
    assert "<script>alert(" not in run.report.html


#: Every field name a view may carry money or private matters under (docs/crew.md, "No money in sight").
MONEY_FIELDS = ("gross", "gross_amount", "currency", "payout", "fees", "fee", "captain_pay", "price", "total",
                "amount", "revenue", "money_summary", "private_notes", "private")  # fmt: skip


@pytest.mark.parametrize("field", MONEY_FIELDS)
def test_crew_redaction_drops_each_money_field_at_any_depth(field: str) -> None:
    """The boundary redaction is the last guard behind the crew-safe views: a money field added to a view
    later (a payout on the roster, a fee on a checklist entry) must still never reach crew."""
    import json

    from firstmate.domain.redaction import redact_for_crew

    view = {"event_id": "ev_1", field: "624.00", "roster": [{"role": "captain", field: "624.00"}],
            "timing": {"panel": {field: "624.00"}}, "lines": ({field: "624.00"},)}  # fmt: skip
    shown = json.dumps(redact_for_crew(view))
    assert "624.00" not in shown and '"event_id": "ev_1"' in shown and '"role": "captain"' in shown


@pytest.mark.parametrize(
    "title",
    ["Reserved - deposit USD 200.00", "Owner payout: USD 624.00", "Hold - commission 84.00 EUR",
     "Balance due 1,200.00 USD", "Refund GBP 50.00", "Net earnings 540.00 USD", "Cleaning fee USD 75.00",
     "Captain pay 150"],
)  # fmt: skip
def test_a_channels_hold_titled_with_any_word_of_money_reaches_crew_feeds_without_it(demo_app: App, title: str) -> None:
    from firstmate.adapters.sources.bookings.ics_file import parse_ics
    from firstmate.services.calendar import Feed, FeedScope, feed_token
    from firstmate.services.imports import import_records

    export = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example OTA//EN\r\nBEGIN:VEVENT\r\nUID:gmb-8@ota.example.com\r\n"
        "DTSTAMP:20260520T100000Z\r\nDTSTART:20260613T230000Z\r\nDTEND:20260614T020000Z\r\n"
        f"SUMMARY:{title}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    records = parse_ics(export, source="getmyboat", timezone="UTC", asset="sea-lark")
    assert dict(import_records(demo_app, "demo", records).counts) == {"blocked created": 1}
    for scope, target in ((FeedScope.CREW, "theo"), (FeedScope.ENTITY, "saltwind-charters")):
        token = feed_token(demo_app.secret_key, demo_app.store, Feed("demo", scope, target))
        feed = TestClient(create_app(demo_app)).get(f"/calendar/{token}.ics").text
        assert "SUMMARY:Unavailable" in feed and title.split()[-1] not in feed, (scope, title)


#: Settings named as secret by each word firstmate reads as one, with short plain values (no secret shape).
SECRET_SETTINGS = {
    "APP_SECRET": "plainvalue1", "SIGNING_KEY": "plainvalue2", "GH_TOKEN": "plainvalue3", "DB_PASSWORD": "plainvalue4",
    "DB_PASSWD": "plainvalue5", "DB_PWD": "plainvalue6", "SMTP_PASS": "plainvalue7", "GCP_CREDENTIAL": "plainvalue8",
    "GCP_CREDENTIALS": "plainvalue9", "PRIVATE_PEM": "plainvalueA", "BASIC_AUTH": "admin:hunter2",
    "MAPS_APIKEY": "plainvalueB", "WEBHOOK_SIGNATURE": "plainvalueC", "SENTRY_DSN": "plainvalueD",
    "ADMIN_COOKIE": "plainvalueE", "SESSION_STORE": "plainvalueF", "HASH_SALT": "plainvalueG",
    "JWT_ISSUER_VALUE": "plainvalueH", "TLS_CERT": "plainvalueI",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SECRET_SETTINGS))
def test_every_secret_word_keeps_a_short_plain_value_out_of_reports(name: str) -> None:
    """Values too short or plain to look secret are kept out by their setting's name alone: every word of
    SECRET_NAME_WORDS is relied on by some real setting (DB_PWD, BASIC_AUTH, HASH_SALT…)."""
    from firstmate.domain.redaction import redact_config

    [entry] = redact_config({name: SECRET_SETTINGS[name]})
    assert entry.secret and entry.value is None and entry.is_set


def test_an_org_admins_report_and_data_lists_name_no_other_org(
    demo_app: App, clock: FixedClock, rival: object, tmp_path: Path
) -> None:
    """/admin/reports and /admin/data list every org for the operator and only their own for an org admin:
    listing every org told a rival's admin another org's report headlines, and what data it keeps."""
    from datetime import date

    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.demo.business_data import write_demo_data
    from firstmate.services.data import check_data, import_data
    from firstmate.services.reports import run_role_reports
    from tests.security.conftest import sign_in

    today = date(2026, 11, 21)
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # a report is of a day that has come
    raw = read_data_folder(write_demo_data(tmp_path / "data", today))
    assert not isinstance(raw, list)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=demo_app.clock))
    run_role_reports(demo_app, "demo", ["ceo"], as_of=today)
    own, other = sign_in(demo_app, "marisol", "demo"), sign_in(demo_app, "marisol", "rival")
    for page in ("/admin/reports", "/admin/data"):
        assert f"{page}/demo/" in own.get(page).text  # the demo org's own admin sees its links
        listed = other.get(page)
        assert listed.status_code == 200 and f"{page}/demo/" not in listed.text and ">demo<" not in listed.text, page
