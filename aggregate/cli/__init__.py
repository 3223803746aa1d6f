"""The ``aggregate`` command line: one module per group of commands, each a thin layer over
the library. Importing a module registers its commands on :data:`app`."""

from aggregate.cli import scenario  # noqa: F401  (registers validate, schema, template, summary, solve)
from aggregate.cli.common import EXIT_INVALID, EXIT_NO_PLAN, app

__all__ = ["EXIT_INVALID", "EXIT_NO_PLAN", "app"]
