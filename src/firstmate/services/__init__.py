"""Use cases: each reads, decides in the domain, and writes once (with its outbox items)."""
