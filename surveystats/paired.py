"""Interval for the change within a panel: Newcombe's hybrid score interval for paired data.

Lives here: :func:`paired_newcombe`, the interval for the difference ``p2 - p1`` of two
*paired* proportions (the same respondents asked in two waves), built from the Wilson
intervals of the two margins and the correlation between them, and its helper
``_newcombe_phi``.
Also here: :func:`mcnemar` (the test, as R ``mcnemar.test``, with the paired change and its
interval from the registry ``PAIRED_METHODS``) and its result ``PairedResult``.
Does not live here: intervals for independent samples (``compare.py``), the single-proportion
Wilson intervals themselves (``proportion.py``), the square-and-add combination
(``_internal/hybrid.py``).

The panel table, as everywhere in the package::

                    wave 2 yes   wave 2 no
    wave 1 yes          a            b
    wave 1 no           c            d

``n = a + b + c + d``, ``p1 = (a + b)/n``, ``p2 = (a + c)/n`` and the change is second minus
first, ``p2 - p1 = (c - b)/n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.hybrid import clip_difference, square_and_add
from ._internal.inference import significant, tails
from ._internal.results import Call, IntervalResult
from ._internal.validation import Inputs, check_choice, check_confidence_level, check_flag
from .exceptions import InvalidOptionError
from .proportion import INTERVAL_METHODS as _ONE_SAMPLE

__all__ = ["mcnemar", "paired_newcombe", "PairedResult", "PAIRED_METHODS", "MCNEMAR_TESTS"]


def _newcombe_phi(a, b, c, d):
    """Newcombe's corrected estimate of the correlation between the two margins.

    The product-moment (phi) coefficient of the 2x2 table,
    ``(ad - bc) / sqrt((a+b)(c+d)(a+c)(b+d))``, with Newcombe's two rules
    (Newcombe 1998, Stat Med 17:2635-2650, method 10):

    - when ``ad > bc`` the numerator is shrunk to ``max(ad - bc - n/2, 0)`` (a continuity
      correction of the correlation; a negative numerator is left as it is);
    - when any of the four margins is zero, phi is 0.

    The same rule is implemented in R ``ratesci`` (``moverpair(..., corc = TRUE)``),
    ``MKinfer::binomDiffCI(paired = TRUE)``, ``diffdepprop::wilson.phi`` and
    ``contingencytables::Newcombe_square_and_add_CI_paired_2x2``.
    """
    n = a + b + c + d
    cross = a * d - b * c
    numerator = np.where(cross > 0.0, np.maximum(cross - 0.5 * n, 0.0), cross)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = numerator / np.sqrt(margins)
    return np.where(margins > 0.0, phi, 0.0)


def paired_newcombe(a, b, c, d, a_lo, a_hi, *, correction=False):
    """Newcombe's hybrid score interval for the change ``p2 - p1`` in a panel.

    Newcombe RG (1998), "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Statistics in Medicine 17:2635-2650, method 10: the
    Wilson score intervals ``(l1, u1)`` of ``p1 = (a+b)/n`` and ``(l2, u2)`` of
    ``p2 = (a+c)/n`` are combined as ::

        low  = (p2 - p1) - sqrt((p2 - l2)² + (u1 - p1)² - 2·phi·(p2 - l2)·(u1 - p1))
        high = (p2 - p1) + sqrt((u2 - p2)² + (p1 - l1)² - 2·phi·(u2 - p2)·(p1 - l1))

    with phi Newcombe's corrected correlation of the table (see ``_newcombe_phi``).
    Newcombe writes the contrast as ``p1 - p2``; the bounds here are his, negated and swapped.

    Parameters
    ----------
    a, b, c, d : array_like
        Cell counts of the panel table (whole numbers >= 0, broadcast together): ``a`` yes in
        both waves, ``b`` yes then no, ``c`` no then yes, ``d`` no in both waves.  The counts
        are not validated here; the public functions do that.
    a_lo, a_hi : float
        Tail probabilities outside the lower and upper bound (0.025 each for a two-sided 95%
        interval).
    correction : bool
        False (default): Newcombe's method 10, plain Wilson intervals for the margins.
        True: the same construction with the continuity-corrected Wilson intervals
        (``INTERVAL_METHODS["wilson-cc"]``, Newcombe 1998a method 4) for the margins and
        the same corrected phi, as R ``ratesci::pairbinci(method = "MOVER_newc",
        moverbase = "wilson", cc = TRUE)`` does.  Not one of the numbered methods of the
        paired paper (whose method 10 has no corrected-Wilson variant) and not checked
        against a published table.

    Returns
    -------
    low, high : ndarray
        Bounds for ``p2 - p1 = (c - b)/n``, within [-1, 1], of the broadcast shape of the
        counts (numpy floats for scalar counts).  NaN where ``n = 0``.

    Examples
    --------
    Newcombe's (1998) worked example, a = 20, b = 12, c = 2, d = 16 (his contrast
    ``p1 - p2 = 0.2`` has the method-10 interval 0.0562 to 0.3292; ours is ``p2 - p1``):

    >>> low, high = paired_newcombe(20, 12, 2, 16, 0.025, 0.025)
    >>> round(float(low), 4), round(float(high), 4)
    (-0.3292, -0.0562)
    """
    a, b, c, d = (np.array(v, dtype=float) for v in np.broadcast_arrays(a, b, c, d))
    wilson = _ONE_SAMPLE["wilson-cc" if correction else "wilson"]
    n = a + b + c + d
    x1, x2 = a + b, a + c
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1 / n, x2 / n
        return square_and_add(
            wilson, p1, x1, n, p2, x2, n, a_lo, a_hi, phi=_newcombe_phi(a, b, c, d)
        )


def _paired_newcombe_interval(a, b, c, n, estimate, tail):
    """Newcombe (1998b) method 10: :func:`paired_newcombe` on the whole 2x2 table."""
    return paired_newcombe(a, b, c, n - a - b - c, tail, tail)


def _paired_wald(a, b, c, n, estimate, tail):
    """Wald interval ``± z·sqrt(b + c - (c - b)²/n)/n`` (Agresti 2002, section 10.1.1),
    truncated to [-1, 1]; needs no ``a``."""
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.maximum(b + c - (c - b) ** 2 / n, 0.0)) / n
    z = sp.z_upper(tail)
    return clip_difference(estimate - z * se, estimate + z * se)


#: Interval methods of the paired change, name -> function(a, b, c, n, estimate, tail).
PAIRED_METHODS = {"newcombe": _paired_newcombe_interval, "wald": _paired_wald}


def _lower_binomial_half(k, n):
    """``P(X <= k)`` for ``X ~ Binomial(n, 1/2)``, real-valued ``k < n``:
    ``I_{1/2}(n - k, k + 1)`` (Abramowitz & Stegun 26.5.24)."""
    return sp.beta_cdf(0.5, n - k, k + 1.0)


def _chi2_test(b, c, correction):
    """McNemar (1947) chi-square, ``(|c - b| - 1)^2 / (b + c)`` with Edwards' continuity
    correction or ``(c - b)^2 / (b + c)`` without, on 1 df; as R ``mcnemar.test``."""
    gap = np.abs(c - b)
    if correction:
        gap = np.where(gap > 0.0, gap - 1.0, 0.0)
    statistic = gap * gap / (b + c)
    return statistic, sp.chi2_sf(statistic, 1.0)


def _exact_test(b, c, correction):
    """Exact conditional test: given ``b + c`` changers, ``b ~ Binomial(b + c, 1/2)``;
    two-sided p ``min(1, 2 P(X <= min(b, c)))``, as R ``binom.test(b, b + c)``.  The statistic
    is ``b``.  Conservative (Fagerland, Lydersen & Laake 2013)."""
    k = np.minimum(b, c)
    return b, np.minimum(1.0, 2.0 * _lower_binomial_half(k, b + c))


def _mid_p_test(b, c, correction):
    """Mid-p version of the exact test, ``2 P(X <= k) - P(X = k) = P(X <= k) + P(X <= k - 1)``
    with ``k = min(b, c)`` (Fagerland, Lydersen & Laake 2013, who recommend it over both the
    exact and the corrected chi-square test).  The statistic is ``b``."""
    k = np.minimum(b, c)
    n = b + c
    below = np.where(k >= 1.0, _lower_binomial_half(np.maximum(k - 1.0, 0.0), n), 0.0)
    return b, np.minimum(1.0, _lower_binomial_half(k, n) + below)


#: Tests of no change within a panel, name -> function(b, c, correction) -> (statistic, p).
MCNEMAR_TESTS = {"chi2": _chi2_test, "exact": _exact_test, "mid-p": _mid_p_test}


@dataclass(frozen=True)
class PairedResult(IntervalResult):
    """McNemar's test for the same respondents asked twice, and the paired change.

    Attributes
    ----------
    b, c : float or ndarray
        Respondents who said yes then no (``b``) and no then yes (``c``).
    n : float or ndarray
        Panel size (NaN when not given).
    estimate, low, high : float or ndarray
        Paired change ``(c - b) / n`` (second wave minus first) and its interval; NaN without ``n``.
    statistic, pvalue, significant : float, float, bool (or ndarrays)
        McNemar's chi-square (1 df), as R ``mcnemar.test``, for ``test='chi2'``; ``b`` and the
        exact or mid-p binomial p-value for ``test='exact'`` / ``'mid-p'``.
    correction : bool
    test : str
    method : str
        Interval method of the paired change ('newcombe' or 'wald').
    confidence_level : float
    problem : str or ndarray
    """

    b: Any
    c: Any
    n: Any
    estimate: Any
    low: Any
    high: Any
    statistic: Any
    pvalue: Any
    significant: Any
    correction: bool
    method: str
    confidence_level: float
    problem: Any
    _call: Call | None = field(default=None, repr=False, compare=False)
    test: str = "chi2"


@quiet_numpy
def mcnemar(
    b: ArrayLike,
    c: ArrayLike,
    *,
    correction: bool = True,
    n: ArrayLike | None = None,
    a: ArrayLike | None = None,
    method: str | None = None,
    confidence_level: float = 0.95,
    test: str = "chi2",
) -> PairedResult:
    """McNemar's test for a panel (the same respondents in two waves), as R ``mcnemar.test``.

    Parameters
    ----------
    b : float or array_like
        Respondents who said yes in the first wave and no in the second.
    c : float or array_like
        Respondents who said no in the first wave and yes in the second.
    correction : bool
        Continuity correction ``(|c - b| - 1)²/(b + c)`` (R's default; not applied when b = c)
        of the chi-square test; the exact and mid-p tests need none.
    n : float or array_like, optional
        Panel size; with it the result has the paired change ``(c - b)/n`` (second wave minus
        first) and its interval.
    a : float or array_like, optional
        Respondents who said yes in both waves (with ``n``, this fixes the whole 2x2 table,
        ``d = n - a - b - c``); needed by the 'newcombe' interval.
    method : {None, 'newcombe', 'wald'}
        Interval of the paired change.  'newcombe': Newcombe's (1998) hybrid score interval
        for paired data, his method 10 (Wilson intervals of both waves' proportions combined
        with the correlation of the table; :func:`surveystats.paired.paired_newcombe`).
        'wald': ``± z·sqrt(b + c - (c - b)²/n)/n`` (Agresti 2002, section 10.1.1), truncated
        to [-1, 1], which needs no ``a`` but is too narrow for small tables.  None (default):
        'newcombe' when ``a`` is given, else 'wald'.
    confidence_level : float
        Interval level; ``significant = pvalue < 1 - confidence_level``.
    test : {'chi2', 'exact', 'mid-p'}
        Test of no change, a key of ``MCNEMAR_TESTS``: McNemar's chi-square (default, as R
        ``mcnemar.test``), the exact conditional binomial test (as R ``binom.test(b, b + c)``)
        or its mid-p version (recommended by Fagerland et al. 2013 for small tables).

    Returns
    -------
    PairedResult

    Examples
    --------
    An illustrative panel of 1,000 respondents asked twice: 61 changed from yes to no,
    140 from no to yes.

    >>> import surveystats as ss
    >>> r = ss.mcnemar(61, 140, n=1000)
    >>> round(r.statistic, 3), r.pvalue < 1e-7
    (30.269, True)
    >>> round(r.estimate, 3), round(r.low, 4), round(r.high, 4)
    (0.079, 0.0516, 0.1064)

    Newcombe's (1998) worked example for paired data, a = 20, b = 12, c = 2, d = 16 (his
    interval for the first minus the second wave is 0.0562 to 0.3292):

    >>> r = ss.mcnemar(12, 2, n=50, a=20)
    >>> r.method, round(r.low, 4), round(r.high, 4)
    ('newcombe', -0.3292, -0.0562)

    Few changers: the exact and mid-p tests (Fagerland et al. 2013, Table 1 data, b = 1, c = 7):

    >>> [round(ss.mcnemar(1, 7, test=t).pvalue, 4) for t in ("chi2", "exact", "mid-p")]
    [0.0771, 0.0703, 0.0391]
    """
    test = check_choice("test", test, MCNEMAR_TESTS)
    level = check_confidence_level(confidence_level)
    correction = check_flag("correction", correction)
    if method is None:
        method = "wald" if a is None else "newcombe"
    method = check_choice("method", method, PAIRED_METHODS)
    if method == "newcombe" and (a is None or n is None):
        raise InvalidOptionError(
            "method='newcombe' needs the whole panel table: pass a (yes in both waves) and n, "
            "or use method='wald'"
        )
    named = dict(b=b, c=c)
    if n is not None:
        named["n"] = n
    if a is not None:
        named["a"] = a
    inputs = Inputs(**named)
    inputs.nonnegative_count("b")
    inputs.nonnegative_count("c")
    discordant = inputs["b"] + inputs["c"]
    inputs.where(
        "b", discordant == 0.0, "and c are both 0: nobody changed, McNemar's test is undefined", 1.0
    )
    if a is not None:
        inputs.nonnegative_count("a")
    if n is not None:
        inputs.sample_size("n")
        if a is None:
            inputs.where(
                "n", inputs["n"] < inputs["b"] + inputs["c"], "must be at least b + c", np.inf
            )
        else:
            inputs.where(
                "n",
                inputs["n"] < inputs["a"] + inputs["b"] + inputs["c"],
                "must be at least a + b + c",
                np.inf,
            )
    bb, cc = inputs["b"], inputs["c"]
    discordant = bb + cc
    statistic, pvalue = MCNEMAR_TESTS[test](bb, cc, correction)
    pvalue = inputs.finish(pvalue)

    if n is not None:
        size = inputs["n"]
        estimate = (cc - bb) / size
        tail = tails(level, "two-sided")[0]
        both = inputs["a"] if a is not None else None
        low, high = PAIRED_METHODS[method](both, bb, cc, size, estimate, tail)
        size_out = inputs.finish(size)
    else:
        estimate = low = high = np.full(inputs.shape, np.nan)
        size_out = inputs.finish(np.nan)

    call = Call(
        mcnemar,
        (b, c),
        dict(correction=correction, n=n, a=a, method=method, test=test, confidence_level=level),
    )

    fin = inputs.finish
    return PairedResult(
        b=fin(bb),
        c=fin(cc),
        n=size_out,
        estimate=fin(estimate),
        low=fin(low),
        high=fin(high),
        statistic=fin(statistic),
        pvalue=pvalue,
        significant=significant(pvalue, level, inputs.scalar),
        correction=bool(correction),
        method=method,
        confidence_level=level,
        problem=inputs.result_problem,
        _call=call,
        test=test,
    )
