"""The one Taylor variance engine: per-row scores -> covariance matrix (R ``svyrecvar``).

1. The design's weighting steps adjust the scores, in the order they were taken
   (``step.adjust_scores(scores)``: post-stratification, calibration residuals, raking...).
2. Per stage (R ``multistage`` / ``onestage`` / ``onestrat``, survey 4.1.1): the scores are
   summed within PSUs, each PSU total deviates from its stratum's mean, and the squared
   deviations are summed with the factor the structure precomputed
   (``multiplier * f * n_h / (n_h - 1)``, see :mod:`._structure`).

Only group sums (``np.bincount`` over integer codes) and one small matrix product per stage:
no loop over PSUs, strata or domains.  Scores come dense, ``(n_rows, k)``, or as
:class:`DomainScores` (one non-zero per row, as a domain estimator's scores are), which keeps
50 domains as cheap as 5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "DomainScores",
    "RowGroupScores",
    "taylor_covariance",
    "structure_covariance",
    "estimand_covariance",
    "estimand_totals_and_covariance",
]


@dataclass(frozen=True, eq=False)
class DomainScores:
    """Sparse scores: row i contributes ``values[i]`` to column ``column[i]`` only."""

    values: np.ndarray
    column: np.ndarray
    n_columns: int

    def dense(self):
        """The ``(n_rows, n_columns)`` matrix."""
        out = np.zeros((len(self.values), self.n_columns))
        out[np.arange(len(self.values)), self.column] = self.values
        return out


@dataclass(frozen=True, eq=False)
class RowGroupScores:
    """Scores of groups of rows that are each their own PSU, one domain per group (a cell of
    :mod:`.chunked`): per group the sum and the sum of squares of its rows' scores, which is
    all the with-replacement stage variance needs (the structure's ``row_counts`` say how
    many rows, so PSUs, each group holds)."""

    sums: np.ndarray
    squares: np.ndarray
    column: np.ndarray
    n_columns: int


def taylor_covariance(design, scores, domain=None):
    """Covariance ``(k, k)`` of the estimates whose linearization scores are ``scores``.

    Parameters
    ----------
    design : SurveyDesign
        Supplies ``_weighting_steps`` and ``_structure``.
    scores : ndarray (n_rows, k) or DomainScores
    domain : ndarray of int64, optional
        Domain code (column of ``scores``) of each row, -1 for a row in no estimate: only
        ``lonely_psu="average"`` reads it (its factor counts the strata a domain touches).
        Ignored after weighting steps, where R's subset keeps every row (a calibrated
        design's domain has zero weights outside, not fewer rows).
    """
    steps = design._weighting_steps
    if steps:
        if isinstance(scores, DomainScores):
            scores = scores.dense()
        for step in steps:
            scores = step.adjust_scores(scores)
        domain = None
    return structure_covariance(design._structure, scores, domain)


def estimand_totals_and_covariance(design, estimand):
    """Full-sample totals and covariance of an estimand in one pass where possible.

    When the first stage has clusters and there are no weighting steps, the totals are the
    sum of the first-stage PSU totals, so the rows are summed once for both.
    """
    stages = design._structure.stages
    if design._weighting_steps or stages[0].psu is None:
        totals = estimand.totals(design.weights)
        return totals, estimand_covariance(design, estimand, totals)
    first = stages[0]
    group = estimand.group_totals(design.weights, first.psu, first.n_psu)
    totals = group.sum(axis=0)
    return totals, estimand_covariance(design, estimand, totals, first_group=group)


def estimand_covariance(design, estimand, totals, first_group=None):
    """Covariance of an :class:`~._estimand.Estimand`'s estimates on ``design``.

    Without weighting steps the scores are linear in the estimand's variables, so a stage
    with clusters needs only the PSU totals of those variables (one group sum per
    variable over combined PSU x domain codes); per-row scores are formed only for a stage
    whose PSUs are single rows, or when weighting steps must adjust them row by row.
    """
    weights = design.weights
    if design._weighting_steps:
        return taylor_covariance(design, estimand.scores(weights, totals))
    k = estimand.n_estimates
    covariance = np.zeros((k, k))
    row_scores = None
    for stage in design._structure.stages:
        if stage.psu is None:
            if row_scores is None:
                row_scores = estimand.scores(weights, totals)
            covariance += _stage_covariance(stage, row_scores, k, estimand.domain)
        else:
            if first_group is not None and stage is design._structure.stages[0]:
                group = first_group
            else:
                group = estimand.group_totals(weights, stage.psu, stage.n_psu)
            psu_scores = estimand.group_scores(group, totals)
            if stage.average is not None:
                factor = _average_factors(stage, estimand.domain, k)
                psu_group = stage.average.stratum_group[stage.psu_stratum]
                psu_scores = psu_scores * np.sqrt(factor[psu_group])
            covariance += _centred_covariance(stage, psu_scores, k)
    return covariance


def structure_covariance(structure, scores, domain=None):
    """Sum of the stage covariances of ``scores`` over the stages of ``structure``
    (``domain``: as :func:`taylor_covariance`)."""
    if isinstance(scores, RowGroupScores):
        k = scores.n_columns
        covariance = np.zeros((k, k))
        for stage in structure.stages:
            covariance += _row_group_covariance(stage, scores, k, structure.row_counts, domain)
        return covariance
    if isinstance(scores, DomainScores):
        k = scores.n_columns
    else:
        scores = np.asarray(scores, dtype=float)
        if scores.ndim == 1:
            scores = scores[:, None]
        k = scores.shape[1]
    covariance = np.zeros((k, k))
    for stage in structure.stages:
        covariance += _stage_covariance(stage, scores, k, domain)
    return covariance


def _row_group_covariance(stage, scores, k, counts, domain):
    """The stage covariance of :class:`RowGroupScores` (every row its own PSU), by moments:
    ``_sparse_rows_covariance`` with each group's sum of squares for its rows' squares and
    its row count in n_h and in C."""
    if stage.psu is not None or counts is None:
        raise ValueError("RowGroupScores need a structure without clusters, with row_counts")
    sums, squares, column = scores.sums, scores.squares, scores.column
    if stage.average is not None:
        factor = _average_factors(stage, domain, k)
        row_group = stage.average.stratum_group[stage.psu_stratum]
        inside = np.ones(len(column), dtype=bool) if domain is None else np.asarray(domain) >= 0
        square = np.where(inside, factor[row_group, column if domain is not None else 0], 1.0)
        sums, squares = sums * np.sqrt(square), squares * square
    h, s = stage.psu_stratum, stage.scale
    n_strata = stage.n_strata
    codes = h * k + column
    n_h = np.bincount(h, weights=counts, minlength=n_strata)
    stratum_sums = np.bincount(codes, weights=sums, minlength=n_strata * k).reshape(n_strata, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(stage.centre[:, None], stratum_sums / n_h[:, None], 0.0)
    b = np.bincount(codes, weights=s * sums, minlength=n_strata * k).reshape(n_strata, k)
    c = np.bincount(h, weights=s * counts, minlength=n_strata)
    cross = np.einsum("hi,hj->ij", means, b)
    out = np.einsum("hi,h,hj->ij", means, c, means) - cross - cross.T
    out[np.diag_indices(k)] += np.bincount(column, weights=s * squares, minlength=k)
    return out


def _row_stratum(stage):
    return stage.psu_stratum if stage.psu is None else stage.psu_stratum[stage.psu]


def _average_factors(stage, domain, k):
    """``lonely_psu="average"``'s factor per (group, domain) of this stage, (n_groups, k)
    (one column, broadcast over the k estimates, when ``domain`` is None)."""
    if domain is None:
        return stage.average.factors(None, None, 1)
    return stage.average.factors(_row_stratum(stage), np.asarray(domain), k)


def _averaged_rows(stage, scores, k, domain):
    """Row scores times the square root of their (group, domain) factor (R ``onestage``'s
    ``* nstrat / nokstrat``, applied to squares, so to each score as a square root)."""
    factor = _average_factors(stage, domain, k)
    row_group = stage.average.stratum_group[_row_stratum(stage)]
    if isinstance(scores, DomainScores):
        if domain is None:
            root = np.sqrt(factor[row_group, 0])
        else:
            # a row in no estimate has score 0 under column 0: leave it 0 (factor 1), so a
            # NaN factor of domain 0 does not reach it
            inside = np.asarray(domain) >= 0
            root = np.where(inside, np.sqrt(factor[row_group, scores.column]), 1.0)
        return DomainScores(values=scores.values * root, column=scores.column, n_columns=k)
    return scores * np.sqrt(factor[row_group])


def _psu_totals(stage, scores, k):
    if isinstance(scores, DomainScores):
        codes = stage.psu * k + scores.column
        return np.bincount(codes, weights=scores.values, minlength=stage.n_psu * k).reshape(
            stage.n_psu, k
        )
    out = np.empty((stage.n_psu, k))
    for j in range(k):
        out[:, j] = np.bincount(stage.psu, weights=scores[:, j], minlength=stage.n_psu)
    return out


def _stage_covariance(stage, scores, k, domain=None):
    if stage.average is not None:
        scores = _averaged_rows(stage, scores, k, domain)
    if stage.psu is None and isinstance(scores, DomainScores):
        return _sparse_rows_covariance(stage, scores, k)
    totals = scores if stage.psu is None else _psu_totals(stage, scores, k)
    return _centred_covariance(stage, totals, k)


def _centred_covariance(stage, totals, k):
    """sum over PSUs of scale * (total - stratum mean)(total - stratum mean)'."""
    n_h = np.bincount(stage.psu_stratum, minlength=stage.n_strata)
    sums = np.empty((stage.n_strata, k))
    for j in range(k):
        sums[:, j] = np.bincount(stage.psu_stratum, weights=totals[:, j], minlength=stage.n_strata)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(stage.centre[:, None], sums / n_h[:, None], 0.0)
    deviations = totals - means[stage.psu_stratum]
    # x' x of one array (BLAS syrk): R's crossprod(x * sqrt(scale)); a general product of
    # two different arrays here is ~1000x slower under OpenBLAS threads on a busy machine
    deviations *= np.sqrt(stage.scale)[:, None]
    return deviations.T @ deviations


def _sparse_rows_covariance(stage, scores, k):
    """Every row its own PSU and one non-zero score per row: the stage covariance by moments.

    sum_i s_i (x_i - m_h)(x_i - m_h)' = diag(sum s_i v_i^2) - M'B - B'M + M' diag(C) M
    with M the stratum means, B = sum_h s_i x_i, C = sum_h s_i (all group sums).
    """
    v, column, h, s = scores.values, scores.column, stage.psu_stratum, stage.scale
    n_strata = stage.n_strata
    codes = h * k + column
    n_h = np.bincount(h, minlength=n_strata)
    sums = np.bincount(codes, weights=v, minlength=n_strata * k).reshape(n_strata, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(stage.centre[:, None], sums / n_h[:, None], 0.0)
    scaled = s * v
    b = np.bincount(codes, weights=scaled, minlength=n_strata * k).reshape(n_strata, k)
    c = np.bincount(h, weights=s, minlength=n_strata)
    # small (strata x k) products without BLAS threads (see _stage_covariance)
    cross = np.einsum("hi,hj->ij", means, b)
    out = np.einsum("hi,h,hj->ij", means, c, means) - cross - cross.T
    out[np.diag_indices(k)] += np.bincount(column, weights=scaled * v, minlength=k)
    return out
