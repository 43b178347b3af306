"""Speed of ``adjust_pvalues`` (issue 3): 10^6 p-values, side by side in one run.

* one family of 10^6 p-values: surveystats vs statsmodels ``multipletests``
  (``method='holm'`` / ``'fdr_bh'``) vs a bare-numpy inline floor (argsort, scale,
  running max/min, scatter back; no validation, no NaN handling);
* 10^4 families of 100 (a 2-D array, one family per row): one surveystats call vs a loop
  of ``multipletests`` over the rows (it takes 1-D input only) vs the floor on the 2-D array.
  ``multipletests`` calls ``gc.collect()`` on every call (holm and the FDR methods), which
  costs tens of milliseconds per call in a process with numpy, scipy and pandas loaded, so
  its loop is timed over the first ``LOOP_ROWS`` rows and scaled to 10^4 (marked in the table).

Median of several runs.  The results are checked against each other before timing.
Target (issue 3): no slower than statsmodels.  Writes ``benchmarks/results/multiple.md``.
Run: ``.venv/bin/python benchmarks/bench_multiple.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _timing import side_by_side
from statsmodels.stats.multitest import multipletests

from surveystats import adjust_pvalues

RUNS = 11
LOOP_ROWS = 100
SM_NAME = {"holm": "holm", "bh": "fdr_bh"}


def floor(p, method):
    """Inline numpy: the least work any implementation along the last axis must do."""
    m = p.shape[-1]
    order = np.argsort(p, axis=-1)
    ps = np.take_along_axis(p, order, axis=-1)
    r = np.arange(1.0, m + 1.0)
    if method == "holm":
        adj = np.minimum(1.0, np.maximum.accumulate((m - r + 1.0) * ps, axis=-1))
    else:
        adj = np.minimum(1.0, np.minimum.accumulate((m / r * ps)[..., ::-1], axis=-1)[..., ::-1])
    out = np.empty_like(adj)
    np.put_along_axis(out, order, adj, axis=-1)
    return out


def main():
    rng = np.random.default_rng(1103)
    flat = np.where(rng.random(10**6) < 0.1, rng.beta(0.3, 20, 10**6), rng.random(10**6))
    table = flat.reshape(10**4, 100)
    rows = []
    for method in ("holm", "bh"):
        sm = SM_NAME[method]
        ours = adjust_pvalues(flat, method=method)
        theirs = multipletests(flat, method=sm)[1]
        diff = float(np.max(np.abs(ours - theirs)))
        assert diff < 1e-12, diff
        (t_ours, _), (t_sm, _), (t_floor, _) = side_by_side(
            [
                lambda: adjust_pvalues(flat, method=method),
                lambda: multipletests(flat, method=sm),
                lambda: floor(flat, method),
            ],
            RUNS,
        )
        rows.append((f"{method}: 1 family x 10^6", t_ours, t_floor, t_sm, "multipletests", diff))

        ours2 = adjust_pvalues(table, method=method)
        theirs2 = np.array([multipletests(row, method=sm)[1] for row in table[:200]])
        diff2 = float(np.max(np.abs(ours2[:200] - theirs2)))
        assert diff2 < 1e-12, diff2
        (t_ours2, _), (t_sm2, _), (t_floor2, _) = side_by_side(
            [
                lambda: adjust_pvalues(table, method=method),
                lambda: [multipletests(row, method=sm) for row in table[:LOOP_ROWS]],
                lambda: floor(table, method),
            ],
            3,
        )
        t_sm2 *= table.shape[0] / LOOP_ROWS
        rows.append(
            (
                f"{method}: 10^4 families x 100",
                t_ours2,
                t_floor2,
                t_sm2,
                f"loop of multipletests over rows (timed on {LOOP_ROWS}, scaled)",
                diff2,
            )
        )

    lines = [
        "# adjust_pvalues: 10^6 p-values",
        "",
        "Median wall time of repeated runs, all measured side by side in one run of "
        "`benchmarks/bench_multiple.py`. Floor = bare numpy inline (argsort, scale, "
        "running max/min, scatter; no validation, no NaN handling). Max |difference| "
        "from statsmodels in the last column.",
        "",
        "| case | surveystats | numpy floor | statsmodels | vs floor | speed-up vs statsmodels | statsmodels call | max abs diff |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for name, ours, fl, sm, what, diff in rows:
        lines.append(
            f"| {name} | {ours * 1e3:.1f} ms | {fl * 1e3:.1f} ms | {sm * 1e3:.1f} ms | "
            f"{ours / fl:.2f}x | {sm / ours:.1f}x | {what} | {diff:.1e} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).parent / "results" / "multiple.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
