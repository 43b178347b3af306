"""Benchmark of the design layer: one proportion and domain proportions on a respondent file.

Run from the repository root:

    .venv/bin/python benchmarks/bench_design.py [--rows 100000,1000000,10000000] [--no-r]

Prints tables and writes benchmarks/results/design.md.  The data: simulated respondents in
50 strata x 40 PSUs (2,000 PSUs, rows spread over them at random, so cluster sizes vary),
unequal weights (log-normal around the inverse sampling fraction), a finite population
correction (population PSU counts N_h of 80 to 800 per stratum), a Yes/No answer whose share
varies between PSUs (so the design effect is well above 1), and domain columns with 5 and with
50 levels.  Three tasks, each giving estimate, SE, design effect (with replacement, as R's
``deff = "replace"``) and a logit interval: one proportion; 5 domains; 50 domains.

Side by side in one run (repeats interleaved, median wall time):

- **floor**: bare numpy on the design's precomputed PSU codes: the indicator of the answer,
  two ``np.bincount`` weighted sums by (domain x PSU), PSU scores, the stratum sum of squares
  with the FPC, the deff and the logit interval written out inline, no validation;
- **surveystats**: ``SurveyDesign(...).proportion("answer", level="Yes", by=...)`` (the design
  built once, outside the timing, as a user does; its build time is reported apart);
- **svy** (PyPI, Rust core on polars), if installed: ``Sample.estimation.prop("answer",
  by=..., deff="wr")`` (logit interval, its default);
- **R survey**, if ``Rscript`` is on PATH: ``svymean(~yes, d, deff = "replace")`` plus
  ``svyciprop(~yes, d, method = "logit")``, and ``svyby`` with both for domains, timed
  inside R with ``system.time`` on the same data written to a CSV.

Peak memory of each task is measured in a fresh process per measurement: the process loads
the frame (and builds the design or sample), resets its high-water mark (``/proc/self/
clear_refs``) and reports the peak resident memory the task added (``VmHWM`` minus ``VmRSS``
before).  Python subprocesses run with a fixed ``MALLOC_MMAP_THRESHOLD_`` and jemalloc decay at
0 so that freed buffers go back to the system and are not reused unseen.  For the numpy code
(floor, surveystats) tracemalloc's peak is reported too.  Every tool's estimates are checked
against the floor's before its time is printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import side_by_side
from scipy import stats

N_STRATA, PSUS_PER_STRATUM = 50, 40
TASKS = {"one proportion": None, "5 domains": "dom5", "50 domains": "dom50"}
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "design.md"


# --------------------------------------------------------------------------- data
def make_frame(n_rows: int, seed: int = 20261201) -> pd.DataFrame:
    """The simulated respondent file (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_psu = N_STRATA * PSUS_PER_STRATUM
    psu = rng.integers(0, n_psu, n_rows)
    stratum = psu // PSUS_PER_STRATUM
    population_psus = PSUS_PER_STRATUM * (2 + (np.arange(N_STRATA) * 7) % 19)  # 80 .. 800
    fpc = population_psus[stratum].astype(float)
    weight = (fpc / PSUS_PER_STRATUM) * rng.lognormal(0.0, 0.6, n_rows)
    psu_share = np.clip(rng.normal(0.42, 0.12, n_psu), 0.02, 0.98)
    yes = rng.random(n_rows) < psu_share[psu]
    answer = pd.Categorical.from_codes(np.where(yes, 0, 1).astype(np.int8), ["Yes", "No"])
    return pd.DataFrame(
        {
            "stratum": stratum.astype(np.int64),
            "psu": psu.astype(np.int64),
            "fpc": fpc,
            "pw": weight,
            "answer": answer,
            "dom5": rng.integers(0, 5, n_rows).astype(np.int64),
            "dom50": rng.integers(0, 50, n_rows).astype(np.int64),
        }
    )


# --------------------------------------------------------------------------- the numpy floor
class Floor:
    """The structure a design object computes once: PSU codes, their strata, fractions."""

    def __init__(self, frame: pd.DataFrame):
        psu_labels, self.psu = np.unique(frame["psu"].to_numpy(), return_inverse=True)
        self.n_psu = len(psu_labels)
        first = np.zeros(self.n_psu, dtype=np.int64)
        first[self.psu] = np.arange(len(self.psu))  # some row of each PSU
        strata, self.psu_stratum = np.unique(
            frame["stratum"].to_numpy()[first], return_inverse=True
        )
        self.n_strata = len(strata)
        self.n_h = np.bincount(self.psu_stratum, minlength=self.n_strata).astype(float)
        population = frame["fpc"].to_numpy()[first]
        population_h = np.bincount(self.psu_stratum, population) / self.n_h  # N_h
        self.factor = (1 - self.n_h / population_h) * self.n_h / (self.n_h - 1)
        self.yes_code = list(frame["answer"].cat.categories).index("Yes")

    def proportion(self, frame: pd.DataFrame, by: str | None, confidence_level=0.95):
        w = frame["pw"].to_numpy()
        y = frame["answer"].cat.codes.to_numpy() == self.yes_code
        if by is None:
            n_dom, cell, dom = 1, self.psu, np.zeros(len(w), dtype=np.int64)
        else:
            dom = frame[by].to_numpy()
            n_dom = int(dom.max()) + 1
            cell = dom * self.n_psu + self.psu
        size = n_dom * self.n_psu
        wy = np.bincount(cell, np.where(y, w, 0.0), minlength=size).reshape(n_dom, self.n_psu)
        ww = np.bincount(cell, w, minlength=size).reshape(n_dom, self.n_psu)
        n = np.bincount(dom, minlength=n_dom).astype(float)
        total_w = ww.sum(axis=1)
        p = wy.sum(axis=1) / total_w
        scores = (wy - p[:, None] * ww) / total_w[:, None]  # linearized ratio, per PSU
        strata = (np.arange(n_dom)[:, None] * self.n_strata + self.psu_stratum).ravel()
        sums = np.bincount(strata, scores.ravel(), minlength=n_dom * self.n_strata)
        centred = scores - (sums.reshape(n_dom, -1) / self.n_h)[:, self.psu_stratum]
        squares = np.bincount(strata, (centred**2).ravel(), minlength=n_dom * self.n_strata)
        variance = squares.reshape(n_dom, -1) @ self.factor
        se = np.sqrt(variance)
        deff = variance / (p * (1 - p) / (n - 1))  # R deff = "replace" for a 0/1 variable
        # degrees of freedom of each domain as R's degf on the domain: the PSUs holding
        # members of the domain minus their strata
        present = (ww > 0).ravel()
        strata_present = np.bincount(strata, present, minlength=n_dom * self.n_strata) > 0
        df = present.reshape(n_dom, -1).sum(axis=1) - strata_present.reshape(n_dom, -1).sum(1)
        t = stats.t.ppf(0.5 + confidence_level / 2, df)
        logit, half = np.log(p / (1 - p)), t * se / (p * (1 - p))
        low, high = 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))
        return {"estimate": p, "se": se, "deff": deff, "low": low, "high": high}


