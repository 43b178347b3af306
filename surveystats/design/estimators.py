"""Design-based means, totals and proportions, in one domain or many (``by=``).

Each estimator builds an :class:`~._estimand.Estimand` (the per-row variables and the domain
code of each row), takes its totals and linearization scores, and hands the scores to the
one variance engine (:func:`~.variance.taylor_covariance`).  Domains are estimated on the
whole design (R's ``svyby``: a domain absent from a PSU still counts that PSU), missing
answers are a domain of their own that no estimate uses (R's ``na.rm = TRUE``), counted in
``n_missing``.  All domains come out of one pass of group sums.
"""

from __future__ import annotations

import numpy as np

from .._internal.validation import check_choice, check_confidence_level
from ..exceptions import InvalidOptionError, InvalidValueError
from ._estimand import RatioEstimand, TotalEstimand
from ._intervals import PROPORTION_METHODS, interval
from .results import DesignResult

__all__ = ["DEFF_KINDS", "estimate_mean", "estimate_total", "estimate_proportion"]

#: ``deff=`` choices: against simple random sampling with replacement (R ``deff =
#: "replace"``, the default here) or without replacement from N = sum of weights (R's
#: ``deff = TRUE``).
DEFF_KINDS = ("replace", "srswor")


def domain_codes(design, by):
    """Domain code per row, the number of domains, their labels and the ``by`` names.

    ``by`` is None (one domain), a column name or a list of names (crossed domains, only the
    combinations that occur, in sorted order, as ``svyby``).  A row whose ``by`` value is
    missing (in any of the crossed columns) is in no domain: code -1, as R's ``svyby``,
    which forms no group for NA (its ``sort(unique(byfactor))`` drops it) while the design
    stays whole for the variance.  The estimators count such rows in ``n_missing_by``.
    """
    n = design.n_rows
    if by is None:
        return np.zeros(n, dtype=np.int64), 1, None, None
    names = [by] if isinstance(by, str) else list(by)
    if not names or not all(isinstance(name, str) for name in names):
        raise InvalidOptionError(f"by={by!r} must be a column name or a list of column names")
    factors = [design._factorized(name, "by", missing_ok=True) for name in names]
    for name, (_, levels) in zip(names, factors, strict=True):
        if len(levels) == 0:
            raise InvalidValueError(f"by column {name!r} has no values: every row is missing")
    if len(factors) == 1:
        codes, levels = factors[0]
        return codes, len(levels), np.asarray(levels, dtype=object), names
    sizes = [len(levels) for _, levels in factors]
    joint = np.zeros(n, dtype=np.int64)
    outside = np.zeros(n, dtype=bool)
    for (codes, _), size in zip(factors, sizes, strict=True):
        outside |= codes < 0
        joint = joint * size + codes
    if outside.any():
        joint = np.where(outside, 0, joint)  # placeholder; set back to -1 below
    total_size = int(np.prod(sizes))
    kept = joint[~outside] if outside.any() else joint
    if kept.size == 0:
        raise InvalidValueError(
            f"by columns {names!r}: every row has a missing value in one of them"
        )
    if total_size <= 4 * n + 1024:
        present = np.bincount(kept, minlength=total_size) > 0
        occurring = np.flatnonzero(present)
        codes = (np.cumsum(present) - 1)[joint]
    else:
        occurring, inverse = np.unique(kept, return_inverse=True)
        codes = np.full(n, -1, dtype=np.int64)
        codes[~outside] = inverse.reshape(-1)
    if outside.any():
        codes = np.where(outside, -1, codes)
    parts = np.unravel_index(occurring, sizes)
    labels = np.empty(len(occurring), dtype=object)
    labels[:] = list(
        zip(
            *(
                np.asarray(levels, dtype=object)[part]
                for (_, levels), part in zip(factors, parts, strict=True)
            ),
            strict=True,
        )
    )
    return codes.astype(np.int64, copy=False), len(occurring), labels, names


def _numeric_answers(design, variable):
    return numeric_values(design._column(variable, "variable"), variable)


def numeric_values(column, variable):
    """A column as floats (NaN for missing); a column that is not numeric raises, naming it
    (shared with the chunked designs, which read a chunk's column)."""
    try:
        values = column.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InvalidOptionError(
            f"variable={variable!r} is not numeric (dtype {column.dtype}); for a share of "
            "answers use proportion(variable, level=...)"
        ) from exc
    return np.asarray(values, dtype=float)


