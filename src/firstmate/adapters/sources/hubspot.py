"""HubSpotSource: CRM contacts created in a time range, from HubSpot's CRM search API.

Search pages with `after` cursors, 100 at a time. HubSpot stops paging at 10,000 results, so a
range with more is split in halves until each part fits; one that cannot be split (more created
within two seconds: a list imported at once) is read in runs sorted by id, each from past the last.
Search is limited to a few requests a second: calls are spaced out, and a 429 waits for its
Retry-After before trying again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from firstmate.adapters.sources.answers import (
    PULL_HINT,
    UNREADABLE,
    LooseNumber,
    an_object,
    bearer,
    json_answer,
    listed,
    refused_number,
    scrubbed,
    source_id,
    unreadable,
    value_at,
)
from firstmate.domain.marketing import CrmLead
from firstmate.errors import SourceAuthError, SourceError, SourcePermissionError, SourceUnavailable
from firstmate.ports import RawPage

PROPERTIES = [
    "createdate", "email", "hs_analytics_source", "hs_analytics_source_data_1", "hs_analytics_source_data_2",
    "utm_campaign", "utm_content", "utm_source", "utm_medium",
]  # fmt: skip
SEARCH_CAP = 10_000
MIN_INTERVAL_S = 0.25  # at most four searches a second, under HubSpot's limit
MAX_WAIT_S = 60.0  # the longest a 429 or 5xx is waited out; beyond it the pull stops and says so


class HubSpotSource:
    """The CrmSource port on HubSpot."""

    name = "hubspot"

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        *,
        page_size: int = 100,
        cap: int = SEARCH_CAP,
        attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
        timeout_s: float = 30.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._page_size = page_size
        self._cap = cap
        self._attempts = attempts
        self._sleep = sleep
        self._client = httpx.Client(timeout=timeout_s)
        self._last_call = 0.0
        self.waited: list[float] = []

    def pull(self, since: datetime, until: datetime) -> list[RawPage]:
        first = self._search(since, until, after=None)
        total = value_at(first, "total", source="HubSpot") or 0
        if not isinstance(total, int) or isinstance(total, bool):
            raise SourceError("HubSpot answered a search whose total is not a whole number", hint=PULL_HINT)
        if total > self._cap and until - since > timedelta(seconds=2):
            middle = since + (until - since) / 2
            return self.pull(since, middle) + self.pull(middle + timedelta(milliseconds=1), until)
        if total > self._cap:  # more than the cap created within two seconds (an import): read by id
            return self._by_id(since, until)
        pages = [first]
        while (after := value_at(pages[-1], "paging", "next", "after", source="HubSpot")) is not None:
            pages.append(self._search(since, until, after=str(after)))
            if len(pages) > self._cap // self._page_size + 2:
                raise SourceError("HubSpot kept returning pages past its own cap")
        return pages

    def _by_id(self, since: datetime, until: datetime) -> list[RawPage]:
        """The contacts of a range HubSpot cannot page whole, too many created at one moment to split it
        by time (a list imported at once): in runs sorted by id, each from past the last id read, each
        paged only up to the cap (a page past it is refused with a 400, and the week's report failed)."""
        pages: list[RawPage] = []
        above: int | None = None
        while True:
            # sorted by id from the first run on: by creation time, all the same, HubSpot orders them as it will,
            # and reading on from past the highest id of those skipped every lower one not among them
            run = [self._search(since, until, after=None, above=above, by_id=True)]
            while (
                len(run) < self._cap // self._page_size
                and (after := value_at(run[-1], "paging", "next", "after", source="HubSpot")) is not None
            ):
                run.append(self._search(since, until, after=str(after), above=above, by_id=True))
            pages += run
            ids = _ids(run)
            left = value_at(run[0], "total", source="HubSpot") or 0
            if not isinstance(left, int) or left <= len(ids) or not ids:
                return pages
            if above is not None and max(ids) <= above:
                raise SourceError("HubSpot's search by id did not move past the contacts already read")
            above = max(ids)

    def parse(self, pages: list[RawPage]) -> list[CrmLead]:
        leads: dict[str, CrmLead] = {}
        for number, page in enumerate(pages, 1):
            for index, result in enumerate(listed(page, "results", "HubSpot", number), 1):
                try:
                    lead = _lead(result)
                except UNREADABLE as exc:
                    raise unreadable("HubSpot", f"contact {index} of page {number}", exc) from None
                leads[lead.id] = lead
        return sorted(leads.values(), key=lambda lead: lead.created)  # split ranges never count one twice

    def _search(
        self, since: datetime, until: datetime, after: str | None, above: int | None = None, *, by_id: bool = False
    ) -> RawPage:
        """One search page of contacts created from `since` to `until`: by creation time, or (`by_id`) by id,
        from past the id `above` when given (`_by_id`)."""
        filters: list[dict[str, str]] = [
            {
                "propertyName": "createdate",
                "operator": "BETWEEN",
                "value": str(_ms(since)),
                "highValue": str(_ms(until)),
            }
        ]
        if above is not None:
            filters.append({"propertyName": "hs_object_id", "operator": "GT", "value": str(above)})
        order = "hs_object_id" if by_id or above is not None else "createdate"
        body: dict[str, Any] = {
            "filterGroups": [{"filters": filters}],
            "properties": PROPERTIES,
            "sorts": [{"propertyName": order, "direction": "ASCENDING"}],
            "limit": self._page_size,
        }
        if after is not None:
            body["after"] = after
        for attempt in range(1, self._attempts + 1):
            self._space_out()
            token = self._token()
            try:
                response = self._client.post(
                    f"{self._base}/crm/v3/objects/contacts/search",
                    json=body,
                    headers={"Authorization": bearer("HubSpot", "hubspot_token", token)},
                )
            except httpx.TransportError as exc:
                if attempt < self._attempts:  # no wait after the last try
                    self._wait(min(2.0**attempt, MAX_WAIT_S))
                error = f"cannot reach HubSpot: {scrubbed(str(exc), token)}"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                _stop_if_out_of_quota(response)
                if attempt < self._attempts:  # no wait after the last try
                    self._wait(_retry_after(response, attempt))
                error = f"HubSpot answered {response.status_code}"
                continue
            _raise_for(response, token)
            try:
                answer = json_answer(response.content)
            except LooseNumber as exc:
                raise refused_number("HubSpot", response.status_code, exc) from None
            except ValueError as exc:
                message = f"HubSpot answered {response.status_code} with something that is not JSON ({exc})"
                raise SourceError(message[:300], hint=PULL_HINT) from None
            return {"request": {"url": "/crm/v3/objects/contacts/search", "body": body}, "body": answer}
        raise SourceUnavailable(f"HubSpot kept failing: {error}", hint="try again later; nothing was changed")

    def _space_out(self) -> None:
        gap = MIN_INTERVAL_S - (time.monotonic() - self._last_call)
        if gap > 0:
            self._wait(gap)
        self._last_call = time.monotonic()

    def _wait(self, seconds: float) -> None:
        self.waited.append(seconds)
        self._sleep(seconds)


def _ids(pages: list[RawPage]) -> list[int]:
    """The contact ids of these search pages as numbers (HubSpot's are): what `_by_id` reads on from."""
    try:
        return [
            int(source_id(an_object(result)["id"]))
            for number, page in enumerate(pages, 1)
            for result in listed(page, "results", "HubSpot", number)
        ]
    except UNREADABLE as exc:
        raise SourceError(f"HubSpot answered a contact without a numeric id ({exc})", hint=PULL_HINT) from None


def _raise_for(response: httpx.Response, token: str) -> None:
    if response.status_code < 400:
        return
    try:
        answer = response.json()
    except ValueError:
        answer = None
    said = answer.get("message") if isinstance(answer, dict) else None  # a proxy's list or page: its text
    # the token taken out before cutting: no piece of it stays
    message = scrubbed(str(said), token) if said is not None else scrubbed(response.text, token)[:200]
    if response.status_code == 401:
        raise SourceAuthError(
            f"HubSpot refused the token: {message}",
            hint="create a new private app token and update secret hubspot_token",
        )
    if response.status_code == 403:
        raise SourcePermissionError(
            f"HubSpot refused the read: {message}", hint="give the private app the crm.objects.contacts.read scope"
        )
    raise SourceError(f"HubSpot refused the search ({response.status_code}): {message}")


def _lead(found: object) -> CrmLead:
    result = an_object(found)
    props = an_object(result.get("properties") or {}, "its properties")
    contact_id = source_id(result["id"])
    return CrmLead(
        id=contact_id,
        created=_moment(props.get("createdate") or result.get("createdAt")),
        source=str(props.get("hs_analytics_source") or ""),
        source_data_1=str(props.get("hs_analytics_source_data_1") or ""),
        source_data_2=str(props.get("hs_analytics_source_data_2") or ""),
        utm_campaign=str(props.get("utm_campaign") or ""),
        utm_content=str(props.get("utm_content") or ""),
        utm_source=str(props.get("utm_source") or ""),
        utm_medium=str(props.get("utm_medium") or ""),
    )


def _stop_if_out_of_quota(response: httpx.Response) -> None:
    """A 429 for the day's quota (policy DAILY) ends only at midnight, and one asking to wait longer
    than a minute would hold the scheduler: say so in one line instead of waiting."""
    try:
        policy = str(response.json().get("policyName", ""))
    except (ValueError, AttributeError):
        policy = ""
    if response.status_code == 429 and policy.upper() == "DAILY":
        raise SourceUnavailable(
            "HubSpot's daily API quota is used up", hint="it renews at midnight in the HubSpot account's time zone"
        )
    asked = _seconds(response.headers.get("retry-after", ""))
    if asked is not None and asked > MAX_WAIT_S:
        raise SourceUnavailable(f"HubSpot asks to wait {asked / 60:.0f} minutes", hint="run it again after that")


def _moment(value: object) -> datetime:
    """A HubSpot date: ISO 8601 ("2026-11-10T18:00:00.000Z"), or milliseconds since 1970 as some
    portals' `createdate` still holds it ("1794420000000")."""
    text = str(value)
    if text.isdigit() and 12 <= len(text) <= 14:  # 2001 to 5138; other digits (20261110) are no such count
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _retry_after(response: httpx.Response, attempt: int) -> float:
    asked = _seconds(response.headers.get("retry-after", ""))
    return max(asked, 0.1) if asked is not None else min(2.0**attempt, MAX_WAIT_S)


def _seconds(value: str) -> float | None:
    """A Retry-After in seconds, or None when it is not a finite number (nan, a date, nothing)."""
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
