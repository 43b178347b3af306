"""The annotator's result record: :class:`Finding` and the list of its kinds."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Finding", "KINDS"]

#: Every kind of finding, in the order findings at one place in the text are listed.
KINDS = (
    "share",
    "sample_size",
    "stated_moe",
    "change",
    "trend",
    "lead",
    "subgroup_difference",
    "wording",
)


@dataclass(frozen=True, eq=False)
class Finding:
    """One poll figure or claim found in the text, with what the core says about it.

    Attributes
    ----------
    kind : str
        One of ``KINDS``: 'share', 'sample_size', 'stated_moe', 'change', 'trend', 'lead',
        'subgroup_difference', 'wording'.
    span : tuple of int
        ``(start, end)`` character offsets of the figure or claim in the text.
    values : tuple of float
        The proportions used, as fractions: for a change or trend, earlier then later; for a
        lead, the leader then the trailer; for a subgroup difference, the two groups as named.
    n : float or None
        Sample size behind the figure (per wave for changes and trends); None if the text
        gives none (a change or lead is then tested at ``details['assumed_n']``, a typical
        1,000 a wave, and says so).
    moe : float or None
        Margin of error: of the share ('share'), of a figure near 50% ('sample_size'), as
        stated ('stated_moe'), half the width of the interval of the difference ('change',
        'lead').
    low, high : float or None
        Confidence interval: of the share; of later minus earlier for a change; of the
        leader minus the trailer for a lead (``values[0] - values[1]``, said in ``details``);
        of the first group minus the second for a subgroup difference.
    pvalue : float or None
        Of the test that applies (change, trend, lead, and the claims checked against them).
    significant : bool or None
        ``pvalue < 1 - confidence_level``.
    message : str
        One plain sentence for a reader.
    quote : str
        The text of the span.
    label : str
        A short note for inline display (used by the renderers for shares).
    details : dict
        Anything further: the subgroup, the two readings of an ambiguous change, years,
        where ``n`` came from.
    """

    kind: str
    span: tuple[int, int]
    values: tuple[float, ...]
    n: float | None
    moe: float | None
    low: float | None
    high: float | None
    pvalue: float | None
    significant: bool | None
    message: str
    quote: str = ""
    label: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready Python values (NaN becomes None)."""
        return {
            "kind": self.kind,
            "span": list(self.span),
            "values": [_plain(v) for v in self.values],
            "n": _plain(self.n),
            "moe": _plain(self.moe),
            "low": _plain(self.low),
            "high": _plain(self.high),
            "pvalue": _plain(self.pvalue),
            "significant": self.significant,
            "message": self.message,
            "quote": self.quote,
            "label": self.label,
            "details": _plain(self.details),
        }


def _plain(value: Any) -> Any:

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
