"""Exact coverage of every interval method of ``surveystats.proportion_ci``.

Run from the repository root:  .venv/bin/python examples/coverage_study.py
Prints a Markdown table and writes examples/coverage_study.md and examples/coverage_study.png.

Coverage at a true p is exact, not simulated:  C(p) = sum over x = 0..n of
Binomial(n, p).pmf(x) · [low(x) <= p <= high(x)], where [low(x), high(x)] is the method's
95% interval for the observed count x.  The intervals at every x come from one vectorized call
of ``proportion_ci``; the pmf over the (p grid × x) matrix from ``scipy.special`` (no loop per
element).  Brown, Cai & DasGupta (2001), "Interval estimation for a binomial proportion",
Statistical Science 16(2):101-133, define coverage the same way.
"""

from pathlib import Path

import numpy as np
from scipy import special

from surveystats import proportion_ci
from surveystats.proportion import INTERVAL_METHODS

LEVEL = 0.95
GRID = np.linspace(0.0002, 0.9998, 4999)  # step 0.0002: finer than the 1/n oscillation at n = 1000
SIZES = (1000, 50)
HERE = Path(__file__).parent
# Panels group methods that behave alike; every method appears exactly once.
GROUPS = {
    "Wald family": ["wald", "agresti-coull", "arcsine"],
    "Score intervals": ["wilson", "wilson-cc", "logit"],
    "Exact / Bayesian": ["clopper-pearson", "mid-p", "jeffreys"],
    "Likelihood ratio": ["likelihood"],
}


def binom_pmf(n, p):
    """Matrix of Binomial(n, p).pmf(x): rows = p, columns = x = 0..n (log space, stable)."""
    x = np.arange(n + 1.0)
    p = np.asarray(p, float)[:, None]
    log_choose = special.gammaln(n + 1.0) - special.gammaln(x + 1.0) - special.gammaln(n - x + 1.0)
    return np.exp(log_choose + special.xlogy(x, p) + special.xlog1py(n - x, -p))


def coverage(method, n, p):
    """Exact coverage of ``method`` at sample size n for each true proportion in ``p``."""
    x = np.arange(n + 1.0)
    r = proportion_ci(x / n, n, method=method, confidence_level=LEVEL)
    p = np.asarray(p, float)[:, None]
    covers = (r.low <= p) & (p <= r.high)
    return (binom_pmf(n, p[:, 0]) * covers).sum(axis=1)


def study():
    table = {}
    curves = {}
    for n in SIZES:
        for method in INTERVAL_METHODS:
            c = coverage(method, n, GRID)
            curves[n, method] = c
            table[n, method] = (c.mean(), c.min(), GRID[c.argmin()], (c < 0.93).mean())
    return table, curves


# Sources for the comparison with Brown, Cai & DasGupta (2001).  The paper itself could not be
# read: no copy of its body text was reachable (a stored copy of the paper, studylib.net doc
# 7960401, exposes only the abstract and the first paragraph of the introduction).  The
# figures below therefore come from public third-party material that quotes the paper, and
# each row says which.
SRC_COMNUM = (
    "docs.rs/comnum-sim/0.3.0, comnum_sim::stats::coverage (doc example, "
    "attributed to 'Table 1 of Brown et al. (2001)')"
)
SRC_JACOB = (
    "jacob-gg.github.io/sims/andersson-2023-wald-interval-poor-performance "
    "(paraphrase of BCD's 'lucky'/'unlucky' (p, n) pairs)"
)
SRC_ASTROPY = (
    "github astropy/astropy, astropy/stats/tests/test_funcs.py "
    "(test_binom_conf_interval: 'table in Brown et al. (2001)')"
)


def wald_coverage_variant(n, p, z, closed=True):
    """Wald coverage computed directly (not through ``proportion_ci``) with a chosen z and
    a closed [low, high] or open (low, high) interval: a sensitivity check of the convention."""
    x = np.arange(n + 1.0)
    ph = x / n
    half = z * np.sqrt(ph * (1.0 - ph) / n)
    low, high = ph - half, ph + half
    covers = (low <= p) & (p <= high) if closed else (low < p) & (p < high)
    return float((binom_pmf(n, [p])[0] * covers).sum())


