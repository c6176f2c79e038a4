"""`python -m supplychain ...` is the `supplychain` command."""

from .cli import entry

entry()
