"""Blob adapters: a local folder (default); S3 later."""
