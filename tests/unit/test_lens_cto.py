"""The CTO lens on small hand-computed snapshots: runtimes, security, cost and savings, UX debt, maturity."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from firstmate.domain.redaction import redact_config
from firstmate.domain.reports.cto import cto_report
from firstmate.domain.reports.document import Finding, ReportDocument, Section, Severity, Tone
from firstmate.domain.snapshot import Snapshot

AS_OF = date(2026, 11, 21)
SECRET_VALUE = "sk_live_FAKEfake0000example1111"
ENTITIES = [{"id": "tide", "name": "Tidewater Charters", "kind": "charter"}]


def _service(id_: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "name": fields.pop("name", id_.title()), "kind": kind, "version": "1.0", **fields}


def _snapshot(infrastructure: list[dict[str, Any]], as_of: date = AS_OF, **changes: Any) -> Snapshot:
    data: dict[str, Any] = {
        "org_id": "o",
        "org_name": "Saltmarsh Holdings",
        "as_of": as_of,
        "entities": ENTITIES,
        "infrastructure": infrastructure,
        **changes,
    }
    return Snapshot.model_validate(data)


def _section(doc: ReportDocument, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title)


def _finding(doc: ReportDocument, key: str) -> Finding:
    return next(f for f in doc.findings if f.key == key)


def _strings(value: object) -> Iterator[str]:
    """Every string anywhere in a document: dataclass fields, tuples, enums' values."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def test_stack_audit_flags_runtimes_past_support_and_unpinned_versions() -> None:
    doc = cto_report(
        _snapshot([
            _service("api", "function", name="Booking API", runtime="Python 3.9", version=""),
            _service("db", "database", name="Bookings DB", runtime="postgres", version="12.4"),
            _service("web", "hosting", name="Website", runtime="nodejs24.x", version="24.11.0"),
            _service("site", "hosting", name="Landing", version="latest"),
        ])
    )  # fmt: skip
    rows = {r[0]: r for r in _section(doc, "Stack audit").tables[0].rows}
    # python3.9 ended 2025-12-15 < 2026-11-21; an empty version on a function is unpinned
    assert rows["Booking API"][4] == "past end of support (15 Dec 2025); unpinned"
    assert rows["Website"][4] == "supported until 30 Apr 2028"
    api = _finding(doc, "cto:runtime:api")
    assert api.severity is Severity.HIGH and "support ended 15 Dec 2025" in api.title
    db = _finding(doc, "cto:runtime:db")  # "postgres" + "12.4" → postgres12, ended 2024-11-14
    assert db.severity is Severity.HIGH and "postgres 12.4" in db.title
    assert _finding(doc, "cto:unpinned:site").severity is Severity.LOW
    assert _finding(doc, "cto:unpinned:api").severity is Severity.LOW
    assert not [f for f in doc.findings if f.key in ("cto:runtime:web", "cto:unpinned:web", "cto:unpinned:db")]


def test_runtime_within_180_days_is_medium() -> None:
    doc = cto_report(
        _snapshot([
            _service("fn", "function", name="Reminders", runtime="python3.11", version="3.11.9"),
            _service("new", "function", name="Intel", runtime="python3.12", version="3.12.4"),
        ], as_of=date(2026, 3, 1))
    )  # fmt: skip
    # python3.11 ends 2026-06-30: 121 days after 2026-03-01, inside the 180-day window
    fn = _finding(doc, "cto:runtime:fn")
    assert fn.severity is Severity.MEDIUM and fn.title == "Upgrade Reminders off python3.11: support ends 30 Jun 2026"
    assert _section(doc, "Stack audit").tables[0].rows[1] == (
        "Reminders", "function", "python3.11", "3.11.9", "deprecated on 30 Jun 2026"
    )  # fmt: skip
    assert not [f for f in doc.findings if f.key == "cto:runtime:new"]


def test_a_secret_in_service_config_is_named_and_its_value_never_appears() -> None:
    config = [e.model_dump() for e in redact_config({"STRIPE_SECRET_KEY": SECRET_VALUE, "REGION": "us-west-2"})]
    doc = cto_report(
        _snapshot([_service("api", "function", name="Booking API", runtime="python3.13", tls=True,
                            used_by=["tide"], config=config)])
    )  # fmt: skip
    secret = _finding(doc, "cto:secret-in-config:api:stripe-secret-key")
    assert secret.title == "Move STRIPE_SECRET_KEY of Booking API to the secrets store"
    assert secret.severity is Severity.HIGH and secret.owner == "cto"
    checklist = _section(doc, "Security hardening").tables[0].rows
    assert ("No secrets in plain service config", "✗", "Booking API: STRIPE_SECRET_KEY") in checklist
    texts = list(_strings(doc))
    assert any("STRIPE_SECRET_KEY" in t for t in texts)  # the walk does reach the findings
    assert not [t for t in texts if SECRET_VALUE in t or "FAKEfake" in t]


