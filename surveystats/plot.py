"""Charts with honest error bars (matplotlib, the optional ``plot`` extra).

Lives here: :func:`plot_shares` (the answers of one poll as horizontal bars with their
confidence intervals), :func:`plot_waves` (one question over survey waves: a line with
interval error bars, the significant changes marked) and :func:`chart`, which draws the
fitting one for an :class:`~surveystats.newsroom.Annotation` and writes it to .png or .svg.

Does not live here: statistics.  Intervals come from :func:`~surveystats.proportion_ci`,
margins from :func:`~surveystats.margin_of_error`, changes from
:func:`~surveystats.compare_proportions` and multiplicity adjustment from
:func:`~surveystats.adjust_pvalues`.

matplotlib is imported inside the functions only, so ``import surveystats`` stays free of
it.  Without ``ax`` a stand-alone ``matplotlib.figure.Figure`` is made: no pyplot, no global
backend switch, rendering through Agg (png) or the svg backend whatever display there is or
is not.  To draw into a notebook or a pyplot layout, pass ``ax=plt.gca()``.

Artists carry gids so that a chart can be read back: the interval whiskers are the errorbar
container labelled ``"_interval"`` (drawn in the order of the input), the change labels have gid ``"change"`` or, when significant,
``"change-significant"`` (text ending in ``*``).
"""

from __future__ import annotations

import os

import numpy as np

from .exceptions import InvalidValueError, ShapeError, SurveyStatsError
from .proportion import margin_of_error, proportion_ci

__all__ = ["plot_shares", "plot_waves", "chart", "CHART_SUFFIXES"]

#: File formats :func:`chart` writes, by suffix.
CHART_SUFFIXES = {".png": "png", ".svg": "svg"}

_BAR = "#4263eb"
_LINE = "#364fc7"
_FALL = "#c92a2a"
_RISE = "#2b8a3e"
_GREY = "#868e96"
_INK = "#212529"
_MINUS = "\u2212"


def _new_axes(ax, size):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=120, layout="constrained")
    figure.set_facecolor("white")
    return figure.add_subplot()


def _style(ax, grid_axis):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#adb5bd")
    ax.tick_params(colors="#495057", labelsize=9.5)
    ax.grid(axis=grid_axis, color="#e9ecef", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)


def _percent_axis(axis):
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def _title(ax, title, subtitle=None):
    if title:
        ax.set_title(
            title,
            loc="left",
            fontsize=12.5,
            color=_INK,
            fontweight="bold",
            pad=18 if subtitle else 8,
        )
    if subtitle:
        ax.text(
            0.0,
            1.02,
            subtitle,
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=9,
            color="#495057",
        )


def _pct(x, decimals=1):
    return f"{100 * x:.{decimals}f}%"


def _pts(x):
    return f"{100 * x:.1f}".rstrip("0").rstrip(".")


def _method_name(method):
    return "-".join(w.upper() if len(w) <= 2 else w.capitalize() for w in str(method).split("-"))


def _level(level):
    return f"{100 * float(level):g}%"


def _count(n):
    n = np.unique(np.asarray(n, dtype=float)[np.isfinite(np.asarray(n, dtype=float))])
    if n.size == 0:
        return "n unknown"
    if n.size == 1:
        return f"n = {n[0]:,.0f}"
    return f"n = {n.min():,.0f}\u2013{n.max():,.0f}"


def _labels(labels, size, what):
    if isinstance(labels, (str, bytes)) or np.ndim(labels) == 0:
        labels = [labels]
    labels = [str(label) for label in labels]
    if len(labels) != size:
        raise InvalidValueError(f"{what} has {len(labels)} entries but p has {size}")
    return labels


def _series(p, n, deff, name):
    """p, n, deff broadcast to one 1-d series."""
    try:
        p, n, deff = np.broadcast_arrays(
            np.asarray(p, dtype=float), np.asarray(n, dtype=float), np.asarray(deff, dtype=float)
        )
    except ValueError as error:
        raise ShapeError(f"{name}: p, n and deff do not broadcast together ({error})") from None
    if p.ndim > 1:
        raise ShapeError(
            f"{name} draws one series: p, n and deff must be scalars or 1-d, got shape {p.shape}"
        )
    return np.atleast_1d(p), np.atleast_1d(n), np.atleast_1d(deff)


def _footer(ax, lines, width=104):
    """Grey lines under the axes (note, source), left-aligned; the axis label slot is used so
    that constrained layout makes room for them."""
    import textwrap

    text = "\n".join(textwrap.fill(line, width) for line in lines if line)
    ax.set_xlabel(text, loc="left", fontsize=8.5, color=_GREY, labelpad=10)


