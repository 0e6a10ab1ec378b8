"""Secret adapters: environment or a local file (default); AWS Secrets Manager later."""