def test_security_checklist_storage_tls_mail_records_and_firstmate_settings() -> None:
    settings = redact_config({"ADMIN_PASSWORD": "hunter2-example-pw", "SMTP_HOST": "smtp.example.com", "API_TOKEN": ""})
    doc = cto_report(
        _snapshot([
            _service("bucket", "storage", name="Waiver bucket", public=True, used_by=["tide"]),
            _service("site", "hosting", name="Website", tls=False, used_by=["tide"]),
            _service("mail", "email", name="Mailer", sending_domain="tidewater.example.com",
                     spf=False, dmarc=False, used_by=["tide"]),
            _service("news", "email", name="Newsletter", sending_domain="news.example.com",
                     spf=True, dkim=True, dmarc=False, used_by=["tide"]),
        ], config=[e.model_dump() for e in settings])
    )  # fmt: skip
    assert _finding(doc, "cto:public-storage:bucket").severity is Severity.HIGH
    assert _finding(doc, "cto:tls-off:site").severity is Severity.HIGH
    assert _finding(doc, "cto:spf:mail").severity is Severity.MEDIUM
    assert _finding(doc, "cto:dmarc:mail").severity is Severity.HIGH  # DMARC and SPF both missing
    assert _finding(doc, "cto:dmarc:news").severity is Severity.MEDIUM  # SPF is there
    assert _finding(doc, "cto:mail-auth-unknown:mail").title == "Check the DKIM records of tidewater.example.com"
    section = _section(doc, "Security hardening")
    checklist, firstmate = section.tables
    assert ("DKIM record", "unknown", "tidewater.example.com (Mailer)") in checklist.rows
    assert ("Storage not public", "✗", "Waiver bucket") in checklist.rows
    assert firstmate.rows == (
        ("ADMIN_PASSWORD", "secret", "set"),
        ("API_TOKEN", "secret", "missing"),
        ("SMTP_HOST", "setting", "smtp.example.com"),
    )
    assert not [t for t in _strings(doc) if "hunter2" in t]
    # HIGH security gaps: public bucket, TLS off, DMARC of tidewater.example.com = 3
    assert doc.headline.startswith("3 high-risk security gaps;")
    assert section.summary.endswith("3 high-risk gaps.")


def test_cost_and_savings_count_each_service_once() -> None:
    doc = cto_report(
        _snapshot([
            _service("web", "hosting", name="Website", monthly_cost="40", used_by=["tide"],
                     cheaper_alternative="Static host", alternative_cost="5"),
            _service("web2", "hosting", name="Old site", monthly_cost="25", used_by=["tide"],
                     cheaper_alternative="Tiny host", alternative_cost="10"),
            _service("mailer", "email", name="Old mailer", monthly_cost="19"),
            _service("crm", "saas", name="CRM", monthly_cost="120", used_by=["tide"],
                     cheaper_alternative="Lite CRM", alternative_cost="60"),
            _service("db", "database", name="Bookings DB", monthly_cost="30", used_by=["tide"]),
        ])
    )  # fmt: skip
    cards = {c.label: c for c in _section(doc, "Infrastructure cost and savings").cards}
    # total 40 + 25 + 19 + 120 + 30 = 234
    assert cards["Monthly infrastructure cost"].value == "$234"
    # cancel Old mailer 19 + consolidate Old site into Website 25 + Website 40 − 5 = 35 + CRM 120 − 60 = 60
    # = 139 (Old site's own alternative is not added: it is dropped); a year: 139 × 12 = 1,668
    assert cards["Possible savings / month"].value == "$139" and cards["Possible savings / month"].tone is Tone.ALERT
    assert cards["Possible savings / year"].value == "$1,668"
    assert _finding(doc, "cto:cancel:mailer").money_at_stake == Decimal(19)
    consolidate = _finding(doc, "cto:consolidate:web+web2")
    assert consolidate.money_at_stake == Decimal(25) and "estimate" in consolidate.detail
    assert _finding(doc, "cto:switch:web").severity is Severity.LOW  # 35 < 50
    crm = _finding(doc, "cto:switch:crm")
    assert crm.money_at_stake == Decimal(60) and crm.severity is Severity.MEDIUM  # 60 ≥ 50
    assert not [f for f in doc.findings if f.key == "cto:switch:web2"]
    assert "$139/month of savings available" in doc.headline


