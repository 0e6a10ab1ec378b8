"""MetaAdsSource: weekly ad-set insights from the Meta Marketing API (Graph API).

Weekly rows (`time_increment=7` over Monday-aligned ranges) at ad-set level. Short ranges are read
directly; long ones (a backfill) through an async report run that is polled until done. Cursor
paging follows `paging.next`. Usage headers (`x-fb-ads-insights-throttle`) are honoured: above 90%
of the account's allowance the adapter waits before the next call. Transient errors (codes 1, 2, 4,
17, 341, 613, 80000, 80004, HTTP 5xx) are retried with exponential backoff; the fatal ones become errors
that say what to do.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

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
from firstmate.domain.marketing import AdWeek, action_count, canonical_leads
from firstmate.errors import SourceAuthError, SourceError, SourcePermissionError, SourceUnavailable
from firstmate.ports import RawPage

VERSION = "v21.0"
RUN_WAIT_S = 600.0  # the longest a pull waits for Meta to finish an async report run
GRAPH = "https://graph.facebook.com/"  # where Meta's own next page links point
FIELDS = (
    "account_id,account_currency,campaign_id,campaign_name,adset_id,adset_name,objective,spend,impressions,"
    "clicks,actions"
)
#: Meta's codes of a failure worth another try: unknown and service errors, the app's, the user's and the
#: page's rate limits (4, 17, 32), and the business use cases' (80000–80014)
TRANSIENT_CODES = {1, 2, 4, 17, 32, 341, 613, *range(80000, 80015)}
PERMISSION_CODES = {3, 10, 200, 294}
#: Ranges longer than this go through an async report run, as Meta recommends for big reads.
ASYNC_AFTER = timedelta(weeks=8)
BUSY_PCT = 90


# not in errors.py: this module's signal to try again, a SourceUnavailable once the tries are spent
class _Retry(Exception):
    """A transient failure worth another try."""


class MetaAdsSource:
    """The AdsSource port on the Meta Marketing API."""

    name = "meta"

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        *,
        currency: str = "",
        page_size: int = 100,
        attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        timeout_s: float = 30.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = token  # read on every call, so a rotated token is used at once
        self._currency = currency
        self._page_size = page_size
        self._attempts = attempts
        self._sleep = sleep
        self._client = httpx.Client(timeout=timeout_s)
        self.waited: list[float] = []  # seconds spent backing off, for the run log
        self._run_waits = 0.0  # seconds waited for report runs, over every account this source pulls

    def pull(self, account: str, since: date, until: date) -> list[RawPage]:
        if since.weekday() != 0:
            raise SourceError(f"a week starts on Monday; {since} is a {since:%A}")
        params = {
            "level": "adset",
            "fields": FIELDS,
            "time_range": json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
            "time_increment": "7",
            "limit": str(self._page_size),
        }
        url = f"{self._base}/{VERSION}/act_{account}/insights"
        if until - since > ASYNC_AFTER:
            started = self._call("POST", url, params)
            run_id = value_at(started, "report_run_id", source="Meta")
            if not isinstance(run_id, str | int) or isinstance(run_id, bool) or not str(run_id).isalnum():
                raise SourceError("Meta started a report run without a usable id", hint=PULL_HINT)
            self._wait_for_run(str(run_id))
            return self._pages(f"{self._base}/{VERSION}/{run_id}/insights", {"limit": str(self._page_size)})
        return self._pages(url, params)

    def timezone(self, account: str) -> str | None:
        page = self._call("GET", f"{self._base}/{VERSION}/act_{account}", {"fields": "timezone_name"})
        name = value_at(page, "timezone_name", source="Meta")
        if not isinstance(name, str) or not name:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):  # a zone this machine's tz database lacks: as not said
            return None
        return name

    def parse(self, pages: list[RawPage]) -> list[AdWeek]:
        rows = []
        for number, page in enumerate(pages, 1):
            for index, item in enumerate(listed(page, "data", "Meta", number), 1):
                try:
                    rows.append(self._row(item))
                except UNREADABLE as exc:
                    raise unreadable("Meta", f"ad-set row {index} of page {number}", exc) from None
        return rows

    def _row(self, found: object) -> AdWeek:
        item = an_object(found)
        actions = item.get("actions") or []
        if not (isinstance(actions, list) and all(isinstance(action, dict) for action in actions)):
            raise TypeError("its actions are not a list of objects")
        return AdWeek(
            source=self.name,
            account=str(item.get("account_id", "")),
            campaign_id=source_id(item["campaign_id"]),
            campaign_name=str(item.get("campaign_name", "")),
            adset_id=source_id(item["adset_id"]),
            adset_name=str(item.get("adset_name", "")),
            objective=str(item.get("objective", "")),
            week_start=date.fromisoformat(item["date_start"]),
            spend=Decimal(str(item.get("spend", "0"))),
            # what the account is billed in; not said, "" is the business's currency, which the report reads it in
            currency=str(item.get("account_currency") or self._currency),
            impressions=int(item.get("impressions", 0)),
            clicks=int(item.get("clicks", 0)),
            leads=canonical_leads(actions),
            landing_page_views=action_count(actions, "landing_page_view"),
        )

    def _pages(self, url: str, params: dict[str, str]) -> list[RawPage]:
        pages, followed = [], set()
        next_url: str | None = url
        next_params: dict[str, str] | None = params
        while next_url:
            page = self._call("GET", next_url, next_params)
            pages.append(page)
            followed.add(next_url)
            next_url = self._next_link(page)
            next_params = None  # the next link carries every parameter but the token
            if next_url in followed:
                raise SourceError(
                    "Meta's next page link leads back to a page already read: not followed", hint=PULL_HINT
                )
            if len(pages) > 1000:
                raise SourceError("Meta kept returning pages: stopped after 1,000")
        return pages

    def _next_link(self, page: RawPage) -> str | None:
        link = value_at(page, "paging", "next", source="Meta")
        # the token goes with every call: only links to the Graph API (directly, or through the
        # configured base, e.g. a proxy) are followed
        if link is not None and not (isinstance(link, str) and link.startswith((f"{self._base}/", GRAPH))):
            raise SourceError(
                f"Meta answered a next page link that is on neither {self._base} nor {GRAPH}: not followed",
                hint=PULL_HINT,
            )
        return link

    def _wait_for_run(self, run_id: str) -> None:
        # at most RUN_WAIT_S of pauses for everything this source pulls (the weekly job gives all its orgs
        # one): well inside the scheduler's lease on the run (30 minutes) and a Lambda's 15 (polling 120
        # times took 57 minutes, and another scheduler took the run up meanwhile)
        delay = 1.0
        while self._run_waits < RUN_WAIT_S:
            status = self._call("GET", f"{self._base}/{VERSION}/{run_id}", {})
            state = value_at(status, "async_status", source="Meta")
            if state == "Job Completed" and value_at(status, "async_percent_completion", source="Meta") == 100:
                return
            if state in ("Job Failed", "Job Skipped"):
                raise SourceUnavailable(f"Meta's report run {run_id} failed", hint="run the report again later")
            self._pause(delay)
            self._run_waits += delay
            delay = min(delay * 1.5, 30.0)
        raise SourceUnavailable(
            f"Meta's report run {run_id} did not finish in {RUN_WAIT_S / 60:.0f} minutes",
            hint="run the report again later",
        )

    def _call(self, method: str, url: str, params: dict[str, str] | None) -> RawPage:
        retrying = Retrying(
            retry=retry_if_exception_type(_Retry),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=1, min=1, max=60),
            sleep=self._pause,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(method, url, params)
        except _Retry as exc:
            raise SourceUnavailable(f"Meta kept failing: {exc}", hint="try again later; nothing was changed") from None
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, params: dict[str, str] | None) -> RawPage:
        parsed = httpx.URL(url)
        own = {k: v for k, v in parsed.params.items() if k != "access_token"}  # a paging link's own cursor
        url = str(parsed.copy_with(query=None))
        # the token travels in a header: URLs end up in logs, proxies and archives
        token = self._token()
        headers = {"authorization": bearer("Meta", "meta_access_token", token)}
        try:
            if method == "GET":
                response = self._client.get(url, params={**own, **(params or {})}, headers=headers)
            else:
                response = self._client.post(url, params=own, data=params or {}, headers=headers)
        except httpx.TransportError as exc:
            raise _Retry(f"cannot reach Meta: {scrubbed(str(exc), token)}") from exc
        if response.status_code >= 400:  # before waiting out the usage: a long throttle is not waited out
            _stop_if_throttled_for_long(response)
        self._honour_usage(response)
        try:
            answer = json_answer(response.content)
        except LooseNumber as exc:  # sent again the same way: no use trying again
            raise refused_number("Meta", response.status_code, exc) from None
        except ValueError:  # a cut-off answer, a proxy's error page
            raise _Retry(f"Meta answered {response.status_code} with something that is not JSON") from None
        body: dict[str, Any] = answer if isinstance(answer, dict) else {}  # a list: no page, judged by its status
        if not isinstance(answer, dict) and response.status_code < 400:
            raise SourceError(f"Meta answered {response.status_code} with JSON that is no page (not an object)")
        if isinstance(body.get("error"), dict):
            _raise_for(body["error"], response.status_code, token)
        if response.status_code >= 500 or response.status_code == 429:
            raise _Retry(f"Meta answered {response.status_code}")
        if response.status_code >= 400:  # not Meta's own error (a proxy's, a gateway's): no page, and no last one
            raise SourceError(
                f"Meta answered {response.status_code} without saying why",
                hint="check the network path to graph.facebook.com (a proxy or firewall between), then run again",
            )
        paging = body.get("paging")
        if isinstance(paging, dict):  # never archive a credential: Meta's links carry the token
            for link in ("next", "previous"):
                if isinstance(paging.get(link), str):
                    paging[link] = _without_token(paging[link])
        safe = {k: v for k, v in (params or {}).items() if k != "access_token"}
        return {"request": {"method": method, "url": _without_token(url), "params": safe}, "body": body}

    def _honour_usage(self, response: httpx.Response) -> None:
        header = response.headers.get("x-fb-ads-insights-throttle")
        if not header:
            return
        try:
            usage = json.loads(header)
            pct = max(float(usage.get("acc_id_util_pct", 0)), float(usage.get("app_id_util_pct", 0)))
        except (ValueError, AttributeError, TypeError):  # not the figures Meta writes there ("null")
            return
        if pct >= BUSY_PCT:
            self._pause(min(60.0, 5.0 * (pct - BUSY_PCT + 1)))

    def _pause(self, seconds: float) -> None:
        self.waited.append(seconds)
        self._sleep(seconds)


def _stop_if_throttled_for_long(response: httpx.Response) -> None:
    """Meta's answer that a business use case is throttled says for how long (minutes): beyond one,
    retrying within the pull only spends calls, so the pull stops and says so (a scheduled run is
    tried again 10 and 40 minutes later)."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "{}"))
        waits = [float(use.get("estimated_time_to_regain_access", 0)) for uses in usage.values() for use in uses]
    except (ValueError, AttributeError, TypeError):
        return
    minutes = max(waits, default=0.0)
    if math.isfinite(minutes) and minutes > 1:
        raise SourceUnavailable(
            f"Meta throttles this ad account's reads for about {minutes:.0f} minutes",
            hint="try again after that; a scheduled run is tried again 10 and 40 minutes after it first fails",
        )


def _raise_for(error: dict[str, Any], status: int, token: str) -> None:
    code = int(error.get("code", 0))
    message = scrubbed(str(error.get("message", "unknown error")), token)
    if code == 190:
        raise SourceAuthError(
            f"Meta refused the access token: {message}",
            hint="renew the token (Business settings → System users → Generate token), update secret meta_access_token",
        )
    if code in PERMISSION_CODES:
        raise SourcePermissionError(
            f"Meta refused the read: {message}",
            hint="publish the Meta app (switch it to Live) and grant the token the ads_read permission",
        )
    if code in TRANSIENT_CODES or error.get("is_transient") or status >= 500:
        raise _Retry(f"code {code}: {message}")
    raise SourceError(f"Meta refused the request (code {code}): {message}")


def _without_token(url: str) -> str:
    """A URL with any access_token removed (paging links carry it; archives must not)."""
    parsed = httpx.URL(url)
    params = [(k, v) for k, v in parsed.params.multi_items() if k != "access_token"]
    return str(parsed.copy_with(params=params))
