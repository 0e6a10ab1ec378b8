"""`python -m firstmate` is the same as the `firstmate` command."""

from firstmate.cli import main

main()
