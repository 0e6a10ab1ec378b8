"""A read-only look at one AWS account as rows of the data folder's infrastructure.yaml, for the CTO lens.

Only list, get and describe calls. Lambda hands back environment variables with their values: each value
is looked at once, in memory, to tell set from empty and whether it is shaped like a secret, then dropped.
No value reaches a row, a note or the summary. A service that refuses or cannot be reached becomes a note.
Lambda, SES and Elastic Beanstalk are read in one region; S3, CloudFront, Route 53 and Cost Explorer are
account-wide.

`collect` runs one reader per service (`lambda_functions`, `s3`, `cloudfront`, `route53`, `ses`, `costs`);
`result` holds what was collected, its findings and its YAML.
"""

from firstmate.adapters.aws.inventory.cloudfront import WEAK_TLS
from firstmate.adapters.aws.inventory.collect import collect_inventory, credentials_found
from firstmate.adapters.aws.inventory.reading import GLOBAL
from firstmate.adapters.aws.inventory.result import Inventory, findings, inventory_yaml

__all__ = ["GLOBAL", "WEAK_TLS", "Inventory", "collect_inventory", "credentials_found", "findings", "inventory_yaml"]
