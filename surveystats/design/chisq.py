"""Rao-Scott tests of independence in a two-way table of a design (R ``svychisq``).

Cell proportions p (rows varying fastest, as R's ``interaction``) and their design covariance
V come from the one variance engine: the covariance of the cell totals (sparse scores, one
cell per row) taken through the Jacobian of ``p = T / sum(T)``.  Then, as ``svychisq``
(survey 4.1.1; Rao & Scott 1984): with C the interaction contrasts made orthogonal to the
main effects and D = diag(p),
``Delta = N (C' D^-1 C)^-1 C' D^-1 V D^-1 C`` (the generalized design effects), Pearson's X^2
of the weighted table scaled to N rows, and

* ``"F"``: F = X^2 / tr(Delta) on ``d0 = tr(Delta)^2 / tr(Delta^2)`` and ``d0 * degf``
  degrees of freedom (second-order correction, R's default);
* ``"chisq"``: X^2 / mean(diag Delta) on chi-square((r - 1)(c - 1)) (first-order).
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sc

from .._internal.validation import check_choice
from ..exceptions import InvalidValueError
from ._estimand import TotalEstimand
from .results import ChisqResult

__all__ = ["CHISQ_STATISTICS", "rao_scott"]

CHISQ_STATISTICS = ("F", "chisq")


def _contrasts(nr, nc):
    """Interaction columns of ``~ rows * cols`` residualized on the main effects (R's Cmat)."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    main = np.column_stack(
        [np.ones(nr * nc)]
        + [(rows == i).astype(float) for i in range(1, nr)]
        + [(cols == j).astype(float) for j in range(1, nc)]
    )
    interaction = np.column_stack(
        [((rows == i) & (cols == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    coefficients = np.linalg.lstsq(main, interaction, rcond=None)[0]
    return interaction - main @ coefficients


def rao_scott(design, row, column, *, statistic="F"):
    """See :meth:`SurveyDesign.chisq`."""
    statistic = check_choice("statistic", statistic, CHISQ_STATISTICS)
    row_codes, row_levels = design._factorized(row, "row", missing_ok=True)
    col_codes, col_levels = design._factorized(column, "column", missing_ok=True)
    nr, nc = len(row_levels), len(col_levels)
    if nr < 2 or nc < 2:
        raise InvalidValueError(
            f"chisq needs at least two answers in each of {row!r} ({nr}) and {column!r} ({nc})"
        )
    missing = (row_codes < 0) | (col_codes < 0)
    cell = np.where(missing, -1, col_codes * nr + row_codes)
    k = nr * nc
    estimand = TotalEstimand(variables=np.ones((design.n_rows, 1)), domain=cell, n_domains=k)
    totals = estimand.totals(design.weights)
    cov_totals = design._covariance(estimand, totals)
    grand = totals.sum()
    p = totals / grand
    share_covariance = getattr(design, "_share_covariance", None)
    if share_covariance is not None:  # replicate designs: the shares' own replicate variance
        v = share_covariance(estimand, totals)
    else:
        jacobian = (np.eye(k) - p[:, None]) / grand
        v = jacobian @ cov_totals @ jacobian.T

    n = design.n_rows  # R's N = nrow(model matrix), every row
    c = _contrasts(nr, nc)
    inverse_p = np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p))
    weighted_c = inverse_p[:, None] * c
    denominator = c.T @ weighted_c / n
    numerator = weighted_c.T @ v @ weighted_c
    delta = np.linalg.solve(denominator, numerator)
    trace = np.trace(delta)
    d0 = trace**2 / np.trace(delta @ delta)

    table = (p * n).reshape(nc, nr).T  # rows x columns
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(np.nansum((table - expected) ** 2 / expected))
    nu = design.degf
    if statistic == "F":
        value = pearson / trace
        ndf, ddf = d0, d0 * nu
        pvalue = _sc.fdtrc(ndf, ddf, value)
    else:
        df = (nr - 1) * (nc - 1)
        value = pearson / (trace / df)
        ndf, ddf = float(df), np.inf
        pvalue = _sc.chdtrc(df, value)
    return ChisqResult(
        statistic=float(value),
        pvalue=float(pvalue),
        ndf=float(ndf),
        ddf=float(ddf),
        pearson=pearson,
        method=statistic,
        row=row,
        column=column,
        n=int((~missing).sum()),
        n_missing=int(missing.sum()),
    )
