"""`firstmate aws`: the AWS deployment — its template, a preflight check, and an inventory."""

from __future__ import annotations

import typer

aws_cli = typer.Typer(help="The AWS serverless deployment (see docs/deploy-aws.md).", no_args_is_help=True)

# Commands: render-template (firstmate/aws/template.py), preflight (adapters/aws/preflight.py),
# inventory (adapters/aws/inventory.py). Each is added below by its own section.