def brown_cai_dasgupta():
    """Figures attributed to BCD (2001), recomputed exactly here.

    Returns (coverage_rows, endpoint_rows).  A coverage row is
    (method, n, p, ours, ours with z = 1.96, ours with an open interval, published, source,
    verdict); an endpoint row is (n, x, ours (low, high), published (low, high), verdict)."""
    z = float(special.ndtri(0.5 + LEVEL / 2.0))
    checks = [
        # (method, n, p, published figure, source)
        ("wald", 10, 0.5, 0.891, SRC_COMNUM),
        ("wald", 30, 0.2, "higher than at n = 98", SRC_JACOB),
        ("wald", 98, 0.2, "lower than at n = 30", SRC_JACOB),
        ("wald", 40, 0.5, 0.919, None),
        ("wald", 591, 0.005, 0.792, None),
        ("wald", 592, 0.005, 0.792, None),
    ]
    ours_at = {(m, n, p): float(coverage(m, n, [p])[0]) for m, n, p, _, _ in checks}
    rows = []
    for method, n, p, published, source in checks:
        ours = ours_at[method, n, p]
        if source is None:
            agrees = abs(ours - published) < 5e-4
            verdict = "no source found, unverified; ours " + (
                "agrees with the attributed figure"
                if agrees
                else "does NOT reproduce the attributed figure (see notes)"
            )
        elif isinstance(published, float):
            verdict = "matches" if abs(ours - published) < 5e-4 else "DOES NOT MATCH"
        else:
            other = ours_at[method, 98 if n == 30 else 30, p]
            holds = ours > other if n == 30 else ours < other
            verdict = "ordering reproduced" if holds else "ordering NOT reproduced"
        rows.append(
            (
                method,
                n,
                p,
                ours,
                wald_coverage_variant(n, p, 1.96),
                wald_coverage_variant(n, p, z, closed=False),
                published,
                source,
                verdict,
            )
        )

    # Jeffreys 95% interval at n = 7, x = 0..4, as in astropy's test against BCD's table.
    table_low = [0.000, 0.016, 0.065, 0.139, 0.234]
    table_high = [0.292, 0.501, 0.648, 0.766, 0.861]
    x = np.arange(5.0)
    r = proportion_ci(x / 7, 7, method="jeffreys", confidence_level=LEVEL)
    endpoints = []
    for i in range(5):
        ours = (float(r.low[i]), float(r.high[i]))
        pub = (table_low[i], table_high[i])
        same = all(f"{o:.3f}" == f"{t:.3f}" for o, t in zip(ours, pub, strict=False))
        within = all(abs(o - t) <= 1e-3 for o, t in zip(ours, pub, strict=False))
        verdict = (
            "matches to 3 decimals"
            if same
            else "within 0.001, differs in the 3rd decimal (rounding, see note)"
            if within
            else "DOES NOT MATCH"
        )
        endpoints.append((7, int(x[i]), ours, pub, verdict))
    return rows, endpoints


