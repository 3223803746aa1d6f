"""The study's progress bar, drawn with rich (the library the command line already uses).

One progress library, not two: rich draws the terminal tables of every command, so its bar
costs the core nothing, where tqdm would be one more dependency for the same line. In a
notebook with ipywidgets the bar updates in place; without them rich would warn, so the
bar is written as text instead (its last state shows when the study ends).
"""

from __future__ import annotations

import importlib.util

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Bar:
    """Variants done out of ``total``, with the counts of ok and failed ones; silent when
    ``enabled`` is false."""

    def __init__(self, total: int, enabled: bool, title: str) -> None:
        # stderr, like warnings and logs: a study's stdout stays its results
        widgets = importlib.util.find_spec("ipywidgets") is not None
        console = Console(stderr=True, force_jupyter=None if widgets else False)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("variants {task.fields[counts]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
        )
        self.task: TaskID = self.progress.add_task(title, total=total, counts="")
        self.progress.start()

    def update(self, done: int) -> None:
        """``done`` more variants finished."""
        self.progress.advance(self.task, done)

    def set_postfix(self, **counts: int) -> None:
        """Show ``counts`` (``ok=3, failed=1``) after the bar."""
        text = ", ".join(f"{name}={value}" for name, value in counts.items())
        self.progress.update(self.task, counts=text)

    def close(self) -> None:
        """Draw the last state and stop refreshing."""
        self.progress.stop()
