"""SES: the sender (address or its domain) verified, DKIM signing, the configuration set, and the account out
of the sandbox with sending enabled."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from firstmate.adapters.aws.clients import error_code
from firstmate.adapters.aws.preflight.checks import NOT_FOUND, Aws, Check, reason, safely
from firstmate.config import Settings


def ses_checks(settings: Settings, aws: Aws) -> list[Check]:
    """The sender (address or its domain) verified, DKIM signing, the configuration set, the account."""
    ses = aws("sesv2")
    _, address = parseaddr(settings.mail_from)
    domain = address.rpartition("@")[2]
    found = {name: _identity(ses, name) for name in dict.fromkeys([domain, address]) if name}
    return [
        judge_sender(address, domain, found, settings.aws_region),
        judge_dkim(domain, found),
        *safely("SES", "configuration set", lambda: _configuration_set(ses, settings.ses_configuration_set)),
        *safely("SES", "production access", lambda: _account(ses)),
    ]


def judge_sender(address: str, domain: str, found: dict[str, dict[str, Any] | None], region: str) -> Check:
    """Whether SES lets `address` send: itself or its domain verified (GetEmailIdentity answers)."""
    present = {name: identity for name, identity in found.items() if identity is not None}
    for name, identity in present.items():
        if _verified(identity):
            return Check("SES", "sender identity", "ok", f"{name} is verified for sending")
    if not present:
        fix = f"aws sesv2 create-email-identity --email-identity {domain} --region {region}, publish its DKIM CNAMEs"
        return Check("SES", "sender identity", "fail", f"neither {address} nor {domain} is an SES identity", fix)
    name, identity = next(iter(present.items()))
    status = str(identity.get("VerificationStatus") or "not verified")
    if status == "PENDING":
        fix = f"publish the DNS records listed by aws sesv2 get-email-identity --email-identity {name}; SES rechecks"
    else:
        fix = f"check the DNS records of {name}, then: aws sesv2 create-email-identity --email-identity {name}"
    return Check("SES", "sender identity", "fail", f"{name} is {status}: SES refuses mail from {address}", fix)


def judge_dkim(domain: str, found: dict[str, dict[str, Any] | None]) -> Check:
    """Whether mail is DKIM-signed: signing enabled and the DKIM records found (Status SUCCESS)."""
    name, identity = next(((n, i) for n, i in found.items() if i is not None), (domain, None))
    if identity is None:
        return Check("SES", "DKIM", "fail", "no identity to sign for", "create the sender identity first (above)")
    dkim = identity.get("DkimAttributes") or {}
    status = str(dkim.get("Status", "NOT_STARTED"))
    if status == "SUCCESS" and dkim.get("SigningEnabled"):
        return Check("SES", "DKIM", "ok", f"{name}: signing enabled, records found")
    if status == "SUCCESS":
        fix = f"aws sesv2 put-email-identity-dkim-attributes --email-identity {name} --signing-enabled"
        return Check("SES", "DKIM", "fail", f"{name}: DKIM records found but signing is off", fix)
    if status == "NOT_STARTED":
        fix = (f"aws sesv2 put-email-identity-dkim-signing-attributes --email-identity {name} "
               "--signing-attributes-origin AWS_SES, then publish the 3 CNAME records")  # fmt: skip
    else:
        fix = f"publish the 3 DKIM CNAME records listed by aws sesv2 get-email-identity --email-identity {name}"
    return Check("SES", "DKIM", "fail", f"{name}: DKIM is {status}; receivers may junk unsigned mail", fix)


def _identity(ses: Any, name: str) -> dict[str, Any] | None:
    try:
        return dict(ses.get_email_identity(EmailIdentity=name))
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return None
        raise


def _verified(identity: dict[str, Any]) -> bool:
    # VerificationStatus is the detailed field; older answers carry only VerifiedForSendingStatus
    status = identity.get("VerificationStatus")
    return status == "SUCCESS" if status else bool(identity.get("VerifiedForSendingStatus"))


def _configuration_set(ses: Any, name: str) -> Check:
    try:
        ses.get_configuration_set(ConfigurationSetName=name)
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        fix = f"deploy the stack (it creates {name}) or set FIRSTMATE_SES_CONFIGURATION_SET to an existing set"
        return Check("SES", "configuration set", "fail", f"configuration set {name} does not exist", fix)
    return Check("SES", "configuration set", "ok", f"{name} exists")


def _account(ses: Any) -> Check:
    try:
        account = ses.get_account()
    except (ClientError, BotoCoreError) as exc:
        detail = f"could not tell whether the account is out of the sandbox ({reason(exc)})"
        return Check("SES", "production access", "warn", detail, "allow ses:GetAccount, or look in the SES console")
    if account.get("SendingEnabled") is False:
        fix = "read the SES console's Reputation metrics and ask AWS Support to resume sending"
        return Check("SES", "production access", "fail", "sending is paused for the whole account", fix)
    if not account.get("ProductionAccessEnabled"):
        fix = "SES console → Account dashboard → Request production access"
        return Check("SES", "production access", "warn", "sandbox: mail goes only to verified addresses", fix)
    return Check("SES", "production access", "ok", "out of the sandbox")
