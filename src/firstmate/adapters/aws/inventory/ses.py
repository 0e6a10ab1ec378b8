"""SES sending domains as rows: each identity's verification and DKIM, with SPF and DMARC from Route 53."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory.reading import entry, slug
from firstmate.adapters.aws.inventory.route53 import Dns
from firstmate.domain.snapshot import InfraService


@dataclass(frozen=True)
class Identity:
    """One SES identity (an address or a domain) as far as the row needs it."""

    name: str
    verification: str
    dkim_status: str
    signing: bool


def identities_by_domain(region: str) -> dict[str, list[Identity]]:
    """Every SES identity in `region`, by the domain it sends from."""
    ses = client("sesv2", region)
    found: dict[str, list[Identity]] = defaultdict(list)
    token = ""
    while True:
        page = ses.list_email_identities(**({"NextToken": token} if token else {}))
        for item in page.get("EmailIdentities", []):
            detail = ses.get_email_identity(EmailIdentity=item["IdentityName"])
            dkim = detail.get("DkimAttributes") or {}
            status = str(dkim.get("Status", "NOT_STARTED"))
            identity = Identity(item["IdentityName"], str(detail.get("VerificationStatus", "unknown")), status,
                                status == "SUCCESS" and bool(dkim.get("SigningEnabled")))  # fmt: skip
            found[identity.name.rpartition("@")[2].lower()].append(identity)
        token = page.get("NextToken") or ""
        if not token:
            return dict(found)


def sender(domain: str, identities: list[Identity], dns: Dns, region: str) -> InfraService:
    """The row of one sending domain: its identities, DKIM signing, and SPF and DMARC where Route 53 holds it."""
    entries = tuple(entry(f"identity {i.name}"[:120], f"{i.verification}; DKIM {i.dkim_status}") for i in identities)
    return InfraService(id=slug("ses", domain), name=f"{domain} (SES, {region})", kind="email",
                        sending_domain=domain, spf=dns.spf(domain), dkim=any(i.signing for i in identities),
                        dmarc=dns.dmarc(domain), config=entries)  # fmt: skip
