"""No secret value from the configuration ever appears in any rendered report: HTML, text, JSON or
PDF, for any of the eight roles. Secrets are recognised by name (JWT_SECRET, *_KEY, *_TOKEN,
passwords…) or by shape (private keys, JWTs, known key prefixes, URLs with a password, long random
strings)."""

from __future__ import annotations

import io
import re
import string
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.demo.business_data import write_demo_data
from firstmate.demo.run import demo_profile
from firstmate.domain.datafiles import RawRow, check_rows
from firstmate.domain.redaction import redact_config, secret_name, secret_shape
from firstmate.domain.reports.lenses import build_documents
from firstmate.domain.snapshot import Snapshot
from firstmate.reports.role import render_role, role_data, role_html, role_text
from tests.fuzz.strategies import FUZZ, examples

TODAY = date(2026, 11, 21)
RANDOM = string.ascii_letters + string.digits


@cache
def demo_snapshot(folder: str) -> Snapshot:
    profile = demo_profile()
    raw = read_data_folder(write_demo_data(Path(folder), TODAY))
    assert not isinstance(raw, list)
    data = check_rows(raw, [e.id for e in profile.entities], [a.id for a in profile.assets])
    assert not isinstance(data, list)
    rows = {kind: tuple(v.values()) for kind, v in data.rows.items()}
    finance = rows.pop("finance")[0]
    return Snapshot(org_id="demo", org_name=profile.org.name, as_of=TODAY, entities=profile.entities,
                    assets=profile.assets, finance=finance, **rows)  # type: ignore[arg-type]  # fmt: skip


def _random(min_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=RANDOM, min_size=min_size, max_size=48).filter(lambda s: len(set(s)) >= 8)


secret_names = st.sampled_from(
    ["JWT_SECRET", "STRIPE_SECRET_KEY", "API_KEY", "HUBSPOT_TOKEN", "DB_PASSWORD", "SMTP_PASS", "AWS_SECRET_ACCESS_KEY",
     "SESSION_SIGNING_KEY", "webhook-secret", "privateKey", "SENTRY_DSN", "META_ACCESS_TOKEN"]
)  # fmt: skip
#: Values that are secret by their shape alone, whatever the setting is called.
secret_shapes = st.one_of(
    _random(24).map(lambda s: "sk_live_" + s),
    _random(16).map(lambda s: "AKIA" + s.upper()),
    st.tuples(_random(12), _random(12), _random(12)).map(lambda t: "eyJ" + ".".join(t)),
    _random(12).map(lambda s: f"postgres://app:{s}@db.example.com/app"),
    _random(32).map(lambda s: f"-----BEGIN PRIVATE KEY-----\n{s}\n-----END PRIVATE KEY-----"),
    _random(28).filter(lambda s: any(c.isdigit() for c in s) and any(c.isupper() for c in s)),
)
innocent_names = st.sampled_from(["SITE_URL", "REGION", "LOG_LEVEL", "FEATURE_FLAGS", "BUCKET", "RUNTIME"])


