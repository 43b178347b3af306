"""Weighting 10^6 respondents: rake, a proportion with SE on the raked design, linear calibration.

Design: 50 strata x 40 PSUs, unequal weights.  Margins: sex (2 levels), age (6), region (10),
with targets 20% above the weighted sample, each margin shifted from the sample's shares.
Cases, each run side by side with the repeats interleaved (median of the runs):

- rake: ``d.rake(margins, tolerance=1e-10)`` vs svy's ``weighting.rake(controls=..., tol=1e-10)``
  vs a bare-numpy floor (the same iterative proportional fitting on the table of crossed cells:
  one bincount of the weights, the passes on 120 cells, one gather);
- proportion after raking: ``raked.proportion("y", level=1)`` (estimate, SE crediting the
  raking, interval) vs svy's ``estimation.prop("y")`` on its raked sample;
- mean with SE after raking: ``raked.mean("y")`` vs svy's ``estimation.mean("y")``;
- linear calibration to the same three margins: ``d.calibrate(margins)`` vs svy's
  ``weighting.calibrate(controls={svy.Cat(...): ...})``.

R (survey) on the same rows, in the same run, when ``Rscript`` is there: the data go to R
through a CSV file (not timed) and each case is timed with ``system.time`` in one R process,
median of ``--r-repeat`` runs: ``rake(d, list(~sex, ~age, ~region), ...)`` with
``control = list(maxit = 1000, epsilon = 1e-10)`` (R stops when no cell of the crossed table
moves by more than 1e-10 times the weight sum between passes), ``svyciprop(~I(y == 1), raked,
method = "logit")`` and ``svymean(~y, raked)`` on it, and ``calibrate(d, ~sex + age + region,
totals)`` (unbounded linear: R's closed form).  R runs between the Python cases, not
interleaved with them.

Only the weighting (and the estimate) is timed: the design / svy Sample is built beforehand.

Run:  .venv/bin/python benchmarks/bench_weighting.py [--rows 1000000] [--repeat 5]
      [--r-repeat 3] [--no-svy] [--no-r]
Writes benchmarks/results/weighting.md.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _timing import side_by_side  # noqa: E402

import surveystats as ss  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
RESULTS = HERE / "results" / "weighting.md"
LEVELS = {"sex": 2, "age": 6, "region": 10}

R_CHILD = textwrap.dedent(
    r"""
    suppressMessages(library(survey))
    args <- commandArgs(TRUE); path <- args[1]; reps <- as.integer(args[2])
    df <- read.csv(path, colClasses = c("integer", "integer", "numeric", "character",
                                        "character", "character", "integer"))
    targets <- read.csv(paste0(path, ".targets.csv"), colClasses = c("character", "character",
                                                                     "numeric"))
    pop <- lapply(c("sex", "age", "region"), function(v) {
      t <- targets[targets$variable == v, ]
      out <- data.frame(t$level, t$target); names(out) <- c(v, "Freq"); out
    })
    totals <- c(`(Intercept)` = sum(pop[[1]]$Freq), setNames(pop[[1]]$Freq[-1],
                paste0("sex", pop[[1]]$sex[-1])), setNames(pop[[2]]$Freq[-1],
                paste0("age", pop[[2]]$age[-1])), setNames(pop[[3]]$Freq[-1],
                paste0("region", pop[[3]]$region[-1])))
    d <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = df)
    timed <- function(expr_fun) {
      times <- numeric(reps); value <- NULL
      for (i in seq_len(reps)) {
        gc()
        times[i] <- system.time(value <- expr_fun())[["elapsed"]]
      }
      list(time = median(times), value = value)
    }
    rk <- timed(function() rake(d, list(~sex, ~age, ~region), pop,
                                control = list(maxit = 1000, epsilon = 1e-10)))
    raked <- rk$value
    cp <- timed(function() svyciprop(~I(y == 1), raked, method = "logit"))
    mn <- timed(function() svymean(~y, raked))
    cl <- timed(function() calibrate(d, ~sex + age + region, totals))
    cat(sprintf(paste0('{"rake": %f, "proportion": %f, "mean": %f, "calibrate": %f, ',
                       '"p": %.12g, "p_se": %.12g, "mean_se": %.12g}
'),
                rk$time, cp$time, mn$time, cl$time, coef(cp$value), SE(cp$value),
                SE(mn$value)))
    """
)


def run_r(frame, margins, reps, timeout=7200):
    """R survey's timings on the same rows (see the module docstring), or {"error": ...}."""
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data.csv"
        frame[["stratum", "psu", "w", "sex", "age", "region", "y"]].to_csv(
            data, index=False, float_format="%.17g"
        )
        rows = [(v, lv, t) for v, levels in margins.items() for lv, t in levels.items()]
        pd.DataFrame(rows, columns=["variable", "level", "target"]).to_csv(
            str(data) + ".targets.csv", index=False, float_format="%.17g"
        )
        script = pathlib.Path(tmp) / "child.R"
        script.write_text(R_CHILD)
        try:
            done = subprocess.run(
                ["Rscript", str(script), str(data), str(reps)],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"stopped after {timeout} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_data(rows, seed=2024):
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 50, rows)
    psu = stratum * 40 + rng.integers(0, 40, rows)
    frame = pd.DataFrame(
        {
            "stratum": stratum,
            "psu": psu,
            "w": rng.uniform(50, 150, rows),
            "sex": rng.choice([f"s{i}" for i in range(2)], rows, p=[0.45, 0.55]),
            "age": rng.choice([f"a{i}" for i in range(6)], rows),
            "region": rng.choice([f"r{i}" for i in range(10)], rows),
        }
    )
    frame["y"] = (rng.random(rows) < 0.3 + 0.1 * (frame["sex"] == "s0")).astype(np.int64)
    total = 1.2 * frame["w"].sum()
    margins = {}
    for column, k in LEVELS.items():
        share = np.linspace(0.8, 1.2, k)
        share /= share.sum()
        margins[column] = {f"{column[0]}{i}": float(total * s) for i, s in enumerate(share)}
    return frame, margins


def numpy_rake_floor(frame_codes, weights, targets, tolerance=1e-10, max_iter=1000):
    """IPF on the crossed cells in bare numpy: the least any raking of these rows must do."""
    sex, age, region = frame_codes
    cells = (sex * 6 + age) * 10 + region
    table = np.bincount(cells, weights=weights, minlength=120)
    start = table.copy()
    lv = [np.arange(120) // 60, (np.arange(120) // 10) % 6, np.arange(120) % 10]
    for _ in range(max_iter):
        for j in range(3):
            table *= (targets[j] / np.bincount(lv[j], weights=table, minlength=len(targets[j])))[
                lv[j]
            ]
        worst = max(
            np.max(np.abs(np.bincount(lv[j], weights=table) - targets[j]) / (1 + targets[j]))
            for j in range(3)
        )
        if worst <= tolerance:
            break
    return weights * (table / start)[cells]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--r-repeat", type=int, default=3)
    parser.add_argument("--no-svy", action="store_true")
    parser.add_argument("--no-r", action="store_true")
    args = parser.parse_args()
    have_r = not args.no_r and shutil.which("Rscript") is not None

    frame, margins = make_data(args.rows)
    d = ss.SurveyDesign(frame, weights="w", strata="stratum", clusters="psu")
    codes = [pd.factorize(frame[c], sort=True)[0] for c in LEVELS]
    targets = [np.array(list(margins[c].values())) for c in LEVELS]
    w = frame["w"].to_numpy()

    raked = d.rake(margins, tolerance=1e-10)
    floor_w = numpy_rake_floor(codes, w, targets)
    assert np.allclose(floor_w, raked.weights, rtol=1e-8)
    ours_p = raked.proportion("y", level=1)

    cases = {}
    svy_sample = None
    if not args.no_svy:
        import polars as pl
        import svy

        svy_sample = svy.Sample(
            pl.from_pandas(frame), svy.Design(stratum="stratum", psu="psu", wgt="w")
        )
        svy_raked = svy_sample.weighting.rake(controls=margins, tol=1e-10, max_iter=1000)
        svy_controls = {svy.Cat(c): margins[c] for c in LEVELS}

    rake_funcs = [
        lambda: d.rake(margins, tolerance=1e-10),
        lambda: numpy_rake_floor(codes, w, targets),
    ]
    prop_funcs = [lambda: raked.proportion("y", level=1)]
    mean_funcs = [lambda: raked.mean("y")]
    cal_funcs = [lambda: d.calibrate(margins)]
    if svy_sample is not None:
        rake_funcs.append(
            lambda: svy_sample.weighting.rake(controls=margins, tol=1e-10, max_iter=1000)
        )
        prop_funcs.append(lambda: svy_raked.estimation.prop("y"))
        mean_funcs.append(lambda: svy_raked.estimation.mean("y"))
        cal_funcs.append(lambda: svy_sample.weighting.calibrate(controls=svy_controls))
    cases["rake (3 margins: 2, 6, 10 levels)"] = side_by_side(rake_funcs, args.repeat)
    cases["proportion with SE on the raked design"] = side_by_side(prop_funcs, args.repeat)
    r_result = run_r(frame, margins, args.r_repeat) if have_r else None
    cases["mean with SE on the raked design"] = side_by_side(mean_funcs, args.repeat)
    cases["linear calibration (same margins)"] = side_by_side(cal_funcs, args.repeat)
    r_key = {"rake": "rake", "proportion": "proportion", "mean": "mean", "linear": "calibrate"}

    svy_note = ""
    if svy_sample is not None:
        est = svy_raked.estimation.prop("y").to_polars().to_pandas()
        row = est[est["y"] == 1].iloc[0]
        svy_note = (
            f"Agreement on the raked design: surveystats p = {ours_p.estimate:.10f}, "
            f"SE = {ours_p.se:.6e}; svy p = {row['est']:.10f}, SE = {row['se']:.6e}."
        )

    lines = [
        "# Weighting benchmark",
        "",
        f"{args.rows:,} respondents, 50 strata x 40 PSUs, unequal weights; margins sex (2), "
        "age (6), region (10). Median wall time of "
        f"{args.repeat} interleaved runs, one process, on a 2-core machine shared with other "
        "engineers' jobs (times are noisy; ratios in one run are what to read).",
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
        + ("" if args.no_svy else f", svy {__import__('svy').__version__}")
        + (
            f", R survey (median of {args.r_repeat} runs in one R process, timed with "
            "`system.time`, run between the Python cases)."
            if r_result is not None
            else ". R was not run."
        ),
        "",
        "| case | surveystats (s) | numpy floor (s) | svy (s) | R survey (s) | svy / surveystats "
        "| R / surveystats |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, results in cases.items():
        ours = results[0][0]
        if name.startswith("rake"):
            floor = f"{results[1][0]:.3f}"
            peer = results[2][0] if len(results) > 2 else None
        else:
            floor = "n/a"
            peer = results[1][0] if len(results) > 1 else None
        peer_text = "n/a" if peer is None else f"{peer:.3f}"
        ratio = "n/a" if peer is None else f"{peer / ours:.1f}x"
        r_time = None
        if r_result is not None and "error" not in r_result:
            r_time = r_result[r_key[name.split()[0]]]
        r_text = "n/a" if r_time is None else f"{r_time:.3f}"
        r_ratio = "n/a" if r_time is None else f"{r_time / ours:.0f}x"
        lines.append(
            f"| {name} | {ours:.3f} | {floor} | {peer_text} | {r_text} | {ratio} | {r_ratio} |"
        )
    lines += [
        "",
        "The numpy floor rakes the same 120 crossed cells with the same stopping rule; "
        "surveystats adds matching the targets to the data's levels (a factorize per margin "
        "column), the checks, and the step kept for the variance.",
        "",
        svy_note,
        "",
        _r_note(r_result, ours_p, raked.mean("y")),
        "",
        "The machine was loaded by other engineers' jobs while this ran: the ratios within one "
        "run are what to read, and R's times (one process, not interleaved) carry more of the "
        "noise than the Python ones.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def _r_note(r_result, ours_p, ours_mean):
    if r_result is None:
        return "R was not run (no Rscript, or --no-r)."
    if "error" in r_result:
        return f"R failed: {r_result['error']}"
    return (
        f"Agreement with R on the raked design: surveystats p = {ours_p.estimate:.10f}, SE = "
        f"{ours_p.se:.6e}, mean SE = {ours_mean.se:.6e}; R svyciprop p = {r_result['p']:.10f}, "
        f"SE = {r_result['p_se']:.6e}, svymean SE = {r_result['mean_se']:.6e}. R's `rake` calls "
        "`postStratify` (a table over all rows) for every margin in every pass, and its "
        '`svyciprop(method = "logit")` fits a `svyglm`.'
    )


if __name__ == "__main__":
    main()
