"""An admin's save of one revenue line or invoice on DynamoDB (moto) as on SQLite: it reads the rows its refund check
needs, as many with three times the data, and a sale stored before refunds were listed by it is kept while a
refund names it (docs/reports.md, "Editing on the admin pages")."""

from __future__ import annotations

import pytest

from firstmate.adapters.store.dynamodb.store import DynamoStore
from firstmate.bootstrap import App
from tests.e2e.test_aws_flow import aws_app  # noqa: F401  (the fixture)
from tests.web import test_admin_data_save_reads as saves

pytestmark = [pytest.mark.aws]


@pytest.fixture
def demo_on_aws(aws_app: App) -> App:  # noqa: F811
    """The AWS app (DynamoDB, on moto) with the demo business loaded."""
    from firstmate.demo.run import demo_profile
    from firstmate.services.business import save_business

    assert isinstance(aws_app.store, DynamoStore)
    save_business(aws_app.store, demo_profile())
    return aws_app


def test_a_save_reads_as_much_with_three_times_the_data_on_dynamodb(demo_on_aws: App) -> None:
    small = saves._reads(demo_on_aws, 1)
    assert saves._reads(demo_on_aws, 3) == small


def test_a_sale_stored_before_refunds_were_listed_is_kept_on_dynamodb(demo_on_aws: App) -> None:
    saves.test_a_sale_stored_before_refunds_were_listed_is_kept_while_a_refund_names_it(demo_on_aws)
