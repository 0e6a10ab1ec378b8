"""Store adapters: SQLite (local, default); DynamoDB later."""
