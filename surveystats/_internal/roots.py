"""Vectorized root finding for the score, likelihood and mid-p intervals.

Three entry points, all elementwise on whole arrays and all ending in the same bracketing
search: :func:`find_root` (Chandrupatla on a bracket), :func:`find_root_halley` (for
functions whose first two derivatives come cheaply: safeguarded Halley steps, the bracket
kept as a fallback) and :func:`find_root_fixed_point` (for equations with a natural
fixed-point form: Steffensen's acceleration, each guess certified by a sign change).

A thin layer over :func:`scipy.optimize.elementwise.find_root` (Chandrupatla's bracketing
method), which works elementwise on whole arrays: no Python loop per element.  Callers
must hand in a bracket on which the function changes sign; every method here builds its
bracket from quantities that provably straddle the root, so the search never fails to
bracket (statsmodels' brentq-based score intervals do, on ordinary inputs).
"""

import numpy as np

_TOLERANCES = dict(xatol=1e-15, xrtol=1e-14, fatol=0.0, frtol=0.0)


def find_root(func, low, high, args=()):
    """Root of ``func`` inside ``[low, high]``, elementwise.

    Parameters
    ----------
    func : callable
        ``func(x, *args)``, elementwise and monotonic on the bracket.
    low, high : ndarray
        Bracket ends with ``func(low)`` and ``func(high)`` of opposite signs (or zero).
    args : tuple of ndarray
        Extra arrays broadcastable with ``low``.

    Returns
    -------
    ndarray
        The roots; NaN where the algorithm did not converge (never expected).
    """
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    if low.size == 0:
        return np.broadcast_arrays(low, high, *args)[0].astype(float)
    from scipy.optimize import elementwise  # imported here: scipy.optimize is slow to import

    res = elementwise.find_root(func, (low, high), args=args, tolerances=_TOLERANCES)
    return np.where(res.success, res.x, np.nan)


def find_root_halley(func, start, low, high, args=(), *, step_rtol=1e-6, maxiter=60):
    """Root of an increasing ``func`` in ``[low, high]`` by safeguarded Halley steps.

    For roots that are evaluated many million times (the mid-p and likelihood intervals),
    where a good starting point is cheap and the derivatives come almost for free with the
    function value.  ``rtsafe`` of Numerical Recipes with Halley's third-order step: every
    evaluation shrinks the bracket by the sign of ``func`` (so the root stays inside it);
    a Halley step that would leave the bracket becomes a Newton step, and one that still
    would, a bisection.  An element stops once the step it would take is below
    ``step_rtol`` relative, even when that step rounds to no move or lands on a bracket end
    (cubic convergence: the error after a step of 1e-6 is of order 1e-18 times the
    curvature terms; measured against a 1e-13 run, mid-p and likelihood bounds agree to
    5e-14 relative); elements still running after ``maxiter`` evaluations go to
    :func:`find_root` on their current bracket, which still changes sign.  Only running
    elements are evaluated.

    Parameters
    ----------
    func : callable
        ``func(x, *args) -> (f, f', f'')``, elementwise; increasing on the bracket.
    start : ndarray
        Starting points inside ``[low, high]``.
    low, high : ndarray
        A bracket with ``func(low) <= 0 <= func(high)``, justified by the caller.
    args : tuple of ndarray
        Extra arrays of the shape of ``start``.

    Returns
    -------
    ndarray
    """
    start, low, high, *args = np.broadcast_arrays(
        np.asarray(start, dtype=float),
        np.asarray(low, dtype=float),
        np.asarray(high, dtype=float),
        *args,
    )
    shape = start.shape
    x = start.ravel().copy()
    lo = low.ravel().copy()
    hi = high.ravel().copy()
    args = [np.ravel(a) for a in args]
    result = np.empty_like(x)
    active = np.arange(x.size)
    with np.errstate(all="ignore"):
        for _ in range(maxiter):
            if active.size == 0:
                break
            a_args = [a[active] for a in args] if active.size < result.size else args
            f, d1, d2 = func(x, *a_args)
            lo = np.where(f <= 0.0, x, lo)
            hi = np.where(f >= 0.0, x, hi)
            newton = f / d1
            halley = newton / (1.0 - 0.5 * newton * d2 / d1)
            step = np.where(np.isfinite(halley), halley, newton)
            # Converged: the step is below the tolerance (it may round to no move at all,
            # so the candidate can coincide with a bracket end; x itself is then the root
            # to within the tolerance), or the bracket has closed to a few ulps.
            tiny = np.abs(step) <= step_rtol * np.abs(x)
            candidate = x - step
            inside = (candidate > lo) & (candidate < hi)
            candidate = np.where(inside, candidate, x - newton)
            inside = (candidate > lo) & (candidate < hi)
            bisect = 0.5 * (lo + hi)
            done = (f == 0.0) | (hi - lo <= 4e-16 * np.maximum(np.abs(lo), np.abs(hi)))
            result[active[done]] = np.where(f[done] == 0.0, x[done], bisect[done])
            finished = tiny & ~done
            result[active[finished]] = np.where(inside[finished], candidate[finished], x[finished])
            done |= finished
            candidate = np.where(inside, candidate, bisect)
            keep = ~done
            active = active[keep]
            x, lo, hi = candidate[keep], lo[keep], hi[keep]
        if active.size:
            result[active] = find_root(
                lambda t, *a: func(t, *a)[0], lo, hi, args=tuple(a[active] for a in args)
            )
    return result.reshape(shape)


