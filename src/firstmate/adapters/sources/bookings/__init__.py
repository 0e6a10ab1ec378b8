"""Booking sources: CSV files, marketplace confirmation emails, OTA calendar exports.

Each parser turns outside text into `ParsedRecord`s (booking requests, blocked slots, or a row
error naming what is wrong). Adding a marketplace email format is one module with `matches` and
`parse`, listed in `email.EMAIL_PARSERS`.
"""
