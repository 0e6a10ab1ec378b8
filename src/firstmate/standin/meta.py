"""A Meta Marketing API stand-in: ad-set insights, sync and async, paged, with usage headers and
the error bodies the Graph API really sends; `debug_token` and `me/adaccounts` for the preflight."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from firstmate.standin.data import History, InsightRow

VERSION = "v21.0"
APP_ID = "880011223344556"  # the fictional app the stand-in's tokens belong to
APP_NAME = "Firstmate Reports"


@dataclass
class MetaFaults:
    """What the stand-in should get wrong, for tests."""

    token_expired: bool = False
    malformed_token: bool = False  # refuse the token as Meta refuses a malformed one: naming it
    app_in_development: bool = False
    usage_pct: int = 12  # reported in x-fb-ads-insights-throttle
    rate_limited_calls: int = 0  # answer this many calls with error 80004 first
    regain_minutes: int = 0  # what those answers' x-business-use-case-usage says the wait is
    transient_errors: int = 0  # answer this many calls with error `transient_code` first
    transient_code: int = 2  # 2: a service error (HTTP 500); 32: a page's rate limit (HTTP 400)
    throttle_header: str | None = None  # x-fb-ads-insights-throttle as written, instead of the usage figures
    async_polls_before_done: int = 1
    changed_fields: dict[str, Any] = field(default_factory=dict)  # put into every ad-set row: a changed format
    account_currencies: dict[str, str] = field(default_factory=dict)  # what an ad account is billed in (USD)
    next_link_host: str | None = None  # next page links point at this host instead (a token must not follow)
    pages_overlap: bool = False  # each page after the first starts with the row that ended the one before
    next_link_loops: bool = False  # the second page's next link leads back to the first page
    loose_json: bool = False  # write a NaN or Infinity in changed_fields as a bare word, as Python's json does
    cut_off_answers: int = 0  # answer this many calls with the first half of their JSON only
    #: answer the next calls with these statuses and a body that is not Meta's error (a proxy's, a gateway's)
    bare_errors: list[int] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=lambda: ["ads_read", "read_insights", "business_management"])
    #: the ad accounts' time zone (`timezone_name`), whose days their insights count: the demo business's own
    account_timezone: str = "America/Los_Angeles"


def routes(history: History, faults: MetaFaults, token: str) -> list[Route]:
    """Routes under /v21.0 answering from `history`."""
    runs: dict[str, dict[str, Any]] = {}

    async def insights(request: Request) -> Response:
        account = request.path_params["account"]
        params = await _params(request)
        faults.calls.append(f"{request.method} insights {account} after={params.get('after', '')}")
        problem = _check(request, params, faults, token)
        if problem is not None:
            return problem
        if request.method == "POST" and params.get("async") != "false":
            run_id = str(6_000_000_000 + len(runs))
            runs[run_id] = {"account": account, "params": params, "polls": 0}
            return _answer({"report_run_id": run_id}, faults)
        return _page(history, account, params, request, faults)

    async def run_status(request: Request) -> Response:
        run = runs.get(str(request.path_params["run_id"]))
        faults.calls.append(f"GET run {request.path_params['run_id']}")
        if run is None:
            return _error(400, 100, "Unsupported get request. Object does not exist", "GraphMethodException")
        run["polls"] += 1
        done = run["polls"] > faults.async_polls_before_done
        body = {
            "id": request.path_params["run_id"],
            "account_id": run["account"],
            "async_status": "Job Completed" if done else "Job Running",
            "async_percent_completion": 100 if done else 50,
        }
        return _answer(body, faults)

    async def run_insights(request: Request) -> Response:
        run = runs.get(str(request.path_params["run_id"]))
        if run is None:
            return _error(400, 100, "Unsupported get request. Object does not exist", "GraphMethodException")
        params = {**run["params"], **dict(request.query_params)}
        faults.calls.append(f"GET run insights after={params.get('after', '')}")
        return _page(history, run["account"], params, request, faults)

    async def debug_token(request: Request) -> Response:
        params = dict(request.query_params)
        faults.calls.append("GET debug_token")
        presented = params.get("access_token") or request.headers.get("authorization", "").removeprefix("Bearer ")
        if presented != token:
            return _error(400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException")
        return _answer({"data": _token_info(params.get("input_token", ""), faults, token)}, faults)

    async def ad_accounts(request: Request) -> Response:
        params = dict(request.query_params)
        faults.calls.append("GET me/adaccounts")
        problem = _check(request, params, faults, token)
        if problem is not None:
            return problem
        accounts = sorted({adset.account for adset in history.adsets})[: int(params.get("limit", "25"))]
        return _answer({"data": [{"id": f"act_{a}", "account_id": a} for a in accounts]}, faults)

    async def ad_account(request: Request) -> Response:
        account = request.path_params["account"]
        params = dict(request.query_params)
        faults.calls.append(f"GET account {account}")
        problem = _refused_token(request, params, faults, token)
        if problem is not None:
            return problem
        if account not in {adset.account for adset in history.adsets}:
            return _error(400, 100, "Unsupported get request. Object does not exist", "GraphMethodException")
        # answered whole: the answers' faults (cut off, loose JSON) are the insights', as the others are
        return JSONResponse({"id": f"act_{account}", "timezone_name": faults.account_timezone})

    return [
        Route(f"/{VERSION}/debug_token", debug_token, methods=["GET"]),
        Route(f"/{VERSION}/act_{{account}}", ad_account, methods=["GET"]),
        Route(f"/{VERSION}/me/adaccounts", ad_accounts, methods=["GET"]),
        Route(f"/{VERSION}/act_{{account}}/insights", insights, methods=["GET", "POST"]),
        Route(f"/{VERSION}/{{run_id:int}}", run_status, methods=["GET"]),
        Route(f"/{VERSION}/{{run_id:int}}/insights", run_insights, methods=["GET"]),
    ]


def _token_info(input_token: str, faults: MetaFaults, token: str) -> dict[str, Any]:
    """What debug_token says about `input_token`: a system-user token that never expires, unless
    the faults say it expired (then Meta reports it invalid, with the reason)."""
    now = int(time.time())
    info: dict[str, Any] = {"app_id": APP_ID, "type": "SYSTEM_USER", "application": APP_NAME,
                            "data_access_expires_at": 0, "expires_at": 0, "is_valid": True,
                            "issued_at": now - 30 * 86400, "scopes": list(faults.scopes),
                            "granular_scopes": [{"scope": scope} for scope in faults.scopes],
                            "user_id": "122100000000000001"}  # fmt: skip
    if input_token != token:
        return {"is_valid": False, "error": {"code": 190, "message": "Invalid OAuth access token."}, "scopes": []}
    if faults.token_expired:
        info.update(is_valid=False, expires_at=now - 86400)
        info["error"] = {"code": 190, "subcode": 463,
                         "message": "Error validating access token: Session has expired on Monday, 09-Nov-26 10:00:00 PST."}  # fmt: skip
    return info


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: str(v) for k, v in form.items()})
    return params


def _check(request: Request, params: dict[str, str], faults: MetaFaults, token: str) -> Response | None:
    if faults.bare_errors:
        status = faults.bare_errors.pop(0)
        return JSONResponse({"message": "Too Many Requests" if status == 429 else "Forbidden"}, status_code=status)
    refused = _refused_token(request, params, faults, token)
    if refused is not None:
        return refused
    if faults.rate_limited_calls > 0:
        faults.rate_limited_calls -= 1
        return _error(
            400,
            80004,
            "There have been too many calls to this ad-account. Wait a bit and try again.",
            "OAuthException",
            usage=100,
            faults=faults,
        )
    if faults.transient_errors > 0:
        faults.transient_errors -= 1
        if faults.transient_code == 32:
            return _error(400, 32, "(#32) Page request limit reached", "OAuthException")
        return _error(
            500,
            faults.transient_code,
            "An unexpected error has occurred. Please retry your request later.",
            "OAuthException",
            transient=True,
        )
    return None


def _refused_token(request: Request, params: dict[str, str], faults: MetaFaults, token: str) -> Response | None:
    """Meta's answer to a token it refuses (or an app in development), or None: every call is checked so;
    the other faults are the insights' (tests count them there)."""
    presented = params.get("access_token") or request.headers.get("authorization", "").removeprefix("Bearer ")
    if faults.malformed_token:
        return _error(400, 190, f"Malformed access token {presented}", "OAuthException")
    if faults.token_expired or presented != token:
        return _error(
            400, 190, "Error validating access token: Session has expired on Monday, 09-Nov-26 10:00:00 PST.",
            "OAuthException", subcode=463,
        )  # fmt: skip
    if faults.app_in_development:
        return _error(
            400, 200, "(#200) Ad account owner has NOT grant ads_management or ads_read permission", "OAuthException"
        )
    return None