_SOLVE_CHUNK = 1 << 14  # elements per pass of the guess-and-certify stage (cache-sized)


def _steffensen(step, x, args, rounds=2):
    # Fixed-point iteration x -> step(x) accelerated by Aitken's delta-squared (Steffensen):
    # quadratic convergence from a good start.  Returns the last value and the last change.
    change = np.zeros_like(x)
    for _ in range(rounds):
        y = step(x, *args)
        w = step(y, *args)
        with np.errstate(invalid="ignore", divide="ignore"):
            denom = w - 2.0 * y + x
            new = np.where(np.abs(denom) > 0.0, w - (w - y) ** 2 / denom, w)
        new = np.where(np.isfinite(new), new, w)
        change = np.abs(new - x)
        x = new
    return x, change


def find_root_fixed_point(
    func, func_args, step, step_args, start, wide_lo, wide_hi, skip, to_root=None
):
    """The root of ``func`` (monotone, one sign change on [wide_lo, wide_hi]), elementwise,
    when the equation can also be written as a fixed point ``x = step(x)`` (the score
    intervals of ``compare.py``: bound = estimate -/+ z·sqrt(variance at the bound)).

    Stage 1, in cache-sized chunks: a guess from Steffensen iteration of the score equation
    written as a fixed point (``step``), accepted only where ``func`` is shown to change
    sign across [guess - h, guess + h], h = 1e-14·(1 + |guess|): the root is then certified
    to that precision.  Stage 2, for the rest: :func:`find_root` on a narrow bracket around
    the guess, and where that does not straddle the root, on the wide bracket, which always
    does.  Elements in ``skip`` are not solved (NaN; the caller fills in exact limits).
    """
    arrays = np.broadcast_arrays(start, wide_lo, wide_hi, skip, *func_args, *step_args)
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
    start, wide_lo, wide_hi, skip = flat[:4]
    fargs = flat[4 : 4 + len(func_args)]
    sargs = flat[4 + len(func_args) :]
    root = np.full(start.size, np.nan)
    narrow_lo = wide_lo.copy()
    narrow_hi = wide_hi.copy()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for first in range(0, start.size, _SOLVE_CHUNK):
            part = slice(first, first + _SOLVE_CHUNK)
            guess, change = _steffensen(step, start[part], [a[part] for a in sargs])
            if to_root is not None:
                guess, change = to_root(guess, change)
            lo_w, hi_w = wide_lo[part], wide_hi[part]
            h = 1e-14 * (1.0 + np.abs(guess))
            lo, hi = guess - h, guess + h
            usable = (lo >= lo_w) & (hi <= hi_w) & np.isfinite(guess)
            lo, hi = np.where(usable, lo, lo_w), np.where(usable, hi, hi_w)
            chunk_args = [a[part] for a in fargs]
            f_lo, f_hi = func(lo, *chunk_args), func(hi, *chunk_args)
            certified = usable & (np.sign(f_lo) * np.sign(f_hi) < 0.0)
            root[part] = np.where(certified, guess, np.nan)
            spread = 8.0 * change + 1e-9 * (1.0 + np.abs(guess))
            good = np.isfinite(guess) & np.isfinite(spread)
            narrow_lo[part] = np.where(good, np.maximum(guess - spread, lo_w), lo_w)
            narrow_hi[part] = np.where(good, np.minimum(guess + spread, hi_w), hi_w)
    rest = np.flatnonzero(np.isnan(root) & ~skip)
    if rest.size:
        args = tuple(a[rest] for a in fargs)
        lo, hi = narrow_lo[rest], narrow_hi[rest]
        flip = ~(lo < hi)
        lo, hi = np.where(flip, wide_lo[rest], lo), np.where(flip, wide_hi[rest], hi)
        found = find_root(func, lo, hi, args=args)
        miss = np.isnan(found)
        if miss.any():
            found[miss] = find_root(
                func, wide_lo[rest][miss], wide_hi[rest][miss], args=tuple(a[miss] for a in args)
            )
        root[rest] = found
    root[skip] = np.nan
    return root.reshape(shape)
