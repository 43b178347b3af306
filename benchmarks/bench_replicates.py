"""Replicate-weight variance on 10^6 respondents: time and peak memory, surveystats vs svy vs R.

Cases: one proportion with its replicate SE and interval after making the replicates from the
design, for JK1 (unstratified, one replicate per PSU: 100, 500, 2,000 PSUs) and the Rao-Wu
bootstrap (50 strata x 40 PSUs; 100, 500, 2,000 replicates). "create" is the conversion
(``d.replicate`` / svy's ``create_jk_wgts`` / ``create_bs_wgts`` / R's ``as.svrepdesign``),
"estimate" the proportion with SE on the replicate design.

Each case runs in a fresh Python process (R: an Rscript process) so that peak memory is the
process's own high-water mark (``VmHWM``, which also sees svy's Rust and polars allocations
that ``tracemalloc`` cannot); "added" is the peak minus the resident size once the data frame
was built. A floor is the same replicate totals in bare numpy (PSU sums, one matrix product).

Re-weighted replicates (``--reweight``): the replicate design is raked to three margins (2, 6
and 10 levels) -- every replicate re-weighted, as R's ``rake`` on a replicate design -- and a
proportion with its replicate SE is estimated on it: surveystats (``rd.rake``), svy
(``sample.weighting.rake``, which rakes its rows x replicates matrix), R (``rake`` on
``as.svrepdesign``) and a bare-numpy floor (per PSU x cell sums, the cells x replicates table
raked, one product).  Tolerance 1e-10 relative on every margin level for surveystats and svy;
R ``control = list(maxit = 100, epsilon = 1e-10)`` (relative to the weight sum).

Run:  .venv/bin/python benchmarks/bench_replicates.py [--rows 1000000] [--no-r] [--no-svy]
      .venv/bin/python benchmarks/bench_replicates.py --reweight [--reps 100]
Writes benchmarks/results/replicates.md (``--reweight``: replicates_reweighted.md).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import shutil
import subprocess
import sys
import textwrap
import time

HERE = pathlib.Path(__file__).resolve().parent
RESULTS = HERE / "results" / "replicates.md"

CHILD = textwrap.dedent(
    r"""
    import json, sys, time
    import numpy as np

    def rss(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) / 1024.0  # MiB
        return float("nan")

    tool, kind, reps, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(12345)
    if kind == "jk1":
        n_strata, n_psu = 1, reps
    else:
        n_strata, n_psu = 50, 40 * 50
    psu = rng.integers(0, n_psu, size=rows)
    stratum = psu % n_strata
    weight = rng.uniform(50, 150, size=rows)
    p_psu = rng.uniform(0.3, 0.6, size=n_psu)
    answer = np.where(rng.random(rows) < p_psu[psu], "Yes", "No")
    columns = dict(stratum=stratum, psu=psu, weight=weight, answer=answer)
    out = {}
    if tool == "surveystats":
        import pandas as pd
        import surveystats as ss
        frame = pd.DataFrame(columns)
        base = rss("VmRSS:")
        strata = None if kind == "jk1" else "stratum"
        best = (float("inf"), float("inf"))
        for _ in range(3):  # best of 3 fresh designs (the machine is shared)
            t0 = time.perf_counter()
            d = ss.SurveyDesign(frame, weights="weight", strata=strata, clusters="psu")
            rd = d.replicate(kind, replicates=None if kind == "jk1" else reps, seed=7)
            t1 = time.perf_counter()
            r = rd.proportion("answer", level="Yes")
            t2 = time.perf_counter()
            if t2 - t0 < sum(best):
                best = (t1 - t0, t2 - t1)
        t0, t1, t2 = 0.0, best[0], best[0] + best[1]
        out.update(estimate=r.estimate, se=r.se, df=r.df)
    elif tool == "svy":
        import polars as pl
        import svy
        frame = pl.DataFrame(columns)
        base = rss("VmRSS:")
        t0 = time.perf_counter()
        design = svy.Design(stratum=None if kind == "jk1" else "stratum", psu="psu", wgt="weight")
        sample = svy.Sample(frame, design)
        if kind == "jk1":
            sample = sample.weighting.create_jk_wgts()
        else:
            sample = sample.weighting.create_bs_wgts(n_reps=reps, rstate=7)
        t1 = time.perf_counter()
        est = sample.estimation.prop("answer", method="replication")
        t2 = time.perf_counter()
        table = est.to_polars()
        row = table.filter(pl.col(table.columns[0]).cast(pl.Utf8) == "Yes")
        out.update(estimate=float(row["est"][0]), se=float(row["se"][0]))
    elif tool == "floor":
        base = rss("VmRSS:")
        t0 = time.perf_counter()
        y = (answer == "Yes").astype(float)
        t1 = time.perf_counter()
        sums = np.stack([np.bincount(psu, weights=weight * y, minlength=n_psu),
                         np.bincount(psu, weights=weight, minlength=n_psu)], axis=1)
        factors = rng.random((n_psu, reps))
        totals = factors.T @ sums
        est = totals[:, 0] / totals[:, 1]
        se = float(np.sqrt(np.var(est)))
        t2 = time.perf_counter()
        out.update(se=se)
    out.update(create=t1 - t0, estimate_time=t2 - t1, peak=rss("VmHWM:"), base=base)
    print(json.dumps(out))
    """
)

R_CHILD = textwrap.dedent(
    r"""
    suppressMessages(library(survey))
    args <- commandArgs(TRUE); kind <- args[1]; reps <- as.integer(args[2]); rows <- as.integer(args[3])
    set.seed(12345)
    if (kind == "jk1") { n_strata <- 1; n_psu <- reps } else { n_strata <- 50; n_psu <- 2000 }
    psu <- sample.int(n_psu, rows, replace = TRUE)
    df <- data.frame(psu = psu, stratum = psu %% n_strata, weight = runif(rows, 50, 150),
                     answer = as.numeric(runif(rows) < runif(n_psu, 0.3, 0.6)[psu]))
    t0 <- proc.time()[["elapsed"]]
    if (kind == "jk1") {
      d <- svydesign(id = ~psu, weights = ~weight, data = df)
      rd <- as.svrepdesign(d, type = "JK1")
    } else {
      d <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df)
      rd <- as.svrepdesign(d, type = "subbootstrap", replicates = reps)
    }
    t1 <- proc.time()[["elapsed"]]
    m <- svymean(~answer, rd)
    t2 <- proc.time()[["elapsed"]]
    status <- readLines("/proc/self/status")
    peak <- as.numeric(strsplit(trimws(sub("VmHWM:", "", grep("^VmHWM", status, value = TRUE))), " ")[[1]][1]) / 1024
    cat(sprintf('{"create": %f, "estimate_time": %f, "peak": %f, "se": %.10g, "estimate": %.10g}\n',
                t1 - t0, t2 - t1, peak, SE(m), coef(m)))
    """
)


REWEIGHT_CHILD = textwrap.dedent(
    r"""
    import json, sys, time
    import numpy as np

    def rss(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) / 1024.0  # MiB
        return float("nan")

    tool, kind, reps, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(12345)
    n_strata, n_psu = (1, reps) if kind == "jk1" else (50, 40 * 50)
    psu = rng.integers(0, n_psu, size=rows)
    stratum = psu % n_strata
    weight = rng.uniform(50, 150, size=rows)
    p_psu = rng.uniform(0.3, 0.6, size=n_psu)
    answer = np.where(rng.random(rows) < p_psu[psu], "Yes", "No")
    sizes = {"m2": 2, "m6": 6, "m10": 10}
    margins = {name: rng.integers(0, k, size=rows) for name, k in sizes.items()}
    total = float(weight.sum())
    # population shares tilted away from the sample's, so raking has work to do
    targets = {}
    for name, k in sizes.items():
        share = np.linspace(1.0, 2.0, k)
        targets[name] = {int(v): float(total * share[v] / share.sum()) for v in range(k)}
    columns = dict(stratum=stratum, psu=psu, weight=weight, answer=answer, **margins)
    out = {}
    if tool == "surveystats":
        import pandas as pd
        import surveystats as ss
        frame = pd.DataFrame(columns)
        base = rss("VmRSS:")
        strata = None if kind == "jk1" else "stratum"
        best = (float("inf"), float("inf"), float("inf"))
        for _ in range(3):  # best of 3 from scratch (the machine is shared)
            t0 = time.perf_counter()
            d = ss.SurveyDesign(frame, weights="weight", strata=strata, clusters="psu")
            rd = d.replicate(kind, replicates=None if kind == "jk1" else reps, seed=7)
            t1 = time.perf_counter()
            raked = rd.rake(targets, tolerance=1e-10)
            t2 = time.perf_counter()
            r = raked.proportion("answer", level="Yes")
            t3 = time.perf_counter()
            if t3 - t0 < sum(best):
                best = (t1 - t0, t2 - t1, t3 - t2)
        create, rake, estimate = best
        out.update(estimate=r.estimate, se=r.se)
    elif tool == "svy":
        import polars as pl
        import svy
        frame = pl.DataFrame(columns)
        base = rss("VmRSS:")
        t0 = time.perf_counter()
        design = svy.Design(stratum=None if kind == "jk1" else "stratum", psu="psu", wgt="weight")
        sample = svy.Sample(frame, design)
        if kind == "jk1":
            sample = sample.weighting.create_jk_wgts()
        else:
            sample = sample.weighting.create_bs_wgts(n_reps=reps, rstate=7)
        t1 = time.perf_counter()
        sample = sample.weighting.rake(controls=targets, tol=1e-10, max_iter=1000)
        t2 = time.perf_counter()
        est = sample.estimation.prop("answer", method="replication")
        t3 = time.perf_counter()
        table = est.to_polars()
        row = table.filter(pl.col(table.columns[0]).cast(pl.Utf8) == "Yes")
        out.update(estimate=float(row["est"][0]), se=float(row["se"][0]))
        create, rake, estimate = t1 - t0, t2 - t1, t3 - t2
    elif tool == "floor":
        # the same computation in bare numpy: (PSU, cell) sums, a cells x replicates table
        # raked, one product for the proportion's replicate totals (no degrees of freedom)
        base = rss("VmRSS:")
        t0 = time.perf_counter()
        factors = rng.random((n_psu, reps)) * 2.0
        t1 = time.perf_counter()
        y = (answer == "Yes").astype(float)
        cells = (margins["m2"] * 6 + margins["m6"]) * 10 + margins["m10"]
        unit = psu * 120 + cells
        n_units = n_psu * 120
        s_w = np.bincount(unit, weights=weight, minlength=n_units)
        s_y = np.bincount(unit, weights=weight * y, minlength=n_units)
        # replicate cell counts: F.T @ (PSU x cell sums), one product
        counts = (factors.T @ s_w.reshape(n_psu, 120)).T  # cells x replicates
        table = counts.copy()
        cell = np.arange(120)
        levels = [cell // 60, (cell // 10) % 6, cell % 10]
        indicator = [(lv[None, :] == np.arange(lv.max() + 1)[:, None]).astype(float) for lv in levels]
        goals = [np.array(list(targets[n].values())) for n in ("m2", "m6", "m10")]
        for _ in range(1000):
            for lv, ind, goal in zip(levels, indicator, goals):
                table *= (goal[:, None] / (ind @ table))[lv]
            worst = max(np.max(np.abs(ind @ table - goal[:, None]) / goal[:, None])
                        for ind, goal in zip(indicator, goals))
            if worst < 1e-10:
                break
        g = table / counts
        t2 = time.perf_counter()
        num = np.einsum("rc,cr->r", (factors.T @ s_y.reshape(n_psu, 120)), g)
        den = np.einsum("rc,cr->r", (factors.T @ s_w.reshape(n_psu, 120)), g)
        est = num / den
        se = float(np.sqrt(np.var(est, ddof=1)))
        t3 = time.perf_counter()
        create, rake, estimate = t1 - t0, t2 - t1, t3 - t2
        out.update(se=se)
    out.update(create=create, rake=rake, estimate_time=estimate, peak=rss("VmHWM:"), base=base)
    print(json.dumps(out))
    """
)

# The steps without a factor form, processed in blocks of replicates: time and peak memory
# (tracemalloc: numpy's allocations) of the step and of a proportion with SE after it.
CHUNKED_CHILD = textwrap.dedent(
    r"""
    import json, sys, time, tracemalloc
    import numpy as np, pandas as pd
    import surveystats as ss
    case, reps, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(12345)
    n_psu = 2000
    psu = rng.integers(0, n_psu, size=rows)
    weight = rng.uniform(50, 150, size=rows)
    answer = np.where(rng.random(rows) < rng.uniform(0.3, 0.6, n_psu)[psu], "Yes", "No")
    sizes = {"m2": 2, "m6": 6, "m10": 10}
    margins = {n: rng.integers(0, k, size=rows) for n, k in sizes.items()}
    x = rng.normal(50, 10, size=rows)
    total = weight.sum()
    share = {k: np.linspace(1, 2, k) / np.linspace(1, 2, k).sum() for k in sizes.values()}
    targets = {n: {v: total * share[k][v] for v in range(k)} for n, k in sizes.items()}
    frame = pd.DataFrame(dict(stratum=psu % 50, psu=psu, weight=weight, answer=answer, x=x,
                              **margins))
    d = ss.SurveyDesign(frame, weights="weight", strata="stratum", clusters="psu")
    rd = d.replicate("bootstrap", replicates=reps, seed=7)
    totals = {"m2": targets["m2"], "m6": targets["m6"], "x": float((weight * x).sum() * 1.01)}
    tracemalloc.start()
    t0 = time.perf_counter()
    if case == "rake_trim":
        w = rd.rake(targets).trim_weights(upper=160)
    elif case == "linear_numeric":
        w = rd.calibrate(totals)
    else:
        w = rd.calibrate(totals, method="logit", bounds=(0.5, 2.0))
    t1 = time.perf_counter()
    r = w.proportion("answer", level="Yes")
    t2 = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    print(json.dumps(dict(step=t1 - t0, estimate_time=t2 - t1, peak=peak / 2**20, se=r.se)))
    """
)

R_REWEIGHT_CHILD = textwrap.dedent(
    r"""
    suppressMessages(library(survey))
    args <- commandArgs(TRUE); kind <- args[1]; reps <- as.integer(args[2]); rows <- as.integer(args[3])
    set.seed(12345)
    if (kind == "jk1") { n_strata <- 1; n_psu <- reps } else { n_strata <- 50; n_psu <- 2000 }
    psu <- sample.int(n_psu, rows, replace = TRUE)
    df <- data.frame(psu = psu, stratum = psu %% n_strata, weight = runif(rows, 50, 150),
                     answer = as.numeric(runif(rows) < runif(n_psu, 0.3, 0.6)[psu]),
                     m2 = sample.int(2, rows, TRUE), m6 = sample.int(6, rows, TRUE),
                     m10 = sample.int(10, rows, TRUE))
    total <- sum(df$weight)
    pop <- function(name, k) {
      share <- seq(1, 2, length.out = k)
      out <- data.frame(seq_len(k), Freq = total * share / sum(share)); names(out)[1] <- name; out
    }
    t0 <- proc.time()[["elapsed"]]
    if (kind == "jk1") {
      d <- svydesign(id = ~psu, weights = ~weight, data = df)
      rd <- as.svrepdesign(d, type = "JK1")
    } else {
      d <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df)
      rd <- as.svrepdesign(d, type = "subbootstrap", replicates = reps)
    }
    t1 <- proc.time()[["elapsed"]]
    rk <- rake(rd, list(~m2, ~m6, ~m10), list(pop("m2", 2), pop("m6", 6), pop("m10", 10)),
               control = list(maxit = 100, epsilon = 1e-10))
    t2 <- proc.time()[["elapsed"]]
    m <- svymean(~answer, rk)
    t3 <- proc.time()[["elapsed"]]
    status <- readLines("/proc/self/status")
    peak <- as.numeric(strsplit(trimws(sub("VmHWM:", "", grep("^VmHWM", status, value = TRUE))), " ")[[1]][1]) / 1024
    cat(sprintf('{"create": %f, "rake": %f, "estimate_time": %f, "peak": %f, "se": %.10g, "estimate": %.10g}\n',
                t1 - t0, t2 - t1, t3 - t2, peak, SE(m), coef(m)))
    """
)


# A case whose resident memory passes this is stopped (the machine is shared): svy and R hold
# rows x replicates weights, 16 GB at 2,000 replicates of 10^6 rows.
MEMORY_CAP_MIB = 6144
# R at 500 replicates needs about 14 GiB (28 bytes per row x replicate: the analysis weights
# and their copies), so it gets its own cap; any case is also stopped when the machine's
# available memory falls under MIN_AVAILABLE_MIB, so that it never starves other jobs.
R_MEMORY_CAP_MIB = 16384
MIN_AVAILABLE_MIB = 2048


def _available_mib():
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024.0
    return float("inf")


def _rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def _watched(cmd, timeout, cap=MEMORY_CAP_MIB):
    """Run ``cmd``; stop it if its resident memory passes ``cap`` MiB, the machine runs short
    of memory, or time runs out."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.perf_counter()
    highest = 0.0
    while proc.poll() is None:
        highest = max(highest, _rss_mib(proc.pid))
        if highest > cap:
            proc.kill()
            proc.communicate()
            return {"error": f"stopped above the {cap} MiB memory cap"}
        if _available_mib() < MIN_AVAILABLE_MIB:
            proc.kill()
            proc.communicate()
            return {"error": f"stopped at {highest:.0f} MiB: the machine ran short of memory"}
        if time.perf_counter() - started > timeout:
            proc.kill()
            proc.communicate()
            return {"error": f"stopped after {timeout} s"}
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.strip().splitlines()[-1])


