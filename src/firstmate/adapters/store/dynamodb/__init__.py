"""The Store port on one DynamoDB table (pk, sk; index gsi1; TTL attribute `ttl`): `DynamoStore`.

- `store`: DynamoStore, its reads (consistent, expired items left out) and its guarded, retried writes;
- `actions`: each write as one TransactWriteItems action under its condition expression;
- `items`: an Item as a DynamoDB item and back, and whether it is live;
- `failures`: DynamoDB's errors as the store's, and a transaction cancelled by a lost race;
- `limits`: call timeouts (CALL_LIMIT_S), keys per call, tries, and the pause between them.
"""

from firstmate.adapters.store.dynamodb.limits import CALL_LIMIT_S
from firstmate.adapters.store.dynamodb.store import DynamoStore

__all__ = ["CALL_LIMIT_S", "DynamoStore"]
