"""The environment the functions run with: AWS adapters, a public https URL, a sender address."""

from __future__ import annotations

from email.utils import parseaddr

import httpx

from firstmate.adapters.aws.preflight.checks import Check
from firstmate.config import Settings

_ADAPTERS = {
    "store": ("dynamodb", "data would live on one Lambda's temporary disk and vanish"),
    "blobs": ("s3", "files would live on one Lambda's temporary disk and vanish"),
    "mailer": ("ses", "mail would not go out through SES"),
    "secrets": ("aws", "tokens would not be read from Secrets Manager"),
}


def settings_checks(settings: Settings) -> list[Check]:
    """The environment the functions run with: AWS adapters, a public https URL, a sender address."""
    checks = []
    for name, (wanted, otherwise) in _ADAPTERS.items():
        value = getattr(settings, name)
        if value == wanted:
            checks.append(Check("Settings", name, "ok", f"{name} = {value}"))
        else:
            fix = f"set FIRSTMATE_{name.upper()}={wanted} on every function (template Globals → Environment)"
            checks.append(Check("Settings", name, "fail", f"{name} is {value!r}: {otherwise}", fix))
    url = httpx.URL(settings.base_url)
    if url.scheme == "https" and url.host not in {"localhost", "127.0.0.1"}:
        checks.append(Check("Settings", "base_url", "ok", settings.base_url))
    else:
        fix = "set FIRSTMATE_BASE_URL to the public https URL (the HTTP API's URL or your domain)"
        checks.append(Check("Settings", "base_url", "fail", f"{settings.base_url} is not a public https URL", fix))
    _, address = parseaddr(settings.mail_from)
    if "@" in address and "." in address.rpartition("@")[2]:
        checks.append(Check("Settings", "mail_from", "ok", address))
    else:
        fix = "set FIRSTMATE_MAIL_FROM to an address on your SES domain, e.g. bookings@example.com"
        checks.append(Check("Settings", "mail_from", "fail", f"{settings.mail_from!r} is not an address", fix))
    return checks