def run_python(tool, kind, reps, rows, timeout=1800, child=CHILD):
    return _watched([sys.executable, "-c", child, tool, kind, str(reps), str(rows)], timeout)


def run_r(kind, reps, rows, timeout=1800, child=R_CHILD):
    path = HERE / "_bench_replicates_child.R"
    path.write_text(child)
    try:
        return _watched(
            ["Rscript", str(path), kind, str(reps), str(rows)], timeout, R_MEMORY_CAP_MIB
        )
    finally:
        path.unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, nargs="*", default=[100, 500, 2000])
    parser.add_argument("--no-svy", action="store_true")
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument(
        "--r-max-reps",
        type=int,
        default=500,
        help="largest replicate count tried in R (its rows x replicates matrix "
        "needs 8 bytes x rows x replicates, 28 with its copies: 14 GB at 500, 56 GB at 2,000)",
    )
    parser.add_argument("--reweight", action="store_true", help="the re-weighted replicates")
    parser.add_argument("--kinds", nargs="*", default=["jk1", "bootstrap"])
    args = parser.parse_args()
    tools = ["surveystats", "floor"] + ([] if args.no_svy else ["svy"])
    have_r = not args.no_r and shutil.which("Rscript") is not None
    if args.reweight:
        reweight(args, tools, have_r)
        return
    lines = []
    for kind in ("jk1", "bootstrap"):
        for reps in args.reps:
            for tool in tools:
                started = time.perf_counter()
                res = run_python(tool, kind, reps, args.rows)
                res["wall"] = time.perf_counter() - started
                lines.append((kind, reps, tool, res))
                print(kind, reps, tool, res, flush=True)
            if have_r and reps <= args.r_max_reps:
                res = run_r(kind, reps, args.rows)
                lines.append((kind, reps, "R survey", res))
                print(kind, reps, "R", res, flush=True)
    write(lines, args.rows)


