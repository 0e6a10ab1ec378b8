"""The demo business and the `firstmate demo` run that shows what the product does."""
