"""Role reports: one business snapshot, eight lenses. Each lens is a pure function
`snapshot → ReportDocument`; the CEO's also reads every other lens's findings for its 30-day plan."""