# --------------------------------------------------------------------------- surveystats
def ours_design(frame):
    import surveystats as ss

    return ss.SurveyDesign(frame, weights="pw", strata="stratum", clusters="psu", fpc="fpc")


def ours_proportion(design, by):
    r = design.proportion("answer", level="Yes", by=by, method="logit")
    return {k: np.atleast_1d(np.asarray(getattr(r, k), dtype=float)) for k in FIELDS}


def have_ours():
    try:
        import surveystats as ss

        ss.SurveyDesign  # noqa: B018
    except (ImportError, AttributeError):
        return False
    return True


# --------------------------------------------------------------------------- svy
def have_svy():
    try:
        import svy  # noqa: F401
    except ImportError:
        return False
    return True


def svy_sample(frame):
    import polars as pl
    import svy

    return svy.Sample(
        pl.from_pandas(frame),
        svy.Design(stratum="stratum", psu="psu", wgt="pw", pop_size="fpc"),
    )


def svy_proportion(sample, by):
    result = sample.estimation.prop("answer", by=by, deff="wr")
    table = result.to_polars()
    table = table.filter(table["answer"] == "Yes")
    if by is not None:
        table = table.sort(by)
    names = {"estimate": "est", "se": "se", "deff": "deff", "low": "lci", "high": "uci"}
    return {k: table[v].to_numpy().astype(float) for k, v in names.items()}


FIELDS = ("estimate", "se", "deff", "low", "high")


def max_relative_difference(a, b):
    return max(
        float(np.max(np.abs(np.asarray(a[k]) - np.asarray(b[k])) / np.abs(np.asarray(b[k]))))
        for k in FIELDS
    )


