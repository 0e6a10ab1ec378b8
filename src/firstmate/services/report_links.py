"""Links from a report email to its full PDF that open without signing in.

An email shows each table's first rows and links to the PDF, which lists every row. Its readers
(the CFO, the bookkeeper) are not all admins, so the link carries its own key, as a presigned
download link does: the PDF's name and an expiry, signed with the key that signs sign-in links.
It opens that one PDF for `REPORT_LINK_TTL` and nothing else; a signing key's rotation voids the
links it signed once the old key is dropped.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from firstmate.domain.reports.document import ROLES
from firstmate.domain.shared import SLUG
from firstmate.errors import BlobNotFound, NotFound, Unauthorized
from firstmate.services.context import Context

PURPOSE = "report-pdf"  # what a link's signature is for (see SigningKeys.sign)
#: How long a report email's PDF link opens its PDF.
REPORT_LINK_TTL = timedelta(days=90)
#: A link's file: a week's report (weekly-2026-11-09.pdf) or a role report of a day (cfo-2026-11-21.pdf).
_FILE = re.compile(rf"(?P<kind>weekly|{'|'.join(ROLES)})-(?P<day>\d{{4}}-\d{{2}}-\d{{2}})\.pdf")
_ORG = re.compile(SLUG)
#: A link's expiry (seconds since 1970, as written: "0…" is another link) and signature (24 bytes, base64url).
_EXPIRES, _SIG = re.compile(r"[1-9][0-9]{0,11}"), re.compile(r"[A-Za-z0-9_-]{32}")
_HINT = "links in report emails open for 90 days; an admin can open every kept report under /admin/reports"
#: A well-formed link no key verifies: changed, or signed with a key rotated out since (docs/deploy-aws.md).
_UNSIGNED_HINT = (
    "a report email's link opens for 90 days, while the key that signed it is kept; "
    "an admin can open every kept report under /admin/reports"
)


def report_pdf_link(ctx: Context, org: str, file: str, *, at: datetime | None = None) -> str:
    """The URL that opens `org`'s stored PDF `file` (weekly-<week>.pdf, or <role>-<day>.pdf) for 90
    days from `at` (default: now; a weekly run gives its pull's time, so that its replay is identical)."""
    if not _ORG.fullmatch(org) or not _FILE.fullmatch(file):
        raise ValueError(f"not a report PDF: {org}/{file}")
    expires = str(int(((at or ctx.clock.now()) + REPORT_LINK_TTL).timestamp()))
    sig = ctx.secret_key.sign(PURPOSE, f"{org}/{file}:{expires}", size=24)
    return f"{ctx.settings.base_url}/report-files/{org}/{file}?expires={expires}&sig={sig}"


def open_report_pdf(ctx: Context, org: str, file: str, expires: str, sig: str) -> bytes:
    """The PDF a link opens. NotFound for a link we did not sign (or one changed since), or when the
    PDF is no longer kept; Unauthorized once it has expired."""
    found = _FILE.fullmatch(file)
    if found is None or not _ORG.fullmatch(org) or not _EXPIRES.fullmatch(expires) or not _SIG.fullmatch(sig):
        raise NotFound("no such report")  # checked first: compare_digest takes ASCII text only
    if not ctx.secret_key.verifies(PURPOSE, f"{org}/{file}:{expires}", sig, size=24):
        # as for a calendar feed: a wrong signature does not say whether the report exists
        raise NotFound("no such report link", hint=_UNSIGNED_HINT)
    if int(expires) <= ctx.clock.now().timestamp():
        raise Unauthorized("that report link has expired", hint=_HINT)
    kind, day = found["kind"], found["day"]
    key = f"reports/{org}/weekly/{day}/weekly.pdf" if kind == "weekly" else f"reports/{org}/roles/{day}/{kind}.pdf"
    try:
        return ctx.blobs.get(key)
    except BlobNotFound:
        raise NotFound("that report is no longer kept", hint=_HINT) from None
