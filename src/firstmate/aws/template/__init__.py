"""The AWS SAM template (`deploy/aws/template.yaml`), rendered from code so nothing drifts.

The schedules come from `declared_jobs(settings)`, the list the local scheduler runs from; the table and
bucket shapes come from `adapters.aws.resources`, the shapes the preflight checks and the tests
create on moto; each function's IAM policy names only the actions it uses on the resources it uses.
`firstmate aws render-template` writes the file, and a test fails when the committed copy differs.

`document` assembles the template from `functions`, `iam`, `storage`, `messaging` and `schedules`;
`cloudformation` holds the short tags and the YAML writer, `cron` the EventBridge cron conversion.
"""

from firstmate.aws.template.cloudformation import HEADER, Fn, get_att, ref, sub, to_yaml
from firstmate.aws.template.cron import eventbridge_cron
from firstmate.aws.template.document import build_template, render_template
from firstmate.aws.template.functions import CODE_URI, FUNCTIONS, LambdaFunction
from firstmate.aws.template.schedules import schedule_logical_id
from firstmate.aws.template.storage import secret_names

__all__ = [
    "CODE_URI",
    "FUNCTIONS",
    "HEADER",
    "Fn",
    "LambdaFunction",
    "build_template",
    "eventbridge_cron",
    "get_att",
    "ref",
    "render_template",
    "schedule_logical_id",
    "secret_names",
    "sub",
    "to_yaml",
]
