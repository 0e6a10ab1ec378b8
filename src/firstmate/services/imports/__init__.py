"""Import parsed booking records: all of them or, if any is wrong, none.

- `records`: check every record, then import them all (`check_records`, `import_records`).
- `report`: what an import did, or why it did nothing (`ImportReport`).
- `listings`: a calendar event without guest lines whose UID is a booking of its channel.
- `cancellations`: cancellations by reference alone, of a booking recorded or of one never heard of.
- `holds`: a boat held for a marketplace's booking request: held, declined, retired once booked.
- `clash_check`: the double bookings of an import's rows, looked for once its whole file is in.
- `unlisted`: the upcoming bookings a channel's calendar export leaves out (`not_in_export`).
"""

from firstmate.services.imports.records import check_records, import_records
from firstmate.services.imports.report import ImportReport
from firstmate.services.imports.unlisted import not_in_export

__all__ = ["ImportReport", "check_records", "import_records", "not_in_export"]
