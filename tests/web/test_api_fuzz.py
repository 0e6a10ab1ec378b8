"""schemathesis against the app's own `/openapi.json`: whatever a client sends, to every operation and
along the workflows the answers lead to, the API never answers 5xx, and every answer matches what
the document promises (status code, content type, headers, body schema). Invalid input must be
refused with a 4xx; valid bookings for a boat the org has must be accepted.

Driven through schemathesis's Hypothesis strategies and state machine (its pytest plugin does not
support this pytest version); derandomized, so every run sends the same requests (`make fuzz` sends
many more, from a random seed).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance, use_after_free

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.bookings import BookingRequest
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.business import save_business
from firstmate.services.keys import create_key
from firstmate.services.people import save_people
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.fuzz.strategies import HYPOTHESIS as SHARED
from tests.fuzz.strategies import examples

EXAMPLES_PER_OPERATION = examples(20)
SCENARIOS = examples(20)  # stateful: each a fresh business, up to STEPS linked calls
STEPS = 8
PEOPLE = ("marisol", "jonah", "priya", "theo")  # an admin, a captain, two crew
BOATS = ("sea-lark", "morning-tern")
# schemathesis's strategies trip health checks that say nothing about the API (data too large, filtered)
HYPOTHESIS = {**SHARED, "suppress_health_check": list(HealthCheck)}
BOOKINGS, BOOKING = "/api/v1/bookings", "/api/v1/bookings/{booking_id}"
EVENT, ROLE = "/api/v1/events/{event_id}", "/api/v1/events/{event_id}/roles/{role}/"


def _checks(case: Any) -> dict[str, Any]:
    """Every schemathesis check but two. "Valid data is accepted" holds only for a schema-valid
    booking for a boat the org has: elsewhere a valid-looking id of a trip that does not exist is
    rightly 404, and a person id of no one rightly 422. "A deleted resource is gone" does not apply:
    DELETE cancels a booking, which stays readable as cancelled (docs/bookings.md)."""
    excluded = [use_after_free]
    if not (case.operation.path == BOOKINGS and isinstance(case.body, dict)):
        excluded.append(positive_data_acceptance)
    return {"excluded_checks": excluded}


def _on_a_real_boat(case: Any) -> None:
    """A generated booking moved to one of the org's boats (generated asset slugs name none)."""
    if case.operation.path == BOOKINGS and case.operation.method.upper() == "POST" and isinstance(case.body, dict):
        body = {k: v for k, v in case.body.items() if k != "entity"}
        case.body = {**body, "asset": BOATS[len(str(body.get("external_id", ""))) % len(BOATS)]}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_answers_generated_requests_as_documented(
    demo_app: App, api_key: str, mode: GenerationMode
) -> None:
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    real = {"booking_id": booking.id, "event_id": booking.event_id, "role": "crew_1"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(demo_app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8  # health, bookings ×3, events ×4, and whatever is added later
    # GET and DELETE take one free-form id: nothing in them can be invalid
    operations = [op for op in operations if mode is GenerationMode.POSITIVE or op.method.upper() == "POST"]
    answers: Counter[tuple[str, int]] = Counter()
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        strategies = [operation.as_strategy(generation_mode=mode)] + [
            operation.as_strategy(generation_mode=mode, path_parameters={n: real[n] for n in names[:k]})
            for k in range(1, len(names) + 1)
        ]  # generated ids, then the real trip's: past the 404 into the checks behind it

        @given(case=st.one_of(strategies), person=st.sampled_from(PEOPLE))
        @settings(max_examples=EXAMPLES_PER_OPERATION, **HYPOTHESIS)
        def run(case: Any, person: str) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {api_key}", "X-Acting-For": person}
            if mode is GenerationMode.POSITIVE:
                _on_a_real_boat(case)
            response = case.call()
            answers[(case.operation.label, response.status_code)] += 1
            case.validate_response(response, **_checks(case))

        run()
    assert sum(answers.values()) >= len(operations) * EXAMPLES_PER_OPERATION // 2
    assert not any(status >= 500 for _, status in answers)
    if mode is GenerationMode.POSITIVE:  # the real trip was reached, and valid bookings were taken
        assert answers[(f"POST {BOOKINGS}", 201)] and answers[(f"GET {EVENT}", 200)]
        assert answers[(f"POST {ROLE}claim", 200)] or answers[(f"POST {ROLE}claim", 409)]


def test_each_operation_succeeds_along_a_real_trip_as_documented(demo_app: App, api_key: str) -> None:
    """The success answers the generated runs reach rarely or never (a trip read, a release, a
    designation) asked for once on purpose, along one real trip, and each checked against the
    document like every generated one."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(demo_app))

    def call(path: str, method: str, person: str, status: int, body: Any = None, **parameters: str) -> Any:
        headers = {"Authorization": f"Bearer {api_key}", "X-Acting-For": person}
        operation = schema[path][method]
        case = operation.Case(path_parameters=parameters, headers=headers, **({"body": body} if body else {}))
        response = case.call()
        assert response.status_code == status, (case.operation.label, response.text[:300])
        case.validate_response(response, **_checks(case))
        return response.json()

    booked = call(BOOKINGS, "POST", "marisol", 201, body=booking_body(asset=BOATS[0]))
    trip = {"event_id": booked["event_id"]}
    assert call(BOOKING, "GET", "marisol", 200, booking_id=booked["booking_id"])["booking_id"] == booked["booking_id"]
    assert call(EVENT, "GET", "jonah", 200, **trip)["event_id"] == booked["event_id"]
    call(ROLE + "claim", "POST", "jonah", 200, role="captain", **trip)
    assert call(ROLE + "release", "POST", "jonah", 200, role="captain", **trip)["released"] is True
    designated = call(ROLE + "designate", "POST", "marisol", 200, body={"person_id": "priya"}, role="crew_1", **trip)
    assert {s["role"]: s["first_name"] for s in designated["roster"]}["crew_1"] == "Priya"
    assert call(BOOKING, "DELETE", "marisol", 200, booking_id=booked["booking_id"])["result"] == "cancelled"
    assert call(EVENT, "GET", "jonah", 200, **trip)["cancelled"] is True


def test_a_body_that_is_not_utf8_is_refused_as_documented(demo_app: App, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json", "X-Acting-For": "marisol"}
    with TestClient(create_app(demo_app)) as client:
        answer = client.post(BOOKINGS, content=b'{"source": "\xff"}', headers=headers)
        documented = client.get("/openapi.json").json()["paths"][BOOKINGS]["post"]["responses"]
    assert answer.status_code == 400 and str(answer.status_code) in documented
    assert {"error", "detail", "hint"} <= set(answer.json()) and answer.json()["hint"]


def test_a_body_that_is_not_json_is_refused_saying_so_not_as_a_field_named_0(demo_app: App, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json", "X-Acting-For": "marisol"}
    with TestClient(create_app(demo_app)) as client:
        answer = client.post(BOOKINGS, content=b"guest_count=4", headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"] == "the body is not JSON (expecting value at character 0)"
    assert answer.json()["hint"] == "send a JSON object in UTF-8"


def test_refusals_fastapi_makes_itself_keep_the_error_shape_and_headers(demo_app: App) -> None:
    with TestClient(create_app(demo_app)) as client:
        wrong_method = client.put(BOOKINGS)
        no_route = client.get("/api/v1/nothing-here")
        page = client.get("/nothing-here", headers={"accept": "text/html"})
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["allow"]
    assert wrong_method.json()["error"] == "MethodNotAllowed" and wrong_method.json()["hint"]
    assert no_route.status_code == 404 and no_route.json()["error"] == "NotFound"
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def _with_links(spec: dict[str, Any]) -> dict[str, Any]:
    """The document plus OpenAPI links saying where each answer leads, so the state machine chains
    real ids: a created booking → read it, cancel it, open its trip, claim/release/designate its
    roles; a roster answer → act on the same role again. (FastAPI cannot declare links itself.)"""
    paths = spec["paths"]

    def link(path: str, method: str, **parameters: str) -> dict[str, Any]:
        return {"operationId": paths[path][method]["operationId"], "parameters": parameters}

    booking_id, event_id = "$response.body#/booking_id", "$response.body#/event_id"
    from_booking = {
        "ReadBooking": link(BOOKING, "get", booking_id=booking_id),
        "CancelBooking": link(BOOKING, "delete", booking_id=booking_id),
        "ReadTrip": link(EVENT, "get", event_id=event_id),
    }
    for action, role in itertools.product(("claim", "release", "designate"), ("captain", "crew_1")):
        from_booking[f"{action.title()}{role.title()}"] = link(ROLE + action, "post", event_id=event_id, role=role)
    for status in ("200", "201"):
        paths[BOOKINGS]["post"]["responses"][status]["links"] = from_booking
    paths[BOOKING]["delete"]["responses"]["200"]["links"] = {k: from_booking[k] for k in ("ReadBooking", "ReadTrip")}
    for source, target in itertools.product(("claim", "release", "designate"), repeat=2):
        links = paths[ROLE + source]["post"]["responses"]["200"].setdefault("links", {})
        links[f"Then{target.title()}"] = link(ROLE + target, "post", event_id=event_id, role="$request.path.role")
    return spec


def test_workflows_along_the_answers_stay_within_the_document(tmp_path: Path, clock: FixedClock) -> None:
    first, _ = _business(tmp_path / "first", clock)
    web = create_app(first)
    with TestClient(web) as client:
        spec = _with_links(client.get("/openapi.json").json())
    first.close()
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = web
    # valid requests only: a workflow goes on only from a success (invalid ones are fuzzed above)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    homes = itertools.count()
    answers: Counter[tuple[str, int]] = Counter()

    class Workflows(schema.as_state_machine()):
        def setup(self) -> None:
            # every scenario starts from the same empty business: state left by the last one would
            # make the same draws take other paths, which Hypothesis rightly calls flaky
            app, self.key = _business(tmp_path / f"s{next(homes)}", clock)
            web.state.firstmate = app

        def teardown(self) -> None:
            web.state.firstmate.close()

        def before_call(self, case: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {self.key}", "X-Acting-For": "marisol"}
            _on_a_real_boat(case)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            answers[(case.operation.label, response.status_code)] += 1
            case.validate_response(response, recorder=self.recorder, **_checks(case))

    Workflows.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS, **HYPOTHESIS))
    assert sum(answers.values()) >= SCENARIOS * 2
    assert not any(status >= 500 for _, status in answers)
    # the links were followed: a created booking's id opened the next operation. Which further links
    # (the trip, a claim) a run reaches varies with ids the app generates, so only this one is required
    followed = {label for (label, status) in answers if status < 400}
    assert {f"POST {BOOKINGS}", f"GET {BOOKING}"} <= followed


def _business(home: Path, clock: FixedClock) -> tuple[App, str]:
    """A fresh app holding the demo business and its crew, and a service key for it."""
    app = build(load_settings(home=home), clock=clock)
    save_business(app.store, demo_profile())
    save_people(app.store, "demo", demo_people())
    return app, create_key(app.store, "demo", "fuzz", clock.now())[1]