def _indicator_answers(design, variable, level):
    """1.0 where the answer is ``level``, 0.0 for another answer, NaN for no answer."""
    codes, levels = design._factorized(variable, "variable", missing_ok=True)
    matches = [i for i, value in enumerate(levels) if _same(value, level)]
    if not matches:
        shown = ", ".join(repr(v) for v in list(levels)[:20])
        raise InvalidValueError(
            f"level={level!r} does not occur in column {variable!r}; its answers are {shown}"
        )
    y = (codes == matches[0]).astype(float)
    y[codes < 0] = np.nan
    return y


def _same(value, level):
    try:
        return bool(value == level)
    except (TypeError, ValueError):
        return False


def _finish(values, scalar):
    if scalar:
        value = values[0]
        return value.item() if isinstance(value, np.generic) else value
    return values


def _estimate(design, y, estimand_class, by, deff_kind, statistic, binary=False):
    """Estimates, covariance, design effects and counts per domain for mean-like statistics.

    ``binary``: y is 0/1 (a proportion), so the weighted spread in a domain is W p (1 - p)
    exactly and needs no pass over the rows.
    """
    codes, n_domains, labels, by_names = domain_codes(design, by)
    weights = design.weights
    missing = np.isnan(y)
    outside = codes < 0  # a missing by value: in no domain
    n_missing_by = int(outside.sum())
    answers = np.where(missing, 0.0, y) if missing.any() else y
    # rows that enter no estimate: no answer, or no domain
    missing = missing | outside
    any_missing = bool(missing.any())
    domain = np.where(missing, -1, codes) if any_missing else codes
    # columns stored contiguously (Fortran order): each bincount reads one of them
    variables = np.empty((len(y), estimand_class.m0), order="F")
    variables[:, 0] = answers
    if estimand_class is RatioEstimand:
        variables[:, 1] = 1.0
    estimand = estimand_class(variables=variables, domain=domain, n_domains=n_domains)
    joint = getattr(design, "_totals_and_covariance", None)
    if joint is not None:
        totals, covariance = joint(estimand)
    else:  # a design that only provides the contract's _covariance (replicate weights)
        totals = estimand.totals(weights)
        covariance = design._covariance(estimand, totals)
    estimate = estimand.value(totals)
    variance = np.diag(covariance).copy()

    if any_missing:
        inside = ~missing
        safe = np.where(inside, domain, 0)
        n = np.bincount(safe, weights=inside, minlength=n_domains)
        n_missing = np.bincount(
            np.where(outside, 0, codes), weights=missing & ~outside, minlength=n_domains
        )
    else:
        safe = codes
        n = np.bincount(codes, minlength=n_domains).astype(float)
        n_missing = np.zeros(n_domains)
    if estimand_class is RatioEstimand:
        weight_sum = totals.reshape(n_domains, 2)[:, 1]
        mean = estimate
    else:
        w_in = np.where(missing, 0.0, weights) if any_missing else weights
        weight_sum = np.bincount(safe, weights=w_in, minlength=n_domains)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = estimate / weight_sum
    if binary:
        spread = weight_sum * mean * (1 - mean)
    else:
        with np.errstate(invalid="ignore"):
            residual = answers - mean[safe]
        w_in = np.where(missing, 0.0, weights) if any_missing else weights
        spread = np.bincount(safe, weights=w_in * residual * residual, minlength=n_domains)
    deff = _design_effect(variance, spread, n, weight_sum, statistic, deff_kind)
    return dict(
        estimate=estimate,
        variance=variance,
        covariance=covariance,
        deff=deff,
        n=n,
        n_missing=n_missing,
        labels=labels,
        by=by_names,
        codes=codes,
        n_domains=n_domains,
        n_missing_by=n_missing_by,
    )