def plot_shares(
    labels,
    p,
    n,
    *,
    confidence_level=0.95,
    deff=1.0,
    method="wilson",
    ax=None,
    title=None,
    subtitle=None,
    source=None,
    note=None,
    sort=False,
):
    """Shares of one poll as horizontal bars with confidence-interval whiskers.

    Each bar is labelled with its share and margin of error; a line under the chart gives
    n, the confidence level and the largest margin of error of any share (at p = 0.5).

    Parameters
    ----------
    labels : str or sequence of str
        One label per share, top to bottom.
    p, n : float or array_like
        Shares as fractions and their sample sizes (broadcast together, 1-d at most).
    confidence_level, deff, method
        As in :func:`~surveystats.proportion_ci`.
    ax : matplotlib Axes, optional
        Draw into these axes; otherwise a new stand-alone figure is made.
    title, subtitle, source : str, optional
        Bold title, a line under it, and a source line at the bottom.
    note : str, optional
        Replaces the default note on n and the margin of error.
    sort : bool
        Largest share on top; by default the given order is kept.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.figure`` is the figure; save it with ``ax.figure.savefig(path)``.

    Examples
    --------
    >>> from surveystats.plot import plot_shares
    >>> ax = plot_shares(["Own nuclear weapons", "NATO membership"], [0.311, 0.194], 1000)
    >>> [round(float(bar.get_width()), 3) for bar in ax.patches]
    [0.311, 0.194]
    >>> [t.get_text() for t in ax.texts[:2]]
    ['31.1%  ±2.9', '19.4%  ±2.4']
    """
    p, n, deff = _series(p, n, deff, "plot_shares")
    labels = _labels(labels, p.size, "labels")
    result = proportion_ci(p, n, method=method, confidence_level=confidence_level, deff=deff)
    est, low, high, moe = (
        np.atleast_1d(getattr(result, f)) for f in ("estimate", "low", "high", "moe")
    )
    order = np.arange(p.size)
    if sort:
        order = np.argsort(-np.nan_to_num(est, nan=-1.0), kind="stable")
    ax = _new_axes(ax, (7.2, 0.62 * p.size + 2.0))
    y = np.arange(p.size)[::-1]  # first of `order` on top
    e, lo, hi = est[order], low[order], high[order]
    ax.barh(y, np.nan_to_num(e), color=_BAR, height=0.58, zorder=2)
    ax.errorbar(
        e,
        y,
        xerr=[e - lo, hi - e],
        fmt="none",
        ecolor=_INK,
        elinewidth=1.4,
        capsize=4,
        capthick=1.4,
        zorder=3,
        label="_interval",
    )
    right = np.nanmax(hi) if np.any(np.isfinite(hi)) else 1.0
    for yi, i in zip(y, order, strict=False):
        if np.isfinite(est[i]):
            text = f"{_pct(est[i])}  \u00b1{_pts(moe[i])}"
        else:
            text = "not available" + (
                f" ({result.problem[i]})" if np.ndim(result.problem) and result.problem[i] else ""
            )
        ax.annotate(
            text,
            (high[i] if np.isfinite(est[i]) else 0.0, yi),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9.5,
            color=_INK,
            fontweight="bold",
        )
    ax.set_yticks(y, [labels[i] for i in order])
    ax.set_ylim(-0.6, p.size - 0.4)
    ax.set_xlim(0, min(1.0, right * 1.3 + 0.03))
    _percent_axis(ax.xaxis)
    _style(ax, "x")
    ax.tick_params(axis="y", length=0, labelsize=10, colors=_INK)
    _title(ax, title, subtitle)
    if note is None:
        largest = margin_of_error(0.5, n, confidence_level=confidence_level, deff=deff)
        note = (
            f"Whiskers: {_level(result.confidence_level)} confidence intervals "
            f"({_method_name(result.method)}), {_count(n)}"
            + (f", design effect {float(np.max(deff)):g}" if np.any(deff != 1) else "")
            + f"; margin of error at most \u00b1{_pts(np.nanmax(largest))} points."
        )
    _footer(ax, [note, source])
    return ax