def test_the_monthly_cost_is_the_rows_added_as_they_show() -> None:
    doc = cto_report(
        _snapshot([
            _service("crm", "saas", name="CRM", monthly_cost="12.50", used_by=["tide"]),
            _service("forms", "saas", name="Forms", monthly_cost="7.50", used_by=["tide"]),
        ])
    )  # fmt: skip
    section = _section(doc, "Infrastructure cost and savings")
    assert [r[3] for r in section.tables[0].rows] == ["$13", "$8"]
    card = section.cards[0]
    # $13 + $8 = $21 beside them (it read $20, the exact $20.00 rounded); the JSON keeps the exact sum
    assert (card.label, card.value, card.raw) == ("Monthly infrastructure cost", "$21", Decimal("20.00"))
    assert section.summary.startswith("$21 a month across 2 services;")


def test_the_savings_are_the_findings_added_as_they_show_and_a_year_is_twelve_months_of_it() -> None:
    """A review: two unused services, 'save $13/month' and 'save $8/month' in the plan, read 'Possible savings /
    month: $20' (the exact $20.00); and a year was the exact saving × 12, so $74.40 a month read "$74" and
    "$893" a year, where the owner's $74 × 12 is $888."""
    doc = cto_report(
        _snapshot([
            _service("forms", "saas", name="Old forms", monthly_cost="12.50"),
            _service("survey", "saas", name="Old survey", monthly_cost="7.50"),
        ])
    )  # fmt: skip
    section = _section(doc, "Infrastructure cost and savings")
    titles = sorted(f.title for f in doc.findings if f.key.startswith("cto:cancel:"))
    assert titles == ["Cancel Old forms: nothing depends on it (save $13/month)",
                      "Cancel Old survey: nothing depends on it (save $8/month)"]  # fmt: skip
    cards = {c.label: c.value for c in section.cards}
    assert (cards["Possible savings / month"], cards["Possible savings / year"]) == ("$21", "$252")
    assert section.summary.endswith("$21 can go.") and "$21/month of savings available" in doc.headline
    alone = cto_report(_snapshot([_service("fax", "saas", name="Fax line", monthly_cost="74.40")]))
    cards = {c.label: c.value for c in _section(alone, "Infrastructure cost and savings").cards}
    assert (cards["Possible savings / month"], cards["Possible savings / year"]) == ("$74", "$888")


def test_ux_debt_sorted_by_impact_and_high_ones_are_findings() -> None:
    ux = [
        {"title": "Slow calendar", "impact": "low"},
        {"title": "Checkout hides the total", "area": "booking", "impact": "high"},
        {"title": "Crew page scrolls sideways", "area": "crew", "impact": "medium"},
    ]
    doc = cto_report(_snapshot([], finance={"ux_debt": ux}))
    rows = _section(doc, "UX debt").tables[0].rows
    assert [r[0] for r in rows] == ["high", "medium", "low"]
    high = _finding(doc, "cto:ux:checkout-hides-the-total")
    assert high.severity is Severity.MEDIUM and high.title == "Fix the UX issue: Checkout hides the total"
    assert len([f for f in doc.findings if f.key.startswith("cto:ux:")]) == 1


def test_delivery_maturity_level_and_next_steps() -> None:
    engineering = {"automated_tests": False, "ci": True, "deploy_steps": 2, "rollback": True}
    doc = cto_report(_snapshot([], finance={"engineering": engineering}))
    section = _section(doc, "Delivery maturity")
    # in place: CI, deploy in 2 steps (≤ 3), rollback = 3 of 6
    assert section.cards[0].value == "3 of 6 practices" and section.cards[0].tone is Tone.ALERT
    assert [b.split(":")[0] for b in section.bullets] == ["Automated tests", "Monitoring", "Tested backups"]
    assert _finding(doc, "cto:maturity:tests").severity is Severity.MEDIUM
    assert not [f for f in doc.findings if f.key == "cto:maturity:ci"]


