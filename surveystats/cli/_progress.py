"""Progress of a long command on stderr: one line that overwrites itself (``\\r``).

Used by ``surveystats batch``; the library only calls ``progress(stage, rows, fraction)``.
Shown only when asked or when stderr is a terminal, so pipes and logs stay clean.
"""

from __future__ import annotations

import sys

__all__ = ["Progress"]


class Progress:
    """A ``progress(stage, rows, fraction)`` callable that draws on ``stream`` (stderr)."""

    def __init__(self, enabled=None, stream=None):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.shown = False

    def __call__(self, stage, rows, fraction=None):
        if not self.enabled:
            return
        share = "" if fraction is None else f" {min(fraction, 1.0):4.0%}"
        self.stream.write(f"\rsurveystats: {stage}{share} ({rows:,} rows)")
        self.stream.flush()
        self.shown = True

    def close(self):
        """End the line, if one was drawn."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
