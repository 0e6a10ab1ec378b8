"""Source adapters: where outside data comes in (booking files and emails; ads and CRM later)."""
