"""What a report's email leaves out of a long table, said once for every report: "…and 480 more
campaigns: …; the PDF lists every one" (the PDF and the JSON keep every row)."""

from __future__ import annotations

from firstmate.domain.reports.format import plural


def more(count: int, noun: str) -> str:
    """ "…and 480 more campaigns" ("…and 1 more campaign")."""
    return f"…and {plural(count, 'more ' + noun)}"


def in_the_pdf(left_out: str, full_report: str) -> str:
    """The plain-text line for what a table leaves out, with the PDF's link when there is one."""
    return f"{left_out}; the PDF lists every one" + (f": {full_report}" if full_report else ".")