def _page(history: History, account: str, params: dict[str, str], request: Request, faults: MetaFaults) -> Response:
    since, until = _range(params)
    rows = [
        r
        for r in history.rows
        if r.adset.account == account and since <= r.week_start and r.week_start + timedelta(days=6) <= until
    ]
    limit = min(int(params.get("limit", "25")), 500)
    offset = _offset(params.get("after"))
    chunk = rows[offset : offset + limit]
    repeated = rows[offset - 1 : offset] if faults.pages_overlap and offset > 0 else []
    billed = {"account_currency": faults.account_currencies.get(account, "USD")}
    body: dict[str, Any] = {"data": [_insight(r) | billed | faults.changed_fields for r in repeated + chunk]}
    if chunk:
        paging: dict[str, Any] = {"cursors": {"before": _cursor(offset), "after": _cursor(offset + len(chunk) - 1)}}
        # Meta's paging links carry the token the request was made with
        presented = request.headers.get("authorization", "").removeprefix("Bearer ") or params.get("access_token", "")
        if offset > 0:
            back = {k: v for k, v in request.query_params.items() if k != "after"}
            link = request.url.replace_query_params(**back, before=_cursor(offset), access_token=presented)
            paging["previous"] = str(link)
        if offset + len(chunk) < len(rows):
            nxt = dict(request.query_params) | {"access_token": presented}
            nxt["after"] = _cursor(offset + len(chunk) - 1)
            if faults.next_link_loops and offset > 0:
                del nxt["after"]  # back to the first page
            link = request.url.replace_query_params(**nxt)
            paging["next"] = str(link.replace(netloc=faults.next_link_host) if faults.next_link_host else link)
        body["paging"] = paging
    return _answer(body, faults)


