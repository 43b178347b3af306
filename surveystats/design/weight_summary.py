"""Diagnostics of a weighted design: spread of the weights and how well every margin is met.

:class:`WeightSummary` (from ``design.weight_summary()``) holds

- the spread of the current weights: sum, mean, min, max, max/min ratio, Kish's design effect
  of unequal weighting ``n * sum(w^2) / sum(w)^2`` (Kish 1965, sec. 11.7) and the effective
  sample size ``sum(w)^2 / sum(w^2)``;
- the weighting steps taken (kind, iterations, largest absolute margin error);
- for every level of every margin a step aimed at, and every numeric total: the target, the
  total achieved now, the error (absolute and relative), the shares before the step and now,
  and the absolute standardized mean difference (ASMD) from the target before and after.

The ASMD of a level is ``|share - target share| / sqrt(p (1 - p))`` with ``p`` the target
share: the difference of the level's indicator means scaled by its standard deviation in the
target population, the same scale before and after (as balance's ``asmd`` with
``std_type="target"``).  A margin's ASMD is the mean over its levels (balance's
``aggregate_by_main_covar``).  For a numeric total the scale is the standard deviation of the
column under the weights before the step (the target population's is not known).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._internal.results import Result

__all__ = ["WeightSummary", "summarize_weights"]

_LEVEL_COLUMNS = (
    "margin",
    "level",
    "target",
    "achieved",
    "error",
    "relative_error",
    "share_before",
    "share_after",
    "target_share",
    "asmd_before",
    "asmd_after",
)


@dataclass(frozen=True)
class WeightSummary(Result):
    """Spread of the weights and achieved-against-target of every margin level.

    Attributes
    ----------
    n : int
        Rows (respondents).
    weight_sum, weight_mean, weight_min, weight_max, weight_ratio : float
        ``weight_ratio`` is max / min.
    kish_deff : float
        ``n * sum(w^2) / sum(w)^2``.
    effective_n : float
        ``sum(w)^2 / sum(w^2)`` (= n / kish_deff).
    steps : tuple of str
        The weighting steps in order, e.g. ``('rake: 12 iterations, largest error 3.1e-08',)``.

    ``to_frame()`` gives one row per margin level (columns ``margin, level, target, achieved,
    error, relative_error, share_before, share_after, target_share, asmd_before,
    asmd_after``); ``margin_frame()`` one row per margin with its largest errors and ASMDs.
    """

    n: int
    weight_sum: float
    weight_mean: float
    weight_min: float
    weight_max: float
    weight_ratio: float
    kish_deff: float
    effective_n: float
    steps: tuple
    _levels: dict = field(repr=False, compare=False, default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per margin level (and numeric total): target, achieved, errors, ASMD."""
        return pd.DataFrame({c: self._levels.get(c, []) for c in _LEVEL_COLUMNS})

    def margin_frame(self) -> pd.DataFrame:
        """One row per margin: largest absolute and relative error, mean ASMD before and after."""
        levels = self.to_frame()
        if levels.empty:
            return pd.DataFrame(
                columns=["margin", "max_error", "max_relative_error", "asmd_before", "asmd_after"]
            )
        levels["abs_error"] = levels["error"].abs()
        grouped = levels.groupby("margin", sort=False)
        return pd.DataFrame(
            {
                "max_error": grouped["abs_error"].max(),
                "max_relative_error": grouped["relative_error"].max(),
                "asmd_before": grouped["asmd_before"].mean(),
                "asmd_after": grouped["asmd_after"].mean(),
            }
        ).reset_index()


def _step_text(step):
    text = step.kind
    if step.kind == "calibrate":
        text += f" ({step.method})"
    if step.kind == "trim":
        return (
            f"trim to [{step.lower:g}, {step.upper:g}]"
            f"{' strict' if step.strict else ''}: {step.n_trimmed} weights trimmed, "
            f"{step.iterations} pass{'es' if step.iterations != 1 else ''}"
        )
    if step.iterations:
        text += f": {step.iterations} iteration{'s' if step.iterations != 1 else ''}"
        text += f", largest margin error {step.max_error:.3g}"
    return text


def _level_rows(margin, before, weights, rows):
    target = margin.targets
    achieved = margin.totals(weights)
    target_share = target / target.sum()
    share_before = before / before.sum()
    share_after = achieved / achieved.sum()
    scale = np.sqrt(target_share * (1.0 - target_share))
    with np.errstate(divide="ignore", invalid="ignore"):
        asmd_before = np.abs(share_before - target_share) / scale
        asmd_after = np.abs(share_after - target_share) / scale
    for i, level in enumerate(margin.levels):
        rows.append(
            (
                margin.name,
                level,
                target[i],
                achieved[i],
                achieved[i] - target[i],
                abs(achieved[i] - target[i]) / target[i],
                share_before[i],
                share_after[i],
                target_share[i],
                asmd_before[i],
                asmd_after[i],
            )
        )


def _numeric_row(total, before_weights, weights, population, rows):
    x = total.values
    achieved = float(weights @ x)
    mean_before = float(before_weights @ x) / before_weights.sum()
    sd = np.sqrt(float(before_weights @ (x - mean_before) ** 2) / before_weights.sum())
    target_mean = total.target / population if population else np.nan
    mean_after = achieved / weights.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        rows.append(
            (
                total.name,
                "",
                total.target,
                achieved,
                achieved - total.target,
                abs(achieved - total.target) / abs(total.target),
                np.nan,
                np.nan,
                np.nan,
                abs(mean_before - target_mean) / sd,
                abs(mean_after - target_mean) / sd,
            )
        )


def summarize_weights(weights, steps):
    """The :class:`WeightSummary` of ``weights`` after ``steps`` (a design's weighting steps)."""
    w = np.asarray(weights, dtype=float)
    total, squares = float(w.sum()), float(w @ w)
    rows = []
    latest = {}
    for step in steps:  # a margin aimed at again later is reported once, for its last step
        before = getattr(step, "achieved_before", ())
        for j, margin in enumerate(getattr(step, "margins", ())):
            # a post-stratification keeps one array (its one margin), the others one per margin
            before_j = before if isinstance(before, np.ndarray) else before[j]
            latest[margin.name] = ("margin", margin, before_j, step)
        for t in getattr(step, "numeric_totals", ()):
            latest[t.name] = ("numeric", t, None, step)
    population = None
    for kind, margin, _, _ in latest.values():
        if kind == "margin":
            population = float(margin.targets.sum())
            break
    for kind, item, achieved_before, step in latest.values():
        if kind == "margin":
            _level_rows(item, achieved_before, w, rows)
        else:  # a calibration step: its starting weights are its final weights over g
            _numeric_row(item, step.weights / step.g, w, population, rows)
    levels = {c: [r[i] for r in rows] for i, c in enumerate(_LEVEL_COLUMNS)}
    return WeightSummary(
        n=int(w.size),
        weight_sum=total,
        weight_mean=total / w.size,
        weight_min=float(w.min()),
        weight_max=float(w.max()),
        weight_ratio=float(w.max() / w.min()),
        kish_deff=w.size * squares / total**2,
        effective_n=total**2 / squares,
        steps=tuple(_step_text(s) for s in steps),
        _levels=levels,
    )
