"""Multiple testing: adjusting p-values for a family of comparisons.

Lives here: :func:`adjust_pvalues` and its registry ``ADJUST_METHODS``: Bonferroni, Holm,
Hochberg, Hommel, Benjamini-Hochberg and Benjamini-Yekutieli as R's ``p.adjust``; Sidak and
Holm-Sidak; Benjamini-Hochberg with an estimated null proportion (Storey's q-values).
Does not live here: the tests producing the p-values (``compare.py``, ``trend.py``), the
grouping of comparisons into families (the ``batch/`` subpackage, ``compare_waves``).

Every method works on the p-values of one family sorted in increasing order,
``p_(1) <= ... <= p_(m)``, with ``m`` the number of non-missing p-values of that family
(R's ``p.adjust`` drops ``NA`` before counting).  Families lie along one axis of an array;
the sort, the running maximum / minimum and the scatter back are single numpy calls over
the whole array, so 10^6 p-values in 10^4 families cost one sort.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._internal.arrays import quiet_numpy
from ._internal.results import FloatOrArray
from ._internal.validation import as_float_array, check_axis, check_choice
from .exceptions import InvalidValueError

__all__ = ["adjust_pvalues", "ADJUST_METHODS"]


# Each method maps the ascending p-values ``p`` (NaN last along the last axis), their
# ranks ``r`` (1..m) and the family sizes ``m`` (keepdims) to adjusted values in that order.
def _bonferroni(p, r, m):
    """Bonferroni: ``min(1, m p)``.  R ``p.adjust(method = "bonferroni")``."""
    return np.minimum(1.0, m * p)


def _holm(p, r, m):
    """Holm (1979) step-down: running maximum of ``(m - r + 1) p_(r)``, capped at 1.
    R ``p.adjust(method = "holm")``."""
    scaled = (m + 1.0 - r) * p
    np.fmax.accumulate(scaled, axis=-1, out=scaled)
    return np.minimum(scaled, 1.0, out=scaled)


def _step_up(scaled):
    # Running minimum from the largest p-value down; NaN (at the end) is skipped by fmin.
    backwards = np.flip(scaled, -1)
    np.fmin.accumulate(backwards, axis=-1, out=backwards)
    return np.minimum(scaled, 1.0, out=scaled)


def _hochberg(p, r, m):
    """Hochberg (1988) step-up: running minimum from the top of ``(m - r + 1) p_(r)``.
    R ``p.adjust(method = "hochberg")``."""
    return _step_up((m + 1.0 - r) * p)


def _bh(p, r, m):
    """Benjamini & Hochberg (1995) false discovery rate: running minimum from the top of
    ``m / r p_(r)``.  R ``p.adjust(method = "BH")``."""
    return _step_up(m / r * p)


def _by(p, r, m):
    """Benjamini & Yekutieli (2001): BH times ``sum_{i=1}^m 1/i``, valid under any
    dependence.  R ``p.adjust(method = "BY")``."""
    harmonic = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1.0, p.shape[-1] + 1.0))])
    q = harmonic[m.astype(np.intp)]
    return _step_up(q * m / r * p)


def _sidak(p, r, m):
    """Sidak (1967) single step: ``1 - (1 - p)^m``, exact for independent tests (slightly
    smaller than Bonferroni's ``m p``)."""
    # the floor at p: for m = 1 the rounding of expm1(log1p(-p)) can land an ulp below p
    return np.maximum(-np.expm1(m * np.log1p(-p)), p)


def _holm_sidak(p, r, m):
    """Holm's step-down procedure with Sidak's inequality (Holm 1979, section 5): running
    maximum of ``1 - (1 - p_(r))^(m - r + 1)``.  Family-wise error under independence or
    positive orthant dependence; uniformly more powerful than Holm."""
    scaled = np.maximum(-np.expm1((m + 1.0 - r) * np.log1p(-p)), p)
    np.fmax.accumulate(scaled, axis=-1, out=scaled)
    return np.minimum(scaled, 1.0, out=scaled)


def _hommel_block(p):
    """Hommel (1988) adjusted p-values of families of one size ``k`` (rows of ``p``, ascending,
    no NaN), by the closed-testing recursion of Wright (1992) that R's ``p.adjust`` uses.
    The loop runs over the family size, never over families."""
    k = p.shape[-1]
    ranks = np.arange(1.0, k + 1.0)
    q = np.repeat(np.min(k * p / ranks, axis=-1, keepdims=True), k, axis=-1)
    adjusted = q.copy()
    for size in range(k - 1, 1, -1):
        head = k - size + 1  # p_(1) .. p_(k-size+1) are compared with size * p
        tail_min = np.min(size * p[..., head:] / np.arange(2.0, size + 1.0), -1, keepdims=True)
        q[..., :head] = np.minimum(size * p[..., :head], tail_min)
        q[..., head:] = q[..., head - 1 : head]
        np.maximum(adjusted, q, out=adjusted)
    return np.maximum(adjusted, p)


def _hommel(p, r, m):
    """Hommel (1988): family-wise error control under independence or positive dependence,
    more powerful than Hochberg.  R ``p.adjust(method = "hommel")``.  Families with missing
    values are grouped by their size ``m`` (a loop over at most as many sizes as the axis is
    long), each group in one array call."""
    out = np.full(p.shape, np.nan)
    sizes = m[..., 0].astype(np.intp)
    for size in np.unique(sizes):
        if size == 0:
            continue
        rows = sizes == size
        out[rows, :size] = _hommel_block(p[rows, :size])
    return out


def _bh_adaptive(p, r, m):
    """Benjamini-Hochberg with an estimated proportion of true nulls: Storey's (2002)
    q-values, ``pi0 * BH``, with the finite-sample estimate of Storey, Taylor & Siegmund
    (2004, eq. 6) at lambda = 1/2: ``pi0 = min(1, (1 + #{p > 1/2}) / (m / 2))``.  The ``+ 1``
    keeps pi0 above 0 and gives their finite-sample false-discovery-rate control; as
    Bioconductor ``qvalue::qvalue(p, pi0 = pi0)``."""
    above = np.sum(p > 0.5, axis=-1, keepdims=True)
    pi0 = np.minimum(1.0, (1.0 + above) / (0.5 * m))
    return pi0 * _bh(p, r, m)


ADJUST_METHODS = {
    "bonferroni": _bonferroni,
    "holm": _holm,
    "hochberg": _hochberg,
    "hommel": _hommel,
    "bh": _bh,
    "by": _by,
    "sidak": _sidak,
    "holm-sidak": _holm_sidak,
    "bh-adaptive": _bh_adaptive,
}


@quiet_numpy
def adjust_pvalues(
    pvalues: ArrayLike, *, method: str = "holm", axis: int | None = -1
) -> FloatOrArray:
    """Adjust p-values for multiple comparisons, as R's ``p.adjust``.

    Parameters
    ----------
    pvalues : array_like
        P-values in [0, 1]; NaN marks a missing one, which stays NaN and is not counted in
        its family.  Values outside [0, 1] raise.
    method : str
        One of ``ADJUST_METHODS``: 'holm' (default; family-wise error, any dependence),
        'bonferroni', 'hochberg' (family-wise, independent or positively dependent tests),
        'hommel' (family-wise, more powerful than Hochberg under the same conditions),
        'sidak' and 'holm-sidak' (family-wise, independent tests; a little more powerful
        than Bonferroni and Holm), 'bh' (false discovery rate, Benjamini-Hochberg), 'by'
        (false discovery rate under any dependence, Benjamini-Yekutieli), 'bh-adaptive'
        (Benjamini-Hochberg times an estimate of the share of true nulls: Storey's q-values;
        more discoveries when many changes are real).
    axis : int or None
        The axis along which each family lies (each row of a 2-D array is a family with
        ``axis=-1``); None adjusts all values as one family.

    Returns
    -------
    float or ndarray
        Adjusted p-values in the input's shape (a float for a scalar).

    Examples
    --------
    Three comparisons from the Ukraine poll: the fall from 2023 to 2024, from 2024 to 2025,
    and the lead of nuclear weapons over NATO as a guarantee.

    >>> import surveystats as ss
    >>> ss.adjust_pvalues([0.00018, 0.00054, 0.02], method="holm")
    array([0.00054, 0.00108, 0.02   ])
    >>> ss.adjust_pvalues([0.00018, 0.00054, 0.02, float("nan")], method="bh")
    array([0.00054, 0.00081, 0.02   ,     nan])

    Each row of a 2-D array is its own family:

    >>> ss.adjust_pvalues([[0.01, 0.04], [0.03, 0.5]], method="bonferroni")
    array([[0.02, 0.08],
           [0.06, 1.  ]])
    """
    method = check_choice("method", method, ADJUST_METHODS)
    p = as_float_array("pvalues", pvalues)
    outside = ~np.isnan(p) & ~((p >= 0.0) & (p <= 1.0))
    if outside.any():
        bad = float(p[outside].flat[0])
        hint = " (percentages? divide by 100)" if 1.0 < bad <= 100.0 else ""
        raise InvalidValueError(f"pvalues must lie in [0, 1] (NaN for missing); got {bad:g}{hint}")
    if axis is not None:
        axis = check_axis("axis", axis, max(p.ndim, 1), none_allowed=True)
    if p.ndim == 0:
        return float(p)
    shape = p.shape
    if axis is None:
        p = p.reshape(-1)
        axis = -1
    work = np.moveaxis(p, axis, -1)
    if work.size == 0:
        return np.moveaxis(work.copy(), -1, axis).reshape(shape)

    missing = np.isnan(work)
    any_missing = bool(missing.any())
    if any_missing:
        m = np.sum(~missing, axis=-1, keepdims=True).astype(float)
    else:
        m = np.full(work.shape[:-1] + (1,), float(work.shape[-1]))
    order = np.argsort(work, axis=-1)  # NaN sort last
    ascending = np.take_along_axis(work, order, axis=-1)
    ranks = np.arange(1.0, work.shape[-1] + 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):  # log1p(-1) = -inf is meant
        adjusted_sorted = ADJUST_METHODS[method](ascending, ranks, m)
    adjusted = np.empty_like(adjusted_sorted)
    np.put_along_axis(adjusted, order, adjusted_sorted, axis=-1)
    if any_missing:
        adjusted[missing] = np.nan
    return np.moveaxis(adjusted, -1, axis).reshape(shape)