def plot_waves(
    waves,
    p,
    n,
    *,
    confidence_level=0.95,
    deff=1.0,
    method="wilson",
    adjust=None,
    ax=None,
    title=None,
    label=None,
    subtitle=None,
    source=None,
    note=None,
):
    """One question across survey waves: a line with interval bars, significant changes marked.

    Each change between consecutive waves is tested with
    :func:`~surveystats.compare_proportions` (independent samples, Newcombe interval,
    pooled z-test) and labelled in percentage points; significant changes are marked with
    ``*`` in bold colour, the others are grey.

    Parameters
    ----------
    waves : sequence
        Wave labels, oldest first (years or names).
    p, n : float or array_like
        Shares as fractions and sample sizes per wave (broadcast together, 1-d).
    confidence_level, deff, method
        As in :func:`~surveystats.proportion_ci` (``deff`` also enters the tests).
    adjust : str, optional
        Adjust the p-values of the changes for multiple testing with
        :func:`~surveystats.adjust_pvalues` (``'holm'``, ``'bh'``, ...); by default each
        change is judged on its own.
    ax : matplotlib Axes, optional
        Draw into these axes; otherwise a new stand-alone figure is made.
    title, label : str, optional
        Title, and the legend label of the line (no legend without one).
    subtitle, source, note : str, optional
        As in :func:`plot_shares`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from surveystats.plot import plot_waves
    >>> ax = plot_waves([2023, 2024, 2025], [0.569, 0.487, 0.411], 1000)
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "change-significant"]
    ['−8.2 pts*', '−7.6 pts*']
    """
    p, n, deff = _series(p, n, deff, "plot_waves")
    waves = _labels(waves, p.size, "waves")
    result = proportion_ci(p, n, method=method, confidence_level=confidence_level, deff=deff)
    est, low, high = (np.atleast_1d(getattr(result, f)) for f in ("estimate", "low", "high"))
    ax = _new_axes(ax, (7.2, 4.6))
    x = np.arange(p.size)
    ax.errorbar(
        x,
        est,
        yerr=[est - low, high - est],
        fmt="none",
        ecolor="#748ffc",
        elinewidth=5,
        alpha=0.45,
        capsize=0,
        zorder=2,
        label="_interval",
    )
    ax.plot(x, est, color=_LINE, marker="o", markersize=7, linewidth=2.2, zorder=3, label=label)
    for xi, e, hi in zip(x, est, high, strict=False):
        if np.isfinite(e):
            ax.annotate(
                _pct(e),
                (xi, hi),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=10,
                color=_INK,
                fontweight="bold",
            )
    significant = np.zeros(0, dtype=bool)
    if p.size >= 2:
        from .compare import compare_proportions

        change = compare_proportions(
            p[:-1],
            n[:-1],
            p[1:],
            n[1:],
            confidence_level=confidence_level,
            deff1=deff[:-1],
            deff2=deff[1:],
        )
        diffs = np.atleast_1d(change.estimate)
        pvalues = np.atleast_1d(change.pvalue)
        if adjust is not None:
            from .multiple import adjust_pvalues

            pvalues = np.atleast_1d(adjust_pvalues(pvalues, method=adjust))
        significant = pvalues < 1 - result.confidence_level
        for i, (d, sig) in enumerate(zip(diffs, significant, strict=False)):
            if not np.isfinite(d) or not np.isfinite(pvalues[i]):
                continue
            sign = _MINUS if d < 0 else "+"
            text = f"{sign}{_pts(abs(d))} pts" + ("*" if sig else "")
            colour = (_FALL if d < 0 else _RISE) if sig else _GREY
            # Between the two waves, just under the line: the open side of a segment.
            mid = (est[i] + est[i + 1]) / 2
            ha, dx = ("right", -5) if d < 0 else ("left", 5) if d > 0 else ("center", 0)
            ax.annotate(
                text,
                (i + 0.5, mid),
                xytext=(dx, -5),
                textcoords="offset points",
                ha=ha,
                va="top",
                fontsize=9.5,
                color=colour,
                fontweight="bold" if sig else "normal",
                gid="change-significant" if sig else "change",
                zorder=4,
            )
    finite_low = low[np.isfinite(low)]
    finite_high = high[np.isfinite(high)]
    bottom = finite_low.min() if finite_low.size else 0.0
    top = finite_high.max() if finite_high.size else 1.0
    pad = max(top - bottom, 0.05) * 0.25
    ax.set_ylim(max(0.0, bottom - pad), min(1.0, top + pad))
    ax.set_xticks(x, waves)
    ax.set_xlim(-0.5, p.size - 0.5)
    _percent_axis(ax.yaxis)
    _style(ax, "y")
    ax.tick_params(axis="x", length=0, labelsize=10, colors=_INK)
    if label:
        ax.legend(frameon=False, loc="best", fontsize=9)
    _title(ax, title, subtitle)
    if note is None:
        level = _level(result.confidence_level)
        note = f"Bars: {level} confidence intervals ({_count(n)} per wave)." + (
            " *: significant change"
            + (f" ({adjust}-adjusted" if adjust else " (")
            + f"{', ' if adjust else ''}{level} level); grey: within sampling error."
            if p.size >= 2
            else ""
        )
    _footer(ax, [note, source])
    return ax


