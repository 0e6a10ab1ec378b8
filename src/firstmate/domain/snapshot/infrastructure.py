"""The rows of the infrastructure the CTO lens grades: one `InfraService` for each piece."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from firstmate.domain.currencies import currency_code
from firstmate.domain.redaction import ConfigEntry
from firstmate.domain.snapshot.row import OptionalBool, OptionalPositive, Positive, Row, Slug, blank_is_none


class InfraService(Row):
    """One piece of infrastructure: hosting, a function, a bucket, a domain, a SaaS subscription.
    `config` holds names and set/missing states only (see `redact_config`)."""

    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=120)]
    kind: Literal["hosting", "function", "database", "storage", "email", "domain", "saas", "cdn", "other"]
    monthly_cost: Positive = Decimal(0)
    #: the currency of monthly_cost and alternative_cost when it is not business.yaml's (an AWS bill is in USD);
    #: none for business.yaml's. A report never adds it to the org's money.
    currency: Annotated[str | None, BeforeValidator(blank_is_none)] = None
    runtime: Annotated[str, Field(max_length=40)] = ""
    version: Annotated[str, Field(max_length=40)] = ""
    used_by: tuple[Slug, ...] = Field(default=(), description="Entities or assets that depend on it.")
    tls: OptionalBool = None
    public: OptionalBool = Field(default=None, description="Storage readable by anyone on the internet.")
    sending_domain: Annotated[str, Field(max_length=120)] = ""
    spf: OptionalBool = None
    dkim: OptionalBool = None
    dmarc: OptionalBool = None
    cheaper_alternative: Annotated[str, Field(max_length=200)] = ""
    alternative_cost: OptionalPositive = None
    config: tuple[ConfigEntry, ...] = ()

    @field_validator("currency")
    @classmethod
    def _own_currency(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return value.upper() if (info.context or {}).get("stored") else currency_code(value)

    def in_currency(self, currency: str) -> bool:
        """Whether its costs are in `currency` (the org's: business.yaml's when it names none)."""
        return self.currency in (None, currency)