def _insight(row: InsightRow) -> dict[str, Any]:
    adset = row.adset
    actions = [
        {"action_type": "link_click", "value": str(row.clicks)},
        {"action_type": "landing_page_view", "value": str(row.landing_page_views)},
    ]
    if row.leads:
        # Meta repeats one lead under several action types; only one of them may be counted
        actions += [
            {"action_type": "lead", "value": str(row.leads)},
            {"action_type": "onsite_conversion.lead_grouped", "value": str(row.leads)},
            {"action_type": "offsite_conversion.fb_pixel_lead", "value": str(max(row.leads - 1, 0))},
        ]
    return {
        "account_id": adset.account,
        "account_currency": "USD",
        "campaign_id": adset.campaign_id,
        "campaign_name": adset.campaign_name,
        "adset_id": adset.adset_id,
        "adset_name": adset.adset_name,
        "objective": adset.objective,
        "spend": f"{row.spend:.2f}",
        "impressions": str(row.impressions),
        "clicks": str(row.clicks),
        "actions": actions,
        "date_start": row.week_start.isoformat(),
        "date_stop": (row.week_start + timedelta(days=6)).isoformat(),
    }


def _range(params: dict[str, str]) -> tuple[date, date]:
    try:
        window = json.loads(params.get("time_range", "{}"))
        return date.fromisoformat(window["since"]), date.fromisoformat(window["until"])
    except (ValueError, KeyError, TypeError):
        return date.min, date.max


def _cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(cursor + "=" * (-len(cursor) % 4))) + 1


def _answer(body: dict[str, Any], faults: MetaFaults) -> Response:
    usage = {"app_id_util_pct": 0, "acc_id_util_pct": faults.usage_pct, "ads_api_access_tier": "standard_access"}
    headers = {"x-fb-ads-insights-throttle": faults.throttle_header or json.dumps(usage)}
    if faults.cut_off_answers > 0:
        faults.cut_off_answers -= 1
        whole = json.dumps(body)
        return Response(whole[: len(whole) // 2], media_type="application/json", headers=headers)
    if faults.loose_json:
        return Response(json.dumps(body), media_type="application/json", headers=headers)
    return JSONResponse(body, headers=headers)


def _error(
    status: int, code: int, message: str, kind: str, *, subcode: int | None = None, usage: int | None = None,
    faults: MetaFaults | None = None, transient: bool = False,
) -> JSONResponse:  # fmt: skip
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    headers = {}
    if usage is not None:
        headers["x-fb-ads-insights-throttle"] = json.dumps({"app_id_util_pct": 0, "acc_id_util_pct": usage})
        wait = faults.regain_minutes if faults is not None else 0
        use = {"type": "ads_insights", "call_count": 100, "total_cputime": 30, "total_time": 40,
               "estimated_time_to_regain_access": wait}  # fmt: skip
        headers["x-business-use-case-usage"] = json.dumps({"1098765432109876": [use]})
    return JSONResponse({"error": error}, status_code=status, headers=headers)