def test_same_snapshot_in_any_row_order_gives_the_same_document() -> None:
    services = [
        _service("a", "email", monthly_cost="10", used_by=["tide"]),
        _service("b", "email", monthly_cost="10", used_by=["tide"]),
        _service("c", "storage", public=True),
    ]
    assert cto_report(_snapshot(services)) == cto_report(_snapshot(services[::-1]))


def test_empty_snapshot_says_what_to_fill() -> None:
    doc = cto_report(Snapshot(org_id="x", org_name="X", as_of=AS_OF))
    assert doc.findings == () and doc.role == "cto" and doc.title == "CTO report"
    summaries = {s.title: s.summary for s in doc.sections}
    assert summaries["Stack audit"] == "No infrastructure recorded yet: add infrastructure.yaml to the data folder."
    assert "ux_debt in business.yaml" in summaries["UX debt"]
    assert "add engineering to business.yaml" in summaries["Delivery maturity"]
    assert doc.headline == "No infrastructure recorded yet: add infrastructure.yaml to the data folder."
    assert all(s.method for s in doc.sections)


def test_older_lambda_runtimes_are_past_end_of_support_however_the_data_folder_writes_them() -> None:
    # dates from the deprecated-runtimes table of the AWS Lambda developer guide ("Lambda runtimes")
    past = {
        "Py37": ("python3.7", "04 Dec 2023"),
        "Py36": ("Python 3.6", "18 Jul 2022"),
        "Py27": ("python2.7", "15 Jul 2021"),
        "Node14": ("nodejs14.x", "04 Dec 2023"),
        "Node12": ("Node.js 12", "31 Mar 2023"),
        "Node10": ("node 10.24.1", "30 Jul 2021"),
        "Go": ("go1.x", "08 Jan 2024"),
        "Java": ("java8", "08 Jan 2024"),
        "Custom": ("provided", "08 Jan 2024"),
        "Ruby": ("Ruby 2.7", "07 Dec 2023"),
        "Core": (".NET Core 3.1", "03 Apr 2023"),
        "Net6": ("dotnet6", "20 Dec 2024"),
    }
    still_supported = [
        _service("java-al2", "function", name="Java AL2", runtime="java8.al2"),  # Java 8 on Amazon Linux 2
        _service("custom-al2", "function", name="Custom AL2", runtime="provided.al2"),
        _service("go-host", "hosting", name="Go host", runtime="go", version="1.22.3"),  # not the go1.x runtime
    ]
    functions = [_service(name.lower(), "function", name=name, runtime=runtime) for name, (runtime, _) in past.items()]
    doc = cto_report(_snapshot(functions + still_supported))
    status = {r[0]: r[4] for r in _section(doc, "Stack audit").tables[0].rows}
    for name, (runtime, ended) in past.items():
        assert status[name] == f"past end of support ({ended})", runtime
        found = _finding(doc, f"cto:runtime:{name.lower()}")
        assert found.severity is Severity.HIGH and f"support ended {ended}" in found.title
    # not the AL1 runtimes' dates; the table has no row of their own, so the report says it cannot tell
    assert [status[n] for n in ("Java AL2", "Custom AL2", "Go host")] == ["unknown", "unknown", "unknown"]
    assert not [f for f in doc.findings if f.key.startswith("cto:runtime:") and f.key.endswith(("-al2", "go-host"))]


def test_engines_and_lambda_runtimes_once_missing_from_the_table_are_dated() -> None:
    # they read "ok" while PostgreSQL 12 read past end of support; upstream end of life, Lambda deprecation
    dated = {
        "pg10": ("postgres", "10.23", "past end of support (10 Nov 2022)"),
        "pg13": ("PostgreSQL", "13.16", "past end of support (13 Nov 2025)"),
        "php73": ("php", "7.3.33", "past end of support (06 Dec 2021)"),
        "mysql56": ("mysql", "5.6.51", "past end of support (01 Feb 2021)"),
        "mysql80": ("mysql", "8.0.40", "past end of support (30 Apr 2026)"),
        "dotnet8": ("dotnet8", "1.0", "past end of support (10 Nov 2026)"),
        "ruby33": ("ruby3.3", "1.0", "deprecated on 31 Mar 2027"),  # 116 days after 5 Dec 2026
    }
    services = [_service(i, "database", runtime=r, version=v) for i, (r, v, _) in dated.items()]
    doc = cto_report(_snapshot(services, as_of=date(2026, 12, 5)))
    status = {r[0]: r[4] for r in _section(doc, "Stack audit").tables[0].rows}
    assert status == {i.title(): shown for i, (_, _, shown) in dated.items()}
    assert _finding(doc, "cto:runtime:pg10").title == "Upgrade Pg10 off postgres 10.23: support ended 10 Nov 2022"
    assert _finding(doc, "cto:runtime:ruby33").severity is Severity.MEDIUM
    assert {f.key for f in doc.findings} == {f"cto:runtime:{i}" for i in dated}


