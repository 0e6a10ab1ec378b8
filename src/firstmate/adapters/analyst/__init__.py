"""Analysts: turn the week's facts into department sections (rules by default; LLMs optional)."""