def markdown(table, bcd):
    lines = [
        "# Exact coverage of the 95% intervals of `proportion_ci`",
        "",
        "Generated by `examples/coverage_study.py`.  Coverage at each true p is the exact "
        "binomial sum over x = 0..n of pmf(x) · [low(x) <= p <= high(x)] (no simulation), "
        f"on a grid of {GRID.size} values of p from {GRID[0]} to {GRID[-1]}.  "
        "Columns: mean and minimum coverage over the grid, the p where the minimum falls, "
        "and the share of the grid where coverage is below 0.93.",
        "",
    ]
    for n in SIZES:
        lines += [
            f"## n = {n}",
            "",
            "| method | mean coverage | min coverage | at p | share < 0.93 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for method in INTERVAL_METHODS:
            mean, low, at, share = table[n, method]
            lines.append(f"| {method} | {mean:.4f} | {low:.4f} | {at:.4f} | {share:.1%} |")
        lines.append("")
    rows, endpoints = bcd
    lines += [
        "## Comparison with Brown, Cai & DasGupta (2001)",
        "",
        "**Sourcing.** The paper's own text could not be read for this comparison: no "
        "copy of its body was reachable (the one stored copy found, studylib.net doc "
        "7960401, exposes only the abstract and the start of the introduction).  So every "
        "'published' figure below comes from a public third-party source that quotes or "
        "paraphrases BCD, named in the row; none has been checked against the paper "
        "itself.  'Ours' is the exact coverage from `proportion_ci` (z = qnorm(0.975) = "
        "1.959964, closed interval [low, high]).  Two sensitivity columns recompute the "
        "Wald coverage directly with z = 1.96 and with an open interval (low, high), to "
        "show whether those conventions could explain a mismatch.",
        "",
        "| method | n | p | ours (exact) | z = 1.96 | open interval | published | source "
        "| verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for method, n, p, ours, z196, open_, published, source, verdict in rows:
        pub = f"{published:.3f}" if isinstance(published, float) else published
        lines.append(
            f"| {method} | {n} | {p} | {ours:.4f} | {z196:.4f} | {open_:.4f} | "
            f"{pub} | {source or 'none found'} | {verdict} |"
        )
    lines += [
        "",
        "Jeffreys 95% interval endpoints at n = 7 (not coverage), "
        "`proportion_ci(method='jeffreys')`, against the table astropy's test attributes "
        f"to BCD (source: {SRC_ASTROPY}):",
        "",
        "| n | x | ours (low, high) | published (low, high) | verdict |",
        "| ---: | ---: | --- | --- | --- |",
    ]
    for n, x, ours, pub, verdict in endpoints:
        lines.append(
            f"| {n} | {x} | ({ours[0]:.5f}, {ours[1]:.5f}) | "
            f"({pub[0]:.3f}, {pub[1]:.3f}) | {verdict} |"
        )
    lines += [
        "",
        "Notes.",
        "",
        "- n = 10, p = 0.5: exact 0.8906 reproduces the quoted 0.891.  The source calls it "
        "BCD's Table 1; that location is unchecked.",
        "- p = 0.2, n = 30 vs 98: the source paraphrases BCD as showing that the Wald "
        "interval covers better at n = 30 than at n = 98 (a 'lucky' and an 'unlucky' n).  "
        "Exact: 0.9463 at n = 30 against 0.9281 at n = 98, so the ordering holds.  The "
        "source gives no numbers, so only the ordering is checked.",
        "- Jeffreys, n = 7: eight of ten endpoints match to three decimals.  The other two "
        "are one value and its mirror image: ours 0.234501 (x = 4, low) and 0.765499 "
        "(x = 3, high); the table has 0.234 and 0.766.  Our value sits at the rounding "
        "half-way point, and the table rounds both bounds outward (low down, high up), so "
        "this is a rounding convention, not a different interval.",
        "- n = 40, p = 0.5 (0.919) and p = 0.005 (0.792): no reachable source states these "
        "figures, so both stay UNVERIFIED.  They are attributions carried over from "
        "earlier notes.  Exact 0.9193 at n = 40 agrees with the attributed 0.919.",
        "- p = 0.005, 0.792: the attributed pairing with n = 591 is NOT reproduced (exact "
        "0.9449).  The exact value 0.7922 occurs at n = 592.  The jump between the two "
        "comes from one count, x = 1.  Its Wald upper bound is 0.0050056 at n = 591 "
        "(covers p = 0.005) and 0.0049971 at n = 592 (misses it), and the x = 1 "
        "probability (about 0.15) is added or lost.  Neither convention can move that "
        "bound across p: z = 1.96 instead of 1.959964 shifts it by about 6e-8, and open "
        "vs closed bounds matter only when a bound equals p exactly.  So if the paper "
        "pairs 0.792 with n = 591, the difference is not a z or boundary convention; "
        "the likelier explanation is that the pairing was misremembered (n = 592).  Until "
        "the paper is read, quote 0.792 only with n = 592, as our own computation.",
        "- Qualitatively, our own tables and `coverage_study.png` show: Wald coverage is "
        "erratic and collapses near 0 and 1 even at n = 1000.  Clopper-Pearson and "
        "Wilson-cc never fall below 95%; they are conservative.  Wilson, Jeffreys and "
        "mid-p oscillate around 95%, with a mean close to it, and dip below 0.93 only in "
        "narrow spikes near the boundaries.  Agresti-Coull stays above 0.93 on the whole "
        "grid.  This agrees with BCD's abstract, the only part of the paper reached: the "
        "Wald interval's coverage is chaotic, and the abstract recommends Wilson or "
        "equal-tailed Jeffreys for small n and Agresti-Coull for larger n.  The n <= 40 / "
        "n > 40 cut-off often quoted for that recommendation could not be checked.",
        "",
    ]
    return "\n".join(lines)


def plot(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = ["#1b6ca8", "#d1495b", "#2e933c"]
    fig, axes = plt.subplots(len(GROUPS), len(SIZES), figsize=(12, 11), sharex=True, sharey="row")
    for col, n in enumerate(SIZES):
        for row, (title, methods) in enumerate(GROUPS.items()):
            ax = axes[row, col]
            for colour, method in zip(colours, methods, strict=False):
                ax.plot(GRID, curves[n, method], lw=0.7, color=colour, label=method)
            ax.axhline(LEVEL, color="black", lw=1.0, ls="--")
            ax.set_ylim(0.80, 1.0)
            ax.set_xlim(0, 1)
            ax.grid(alpha=0.3)
            ax.set_title(f"{title}, n = {n}", fontsize=10)
            if col == 0:
                ax.set_ylabel("coverage")
            ax.legend(loc="lower center", fontsize=8, ncol=len(methods), frameon=True)
    for ax in axes[-1]:
        ax.set_xlabel("true proportion p")
    fig.suptitle(
        "Exact coverage of 95% intervals from surveystats.proportion_ci "
        "(dashed: 0.95; y axis cut at 0.80)",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    table, curves = study()
    text = markdown(table, brown_cai_dasgupta())
    print(text)
    (HERE / "coverage_study.md").write_text(text)
    plot(curves, HERE / "coverage_study.png")


if __name__ == "__main__":
    main()
