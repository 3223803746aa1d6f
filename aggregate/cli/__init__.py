"""The ``aggregate`` command line: one module per group of commands, each a thin layer over
the library. Importing a module registers its commands on :data:`app`."""

from aggregate.cli import (
    audit,  # noqa: F401  (registers audit)
    explain,  # noqa: F401  (registers explain)
    plot,  # noqa: F401  (registers plot)
    scenario,  # noqa: F401  (registers validate, schema, template, summary, solve)
    share,  # noqa: F401  (registers share)
    study,  # noqa: F401  (registers study)
)
from aggregate.cli.common import EXIT_INVALID, EXIT_NO_PLAN, app

__all__ = ["EXIT_INVALID", "EXIT_NO_PLAN", "app"]
