"""Speed of ``trend_test`` and of the power functions (issue 3), side by side in one run.

* ``trend_test`` on 10^5 questions x 5 waves (one call) vs a Python loop that does, per
  question, what R's ``prop.trend.test`` does (pooled p, weights n/(p(1-p)), weighted
  least squares by ``np.linalg.lstsq``, regression sum of squares, chi-square tail), vs
  statsmodels ``WLS`` per question (the peer route in Python), vs a bare-numpy inline floor
  of the same closed form without validation;
* ``power_two_proportions`` on 10^6 designs vs the inline floor;
* ``detectable_change`` on 10^5 baselines (vectorized root finding) vs a loop of
  ``scipy.optimize.brentq`` over the power function per baseline.

Loops are timed on a subset (``LOOP``) and scaled to the full size (marked in the table);
they are checked against the vectorized results first.  Writes
``benchmarks/results/trend_power.md``.  Run: ``.venv/bin/python benchmarks/bench_trend.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _timing import side_by_side
from scipy import special
from scipy.optimize import brentq

from surveystats import detectable_change, power_two_proportions, trend_test

RUNS = 5
LOOP = 2000


def trend_floor(p, n):
    s = np.arange(1.0, p.shape[-1] + 1.0)
    x = p * n
    nt = n.sum(-1)
    pooled = x.sum(-1) / nt
    dev = s - (n * s).sum(-1, keepdims=True) / nt[:, None]
    sxy = (n * dev * (p - pooled[:, None])).sum(-1)
    sxx = (n * dev * dev).sum(-1)
    stat = sxy * sxy / sxx / (pooled * (1 - pooled))
    return stat, special.chdtrc(1.0, stat)


def trend_r_like(p, n):
    """One question the way prop.trend.test does it: weighted lm, its regression SS."""
    s = np.arange(1.0, p.size + 1.0)
    x = p * n
    pooled = x.sum() / n.sum()
    w = np.sqrt(n / pooled / (1 - pooled))
    design = np.column_stack([np.ones_like(s), s]) * w[:, None]
    coef = np.linalg.lstsq(design, p * w, rcond=None)[0]
    fitted = coef[0] + coef[1] * s
    mean = np.sum(w * w * p) / np.sum(w * w)
    stat = np.sum(w * w * (fitted - mean) ** 2)
    return stat, special.chdtrc(1.0, stat)


def trend_statsmodels(p, n, sm):
    pooled = (p * n).sum() / n.sum()
    fit = sm.WLS(
        p, sm.add_constant(np.arange(1.0, p.size + 1.0)), weights=n / pooled / (1 - pooled)
    ).fit()
    stat = fit.ess
    return stat, special.chdtrc(1.0, stat)


def power_floor(p1, p2, n):
    z = -special.ndtri(0.025)
    pooled = (p1 + p2) / 2
    return special.ndtr(
        (np.abs(p2 - p1) - z * np.sqrt(pooled * (1 - pooled) * 2 / n))
        / np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    )


def main():
    import statsmodels.api as sm

    rng = np.random.default_rng(1103)
    q, k = 10**5, 5
    n = rng.integers(300, 3000, size=(q, k)).astype(float)
    p = (
        np.round(
            np.clip(rng.uniform(0.05, 0.95, (q, 1)) + rng.normal(0, 0.03, (q, k)), 0.01, 0.99) * n
        )
        / n
    )
    r = trend_test(p, n)
    loop_stats = np.array([trend_r_like(p[i], n[i])[0] for i in range(LOOP)])
    sm_stats = np.array([trend_statsmodels(p[i], n[i], sm)[0] for i in range(200)])
    # absolute: relative differences of near-zero statistics only measure lstsq round-off
    check = max(
        float(np.max(np.abs(loop_stats - r.statistic[:LOOP]))),
        float(np.max(np.abs(sm_stats - r.statistic[:200]))),
    )
    assert check < 1e-8, check
    (t_ours, _), (t_floor, _), (t_loop, _), (t_sm, _) = side_by_side(
        [
            lambda: trend_test(p, n),
            lambda: trend_floor(p, n),
            lambda: [trend_r_like(p[i], n[i]) for i in range(LOOP)],
            lambda: [trend_statsmodels(p[i], n[i], sm) for i in range(LOOP // 10)],
        ],
        RUNS,
    )
    t_loop *= q / LOOP
    t_sm *= q / (LOOP // 10)
    rows = [
        (
            "trend_test, 10^5 questions x 5 waves",
            t_ours,
            t_floor,
            [
                (f"Python loop, R-like lstsq per question (timed on {LOOP}, scaled)", t_loop),
                (f"loop of statsmodels WLS per question (timed on {LOOP // 10}, scaled)", t_sm),
            ],
            check,
        )
    ]

    m = 10**6
    p1 = rng.uniform(0.05, 0.95, m)
    p2 = np.clip(p1 + rng.normal(0, 0.05, m), 0.01, 0.99)
    nn = rng.integers(100, 3000, m).astype(float)
    diff = float(np.max(np.abs(power_two_proportions(p1, p2, nn).power - power_floor(p1, p2, nn))))
    (t_ours, _), (t_floor, _) = side_by_side(
        [lambda: power_two_proportions(p1, p2, nn), lambda: power_floor(p1, p2, nn)], RUNS
    )
    rows.append(("power_two_proportions, 10^6 designs", t_ours, t_floor, [], diff))

    b = 10**5
    base = rng.uniform(0.05, 0.95, b)
    nb = rng.integers(200, 3000, b).astype(float)

    def loop_decrease(count):
        out = []
        for i in range(count):

            def f(d):
                return power_floor(base[i], base[i] - d, nb[i]) - 0.8

            out.append(brentq(f, 1e-12, base[i], xtol=1e-15) if f(base[i]) > 0 else np.nan)
        return np.array(out)

    ours = detectable_change(base, nb).decrease
    ref = loop_decrease(LOOP)
    ok = np.isfinite(ref)
    check = float(np.max(np.abs(ours[:LOOP][ok] / ref[ok] - 1)))
    assert check < 1e-9, check
    (t_ours, _), (t_loop, _) = side_by_side(
        [lambda: detectable_change(base, nb), lambda: loop_decrease(LOOP)], 3
    )
    t_loop *= b / LOOP
    rows.append(
        (
            "detectable_change (fall and rise), 10^5 baselines",
            t_ours,
            None,
            [(f"loop of scipy brentq, fall only (timed on {LOOP}, scaled)", t_loop)],
            check,
        )
    )

    lines = [
        "# trend_test and power: many questions in one call",
        "",
        "Median wall time, all measured side by side in one run of "
        "`benchmarks/bench_trend.py` (runs interleaved). Floor = the same closed form in "
        "bare numpy without validation. Peers are checked against surveystats first "
        "(last column: max absolute difference of the trend statistic, of the power, and max "
        "relative difference of the detectable change).",
        "",
        "| case | surveystats | numpy floor | vs floor | peer | peer time | speed-up vs peer | check |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for name, ours_t, floor_t, peers, chk in rows:
        floor_txt = "" if floor_t is None else f"{floor_t * 1e3:.1f} ms"
        ratio_txt = "" if floor_t is None else f"{ours_t / floor_t:.2f}x"
        if not peers:
            peers = [("", None)]
        for j, (peer, peer_t) in enumerate(peers):
            head = (
                f"| {name} | {ours_t * 1e3:.1f} ms | {floor_txt} | {ratio_txt} "
                if j == 0
                else "| | | | "
            )
            peer_txt = "" if peer_t is None else f"{peer_t * 1e3:.0f} ms"
            speed = "" if peer_t is None else f"{peer_t / ours_t:.0f}x"
            lines.append(f"{head}| {peer} | {peer_txt} | {speed} | {chk:.1e} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).parent / "results" / "trend_power.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
