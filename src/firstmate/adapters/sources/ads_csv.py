"""CsvAdsSource: weekly ad figures from CSV files, for businesses without a Meta account.

One file per account, `<folder>/<account>.csv`, with the columns
`week_start,campaign,adset,objective,spend,impressions,clicks,leads,landing_page_views`
(objective: OUTCOME_LEADS for lead campaigns), and optionally `currency`: the ISO 4217 code of the row's
amounts (MXN), in every row of a file that has the column; a file without it is in the business's
currency. The rows are archived raw like any API's pages.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from firstmate.domain.currencies import currency_code, minor_units
from firstmate.domain.marketing import MAX_FIGURE, AdWeek
from firstmate.errors import InvalidInput
from firstmate.ports import RawPage

CENT = Decimal("0.01")
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
#: A column a file may have: the currency of its rows' amounts (else the business's).
CURRENCY = "currency"
CURRENCY_HINT = (
    "write the ISO 4217 code of the account's billing currency (USD, EUR, MXN…) in every row's currency cell, "
    "or leave the currency column out when the file is in the business's currency"
)


class CsvAdsSource:
    """The AdsSource port on CSV files."""

    name = "csv"

    def __init__(self, folder: Path, *, currency: str = "") -> None:
        self._folder = Path(folder)
        self._currency = currency  # the files say none: "" is the business's, which the report reads its rows in

    def pull(self, account: str, since: date, until: date) -> list[RawPage]:
        path = self._folder / f"{account}.csv"
        if not path.is_file():
            raise self._no_file(path)
        try:
            return self._read(path, account, since, until)
        except UnicodeDecodeError:
            raise InvalidInput(f"{path.name} is not UTF-8 text", hint="save it as CSV UTF-8") from None
        except csv.Error as exc:  # a quote left open, a field over the csv module's limit
            hint = "check for a quote left open"
            raise InvalidInput(f"{path.name} cannot be read as CSV: {exc}", hint=hint) from None

    def _no_file(self, path: Path) -> InvalidInput:
        """The refusal of an account without its file: where it was looked for (the folder is read from where
        the command runs), what the folder holds instead, and how to write it or name another folder."""
        try:
            held = sorted(p.name for p in self._folder.iterdir() if p.suffix.lower() == ".csv")
        except OSError:
            held = []
        holds = f"the folder holds {', '.join(held)}" if held else "the folder holds no .csv file"
        holds = holds if self._folder.is_dir() else f"there is no folder {self._folder.absolute()}"
        return InvalidInput(
            f"no ads file {path.absolute()}",
            hint=f"{holds}; name the account's file {path.name}, with the columns {','.join(COLUMNS)}, or set "
            "FIRSTMATE_ADS_CSV_FOLDER (ads_csv_folder in firstmate.toml) to the folder that holds it",
        )

    def _read(self, path: Path, account: str, since: date, until: date) -> list[RawPage]:
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8").lstrip("\ufeff")))
        header = [name.strip() for name in next(reader, [])]  # as the cells are read: "week_start, spend" names spend
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            unread = [name for name in header if name and name not in (*COLUMNS, CURRENCY)]  # typed in its place
            has = f" (it has {', '.join(unread)}, which firstmate does not read)" if unread else ""
            raise InvalidInput(f"{path.name} lacks the columns {', '.join(missing)}{has}")
        at = {name: n for n, name in enumerate(header)}  # a repeated column: the last one counts
        # plain rows, not a dict per row: a file holds years of weeks, and a run keeps sixteen
        rows, week_at, number = [], at["week_start"], 1
        weeks: dict[str, date] = {}  # each week's text read once: a file spells its hundred weeks in thousands of rows
        first: tuple[int, date] | None = None  # the first row read, whose weekday every week starts on
        currency_at = at.get(CURRENCY)
        named: tuple[int, str] | None = None  # the first row's currency cell, when the file has the column
        for values in reader:
            if not values:
                continue  # a blank line is no row
            number += 1
            written = values[week_at] if week_at < len(values) else ""
            week = weeks.get(written)
            if week is None:
                try:
                    week = weeks[written] = date.fromisoformat(written.strip())
                except ValueError:
                    raise InvalidInput(f"{path.name} row {number}: week_start must be a date like 2026-11-09") from None
            if since <= week <= until:
                first = first or (number, week)
                if week.weekday() != first[1].weekday():  # rows by day were each read as a week
                    raise InvalidInput(
                        f"{path.name} row {number}: week_start {week} is a {week:%A}; row {first[0]}'s, {first[1]}, "
                        f"is a {first[1]:%A}",
                        hint="each row is one ad set's week: every week_start the same weekday, its week's first",
                    )
                row = {k: (values[at[k]] if at[k] < len(values) else "").strip() for k in COLUMNS}
                if currency_at is not None:
                    written = values[currency_at].strip() if currency_at < len(values) else ""
                    row[CURRENCY] = _currency(path.name, number, written, named)
                    named = named or (number, row[CURRENCY])
                rows.append(row | {"account": account, "row": number, "file": path.name})
        return [
            {
                "request": {"file": path.name, "since": since.isoformat(), "until": until.isoformat()},
                "body": {"data": rows},
            }
        ]

    def timezone(self, account: str) -> str | None:
        return None  # a file's weeks are its days as written: complete once written

    def parse(self, pages: list[RawPage]) -> list[AdWeek]:
        weeks = []
        for page in pages:
            for row in page["body"]["data"]:
                where = f"{row['file']} row {row['row']}"
                try:
                    # in cents, as platforms bill and Meta reports: three rows of $33.3333 read $33.33 each
                    # in the table and $100.00 on the card (a figure out of range is left for AdWeek to name)
                    written = Decimal(row["spend"] or "0")
                    fits = written.is_finite() and 0 <= written <= MAX_FIGURE
                    currency = row.get(CURRENCY) or self._currency  # a file without the column: the business's
                    unit = Decimal(1).scaleb(-minor_units(currency)) if currency else CENT  # yen have no cents
                    spend = written.quantize(unit, ROUND_HALF_UP) if fits else written
                    counts = [int(row[name] or 0) for name in ("impressions", "clicks", "leads", "landing_page_views")]
                except (ValueError, InvalidOperation):
                    problem = "spend, impressions, clicks, leads and views must be numbers"
                    raise InvalidInput(f"{where}: {problem}") from None
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
                            spend=spend,
                            currency=currency,
                            impressions=counts[0],
                            clicks=counts[1],
                            leads=counts[2],
                            landing_page_views=counts[3],
                        )
                    )
                except ValueError as exc:  # the figures a report may rest on (AdWeek's own rule)
                    raise InvalidInput(f"{where}: {exc}") from None
        return weeks


def _currency(file: str, number: int, written: str, first: tuple[int, str] | None) -> str:
    """Row `number`'s currency cell as an ISO 4217 code ("" when blank: the business's currency); InvalidInput
    naming the file and row when it is no code, or when one of the cells is blank and the other names a currency
    (`first`: the first row's number and currency): the blank row's amounts would be taken as the business's."""
    try:
        code = currency_code(written) if written else ""
    except ValueError:
        raise InvalidInput(
            f"{file} row {number}: currency must be an ISO 4217 code like USD, EUR or MXN, not {written[:20]!r}",
            hint=CURRENCY_HINT,
        ) from None
    if first is not None and "" in (code, first[1]) and code != first[1]:
        raise InvalidInput(
            f"{file} row {number}: currency is {code or 'blank'}, and row {first[0]}'s is {first[1] or 'blank'}",
            hint=CURRENCY_HINT,
        )
    return code
