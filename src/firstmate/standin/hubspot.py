"""A HubSpot CRM stand-in: contact search with filters (createdate BETWEEN, hs_object_id GT), sorting
(by createdate, or by hs_object_id), `after` paging, the 10,000-result cap, and 429 with Retry-After; the plain contact list (one page) the preflight reads; 401 and 403."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from firstmate.standin.data import Contact, History


@dataclass
class HubSpotFaults:
    """What the stand-in should get wrong, for tests."""

    rate_limited_calls: int = 0  # answer this many searches with 429 first
    daily_limit: bool = False  # the 429s say the day's quota is used up, not the second's
    retry_after: str = "1"  # what the 429s ask to wait
    cap: int = 10_000  # search results reachable by paging (HubSpot's limit)
    unauthorized: bool = False
    missing_scope: bool = False  # the private app lacks crm.objects.contacts.read: 403
    loose_json: bool = False  # answer searches with a "total" of NaN, a bare word JSON does not allow
    html_answers: bool = False  # answer searches with a proxy's HTML page (status 200)
    list_error: int = 0  # answer searches with this status and a JSON list, not HubSpot's error object
    calls: list[str] = field(default_factory=list)


def routes(history: History, faults: HubSpotFaults, token: str) -> list[Route]:
    """The contact search route."""

    async def search(request: Request) -> Response:
        refused = _refused(request, faults, token)
        if refused is not None:
            return refused
        body = await request.json()
        low, high = _window(body)
        after = int(body.get("after") or 0)
        faults.calls.append(f"search {low.isoformat()}..{high.isoformat()} after={after}")
        if faults.rate_limited_calls > 0:
            faults.rate_limited_calls -= 1
            policy = "DAILY" if faults.daily_limit else "SECONDLY"
            return JSONResponse(
                {"status": "error", "message": f"You have reached your {policy.lower()} limit.", "errorType": "RATE_LIMIT",
                 "correlationId": "0b3d5c00-0000-4000-8000-000000000002", "policyName": policy},
                status_code=429, headers={"Retry-After": faults.retry_after},
            )  # fmt: skip
        above = _above_id(body)
        by_id = any(sort.get("propertyName") == "hs_object_id" for sort in body.get("sorts", []))
        matches = sorted(
            (c for c in history.contacts if low <= c.created <= high and (above is None or int(c.id) > above)),
            key=(lambda c: int(c.id)) if by_id else (lambda c: c.created),
        )
        limit = min(int(body.get("limit", 10)), 200)
        if after + limit > faults.cap:
            return JSONResponse(
                {"status": "error", "message": f"Paging beyond {faults.cap} results is not supported", "category": "VALIDATION_ERROR",
                 "correlationId": "0b3d5c00-0000-4000-8000-000000000003"}, status_code=400,
            )  # fmt: skip
        chunk = matches[after : after + limit]
        answer: dict[str, Any] = {"total": len(matches), "results": [_contact(c) for c in chunk]}
        if after + len(chunk) < len(matches):
            answer["paging"] = {"next": {"after": str(after + len(chunk)), "link": "?after=" + str(after + len(chunk))}}
        if faults.html_answers:
            return Response("<html><body>Service temporarily unavailable</body></html>", media_type="text/html")
        if faults.loose_json:
            return Response(json.dumps({**answer, "total": float("nan")}), media_type="application/json")
        return JSONResponse(answer)

    async def contacts(request: Request) -> JSONResponse:
        faults.calls.append("list contacts")
        refused = _refused(request, faults, token)
        if refused is not None:
            return refused
        limit = min(int(request.query_params.get("limit", "10")), 100)
        return JSONResponse({"results": [_contact(c) for c in history.contacts[:limit]]})

    return [
        Route("/crm/v3/objects/contacts/search", search, methods=["POST"]),
        Route("/crm/v3/objects/contacts", contacts, methods=["GET"]),
    ]


def _refused(request: Request, faults: HubSpotFaults, token: str) -> JSONResponse | None:
    if faults.unauthorized or request.headers.get("authorization") != f"Bearer {token}":
        return JSONResponse(
            {"status": "error", "message": "Authentication credentials not found.", "category": "INVALID_AUTHENTICATION",
             "correlationId": "0b3d5c00-0000-4000-8000-000000000001"}, status_code=401,
        )  # fmt: skip
    if faults.list_error:
        return JSONResponse([{"error": "request blocked"}], status_code=faults.list_error)
    if faults.missing_scope:
        return JSONResponse(
            {"status": "error", "message": "This app hasn't been granted all required scopes to make this call.",
             "correlationId": "0b3d5c00-0000-4000-8000-000000000004", "category": "MISSING_SCOPES",
             "errors": [{"message": "One or more of the following scopes are required.",
                         "context": {"requiredGranularScopes": ["crm.objects.contacts.read"]}}]}, status_code=403,
        )  # fmt: skip
    return None


def _window(body: dict[str, Any]) -> tuple[datetime, datetime]:
    low, high = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    for group in body.get("filterGroups", []):
        for item in group.get("filters", []):
            if item.get("propertyName") == "createdate" and item.get("operator") == "BETWEEN":
                low = datetime.fromtimestamp(int(item["value"]) / 1000, UTC)
                high = datetime.fromtimestamp(int(item["highValue"]) / 1000, UTC)
    return low, high


def _above_id(body: dict[str, Any]) -> int | None:
    """The id a search's `hs_object_id GT` filter names (contacts past it only), if it has one."""
    for group in body.get("filterGroups", []):
        for item in group.get("filters", []):
            if item.get("propertyName") == "hs_object_id" and item.get("operator") == "GT":
                return int(item["value"])
    return None


def _contact(contact: Contact) -> dict[str, Any]:
    stamp = contact.created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "id": contact.id,
        "properties": {
            "createdate": stamp,
            "email": contact.email,
            "hs_analytics_source": contact.source,
            "hs_analytics_source_data_1": contact.source_data_1,
            "hs_analytics_source_data_2": contact.source_data_2,
            "utm_campaign": contact.utm_campaign or None,
            "utm_content": contact.utm_content or None,
            "utm_source": contact.utm_source or None,
            "utm_medium": contact.utm_medium or None,
            "hs_object_id": contact.id,
        },
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
    }
