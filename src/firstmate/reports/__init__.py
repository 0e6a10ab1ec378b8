"""Report renderers: facts and analysis in, Outlook-safe email, plain text and JSON out."""
