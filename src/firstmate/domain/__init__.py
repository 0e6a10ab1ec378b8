"""Pure business rules: no I/O, no imports from adapters, services or web."""
