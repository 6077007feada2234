"""Progress display: a live bar on a terminal, plain log lines under cron, nothing with --quiet."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dpscan.model.ids import Status
from dpscan.model.records import FileResult, WalkError
from dpscan.model.wording import counted

log = logging.getLogger("dpscan")

# Under cron, one line every this many seconds is enough to show the scan is alive.
LOG_EVERY_SECONDS = 30.0


class _Counts:
    def __init__(self) -> None:
        self.files = 0
        self.personal = 0
        self.errors = 0

    def add(self, item: FileResult | WalkError) -> None:
        if isinstance(item, WalkError):
            self.errors += 1
            return
        self.files += 1
        self.personal += bool(item.entities)
        self.errors += item.status == Status.ERROR

    def line(self) -> str:
        return (f"{counted(self.files, 'file')}, {self.personal} with personal data, "
                f"{counted(self.errors, 'error')}")


@contextmanager
def make_progress(
    quiet: bool = False,
) -> Iterator[Callable[[FileResult | WalkError], None]]:
    """A context giving a callback that takes each file's result as it arrives."""
    counts = _Counts()
    if quiet:
        yield counts.add
        return
    if sys.stderr.isatty():
        console = Console(stderr=True)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("Scanning")

            def update(item: FileResult | WalkError) -> None:
                counts.add(item)
                bar.update(task, description=f"Scanning: {counts.line()}")

            yield update
        return
    last = time.monotonic()

    def log_line(item: FileResult | WalkError) -> None:
        nonlocal last
        counts.add(item)
        if isinstance(item, WalkError):
            log.warning("cannot read folder %s in %s: %s", item.path, item.root, item.error)
        if time.monotonic() - last >= LOG_EVERY_SECONDS:
            last = time.monotonic()
            log.info("progress: %s", counts.line())

    yield log_line
    log.info("done: %s", counts.line())
