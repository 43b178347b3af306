"""Timing helpers shared by the benchmark scripts in this directory.

``best`` times one callable (minimum over repeats); ``side_by_side`` times several with the
repeats interleaved.  Both use ``time.perf_counter`` and also return the value of the last run.
"""

from __future__ import annotations

import gc
import statistics
import time


def best(func, repeat=3, *, collect=False):
    """``(seconds, value)``: the minimum wall time of ``repeat`` runs of ``func()`` and the value
    of the last run.  ``collect=True`` runs ``gc.collect()`` before each run (not timed)."""
    seconds = float("inf")
    value = None
    for _ in range(repeat):
        if collect:
            gc.collect()
        start = time.perf_counter()
        value = func()
        seconds = min(seconds, time.perf_counter() - start)
    return seconds, value


def side_by_side(funcs, repeat, *, collect=False, stat=statistics.median):
    """``[(seconds, value), ...]``, one per function in ``funcs``: the median wall time of
    ``repeat`` runs (or ``stat`` of the times, e.g. ``stat=min``) and the value of the last run.
    The repeats are interleaved (a, b, c, a, b, c, ...) so that a slow spell of a shared machine
    hits all of them alike.  ``collect=True`` runs ``gc.collect()`` before each run (not timed)."""
    times = [[] for _ in funcs]
    values = [None] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            if collect:
                gc.collect()
            start = time.perf_counter()
            values[i] = func()
            times[i].append(time.perf_counter() - start)
    return [(float(stat(t)), v) for t, v in zip(times, values, strict=False)]
