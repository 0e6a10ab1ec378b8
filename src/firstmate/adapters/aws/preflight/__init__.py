"""`firstmate aws preflight`: read-only checks of what silently broke production before.

Unverified SES senders, missing or empty secrets, adapters left on their local settings, a Meta
token that expired or lacks ads_read, a Meta app still in Development mode, a HubSpot token that
was rotated, and a table or bucket drifted from `resources.py`. Every call only reads; every
failure, AWS error or unreachable endpoint becomes a failed `Check` naming its fix, and one
failure never stops the other checks. Token values are read but never put into a result.

- `run`: run_preflight, every check in a stable order, on AWS clients that give up quickly;
- `checks`: Check (a verdict and its fix), summary, and any error met as a failed check;
- `settings`: the functions' environment (AWS adapters, a public https URL, a sender address);
- `ses`: the sender verified, DKIM signing, the configuration set, the account out of the sandbox;
- `secrets_manager`: each secret set (not the placeholder), its value handed to the token checks;
- `meta`: the Meta token valid, lasting and holding ads_read, the app live;
- `hubspot`: the HubSpot token reads contacts;
- `table`: the DynamoDB table's keys, index, stream and TTL;
- `buckets`: the S3 buckets exist, block public access, and expire what they should.
"""

from firstmate.adapters.aws.preflight.checks import Check, summary
from firstmate.adapters.aws.preflight.run import run_preflight
from firstmate.adapters.aws.preflight.ses import judge_dkim, judge_sender

__all__ = ["Check", "judge_dkim", "judge_sender", "run_preflight", "summary"]