# --------------------------------------------------------------------------- chart()


def _get(obj, name, default=None):
    value = getattr(obj, name, default)
    return default if value is None else value


def _details(finding):
    details = getattr(finding, "details", None)
    return details if isinstance(details, dict) else {}


def _finding_deff(annotation, finding):
    # An n inferred from a stated margin is already an effective sample size.
    if _details(finding).get("n_source") == "stated margin":
        return 1.0
    return float(_get(annotation, "deff", 1.0))


def _usable(finding, size):
    n = getattr(finding, "n", None)
    values = tuple(getattr(finding, "values", ()) or ())
    return (
        n is not None
        and np.isfinite(n)
        and n > 0
        and len(values) >= size
        and all(v is not None and np.isfinite(v) for v in values)
    )


def _wave_labels(finding):
    count = len(finding.values)
    details = _details(finding)
    if details.get("earlier_inferred"):
        return ["earlier", "later"]
    years = list(details.get("years") or [])
    if len(years) == count and all(years[:-1]):
        return [str(y) if y else "latest" for y in years]
    return [f"wave {i + 1}" for i in range(count)]


def _share_label(finding):
    details = _details(finding)
    text = str(details.get("label") or "").strip()
    if not text:
        year = details.get("year")
        text = (
            f"figure for {year}"
            if year
            else (str(_get(finding, "quote", "")).strip() or f"share {_pct(finding.values[0])}")
        )
    group = details.get("subgroup")
    if group:
        text += f" (among {group})"
    return text if len(text) <= 40 else text[:39] + "\u2026"


def chart(annotation, path, **kw):
    """Draw the chart that fits an annotation's findings and write it to ``path``.

    If the findings include a change or trend with two or more waves and a sample size, the
    longest such series is drawn with :func:`plot_waves`; otherwise the share findings with a
    sample size (up to 12, duplicates dropped) are drawn with :func:`plot_shares`.

    Parameters
    ----------
    annotation : Annotation or any object with ``.findings``
        Findings with the attributes of :class:`~surveystats.newsroom.Finding` (``kind``,
        ``values``, ``n``, ...).  ``confidence_level`` and ``deff`` are taken from the
        annotation when it has them.
    path : str or path-like
        Ends in ``.png`` or ``.svg``; that sets the format.
    **kw
        Passed on to :func:`plot_waves` or :func:`plot_shares` (``title``, ``source``, ...).

    Returns
    -------
    path
        The ``path`` given.

    Raises
    ------
    SurveyStatsError
        When the suffix is not .png or .svg, or when no finding can be charted.
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in CHART_SUFFIXES:
        raise SurveyStatsError(
            f"cannot write chart {os.fspath(path)!r}: the file name must "
            f"end in {' or '.join(CHART_SUFFIXES)}"
        )
    findings = list(getattr(annotation, "findings", ()) or ())
    kw.setdefault("confidence_level", float(_get(annotation, "confidence_level", 0.95)))
    series = [
        f for f in findings if getattr(f, "kind", None) in ("trend", "change") and _usable(f, 2)
    ]
    shares = [f for f in findings if getattr(f, "kind", None) == "share" and _usable(f, 1)]
    if series:
        best = max(series, key=lambda f: len(f.values))  # first of the longest
        kw.setdefault("title", "Change between survey waves")
        kw.setdefault("deff", _finding_deff(annotation, best))
        ax = plot_waves(_wave_labels(best), list(best.values), float(best.n), **kw)
    elif shares:
        picked, seen = [], set()
        for f in shares:
            key = (round(float(f.values[0]), 9), float(f.n), _details(f).get("subgroup"))
            if key not in seen:
                seen.add(key)
                picked.append(f)
        picked = picked[:12]
        kw.setdefault("title", "Poll figures with their margins of error")
        kw.setdefault("deff", [_finding_deff(annotation, f) for f in picked])
        ax = plot_shares(
            [_share_label(f) for f in picked],
            [f.values[0] for f in picked],
            [float(f.n) for f in picked],
            **kw,
        )
    else:
        raise SurveyStatsError(
            f"nothing to chart for {os.fspath(path)!r}: no share, change "
            "or trend with a known sample size was found"
        )
    ax.figure.savefig(path, format=CHART_SUFFIXES[suffix], facecolor="white")
    return path
