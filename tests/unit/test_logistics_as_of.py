"""A logistics report as of a past day counts what was billed and collected by that day: a review found a job
delivered before the day and paid after it read "collected" in it, as deliveries.csv reads now. deliveries.csv
takes the day each was billed and collected (billed_on, collected_on); a past day's report of rows without them
says that it reads them as the file does now."""

from __future__ import annotations

from datetime import date
from typing import Any

from firstmate.domain.business import Entity
from firstmate.domain.datafiles import RawRow, check_rows
from firstmate.domain.reports.books import books_on
from firstmate.domain.reports.logistics import logistics_report
from firstmate.domain.snapshot import Delivery, Snapshot

AS_OF = date(2026, 10, 5)  # a past day: the data is read on 21 Nov 2026
READ_ON = date(2026, 11, 21)


def _delivery(id_: str, **values: Any) -> Delivery:
    return Delivery.model_validate(
        {"id": id_, "entity": "haul", "client": "Cove Marine", "promised": "2026-09-20", "delivered": "2026-09-20",
         **values}
    )  # fmt: skip


def _audit(*deliveries: Delivery, read_on: date | None = READ_ON) -> Any:
    snapshot = Snapshot(
        org_id="acme",
        org_name="Acme Harbour",
        as_of=AS_OF,
        read_on=read_on,
        entities=(Entity(id="haul", name="Clear Haul", kind="junk_removal"),),
        deliveries=deliveries,
    )
    return next(s for s in logistics_report(books_on(snapshot)).sections if s.title == "Billing audit")


def test_a_payment_dated_after_the_report_day_is_not_collected_in_it() -> None:
    paid_later = _delivery("D1", billed="3400", collected="3400", billed_on="2026-09-21", collected_on="2026-10-20")
    billed_later = _delivery("D2", billed="900", collected="900", billed_on="2026-10-10", collected_on="2026-10-20")
    audit = _audit(paid_later, billed_later)
    # D1 billed by 5 Oct, paid on 20 Oct: outstanding then; D2 not billed yet then: delivered, not billed
    assert audit.summary == "1 delivered job not billed; $3,400 billed and not collected; 0 jobs overpaid."
    open_rows = next(t for t in audit.tables if t.title == "Billed, not collected").rows
    assert open_rows == (("D1", "Cove Marine", "$3,400", "$3,400", "15"),)
    assert not [b for b in audit.bullets if "as deliveries.csv reads" in b]


def test_a_past_days_report_says_it_reads_undated_billing_as_the_file_does_now() -> None:
    audit = _audit(_delivery("D1", billed="3400", collected="3400"))
    assert (
        "1 job's billed and collected amounts have no billed_on or collected_on in deliveries.csv: they are read as "
        "deliveries.csv reads on 2026-11-21, not as they stood on 2026-10-05. Add those dates to leave out what was "
        "billed or paid later." in audit.bullets
    )
    # today's report reads the file as it is: nothing to say
    assert not [b for b in _audit(_delivery("D1", billed="3400"), read_on=None).bullets if "billed_on" in b]


def test_deliveries_csv_takes_the_days_billed_and_collected() -> None:
    header = "id,entity,client,promised,delivered,billed,collected,billed_on,collected_on\n"
    row = "D1,haul,Cove Marine,2026-09-20,2026-09-20,3400,3400,2026-09-21,2026-10-20\n"
    raw = {
        "deliveries.csv": [
            RawRow("deliveries.csv", 1, 2, dict(zip(header.strip().split(","), row.strip().split(","), strict=True)))
        ]
    }
    checked = check_rows(raw, ["haul"], [])
    assert not isinstance(checked, list), checked
    assert checked.rows["deliveries"]["D1"].collected_on == date(2026, 10, 20)  # type: ignore[attr-defined]
