"""Mail adapters: the local outbox folder (default) and SMTP; SES later."""