def test_a_version_older_than_the_table_is_past_support_by_the_oldest_rows_date() -> None:
    doc = cto_report(
        _snapshot([
            _service("pg", "database", name="Old DB", runtime="postgres", version="9.6.24"),  # oldest row: 10
            _service("py", "function", name="Old fn", runtime="python3.5"),  # oldest 3.x row: 3.6
            _service("node", "function", name="Older fn", runtime="nodejs8.10"),  # oldest row: nodejs10.x
        ])
    )  # fmt: skip
    status = {r[0]: r[4] for r in _section(doc, "Stack audit").tables[0].rows}
    assert status == {
        "Old DB": "past end of support (by 10 Nov 2022)",
        "Old fn": "past end of support (by 18 Jul 2022)",
        "Older fn": "past end of support (by 30 Jul 2021)",
    }
    pg = _finding(doc, "cto:runtime:pg")
    assert (
        pg.severity is Severity.HIGH and pg.title == "Upgrade Old DB off postgres 9.6.24: support ended by 10 Nov 2022"
    )
    assert pg.detail.startswith("postgres 9.6.24 lost support by 10 Nov 2022:")


def test_a_runtime_the_table_does_not_list_is_unknown_with_a_finding_to_look_it_up() -> None:
    doc = cto_report(
        _snapshot([
            _service("cms", "hosting", name="Blog", runtime="wordpress", version="6.4.3"),
            _service("fn", "function", name="Intel", runtime="python3.14"),
            _service("crm", "saas", name="CRM"),  # no runtime: nothing to date
        ])
    )  # fmt: skip
    status = {r[0]: r[4] for r in _section(doc, "Stack audit").tables[0].rows}
    assert status == {"Blog": "unknown", "Intel": "unknown", "CRM": "ok"}
    blog = _finding(doc, "cto:runtime-unknown:cms")
    assert blog.severity is Severity.LOW and blog.title == "Check when wordpress 6.4.3 of Blog loses support"
    assert "not in firstmate's end-of-support table" in blog.detail
    assert _finding(doc, "cto:runtime-unknown:fn").title == "Check when python3.14 of Intel loses support"
    assert not [f for f in doc.findings if f.key.startswith("cto:runtime:")]


def test_a_runtime_written_without_its_minor_version_is_unknown_not_past_support() -> None:
    """A review: "python3" sorted before "3.6" and was a HIGH "support ended by 18 Jul 2022" at the top
    of the CEO's plan; MySQL "8" ended "by 30 Apr 2026". Any 3.x may be meant: it is looked up."""
    doc = cto_report(
        _snapshot([
            _service("fn", "function", name="API", runtime="python3"),
            _service("db", "database", name="Orders", runtime="mysql", version="8"),
            _service("old", "hosting", name="Legacy", runtime="php", version="5"),  # every 5.x predates the rows
        ])
    )  # fmt: skip
    status = {r[0]: r[4] for r in _section(doc, "Stack audit").tables[0].rows}
    assert status == {"API": "unknown", "Orders": "unknown", "Legacy": "past end of support (by 06 Dec 2021)"}


def _entry(name: str, value: str) -> dict[str, Any]:
    """A plain config entry as `firstmate aws inventory` writes it on a Route 53 zone row."""
    return {"name": name, "is_set": True, "secret": False, "value": value}


