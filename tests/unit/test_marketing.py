"""Marketing facts as read from a source: names on one line, a currency given to rows whose source names none."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from firstmate.domain.marketing import AdWeek, CrmLead


def _week(**changes: object) -> AdWeek:
    fields: dict[str, object] = {
        "source": "csv", "account": "act_1", "campaign_id": "c1", "campaign_name": "Sunset\ncruises",
        "adset_id": "c1/a1", "adset_name": "Bay\tarea", "objective": "OUTCOME_LEADS", "week_start": date(2026, 11, 9),
        "spend": Decimal("1234.565"), "currency": "", "impressions": 1000, "clicks": 40, "leads": 3,
        "landing_page_views": 20,
    }  # fmt: skip
    return AdWeek(**{**fields, **changes})  # type: ignore[arg-type]


def test_names_and_utm_fields_broken_over_lines_read_as_one_line() -> None:
    week = _week()
    assert (week.campaign_name, week.adset_name) == ("Sunset cruises", "Bay area")
    lead = CrmLead(
        id="1", created=datetime(2026, 11, 10, tzinfo=UTC), source="PAID_SOCIAL", source_data_1="", source_data_2="",
        utm_campaign="Sunset\r\ncruises", utm_content="plain", utm_source="face\x00book", utm_medium="paid",
    )  # fmt: skip
    assert (lead.utm_campaign, lead.utm_content, lead.utm_source, lead.utm_medium) == (
        "Sunset  cruises", "plain", "face book", "paid",
    )  # fmt: skip


def test_a_row_without_a_currency_takes_the_business_one_at_its_places() -> None:
    week = _week()
    in_yen, in_dollars = week.in_currency("JPY", Decimal(1)), week.in_currency("USD", Decimal("0.01"))
    assert (in_yen.currency, in_yen.spend) == ("JPY", Decimal("1235"))
    assert (in_dollars.currency, in_dollars.spend) == ("USD", Decimal("1234.57"))  # half up, as platforms bill
    assert in_dollars == _week(currency="USD", spend=Decimal("1234.57"))  # every other field as it was
    assert (week.currency, week.spend) == ("", Decimal("1234.565"))  # the row read is left as it was