def _design_effect(variance, spread, n, weight_sum, statistic, kind):
    """Variance over the simple-random-sampling variance, as R ``svymean``/``svytotal``'s
    ``deff``: ``svyvar`` (the weighted spread over N, times n / (n - 1)) over n for a mean,
    times N^2 for a total; ``"srswor"`` multiplies by (N - n) / N, N the sum of weights."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = spread / weight_sum * n / (n - 1)
        srs = s2 / n
        if statistic == "total":
            srs = srs * weight_sum**2
        if kind == "srswor":
            srs = srs * (weight_sum - n) / weight_sum
        return variance / srs


def _degrees_of_freedom(design, parts, statistic):
    """df of each estimate's t quantile, as R (survey 4.1.1).

    A proportion's interval, R's ``svyby(~y, ~by, design, svyciprop)``, is ``svyciprop`` on
    each domain's subset, whose ``df = degf(subset)`` counts the domain's own PSUs and strata
    (:func:`~._structure.domain_degf`; rows of the domain that did not answer count, as in
    R's subset).  A mean's or total's interval, ``confint(svyby(~y, ~by, design, svymean),
    df = degf(design))``, has one df for every domain: the whole design's.  A design that
    has no ``_domain_degf`` (replicate weights) uses its whole ``degf`` throughout.
    """
    shape = parts["estimate"].shape
    domain_df = getattr(design, "_domain_degf", None)
    if statistic != "proportion" or parts["labels"] is None or domain_df is None:
        return np.full(shape, float(design.degf))
    return domain_df(parts["codes"], parts["n_domains"]).astype(float)


def _result(design, parts, method, confidence_level, statistic, variable, level):
    scalar = parts["labels"] is None
    estimate = parts["estimate"]
    with np.errstate(invalid="ignore"):
        se = np.sqrt(parts["variance"])
    df = _degrees_of_freedom(design, parts, statistic)
    n = parts["n"]
    low, high = interval(method, estimate, se, df, n, confidence_level)
    problem = np.where(n == 0, "no answers in this domain", "").astype(object)
    problem = np.where(
        (n > 0) & (df < 1),
        "no degrees of freedom (PSUs minus strata is 0): no interval",
        problem,
    )
    if getattr(getattr(design, "_structure", None), "lonely_psu", None) == "average":
        problem = np.where(
            (n > 0) & np.isnan(se),
            "lonely_psu='average': every stratum this estimate touches (in the design, or "
            "in a cluster of the stage above) has one PSU, so there is nothing to average "
            "(R gives NaN too)",
            problem,
        )
    if statistic == "proportion":
        problem = np.where(
            (n > 0) & ((estimate == 0) | (estimate == 1)),
            "estimate is 0 or 1: no variance",
            problem,
        )
    return DesignResult(
        estimate=_finish(estimate, scalar),
        se=_finish(se, scalar),
        deff=_finish(parts["deff"], scalar),
        low=_finish(np.asarray(low, dtype=float), scalar),
        high=_finish(np.asarray(high, dtype=float), scalar),
        df=_finish(df, scalar),
        n=_finish(n.astype(np.int64), scalar),
        n_missing=_finish(parts["n_missing"].astype(np.int64), scalar),
        method=method,
        confidence_level=confidence_level,
        problem=_finish(problem, scalar),
        statistic=statistic,
        variable=variable,
        level=level,
        domain=parts["labels"],
        by=None if parts["by"] is None else tuple(parts["by"]),
        covariance=parts["covariance"],
        n_missing_by=int(parts.get("n_missing_by", 0)),
    )


def estimate_mean(design, variable, *, by=None, confidence_level=0.95, deff="replace"):
    """See :meth:`SurveyDesign.mean`."""
    confidence_level = check_confidence_level(confidence_level)
    deff = check_choice("deff", deff, DEFF_KINDS)
    y = _numeric_answers(design, variable)
    parts = _estimate(design, y, RatioEstimand, by, deff, "mean")
    return _result(design, parts, "wald", confidence_level, "mean", variable, None)


def estimate_total(design, variable, *, by=None, confidence_level=0.95, deff="replace"):
    """See :meth:`SurveyDesign.total`."""
    confidence_level = check_confidence_level(confidence_level)
    deff = check_choice("deff", deff, DEFF_KINDS)
    y = _numeric_answers(design, variable)
    parts = _estimate(design, y, TotalEstimand, by, deff, "total")
    return _result(design, parts, "wald", confidence_level, "total", variable, None)


def estimate_proportion(
    design, variable, *, level, by=None, method="logit", confidence_level=0.95, deff="replace"
):
    """See :meth:`SurveyDesign.proportion`."""
    confidence_level = check_confidence_level(confidence_level)
    method = check_choice("method", method, PROPORTION_METHODS)
    deff = check_choice("deff", deff, DEFF_KINDS)
    y = _indicator_answers(design, variable, level)
    parts = _estimate(design, y, RatioEstimand, by, deff, "mean", binary=True)
    return _result(design, parts, method, confidence_level, "proportion", variable, level)
