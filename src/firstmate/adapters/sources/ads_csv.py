"""CsvAdsSource: weekly ad figures from CSV files, for businesses without a Meta account.

One file per account, `<folder>/<account>.csv`, with the columns
`week_start,campaign,adset,objective,spend,impressions,clicks,leads,landing_page_views`
(objective: OUTCOME_LEADS for lead campaigns). The rows are archived raw like any API's pages.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from firstmate.domain.marketing import AdWeek
from firstmate.errors import InvalidInput
from firstmate.ports import RawPage

COLUMNS = (
    "week_start",
    "campaign",
    "adset",
    "objective",
    "spend",
    "impressions",
    "clicks",
    "leads",
    "landing_page_views",
)


class CsvAdsSource:
    """The AdsSource port on CSV files."""

    name = "csv"

    def __init__(self, folder: Path, *, currency: str = "USD") -> None:
        self._folder = Path(folder)
        self._currency = currency

    def pull(self, account: str, since: date, until: date) -> list[RawPage]:
        path = self._folder / f"{account}.csv"
        if not path.is_file():
            raise InvalidInput(f"no ads file {path}", hint=f"write one with the columns {','.join(COLUMNS)}")
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8").lstrip("\ufeff")))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path.name} lacks the columns {', '.join(missing)}")
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                week = date.fromisoformat(row["week_start"].strip())
            except ValueError:
                raise InvalidInput(f"{path.name} row {number}: week_start must be a date like 2026-11-09") from None
            if since <= week <= until:
                rows.append(
                    {k: (row[k] or "").strip() for k in COLUMNS}
                    | {"account": account, "row": number, "file": path.name}
                )
        return [
            {
                "request": {"file": path.name, "since": since.isoformat(), "until": until.isoformat()},
                "body": {"data": rows},
            }
        ]

    def parse(self, pages: list[RawPage]) -> list[AdWeek]:
        weeks = []
        for page in pages:
            for row in page["body"]["data"]:
                where = f"{row['file']} row {row['row']}"
                try:
                    weeks.append(
                        AdWeek(
                            source=self.name,
                            account=row["account"],
                            campaign_id=row["campaign"],
                            campaign_name=row["campaign"],
                            adset_id=f"{row['campaign']}/{row['adset']}",
                            adset_name=row["adset"],
                            objective=row["objective"] or "OUTCOME_LEADS",
                            week_start=date.fromisoformat(row["week_start"]),
                            spend=Decimal(row["spend"] or "0"),
                            currency=self._currency,
                            impressions=int(row["impressions"] or 0),
                            clicks=int(row["clicks"] or 0),
                            leads=int(row["leads"] or 0),
                            landing_page_views=int(row["landing_page_views"] or 0),
                        )
                    )
                except (ValueError, InvalidOperation):
                    raise InvalidInput(
                        f"{where}: spend, impressions, clicks, leads and views must be numbers"
                    ) from None
        return weeks
