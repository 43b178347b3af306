"""Survey weighting on a design: post-stratification, raking, calibration and trimming.

:class:`WeightingMethods` gives ``SurveyDesign`` (and ``ReplicateDesign``) the methods
``poststratify``, ``rake``, ``calibrate``, ``trim_weights`` and ``weight_summary``.  Each
weighting method validates its options, turns the targets into level codes
(:mod:`._targets`), runs the algorithm on arrays (:mod:`._raking`, :mod:`._calibration`,
:mod:`._trimming`) and returns a *new* design whose weights are the new weights and whose
weighting steps end with the step just taken.  The variance engine applies every step's
``adjust_scores`` in order, so a standard error on the weighted design credits the weighting,
through chains of steps, as R ``survey`` does.

Targets are a dict ``{"stype": {"E": 4421, "H": 755, "M": 1018}}`` (a tuple of columns with
tuple levels for crossed cells; one number for a numeric calibration total) or a tidy table
``variable, level, target`` (:func:`read_targets` reads one from CSV).
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._internal.validation import check_choice
from ..exceptions import InvalidOptionError
from ._calibration import CALIBRATION_METHODS, calibrate_weights
from ._raking import poststratify_weights, rake_weights
from ._targets import Margin, build_targets, check_same_total, read_targets
from ._trimming import TrimmingStep, trim_weights_array
from .weight_summary import WeightSummary, summarize_weights

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WeightingMethods", "read_targets"]


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InvalidOptionError(f"{name}={value!r} must be a positive whole number")
    return int(value)


def _positive_float(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise InvalidOptionError(f"{name}={value!r} must be a positive number")
    return float(value)


def _optional_bound(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value):
        raise InvalidOptionError(f"{name}={value!r} must be a number or None")
    return float(value)


def _pair(name, value):
    """``(lower, upper)`` with lower < upper, or raise naming the argument."""
    try:
        lower, upper = value
        lower, upper = float(lower), float(upper)
    except (TypeError, ValueError):
        raise InvalidOptionError(f"{name}={value!r} must be a pair (lower, upper)") from None
    if not lower < upper or np.isnan(lower) or np.isnan(upper):
        raise InvalidOptionError(f"{name}={value!r}: lower must be below upper")
    if lower < 0:
        raise InvalidOptionError(
            f"{name}={value!r}: lower must be 0 or more (weights are positive)"
        )
    return lower, upper


class WeightingMethods:
    """Weighting methods shared by the design classes (a mixin).

    A design supplies ``data`` (DataFrame), ``weights`` (one float per row),
    ``_weighting_steps`` (tuple) and ``_replace(**changes)``.
    """

    __slots__ = ()

    if TYPE_CHECKING:  # what the design classes supply

        @property
        def data(self) -> pd.DataFrame: ...

        @property
        def weights(self) -> np.ndarray: ...

        _weighting_steps: tuple

        def _replace(self, *, weights: Any = None, weighting_steps: Any = None) -> Any: ...

    def _with_step(self, weights, step):
        """A new design with ``weights`` and ``step`` appended to the weighting steps.

        The first step keeps the weights it started from, so that ``replicate()`` can make the
        replicates from the unweighted design and replay every step on them.
        """
        if not self._weighting_steps:
            step = _with_start_weights(step, self.weights)
        return self._replace(weights=weights, weighting_steps=self._weighting_steps + (step,))

    def poststratify(self, population, *, total=None):
        """Post-stratify: scale the weights in each cell of one margin to its population count.

        Holt & Smith (1979); R ``survey::postStratify``.  The standard error of every estimate
        on the new design credits the post-stratification (R's post-stratum sweeps).

        Parameters
        ----------
        population : dict or DataFrame
            One margin: ``{"stype": {"E": 4421, "H": 755, "M": 1018}}``, crossed cells as
            ``{("stype", "sch.wide"): {("E", "No"): 472, ...}}``, or a tidy table with
            columns ``variable, level, target``.
        total : float, optional
            When given, the targets are shares (adding up to 1) of this population total.

        Returns
        -------
        SurveyDesign
            A new design; this one is unchanged.

        Raises
        ------
        SurveyStatsError
            A level with respondents but no target, a target with no respondents, missing
            values in the column, more than one margin.
        """
        margins, _ = build_targets(
            self.data, population, argument="population", total=total, numeric=False
        )
        if len(margins) != 1:
            names = ", ".join(repr(m.name) for m in margins)
            raise InvalidOptionError(
                f"population: poststratify takes one margin (a column, or a tuple of columns for "
                f"crossed cells); got {len(margins)}: {names}. Use rake() for several margins"
            )
        weights, step = poststratify_weights(self.weights, margins[0])
        return self._with_step(weights, step)

    def rake(self, margins, *, max_iter=1000, tolerance=1e-10, total=None):
        """Rake: iterative proportional fitting until every margin meets its targets.

        Deming & Stephan (1940); R ``survey::rake``, run here until every level of every
        margin is within ``tolerance * (1 + target)`` of its target (R's default control
        stops earlier).  The SE credits the raking as R (``svyrecvar``'s raking sweeps).

        Parameters
        ----------
        margins : dict or DataFrame
            ``{"stype": {"E": 4421, ...}, "sch.wide": {"No": 1072, "Yes": 5122}}``; crossed
            margins with tuple keys; or a tidy table ``variable, level, target``.
        max_iter : int
            Passes over the margins before giving up with an error.
        tolerance : float
            Largest relative error allowed on any level.
        total : float, optional
            When given, the targets are shares (each margin adds up to 1) of this total.

        Returns
        -------
        SurveyDesign
            A new design; ``weight_summary()`` reports the iterations and the largest error.

        Raises
        ------
        SurveyStatsError
            Margins that disagree on the population total, a level with a target but no
            respondents or respondents but no target, no convergence (naming the margin).
        """
        max_iter = _positive_int("max_iter", max_iter)
        tolerance = _positive_float("tolerance", tolerance)
        found, _ = build_targets(self.data, margins, argument="margins", total=total, numeric=False)
        check_same_total(found, "margins")
        weights, step = rake_weights(self.weights, found, max_iter=max_iter, tolerance=tolerance)
        step = dataclasses.replace(step, max_iter=max_iter, tolerance=tolerance)
        return self._with_step(weights, step)

    def calibrate(
        self,
        totals,
        *,
        method="linear",
        bounds=None,
        weight_bounds=None,
        population_size=None,
        max_iter=50,
        tolerance=1e-10,
        total=None,
        force=False,
        trim=None,
    ):
        """Calibrate the weights to categorical margins and numeric totals together.

        Deville & Särndal (1992), as R ``survey::calibrate``: ``linear`` is GREG, ``raking``
        the multiplicative distance, ``logit`` the bounded logit distance.  The SE credits the
        calibration through the calibration-regression residuals (R's ``qr.resid`` approach).

        Parameters
        ----------
        totals : dict or DataFrame
            Categorical margins ``{"stype": {"E": 4421, ...}}`` and numeric totals
            ``{"api99": 3914069}`` in one dict, or a tidy table (numeric totals have an empty
            level).
        method : {"linear", "raking", "logit"}
        bounds : (float, float), optional
            Bounds on the g-weights (final over starting weight), as R's ``bounds``.
            ``logit`` needs them, with ``lower < 1 < upper``.
        weight_bounds : (float, float), optional
            Bounds on the final weights themselves (R's ``bounds.const = TRUE``).
        population_size : float, optional
            Also calibrate the weight sum to this (needed when ``totals`` has only numeric
            totals and the population size is known; a categorical margin implies it).
        max_iter : int
            Newton iterations before giving up (R's ``maxit``).
        tolerance : float
            Every total met to ``tolerance * (1 + |target|)`` (R's ``epsilon``).
        total : float, optional
            When given, the categorical targets are shares of this total.
        force : bool
            R's ``force``: when the totals are not met within ``tolerance`` after
            ``max_iter`` iterations, keep the last weights (with a ``RuntimeWarning``; the
            step records ``converged=False``) instead of raising.
        trim : (float, float), optional
            R's ``trim``: after calibrating, g-weights outside ``(lower, upper)`` are set to
            the bound and the trimmed weight is shared by the others in proportion to their
            starting weights (one pass; the totals are then met only approximately).  Unlike
            R, it also applies to unbounded linear calibration (R ignores it there) and does
            not excuse a calibration that did not converge (that needs ``force=True``).

        Returns
        -------
        SurveyDesign

        Raises
        ------
        SurveyStatsError
            Newton did not meet every total within ``tolerance`` in ``max_iter`` iterations
            (the message names the worst total and these settings), or a weight would be zero
            or negative.
        """
        method = check_choice("method", method, CALIBRATION_METHODS)
        if not isinstance(force, bool):
            raise InvalidOptionError(f"force={force!r} must be True or False")
        trim = None if trim is None else _pair("trim", trim)
        max_iter = _positive_int("max_iter", max_iter)
        tolerance = _positive_float("tolerance", tolerance)
        w = self.weights
        bounds = None if bounds is None else _pair("bounds", bounds)
        lower, upper = (-np.inf, np.inf) if bounds is None else bounds
        if weight_bounds is not None:
            lo, hi = weight_bounds = _pair("weight_bounds", weight_bounds)
            lower, upper = np.maximum(lower, lo / w), np.minimum(upper, hi / w)
        if method == "logit":
            if not (np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
                raise InvalidOptionError(
                    "method='logit' needs finite bounds: give bounds=(lower, upper) with "
                    "lower < 1 < upper (or weight_bounds around every starting weight)"
                )
            if not (np.all(lower < 1) and np.all(upper > 1)):
                raise InvalidOptionError(
                    "method='logit' needs every starting weight strictly inside its bounds "
                    "(g-weight bounds lower < 1 < upper)"
                )
        margins, numeric = build_targets(self.data, totals, argument="totals", total=total)
        if population_size is not None:
            size = _positive_float("population_size", population_size)
            margins = [_everyone(len(w), size), *margins]
        check_same_total(margins, "totals")
        weights, step = calibrate_weights(
            w,
            margins,
            numeric,
            method=method,
            lower=lower,
            upper=upper,
            max_iter=max_iter,
            tolerance=tolerance,
            force=force,
            trim=trim,
        )
        step = dataclasses.replace(
            step,
            bounds=bounds,
            weight_bounds=weight_bounds,
            max_iter=max_iter,
            tolerance=tolerance,
        )
        return self._with_step(weights, step)

    def trim_weights(self, *, lower=None, upper=None, strict=False):
        """Trim weights to ``[lower, upper]``, sharing the trimmed amount among the others.

        As R ``survey::trimWeights``: weights outside the bounds are set to them and the
        amount trimmed is added equally to the weights that were inside, so the weight sum
        is kept; with ``strict=True`` this repeats until every weight is inside.  The SE is
        computed as R does after trimming: the earlier steps still credit their weighting and
        the trimming itself is treated as fixed.

        Raises
        ------
        SurveyStatsError
            Bounds that cannot hold the weight sum (``strict=True`` needs the mean weight
            inside them; R overflows its stack there).
        """
        lower = _optional_bound("lower", lower)
        upper = _optional_bound("upper", upper)
        if lower is None and upper is None:
            raise InvalidOptionError("trim_weights needs lower=, upper= or both")
        if not isinstance(strict, bool):
            raise InvalidOptionError(f"strict={strict!r} must be True or False")
        weights, step = trim_weights_array(self.weights, lower=lower, upper=upper, strict=strict)
        return self._with_step(weights, step)

    def weight_summary(self) -> WeightSummary:
        """Spread of the weights (Kish deff, effective n, min, max) and every margin's fit.

        Returns a ``WeightSummary`` (module ``surveystats.design.weight_summary``):
        ``to_frame()`` has one row per margin level, ``margin_frame()`` one per margin.
        """
        return summarize_weights(self.weights, self._weighting_steps)


@dataclass(frozen=True)
class _FirstTrimmingStep(TrimmingStep):
    """A trimming taken as a design's first step, with the weights it started from."""

    start_weights: np.ndarray | None = field(default=None, repr=False, compare=False)


def _with_start_weights(step, weights):
    """``step`` carrying the weights before it (a design's first step)."""
    if isinstance(step, TrimmingStep):
        values = {f.name: getattr(step, f.name) for f in dataclasses.fields(step) if f.init}
        return _FirstTrimmingStep(**values, start_weights=weights)
    return dataclasses.replace(step, start_weights=weights)


def start_weights(steps):
    """The weights a chain of weighting steps started from (those of the unweighted design)."""
    return steps[0].start_weights


def _everyone(n, size):
    """A margin of one level holding every row: calibrates the weight sum."""
    return Margin("(population size)", (), ("all",), np.array([size]), np.zeros(n, dtype=np.intp))