# --------------------------------------------------------------------------- R
R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1])
df$yes <- as.numeric(df$answer == "Yes")  # the indicator, made once before any timing
hwm <- function() {
  s <- readLines("/proc/self/status")
  kb <- function(key) as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", s[startsWith(s, key)]))
  c(kb("VmHWM:"), kb("VmRSS:"))
}
measure <- function(label, expr) {
  gc(); cat("5", file = "/proc/self/clear_refs"); before <- hwm()[2]
  elapsed <- system.time(value <- eval(expr))[["elapsed"]]
  after <- hwm()[1]
  cat(sprintf("TIME\t%s\t%.6f\t%.0f\n", label, elapsed, (after - before) * 1024))
  value
}
d <- measure("build", quote(svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc,
                                      weights = ~pw, data = df)))
one <- measure("one proportion", quote(list(
  m = svymean(~yes, d, deff = "replace"), ci = svyciprop(~yes, d, method = "logit"))))
cat(sprintf("VALUE\tone proportion\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", coef(one$m),
            SE(one$m), deff(one$m), confint(one$ci)[1], confint(one$ci)[2]))
for (by in c("dom5", "dom50")) {
  label <- if (by == "dom5") "5 domains" else "50 domains"
  f <- as.formula(paste0("~", by))
  res <- measure(label, quote(list(
    m = svyby(~yes, f, d, svymean, deff = "replace"),
    ci = svyby(~yes, f, d, svyciprop, method = "logit", vartype = "ci"))))
  deffs <- res$m[[grep("^DEff", names(res$m))[1]]]
  for (i in seq_len(nrow(res$m))) {
    cat(sprintf("VALUE\t%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", label, res$m$yes[i],
                SE(res$m)[i], deffs[i], res$ci$ci_l[i], res$ci$ci_u[i]))
  }
}
"""


def run_r(frame: pd.DataFrame, workdir: Path):
    """R's times, peak memory and values: {task: (seconds, bytes)}, {task: fields}."""
    csv = workdir / "respondents.csv"
    frame.to_csv(csv, index=False)
    script = workdir / "bench_design.R"
    script.write_text(R_SCRIPT)
    proc = subprocess.run(
        ["Rscript", str(script), str(csv)], capture_output=True, text=True, check=True
    )
    times, values = {}, {}
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if parts[0] == "TIME":
            times[parts[1]] = (float(parts[2]), float(parts[3]))
        elif parts[0] == "VALUE":
            values.setdefault(parts[1], []).append([float(x) for x in parts[2:]])
    fields = {
        task: dict(zip(FIELDS, np.array(rows).T, strict=True)) for task, rows in values.items()
    }
    csv.unlink()
    return times, fields


def r_version():
    proc = subprocess.run(
        ["Rscript", "-e", 'cat(R.version.string, "survey", format(packageVersion("survey")))'],
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip()


# --------------------------------------------------------------------------- memory
def _status_kb():
    found = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(rest.split()[0])
    return found


def _trim():
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def measure_memory_here(tool: str, task: str, parquet: str) -> dict:
    """Run one task once in this (fresh) process; its added peak memory in bytes."""
    frame = pd.read_parquet(parquet)
    by = TASKS.get(task)
    if tool == "floor":
        floor = Floor(frame)
        run = lambda: floor.proportion(frame, by)  # noqa: E731
    elif tool == "surveystats":
        design = ours_design(frame)
        run = lambda: ours_proportion(design, by)  # noqa: E731
    elif tool == "surveystats-build":
        run = lambda: ours_design(frame)  # noqa: E731
    elif tool == "svy":
        sample = svy_sample(frame)
        svy_proportion(sample, by)  # first call compiles/caches outside the measurement
        run = lambda: svy_proportion(sample, by)  # noqa: E731
    else:
        raise ValueError(tool)
    if tool in ("floor", "surveystats"):
        run()  # warm caches (lazily built codes) outside the measurement
    _trim()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before = _status_kb()["VmRSS"]
    value = run()
    rss_peak = (_status_kb()["VmHWM"] - before) * 1024
    del value
    traced = None
    if tool in ("floor", "surveystats", "surveystats-build"):
        _trim()
        tracemalloc.start()
        run()
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"rss_peak": rss_peak, "traced_peak": traced}