def test_a_zone_with_dangling_records_is_a_high_finding_listing_them() -> None:
    gone_bucket = "CNAME → missing-bucket.s3-website-us-east-1.amazonaws.com (no S3 bucket missing-bucket here)"
    gone_cdn = "CNAME → d000fictional.cloudfront.net (no CloudFront distribution with that domain here)"
    doc = cto_report(
        _snapshot([
            _service("zone-example-com", "domain", name="example.com (Route 53 zone)", version="",
                     config=[_entry("records", "9"), _entry("private", "no"),
                             _entry("dangling shop.example.com", gone_bucket),
                             _entry("dangling old.example.com", gone_cdn)]),
            _service("zone-clean", "domain", name="clean.example (Route 53 zone)", version="",
                     config=[_entry("records", "4"), _entry("private", "no")]),
            _service("by-hand", "domain", name="charters.example.com", version=""),
        ])
    )  # fmt: skip
    dangling = _finding(doc, "cto:dangling-dns:zone-example-com")
    assert dangling.severity is Severity.HIGH and dangling.owner == "cto"
    assert dangling.title == (
        "Fix 2 dangling DNS records in example.com (Route 53 zone): delete the records or recreate their targets"
    )
    assert dangling.detail.startswith(f"old.example.com: {gone_cdn}; shop.example.com: {gone_bucket}. Each points")
    assert "takes over the subdomain" in dangling.detail
    assert dangling.detail.endswith("Delete the record, or recreate the target.")
    assert len([f for f in doc.findings if f.key.startswith("cto:dangling-dns:")]) == 1  # one per zone, not per record
    checklist = _section(doc, "Security hardening").tables[0].rows
    rows = {r[2]: r[1] for r in checklist if r[0] == "No dangling DNS records"}
    assert rows == {"example.com (Route 53 zone): old.example.com, shop.example.com": "✗",
                    "clean.example (Route 53 zone)": "✓"}  # fmt: skip
    assert not [r for r in checklist if r[2] == "charters.example.com"]  # records never read: nothing claimed
    assert doc.headline.startswith("1 high-risk security gap;")


def test_one_dangling_record_reads_in_the_singular() -> None:
    doc = cto_report(
        _snapshot([_service("zone", "domain", name="example.com", version="",
                            config=[_entry("records", "3"), _entry("dangling shop.example.com", "CNAME → gone")])])
    )  # fmt: skip
    dangling = _finding(doc, "cto:dangling-dns:zone")
    assert dangling.title == "Fix 1 dangling DNS record in example.com: delete the record or recreate its target"
    assert dangling.detail.startswith("shop.example.com: CNAME → gone. It points")


def test_tls_is_checked_on_what_serves_http_and_not_on_a_dns_zone() -> None:
    doc = cto_report(
        _snapshot([
            _service("zone", "domain", name="example.com (Route 53 zone)", version=""),
            _service("site-domain", "domain", name="charters.example.com", version="", tls=True),  # said so by hand
            _service("site", "hosting", name="Website"),
            _service("cdn", "cdn", name="CDN", tls=True),
            _service("fn", "function", name="Reminders", tls=False),
            _service("db", "database", name="Bookings DB"),
        ])
    )  # fmt: skip
    tls = {r[2]: r[1] for r in _section(doc, "Security hardening").tables[0].rows if r[0] == "TLS (HTTPS) on"}
    assert tls == {"charters.example.com": "✓", "Website": "unknown", "CDN": "✓", "Reminders": "✗"}
    assert _finding(doc, "cto:tls-off:fn").severity is Severity.HIGH


def test_a_zone_with_many_dangling_records_names_ten_and_counts_the_rest() -> None:
    entries = [_entry(f"dangling r{i:02d}.example.com", "CNAME → gone") for i in range(12)]
    doc = cto_report(_snapshot([_service("zone", "domain", name="example.com", version="", config=entries)]))
    detail = _finding(doc, "cto:dangling-dns:zone").detail
    assert "r09.example.com: CNAME → gone; and 2 more. Each points" in detail and "r10.example.com" not in detail


def test_the_maturity_cards_verdict_says_what_it_judges() -> None:
    """A review: the demo read "Delivery maturity: 2 of 6 practices [OK]", as if 2 of 6 were on target: the [OK]
    judges automated tests and CI alone, and nothing said so."""
    engineering = {"automated_tests": True, "ci": True}
    card = _section(cto_report(_snapshot([], finance={"engineering": engineering})), "Delivery maturity").cards[0]
    assert (card.value, card.marker, card.note) == ("2 of 6 practices", "[OK]", "automated tests and CI in place")
    missing = {"automated_tests": False, "ci": True}
    card = _section(cto_report(_snapshot([], finance={"engineering": missing})), "Delivery maturity").cards[0]
    assert (card.marker, card.note) == ("[ALERT]", "no automated tests")
