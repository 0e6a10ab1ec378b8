"""SesMailer and AwsSecrets against moto's server over HTTP."""

from __future__ import annotations

import email
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from firstmate.adapters.aws.clients import client
from firstmate.adapters.clock import FixedClock
from firstmate.adapters.mail.ses import SesMailer, parse_ses_event
from firstmate.adapters.secrets.aws import AwsSecrets
from firstmate.errors import ConfigError, PermanentDeliveryError, TransientDeliveryError
from tests.contract.test_mailer import _assert_multipart, _message
from tests.moto_server import REGION, MotoServer

pytestmark = pytest.mark.aws


def _ses_messages(aws: MotoServer) -> list[dict[str, object]]:
    data = httpx.get(f"{aws.url}/moto-api/data.json", timeout=60).json()
    messages: list[dict[str, object]] = data.get("ses", {}).get("RawMessage", [])
    return messages


def test_ses_sends_raw_multipart_with_bcc_only_in_the_envelope(aws: MotoServer, clock: FixedClock) -> None:
    ses = client("sesv2", REGION)
    ses.create_email_identity(EmailIdentity="example.com")
    ses.create_configuration_set(ConfigurationSetName="fm-events")
    mailer = SesMailer(clock, domain="example.com", region=REGION, configuration_set="fm-events")
    ref = mailer.send(_message())
    [sent] = [m for m in _ses_messages(aws) if m["id"] == ref]
    assert "audit@example.com" in str(sent["destinations"])
    msg = email.message_from_string(str(sent["raw_data"]), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    _assert_multipart(msg)
    assert msg["X-Firstmate-Key"] == "report:2026-06-01:owner"
    # sent again to some of its recipients only (after another mailer's partial refusal): the envelope is theirs
    again = mailer.send(_message("report:2026-06-01:cfo"), recipients=("owner@example.com",))
    [resent] = [m for m in _ses_messages(aws) if m["id"] == again]
    assert "owner@example.com" in str(resent["destinations"]) and "audit@example.com" not in str(resent["destinations"])


def test_ses_refusing_an_unverified_sender_is_permanent(aws: MotoServer, clock: FixedClock) -> None:
    mailer = SesMailer(clock, domain="example.com", region=REGION, configuration_set=None)
    with pytest.raises(PermanentDeliveryError, match="MessageRejected"):
        mailer.send(_message())


class _FakeSes(BaseHTTPRequestHandler):
    """SES's SendEmail as a local server: each call answered by `answer` (the call's number, from 1)."""

    calls = 0

    def answer(self, call: int) -> tuple[int, str | None, dict[str, str]]:
        """(HTTP status, x-amzn-ErrorType or None, JSON body) of call `call`."""
        raise NotImplementedError

    def do_POST(self) -> None:
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, error_type, answer = self.answer(type(self).calls)
        body = json.dumps(answer).encode()
        self.send_response(status)
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _standing_in(
    handler: type[BaseHTTPRequestHandler], endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """`handler` on a local port as the AWS service whose endpoint variable is `endpoint` (e.g.
    AWS_ENDPOINT_URL_SESV2), with fictional credentials, until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(endpoint, f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    try:
        yield
    finally:
        server.shutdown()


class _Failing(_FakeSes):
    """SES answering every call with a 500: as after a timeout, the message may or may not have gone."""

    def answer(self, call: int) -> tuple[int, str | None, dict[str, str]]:
        return 500, "InternalFailure", {"message": "internal failure (fictional)"}


def test_ses_is_asked_once_per_send_and_the_outbox_retries(
    aws: MotoServer, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SendEmail takes no idempotency token, so botocore retrying a 500 or a timeout could send the
    message again, as a new mail (SES gives each its own Message-ID): one call, and the error goes to
    the outbox, which retries with backoff (with botocore's retries, one send made 5 calls)."""
    with _standing_in(_Failing, "AWS_ENDPOINT_URL_SESV2", monkeypatch):
        mailer = SesMailer(clock, domain="example.com", region=REGION, configuration_set=None)
        with pytest.raises(TransientDeliveryError, match="InternalFailure"):
            mailer.send(_message())
    assert _Failing.calls == 1


class _Recording(_FakeSes):
    """SES sending every message, keeping each request's Destination."""

    destinations: list[dict[str, list[str]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        type(self).destinations.append(body["Destination"])
        answer = json.dumps({"MessageId": "0100-fictional-1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def test_ses_is_given_each_address_once_when_a_reader_is_also_the_audit_bcc(
    clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bookkeeper reads the report and is its audit Bcc too: SES was given their address twice."""
    with _standing_in(_Recording, "AWS_ENDPOINT_URL_SESV2", monkeypatch):
        mailer = SesMailer(clock, domain="example.com", region=REGION, configuration_set=None)
        mailer.send(_message(to=("books@example.com",), cc=("owner@example.com",), bcc=("books@example.com",)))
    assert _Recording.destinations == [
        {"ToAddresses": ["books@example.com"], "CcAddresses": ["owner@example.com"], "BccAddresses": []}
    ]


class _Throttling(_FakeSes):
    """SES over the account's sending rate for the first `throttled` calls (429, as SES v2 answers),
    then sending; `message` says which limit."""

    throttled = 2
    message = "Maximum sending rate exceeded."

    def answer(self, call: int) -> tuple[int, str | None, dict[str, str]]:
        if call <= self.throttled:
            return 429, "TooManyRequestsException", {"message": self.message}
        return 200, None, {"MessageId": "0100-fictional-1"}


@pytest.mark.parametrize(
    ("message", "throttled", "calls", "sent"),
    [
        ("Maximum sending rate exceeded.", 2, 3, True),  # asked again after short waits: sent
        ("Maximum sending rate exceeded.", 99, 5, False),  # still over after 5 asks: the outbox's backoff
        ("Daily message quota exceeded.", 99, 1, False),  # passes in hours, not seconds: the outbox's backoff
    ],
)
def test_ses_over_the_sending_rate_is_asked_again_shortly_and_only_then(
    clock: FixedClock, monkeypatch: pytest.MonkeyPatch, message: str, throttled: int, calls: int, sent: bool
) -> None:
    """SES over the account's sending rate refuses the message, so asking again is safe: a burst (a
    Monday's reports, a trip's notices) is sent within the send, not minutes later by the outbox."""
    handler = type("Handler", (_Throttling,), {"calls": 0, "throttled": throttled, "message": message})
    with _standing_in(handler, "AWS_ENDPOINT_URL_SESV2", monkeypatch):
        mailer = SesMailer(clock, domain="example.com", region=REGION, configuration_set=None)
        if sent:
            assert mailer.send(_message()) == "0100-fictional-1"
        else:
            with pytest.raises(TransientDeliveryError, match=f"TooManyRequestsException.*{message}"):
                mailer.send(_message())
    assert handler.calls == calls


def _event(kind: str, body: dict[str, object], key: str | None = "welcome:v1") -> dict[str, object]:
    headers = [{"name": "X-Firstmate-Key", "value": key}] if key else []
    mail = {"timestamp": "2026-06-01T16:00:00Z", "messageId": "0100-abc", "destination": ["a@example.com"],
            "headers": headers}  # fmt: skip
    return {"eventType": kind, "mail": mail, kind.lower(): body}


def test_ses_events_read_as_feedback_on_one_message() -> None:
    complaint = parse_ses_event(_event("Complaint", {
        "complainedRecipients": [{"emailAddress": "a@example.com"}], "complaintFeedbackType": "abuse",
        "timestamp": "2026-06-02T08:00:00Z"}))  # fmt: skip
    assert complaint is not None and complaint.idempotency_key == "welcome:v1" and complaint.message_id == "0100-abc"
    assert complaint.feedback.kind == "complaint" and complaint.feedback.recipients == ("a@example.com",)
    delivery = parse_ses_event(
        _event("Delivery", {"recipients": ["a@example.com"], "timestamp": "2026-06-01T16:00:02Z"})
    )
    assert delivery is not None and delivery.feedback.kind == "delivery" and not delivery.feedback.permanent
    soft = parse_ses_event(
        _event("Bounce", {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "a@example.com"}]})
    )
    assert soft is not None and not soft.feedback.permanent
    assert parse_ses_event(_event("Open", {})) is None  # not an event firstmate records
    assert parse_ses_event(_event("Bounce", {"bounceType": "Permanent"}, key=None)) is None  # not our mail


def test_an_ses_event_finds_its_message_whose_key_is_longer_than_a_header_line(
    aws: MotoServer, clock: FixedClock
) -> None:
    """A review: a "Double booked!" key naming a calendar export's UID (95 characters) goes out as RFC 2047
    encoded words, as SES's events then carry it: the bounce read that text as the key, found no message
    and was dropped, the handler answering success."""
    client("sesv2", REGION).create_email_identity(EmailIdentity="example.com")
    mailer = SesMailer(clock, domain="example.com", region=REGION, configuration_set=None)
    key = "clash:7kukuqrfedlm2f9t0vdoan08j4@calendar.example.com:bk_1ed412380a7aab2a@firstmate:1780300800-1780315200"
    ref = mailer.send(_message(key, bcc=()))
    [sent] = [m for m in _ses_messages(aws) if m["id"] == ref]
    raw = email.message_from_string(str(sent["raw_data"]), policy=policy.compat32)
    header = " ".join(str(raw["X-Firstmate-Key"]).split())  # as SES reports it: raw, unfolded
    event = _event(
        "Bounce", {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "a@example.com"}]}, key=header
    )
    parsed = parse_ses_event(event)
    assert parsed is not None and parsed.idempotency_key == key


class Counting:
    """A Secrets Manager client that counts the reads it is asked for."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, 0

    def get_secret_value(self, **kwargs: Any) -> Any:
        self.calls += 1
        return self.inner.get_secret_value(**kwargs)


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_secrets_are_cached_and_a_rotation_is_picked_up_without_a_restart(aws: MotoServer) -> None:
    manager = client("secretsmanager", REGION)
    manager.create_secret(Name="firstmate/meta_access_token", SecretString="token-one")
    ticks = Ticks()
    secrets = AwsSecrets(region=REGION, prefix="firstmate/", cache_s=300, monotonic=ticks)
    assert secrets.get("meta_access_token") == "token-one"
    manager.put_secret_value(SecretId="firstmate/meta_access_token", SecretString="token-two")  # rotated
    ticks.now = 299
    assert secrets.get("meta_access_token") == "token-one"  # still cached
    ticks.now = 301
    assert secrets.get("meta_access_token") == "token-two"


def test_a_missing_or_empty_secret_says_how_to_set_it(aws: MotoServer) -> None:
    secrets = AwsSecrets(region=REGION, prefix="firstmate/")
    with pytest.raises(ConfigError, match="does not exist") as missing:
        secrets.get("hubspot_token")
    assert "put-secret-value --secret-id firstmate/hubspot_token" in str(missing.value)
    client("secretsmanager", REGION).create_secret(Name="firstmate/hubspot_token", SecretString="  ")
    with pytest.raises(ConfigError, match="is empty"):
        secrets.get("hubspot_token")
    client("secretsmanager", REGION).create_secret(Name="firstmate/meta_access_token", SecretString="REPLACE_ME")
    with pytest.raises(ConfigError, match="placeholder"):  # deployed, but the operator has not set it yet
        secrets.get("meta_access_token")


def test_the_last_good_secret_outlives_an_outage(aws: MotoServer) -> None:
    client("secretsmanager", REGION).create_secret(Name="firstmate/secret_key", SecretString="s" * 48)
    ticks = Ticks()
    secrets = AwsSecrets(region=REGION, cache_s=60, monotonic=ticks)
    assert secrets.get("secret_key") == "s" * 48
    unreachable = Counting(client("secretsmanager", REGION, endpoint_url="http://127.0.0.1:9"))
    secrets._client = unreachable
    ticks.now = 120
    assert secrets.get("secret_key") == "s" * 48  # the cache is stale, but the last good value serves
    ticks.now = 150
    assert secrets.get("secret_key") == "s" * 48 and unreachable.calls == 1  # for another 60 s, unasked
    ticks.now = 181
    assert secrets.get("secret_key") == "s" * 48 and unreachable.calls == 2
    with pytest.raises(ConfigError, match="retry"):
        secrets.get("meta_access_token")  # nothing to fall back on


class _SecretsDown(_FakeSes):
    """Secrets Manager answering every read with a 500."""

    def answer(self, call: int) -> tuple[int, str | None, dict[str, str]]:
        return 500, "InternalServiceError", {"message": "internal failure (fictional)"}


def test_a_secret_read_from_a_service_that_fails_gives_up_after_as_few_tries_as_a_store_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A review: Secrets Manager was read with the clients' defaults (5 tries of up to 25 s), so a web
    request whose cached signing key had gone stale could outlast API Gateway's 29 s and get its bare
    504; it is now bounded as a store call is (3 tries of 2 + 5 s), and the app answers for itself."""
    with (
        _standing_in(_SecretsDown, "AWS_ENDPOINT_URL_SECRETS_MANAGER", monkeypatch),
        pytest.raises(ConfigError, match="retry"),
    ):
        AwsSecrets(region=REGION).get("secret_key")
    assert _SecretsDown.calls == 3