def measure_memory(tool: str, task: str, parquet: Path) -> dict:
    env = dict(
        os.environ,
        MALLOC_MMAP_THRESHOLD_="131072",
        MALLOC_TRIM_THRESHOLD_="131072",
        _RJEM_MALLOC_CONF="dirty_decay_ms:0,muzzy_decay_ms:0",
    )
    proc = subprocess.run(
        [sys.executable, __file__, "--memory", tool, task, str(parquet)],
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE,
    )
    if proc.returncode != 0:
        return {"rss_peak": float("nan"), "traced_peak": None, "error": proc.stderr[-300:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the run
def run_size(n_rows, repeat, use_r, use_svy, use_ours, workdir, notes):
    frame = make_frame(n_rows)
    frame_bytes = int(frame.memory_usage(deep=True).sum())
    parquet = workdir / f"respondents_{n_rows}.parquet"
    frame.to_parquet(parquet)
    out = {"rows": n_rows, "frame_bytes": frame_bytes, "tasks": {}, "build": {}}

    start = time.perf_counter()
    floor = Floor(frame)
    out["build"]["floor"] = time.perf_counter() - start
    design = sample = None
    if use_ours:
        start = time.perf_counter()
        design = ours_design(frame)
        out["build"]["surveystats"] = time.perf_counter() - start
    if use_svy:
        start = time.perf_counter()
        sample = svy_sample(frame)
        out["build"]["svy"] = time.perf_counter() - start
    r_times, r_values = ({}, {})
    if use_r:
        r_times, r_values = run_r(frame, workdir)
        if "build" in r_times:
            out["build"]["R"] = r_times["build"][0]

    for task, by in TASKS.items():
        funcs, names = [lambda: floor.proportion(frame, by)], ["floor"]
        if use_ours:
            ours_proportion(design, by)  # first call may build cached codes
            funcs.append(lambda: ours_proportion(design, by))
            names.append("surveystats")
        if use_svy:
            svy_proportion(sample, by)  # warm-up
            funcs.append(lambda: svy_proportion(sample, by))
            names.append("svy")
        timed = side_by_side(funcs, repeat, collect=True)
        reference = timed[0][1]
        entry = {"time": {}, "agreement": {}, "memory": {}}
        for name, (seconds, value) in zip(names, timed, strict=True):
            entry["time"][name] = seconds
            entry["agreement"][name] = max_relative_difference(value, reference)
        if task in r_values:
            entry["time"]["R"] = r_times[task][0]
            entry["memory"]["R"] = {"rss_peak": r_times[task][1], "traced_peak": None}
            entry["agreement"]["R"] = max_relative_difference(r_values[task], reference)
        for name in names:
            entry["memory"][name] = measure_memory(name, task, parquet)
            if "error" in entry["memory"][name]:
                notes.append(f"memory of {name} / {task} at {n_rows:,}: failed")
        out["tasks"][task] = entry
        print(
            f"{n_rows:>10,} {task:15}"
            + "".join(f" {k} {v:8.4f}s" for k, v in entry["time"].items())
            + "  agreement "
            + ", ".join(f"{k} {v:.1e}" for k, v in entry["agreement"].items()),
            flush=True,
        )
    if use_ours:
        out["build"]["surveystats memory"] = measure_memory("surveystats-build", "", parquet)
    if "build" in r_times:
        out["build"]["R memory"] = r_times["build"][1]
    parquet.unlink()
    return out


def _mb(x):
    return "n/a" if x is None or not np.isfinite(x) else f"{x / 2**20:,.1f}"


def _ratio(a, b):
    if a is None or b is None or not (np.isfinite(a) and np.isfinite(b)) or b == 0:
        return "n/a"
    return f"{a / b:.2f}"


def write_markdown(runs, header, notes, path):
    tools = ["floor", "surveystats", "svy", "R"]
    lines = [
        "# Design layer: one proportion and domain proportions (estimate, SE, deff, logit CI)",
        "",
        "Written by `benchmarks/bench_design.py` (its docstring says exactly what each column",
        "runs). 50 strata x 40 PSUs, unequal weights, FPC. Times are medians of interleaved",
        "repeats in one process (R: `system.time` inside R on the same data). "
        "The machine is shared with other engineers' jobs (2 cores), so absolute times wander;",
        "the ratios are of runs interleaved in one process.",
        "",
        *header,
        "",
    ]
    for run in runs:
        n, frame_bytes = run["rows"], run["frame_bytes"]
        lines += [f"## {n:,} rows (input frame {_mb(frame_bytes)} MB)", ""]
        lines += [
            "| task | " + " | ".join(f"{t} s" for t in tools) + " | ours / floor | svy / ours "
            "| R / ours | agreement with floor (max rel.) |",
            "|" + "---|" * (len(tools) + 5),
        ]
        for task, entry in run["tasks"].items():
            t = entry["time"]
            cells = [f"{t[x]:.4f}" if x in t else "n/a" for x in tools]
            agree = ", ".join(f"{k} {v:.1e}" for k, v in entry["agreement"].items() if k != "floor")
            lines.append(
                f"| {task} | "
                + " | ".join(cells)
                + f" | {_ratio(t.get('surveystats'), t.get('floor'))}"
                f" | {_ratio(t.get('svy'), t.get('surveystats'))}"
                f" | {_ratio(t.get('R'), t.get('surveystats'))} | {agree or 'n/a'} |"
            )
        lines += [
            "",
            "Peak memory added by the task (MB, resident high-water mark in a fresh "
            "process; tracemalloc peak in brackets):",
            "",
        ]
        lines += [
            "| task | " + " | ".join(tools) + " | ours / frame | ours / floor |",
            "|" + "---|" * (len(tools) + 3),
        ]
        for task, entry in run["tasks"].items():
            m = entry["memory"]
            cells = []
            for x in tools:
                if x not in m:
                    cells.append("n/a")
                    continue
                text = _mb(m[x]["rss_peak"])
                if m[x].get("traced_peak") is not None:
                    text += f" [{_mb(m[x]['traced_peak'])}]"
                cells.append(text)
            ours = m.get("surveystats", {}).get("rss_peak")
            lines.append(
                f"| {task} | " + " | ".join(cells) + f" | {_ratio(ours, frame_bytes)}"
                f" | {_ratio(ours, m.get('floor', {}).get('rss_peak'))} |"
            )
        b = run["build"]
        build = ", ".join(
            f"{k} {v:.3f} s" for k, v in b.items() if isinstance(v, float) and "memory" not in k
        )
        lines += ["", f"Building the design once: {build}."]
        if "surveystats memory" in b:
            m = b["surveystats memory"]
            lines.append(
                f"Peak memory of building the surveystats design: {_mb(m['rss_peak'])} MB "
                f"resident, {_mb(m.get('traced_peak'))} MB traced "
                f"({_ratio(m['rss_peak'], frame_bytes)} x the frame)."
            )
        if "R memory" in b:
            lines.append(f"R's svydesign added {_mb(b['R memory'])} MB resident.")
        lines.append("")
    if notes:
        lines += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    path.write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000,1000000,10000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-r", action="store_true", help="leave R out")
    parser.add_argument(
        "--r-max-rows", type=int, default=1_000_000, help="largest size R is run at"
    )
    parser.add_argument("--no-svy", action="store_true")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--memory", nargs=3, metavar=("TOOL", "TASK", "PARQUET"))
    args = parser.parse_args()
    if args.memory:
        print(json.dumps(measure_memory_here(*args.memory)))
        return

    use_r = not args.no_r and shutil.which("Rscript") is not None
    use_svy = not args.no_svy and have_svy()
    use_ours = have_ours()
    notes = [
        "Agreement: the floor, svy and R give each domain's interval the t quantile on the "
        "domain's own degrees of freedom (R's degf of the subset: PSUs holding members of the "
        "domain minus their strata, as svyby(svyciprop) does); SurveyDesign uses the whole "
        "design's degf for every domain, so its domain intervals differ where a domain is "
        "absent from some PSUs (3e-5 relative at 10^5 rows and 50 domains). Estimates, SEs "
        "and deffs agree to 1e-14.",
    ]
    if not use_ours:
        notes.append("surveystats.SurveyDesign is not available in this checkout: not timed.")
    header = [
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, {platform.machine()}, {os.cpu_count()} cores."
    ]
    if use_svy:
        import polars
        import svy

        header.append(f"svy {svy.__version__} (polars {polars.__version__}).")
    else:
        notes.append("svy is not installed (`pip install svy`): not timed.")
    if use_r:
        header.append(f"{r_version()}.")
    else:
        notes.append("Rscript not found or --no-r: R not timed.")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for n_rows in (int(float(x)) for x in args.rows.split(",")):
            with_r = use_r and n_rows <= args.r_max_rows
            if use_r and not with_r:
                notes.append(
                    f"R not run at {n_rows:,} rows (--r-max-rows {args.r_max_rows:,}): "
                    "its svyby loops over domains and would take many minutes."
                )
            runs.append(run_size(n_rows, args.repeat, with_r, use_svy, use_ours, Path(tmp), notes))
    write_markdown(runs, header, notes, Path(args.output))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
