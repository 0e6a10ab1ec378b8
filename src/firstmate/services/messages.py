"""Composing a templated message: one subject, a plain-text and an HTML part from the same context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstmate.domain.mail import Countdown, OutgoingMessage, SignInLink, subject_line
from firstmate.rendering import render
from firstmate.services.context import Context


def templated(
    ctx: Context,
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    reply_to: str | None = None,
    stale_after: datetime | None = None,
    sign_in: SignInLink | None = None,
    countdown: Countdown | None = None,
) -> OutgoingMessage:
    """The message rendered from `mail/<template>.txt` and `mail/<template>.html`, keyed by `key`
    (`stale_after`: when it stops being of use; `sign_in`: the link whose token is made when it is
    sent; `countdown`: the moment whose time left is worded when it is sent; see `OutgoingMessage`)."""
    return OutgoingMessage(
        idempotency_key=key,
        sender=ctx.settings.mail_from,
        reply_to=reply_to,
        to=(to,),
        subject=subject_line(subject),
        text=render(f"mail/{template}.txt", **context),
        html=render(f"mail/{template}.html", subject=subject_line(subject), **context),
        stale_after=stale_after,
        sign_in=sign_in,
        countdown=countdown,
    )