def reweight(args, tools, have_r):
    """Rake every replicate to three margins, then a proportion with SE; interleaved runs."""
    lines = []
    for kind in args.kinds:
        for reps in args.reps:
            for tool in tools:  # one tool after another in each case: interleaved
                res = run_python(tool, kind, reps, args.rows, child=REWEIGHT_CHILD)
                lines.append((kind, reps, tool, res))
                print(kind, reps, tool, res, flush=True)
            if have_r and reps <= args.r_max_reps:
                res = run_r(kind, reps, args.rows, child=R_REWEIGHT_CHILD)
                lines.append((kind, reps, "R survey", res))
                print(kind, reps, "R", res, flush=True)
    out = [
        "# Re-weighted replicates: rake every replicate, then a proportion with SE",
        "",
        f"`benchmarks/bench_replicates.py --reweight`, {args.rows:,} rows, margins of 2, 6 and 10",
        "levels, every replicate raked (as R's `rake` on a replicate design), then one proportion",
        "with its replicate SE. Tolerance 1e-10 relative on every margin level (surveystats, svy,",
        "floor); R `control = list(maxit = 100, epsilon = 1e-10)`. JK1: 100 PSUs, one stratum;",
        "bootstrap: 50 strata x 40 PSUs (R: `subbootstrap`, the same Rao-Wu n_h - 1 draws).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; 2 cores **shared with",
        "other jobs while it ran** (tools interleaved case by case), so times are indicative.",
        "Each cell in a fresh process; surveystats best of 3 from scratch, svy and R one run.",
        "Peak = resident high-water mark (VmHWM); added = peak minus the resident size once the",
        "data frame existed. floor = the same algorithm in bare numpy (PSU x cell sums, the",
        "cells x replicates table raked, one product).",
        "",
        "| type | replicates | tool | create s | rake s | estimate s | total s | peak MiB | added MiB | SE |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind, reps, tool, res in lines:
        if "error" in res:
            out.append(f"| {kind} | {reps} | {tool} | failed: {res['error'][:80]} | | | | | | |")
            continue
        base = res.get("base", float("nan"))
        total = res["create"] + res["rake"] + res["estimate_time"]
        out.append(
            f"| {kind} | {reps} | {tool} | {res['create']:.3f} | {res['rake']:.3f} | "
            f"{res['estimate_time']:.3f} | {total:.3f} | {res['peak']:.0f} | "
            f"{res['peak'] - base:.0f} | {res.get('se', '')} |"
        )
    out += [
        "",
        "## Steps without a factor form (bootstrap, processed in blocks of replicates)",
        "",
        "The same bootstrap design; rake then trim (upper 160), linear calibration to two",
        "margins and a numeric total (factor form 1 + x'lambda_r), logit calibration to them",
        "with g-bounds (0.5, 2) (Newton on every row, blocks of replicates). Peak = tracemalloc's",
        "(numpy allocations during the step and the estimate), surveystats only.",
        "",
        "| step | replicates | step s | proportion + SE s | peak MiB | SE |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for case in ("rake_trim", "linear_numeric", "logit_numeric"):
        for reps in args.reps:
            res = _watched(
                [sys.executable, "-c", CHUNKED_CHILD, case, str(reps), str(args.rows)], 1800
            )
            print(case, reps, res, flush=True)
            if "error" in res:
                out.append(f"| {case} | {reps} | failed: {res['error'][:80]} | | | |")
                continue
            out.append(
                f"| {case} | {reps} | {res['step']:.2f} | {res['estimate_time']:.2f} | "
                f"{res['peak']:.0f} | {res['se']} |"
            )
    out += ["", "## Summary", ""]
    cell = {(k, r, t): res for k, r, t, res in lines if "error" not in res}
    for kind, reps, tool, res in lines:
        ours = cell.get((kind, reps, "surveystats"))
        if tool == "surveystats" or ours is None or "error" in res:
            continue
        mine = ours["create"] + ours["rake"] + ours["estimate_time"]
        theirs = res["create"] + res["rake"] + res["estimate_time"]
        rake_ratio = res["rake"] / ours["rake"]
        out.append(
            f"- {kind}, {reps} replicates: {tool} / surveystats = {theirs / mine:.2f} (total), "
            f"{rake_ratio:.2f} (rake); peak {res['peak']:.0f} MiB vs {ours['peak']:.0f} MiB."
        )
    path = RESULTS.with_name("replicates_reweighted.md")
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(out) + "\n")
    print(f"wrote {path}")


def write(lines, rows):
    out = [
        "# Replicate-weight variance: 10^6 respondents",
        "",
        f"`benchmarks/bench_replicates.py`, {rows:,} rows, one proportion with SE (and, for",
        "surveystats, its interval) on a replicate design made from the sampling design.",
        f"Machine: {platform.machine()}, {platform.python_version()}; 2 cores **shared with other",
        "engineers' jobs while it ran**, so times are indicative. Each cell in a fresh process;",
        "surveystats: best of 3 (design + replicates + estimate, each from scratch), svy and R: one",
        "run (tens of seconds each). Peak = the process's resident high-water mark (VmHWM), added = peak",
        "minus the resident size once the data frame existed. floor = bare numpy: PSU sums and",
        "one (replicates x PSUs) @ (PSUs x 2) product with random factors. A case is stopped",
        f"when its resident memory passes {MEMORY_CAP_MIB:,} MiB (R: {R_MEMORY_CAP_MIB:,} MiB) or",
        f"the machine's available memory falls under {MIN_AVAILABLE_MIB:,} MiB (it is shared).",
        "",
        "| type | replicates | tool | create s | estimate s | create+estimate s | peak MiB | added MiB | SE |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind, reps, tool, res in lines:
        if "error" in res:
            out.append(f"| {kind} | {reps} | {tool} | failed: {res['error'][:80]} | | | | | |")
            continue
        base = res.get("base", float("nan"))
        total = res["create"] + res["estimate_time"]
        out.append(
            f"| {kind} | {reps} | {tool} | {res['create']:.3f} | {res['estimate_time']:.3f} | "
            f"{total:.3f} | {res['peak']:.0f} | {res['peak'] - base:.0f} | {res.get('se', '')} |"
        )
    out += ["", "## Summary", ""] + _summary(lines)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(out) + "\n")
    print(f"wrote {RESULTS}")


def _summary(lines):
    """Ratios read off the table: svy and R over surveystats (create + estimate), peaks."""
    cell = {(k, r, t): res for k, r, t, res in lines if "error" not in res}
    text = []
    for kind, reps, tool, _ in lines:
        if tool == "surveystats" or (kind, reps, "surveystats") not in cell:
            continue
        ours = cell[(kind, reps, "surveystats")]
        mine = ours["create"] + ours["estimate_time"]
        other = cell.get((kind, reps, tool))
        if other is None:
            text.append(f"- {kind}, {reps} replicates: {tool} did not finish (see the table).")
            continue
        theirs = other["create"] + other["estimate_time"]
        word = "slower" if theirs >= mine else "faster"
        ratio = theirs / mine if theirs >= mine else mine / theirs
        text.append(
            f"- {kind}, {reps} replicates: {tool} {ratio:.1f}x {word} than surveystats "
            f"(create + estimate), peak {other['peak']:.0f} MiB vs {ours['peak']:.0f} MiB."
        )
    peaks = [res["peak"] for (k, r, t), res in cell.items() if t == "surveystats"]
    if peaks:
        text.append(
            f"- surveystats' peak over every case: {max(peaks):.0f} MiB (target: under 1 GiB "
            "at 2,000 replicates); it does not grow with replicates x rows."
        )
    return text


if __name__ == "__main__":
    main()
