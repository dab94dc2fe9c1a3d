"""A text progress bar for long-running management commands."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress(total, "Units") as bar: bar.advance()``; redraws at most 10× a second.

    On a terminal the bar redraws in place; in a log file it prints a line per 10 %.
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None, width: int = 30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream or sys.stdout
        self.done = 0
        self.stopped = False
        self._last_draw = 0.0
        self._last_decile = -1
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._start = time.monotonic()

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None and not self.stopped:
            self.done = self.total
        self._draw(force=True)
        if self._tty:
            self.stream.write("\n")
        self.stream.flush()

    def stop_at(self, done: int) -> None:
        """The work ended early (a broken chain): the bar ends here, not at 100 %."""
        self.done, self.stopped = min(done, self.total), True

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        self._draw()

    def _draw(self, force: bool = False) -> None:
        share = self.done / self.total
        if self._tty:
            now = time.monotonic()
            if not force and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            filled = int(self.width * share)
            bar = "█" * filled + "░" * (self.width - filled)
            self.stream.write(
                f"\r{self.label:<28} {bar} {share * 100:5.1f}% ({self.done}/{self.total})"
            )
            self.stream.flush()
        else:
            decile = int(share * 10)
            if decile != self._last_decile or (
                force and self.done == self.total and decile != self._last_decile
            ):
                self._last_decile = decile
                elapsed = time.monotonic() - self._start
                self.stream.write(
                    f"{self.label}: {share * 100:3.0f}% ({self.done}/{self.total}, {elapsed:.1f}s)\n"
                )
                self.stream.flush()
