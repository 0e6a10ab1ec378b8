"""The send ledger: every report goes to each recipient once per period, however often it is built.

Keys:
    ORG#<org>#SENDS   <report>#<period>#<email>   sends so far, the message key, when queued

Message keys: report:<report>:<period>:<org>:<email>[:resend<n>], unique across orgs (they give the Message-ID).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firstmate.domain.mail import InlineImage, OutgoingMessage
from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.ports import Absent, Item, Put, VersionIs
from firstmate.services.context import Context
from firstmate.services.outbox import enqueue_write
from firstmate.services.paging import all_items


@dataclass(frozen=True)
class ReportMail:
    """A rendered report as mail parts."""

    subject: str
    text: str
    html: str
    images: tuple[InlineImage, ...] = ()


def sent_before(ctx: Context, org: str, report: str, period: str, email: str) -> bool:
    """Whether `report` of `period` has gone to `email` (its send ledger holds it)."""
    return ctx.store.get(f"ORG#{org}#SENDS", f"{report}#{period}#{email}") is not None


def sent_to_anyone(ctx: Context, org: str, report: str, period: str) -> bool:
    """Whether `report` of `period` has gone to anyone at all (its send ledger holds a recipient): it went out, though
    a recipient added since has not had it."""
    return bool(ctx.store.query(f"ORG#{org}#SENDS", f"{report}#{period}#", limit=1).items)


def sent_to_whom(ctx: Context, org: str, report: str, period: str) -> dict[str, datetime]:
    """Who has had `report` of `period` (its send ledger), each with when it was last queued to them."""
    ledger = all_items(ctx.store, f"ORG#{org}#SENDS", f"{report}#{period}#")
    return {i.sk.removeprefix(f"{report}#{period}#"): datetime.fromisoformat(i.data["queued_at"]) for i in ledger}


def deliver_once(
    ctx: Context,
    org: str,
    report: str,
    period: str,
    mail: ReportMail,
    recipients: list[str],
    *,
    bcc: str | None = None,
    resend: bool = False,
) -> list[str]:
    """Queue `mail` to each recipient who has not had this report for this period (all of them
    again with `resend`). The ledger entry and the outbox entry are written in one transaction and
    share a deterministic key, so two runs racing queue one message, and a failure queues none and
    records none. Returns who was queued now."""
    queued = []
    for email in recipients:
        ledger_sk = f"{report}#{period}#{email}"
        current = ctx.store.get(f"ORG#{org}#SENDS", ledger_sk)
        if current is not None and not resend:
            continue
        sends = int(current.data["sends"]) + 1 if current else 1
        # the org too: a message's Message-ID (and its file in the outbox folder) comes from its key, and
        # one owner of two orgs kept one of their two reports, the other org's overwriting it
        key = f"report:{report}:{period}:{org}:{email}" + (f":resend{sends}" if sends > 1 else "")
        message = OutgoingMessage(
            idempotency_key=key,
            sender=ctx.settings.mail_from,
            to=(email,),
            bcc=(bcc,) if bcc else (),
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            images=mail.images,
        )
        entry = {"sends": sends, "message_key": key, "queued_at": iso(ctx.clock.now())}
        condition = Absent() if current is None else VersionIs(current.version)
        # one transaction: a ledger entry saying "queued" without its message would keep the
        # report from this recipient for good (a retry skips whoever the ledger names)
        try:
            ctx.store.transact(
                [
                    Put(Item(f"ORG#{org}#SENDS", ledger_sk, entry), condition),
                    enqueue_write(org, message, ctx.clock.now()),
                ]
            )
        except ConditionFailed:
            continue  # another run recorded and queued this send first (the two go together)
        queued.append(email)
    return queued
