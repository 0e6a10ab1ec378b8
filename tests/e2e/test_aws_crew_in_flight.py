"""The crew's asks on DynamoDB (moto) as on SQLite: a list being sent as its trip is cancelled ties "Trip cancelled"
to its send, and a move leaves out someone busy at its new time, asked once free (docs/crew.md)."""

from __future__ import annotations

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.dynamodb.store import DynamoStore
from firstmate.bootstrap import App
from firstmate.domain.outbox import OutboxStatus
from tests.e2e.test_aws_flow import aws_app  # noqa: F401  (the fixture)
from tests.web import test_crew_asks_moved as moved
from tests.web.test_crew_lists_in_flight_told import CHANGES, _changed_as_her_list_goes, _her_trip_mail


@pytest.fixture
def demo_on_aws(aws_app: App) -> App:  # noqa: F811
    """The AWS app (DynamoDB, SES, on moto) with the demo business and its crew loaded."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.business import save_business
    from firstmate.services.people import save_people

    assert isinstance(aws_app.store, DynamoStore)
    save_business(aws_app.store, demo_profile())
    save_people(aws_app.store, "demo", demo_people())
    return aws_app


def test_trip_cancelled_as_the_list_naming_it_fails_to_send_is_not_told_of_on_dynamodb(
    demo_on_aws: App, clock: FixedClock
) -> None:
    do, subject = CHANGES["cancelled"]
    trips = _changed_as_her_list_goes(demo_on_aws, clock, do, fails=True)
    [(told, status, why)] = _her_trip_mail(demo_on_aws, trips[0])
    assert told.startswith(subject) and status is OutboxStatus.DEAD and "never heard of the trip" in why, why


def test_someone_busy_at_a_moves_new_time_is_asked_once_free_on_dynamodb(demo_on_aws: App) -> None:
    moved.test_someone_busy_at_the_new_time_is_asked_once_their_other_trip_lets_them_go(demo_on_aws)