@st.composite
def configurations(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    """A service's settings and the secret values among them."""
    settings_: dict[str, str] = {}
    secrets: list[str] = []
    for name in draw(st.lists(secret_names, min_size=1, max_size=4, unique=True)):
        value = draw(st.one_of(_random(12), secret_shapes))
        settings_[name], secrets = value, [*secrets, value]
    for name in draw(st.lists(innocent_names, max_size=3, unique=True)):
        value = draw(secret_shapes)
        settings_[name], secrets = value, [*secrets, value]
    settings_["SITE_URL"] = "https://charters.example.com"
    return settings_, secrets


def _visible(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fragments(secret: str) -> list[str]:
    """The secret and its longest piece without spaces (a PDF or text wrap may split at spaces)."""
    return [secret, max(re.split(r"\s+", secret), key=len)]


@cache
def _demo() -> Snapshot:
    """The demo snapshot, made once for all the examples, in a folder of its own (read into memory)."""
    with tempfile.TemporaryDirectory(prefix="firstmate-secret-test-") as folder:
        return demo_snapshot(folder)


def _imported_service(snapshot: Snapshot, config: dict[str, str]) -> Any:
    """A website service configured with `config`, as infrastructure.yaml's import keeps it."""
    raw = {"infrastructure.yaml": [RawRow("infrastructure.yaml", 1, None, {
        "id": "web", "name": "Website", "kind": "hosting", "monthly_cost": "30", "runtime": "python3.12",
        "version": "1.0.0", "used_by": ["saltwind-charters"], "config": config})]}  # fmt: skip
    checked = check_rows(raw, [e.id for e in snapshot.entities], [a.id for a in snapshot.assets])
    assert not isinstance(checked, list), checked
    (service,) = checked.rows["infrastructure"].values()
    return service


def _with_secrets(settings_: dict[str, str]) -> Snapshot:
    """The demo snapshot plus a service configured with `settings_`, through the import path."""
    snapshot = _demo()
    service = _imported_service(snapshot, settings_)
    return snapshot.model_copy(
        update={"infrastructure": (*snapshot.infrastructure, service),
                "config": redact_config({f"FIRSTMATE_{k.upper()}": v for k, v in settings_.items()})}
    )  # fmt: skip


@cache
def _shown_anyway() -> str:
    """Every report's text with no service configured: a drawn "secret" found in it (say
    `Uncategorise`, in the accounting report's "Uncategorised") proves nothing either way."""
    documents = build_documents(_demo()).values()
    shown = "\n".join(part for d in documents for part in (role_html(d), role_text(d), str(role_data(d))))
    return shown + re.sub(r"\s+", "", shown)  # as `_assert_hidden` looks: also with the spaces taken out


def _assert_hidden(rendered: dict[str, str], secrets: list[str], where: str) -> None:
    for kind, text in rendered.items():
        compact = re.sub(r"\s+", "", text)
        for secret in secrets:
            for fragment in _fragments(secret):
                assert fragment not in text and fragment not in compact, f"{where}.{kind} shows a secret"


@settings(FUZZ, max_examples=examples(25))
@given(configurations())
def test_no_secret_value_from_the_configuration_reaches_any_rendered_report(
    config: tuple[dict[str, str], list[str]],
) -> None:
    settings_, secrets = config
    assume(not any(fragment in _shown_anyway() for secret in secrets for fragment in _fragments(secret)))
    for role, document in build_documents(_with_secrets(settings_)).items():
        text = role_text(document)
        _assert_hidden({"html": role_html(document), "txt": text, "json": str(role_data(document))}, secrets, role)
        if role == "cto":  # the CTO is told which settings to move, by name
            assert all(name in text for name in settings_ if secret_name(name))


def test_no_secret_value_reaches_any_pdf() -> None:
    # the PDF shows the same document as the other forms; one run with every kind of secret checks it
    settings_ = {
        "JWT_SECRET": "plainwordsecretvalue42", "SMTP_PASS": "Correct-Horse-Battery-9",
        "SITE_URL": "https://charters.example.com", "TOKENLESS": "sk_live_51HxQmBz8kLmN0pQrStUvWx",
        "DATABASE_URL": "postgres://app:Zq8mW2xR7t@db.example.com/app", "REGION": "AKIAQ3EXAMPLEKEY7Z9",
        "NOTE": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvd25lciJ9.c2lnbmF0dXJlX3ZhbHVlXzE",
    }  # fmt: skip
    secrets = [v for k, v in settings_.items() if k not in ("SITE_URL",)]
    for role, document in build_documents(_with_secrets(settings_)).items():
        _assert_hidden({"pdf": _visible(render_role(document).pdf)}, secrets, role)


def test_secret_names_and_shapes_are_recognised_and_ordinary_values_are_not() -> None:
    for name in ("JWT_SECRET", "STRIPE_API_KEY", "HUBSPOT_TOKEN", "DB_PASSWORD", "smtp_password", "privateKey"):
        assert secret_name(name), name
    for name in ("SITE_URL", "TIMEZONE", "LOG_LEVEL", "MONKEY_COUNT"):
        assert not secret_name(name), name
    for value in ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "AKIAIOSFODNN7EXAMPLE", "postgres://u:pw@h/db",
                  "-----BEGIN RSA PRIVATE KEY-----", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"):  # fmt: skip
        assert secret_shape(value), value
    for value in ("America/Los_Angeles", "https://charters.example.com", "info", "30", "Charter booking website"):
        assert not secret_shape(value), value
    entries = {e.name: e for e in redact_config({"API_KEY": "", "REGION": "us-east-1", "JWT_SECRET": "x" * 40})}
    assert entries["API_KEY"].state == "missing" and entries["API_KEY"].value is None
    assert entries["JWT_SECRET"].state == "set" and entries["JWT_SECRET"].value is None
    assert entries["REGION"].value == "us-east-1"


def test_a_secret_nested_in_a_services_config_is_dropped_at_import_and_named_in_the_cto_report() -> None:
    """infrastructure.yaml's config with an `environment:` block (as a compose or serverless file writes
    it) was judged whole: "{'STRIPE_SECRET_KEY': 'sk_live_…', …}" is no secret by its name or its shape,
    so the live key and the password were stored, listed by `firstmate data show`, and the CTO report
    ticked "No secrets in plain service config ✓" for the service holding them."""
    secrets = ["sk_live_51HxQmBz8kLmN0pQrStUvWxYz", "Correct-Horse-Battery-9", "AKIAQ3EXAMPLEKEY7Z9"]
    config = {
        "SITE_URL": "https://charters.example.com",
        "environment": {"STRIPE_SECRET_KEY": secrets[0], "DATABASE_PASSWORD": secrets[1], "REGION": "us-west-2"},
        "KEYS": ["public-key-id", secrets[2]],
    }
    snapshot = _demo()
    raw = {"infrastructure.yaml": [RawRow("infrastructure.yaml", 1, None, {
        "id": "web", "name": "Website", "kind": "hosting", "monthly_cost": "30", "runtime": "python3.12",
        "version": "1.0.0", "used_by": ["saltwind-charters"], "config": config})]}  # fmt: skip
    checked = check_rows(raw, [e.id for e in snapshot.entities], [a.id for a in snapshot.assets])
    assert not isinstance(checked, list), checked
    (service,) = checked.rows["infrastructure"].values()
    stored = service.model_dump_json()  # what the store would keep
    assert not [s for s in secrets if s in stored]
    assert {e.name: e.value for e in service.config}["environment.REGION"] == "us-west-2"
    documents = build_documents(snapshot.model_copy(update={"infrastructure": (*snapshot.infrastructure, service)}))
    cto = role_text(documents["cto"])
    assert "Move environment.STRIPE_SECRET_KEY of Website to the secrets store" in cto
    assert "Move KEYS of Website to the secrets store" in cto
    for role, document in documents.items():
        _assert_hidden({"html": role_html(document), "txt": role_text(document), "json": str(role_data(document))},
                       secrets, role)  # fmt: skip


def test_a_model_id_is_no_secret_and_a_key_token_secret_or_password_still_is() -> None:
    """A review: the CTO report listed FIRSTMATE_BEDROCK_MODEL_ID as "secret set" among firstmate's settings,
    and a service's BEDROCK_MODEL_ID as a secret to move to the secrets store (a HIGH finding): a model id
    such as anthropic.claude-sonnet-4-5-v1:0 is long, mixed and random-looking, but no secret."""
    model = "anthropic.claude-sonnet-4-5-v1:0"
    settings_ = {
        "FIRSTMATE_BEDROCK_MODEL_ID": model,
        "FIRSTMATE_ANTHROPIC_MODEL": "claude-sonnet-4-5-20250929",
        "BEDROCK_API_KEY": model,
        "BEDROCK_TOKEN": model,
        "BEDROCK_SECRET": model,
        "BEDROCK_PASSWORD": model,
        "MODEL_ID": "sk_live_51HxQmBz8kLmN0pQrStUvWxYz",  # a live key, whatever its name says
        "CLIENT_ID": "AKIAQ3EXAMPLEKEY7Z9",
    }
    entries = {e.name: e for e in redact_config(settings_)}
    assert entries["FIRSTMATE_BEDROCK_MODEL_ID"].value == model and not entries["FIRSTMATE_BEDROCK_MODEL_ID"].secret
    assert entries["FIRSTMATE_ANTHROPIC_MODEL"].value == "claude-sonnet-4-5-20250929"
    secret = {name for name, entry in entries.items() if entry.secret}
    assert secret == {"BEDROCK_API_KEY", "BEDROCK_TOKEN", "BEDROCK_SECRET", "BEDROCK_PASSWORD", "MODEL_ID", "CLIENT_ID"}
    config = {"SITE_URL": "https://charters.example.com", "BEDROCK_MODEL_ID": model}
    snapshot = _demo()
    service = _imported_service(snapshot, config)
    update = {"infrastructure": (service,), "config": redact_config({"FIRSTMATE_BEDROCK_MODEL_ID": model})}
    cto = role_text(build_documents(snapshot.model_copy(update=update), ["cto"])["cto"])
    assert "BEDROCK_MODEL_ID of Website" not in cto
    assert re.search(r"No secrets in plain service config\s+✓", cto)
    assert re.search(rf"FIRSTMATE_BEDROCK_MODEL_ID\s+setting\s+{re.escape(model)}", cto)
