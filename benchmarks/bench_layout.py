"""The core before and after the layout move of issue 10, timed side by side in one process.

Run from the repository root, with a checkout of the commit before the move beside it::

    git worktree add /tmp/surveystats-old 8ae6f5f     # the last commit before 6bfdd6d
    .venv/bin/python benchmarks/bench_layout.py --old /tmp/surveystats-old

Both packages are imported into the same process under different names (``surveystats_old``
from ``--old``, ``surveystats_new`` from this checkout; neither uses absolute imports of
itself, so relative imports resolve inside each), with the same numpy and scipy.  Every case
calls the same public function of both on the same arrays, and a bare-numpy floor where one
exists.  The repeats are interleaved and the order within a repeat rotates (old, new, floor;
new, floor, old; ...), so that a slow spell of the shared machine hits all of them alike.
Reported: the median time of each, and the median over repeats of the ratio new / old taken
within a repeat (with its quartiles: the spread says how much the load moved the numbers).
Before timing, old and new results are compared (largest absolute difference of the bounds or
p-values), so both do the same work.

Writes ``benchmarks/results/layout-regression.md`` (``--out`` to change).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

# The floors are the sibling benchmarks' own, so that 'old / floor' reads like their tables.
from bench_compare import inline_newcombe
from bench_multiple import floor as floor_adjust
from bench_proportion import floor_wald, floor_wilson
from bench_shares import inline_wald as floor_shares_wald

Z = 1.959963984540054  # standard normal 0.975 quantile
HERE = Path(__file__).resolve().parent
NOTES = "<!-- findings: written by hand, kept when the script re-writes the table -->"


def load_package(root, name):
    """Import the ``surveystats`` package found under ``root`` as module ``name``."""
    package = Path(root).resolve() / "surveystats"
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- data
def make_data(size):
    rng = np.random.default_rng(20251122)
    n = rng.integers(900, 1101, size).astype(float)
    p = np.round(rng.uniform(0, 1, size) * n) / n
    n1 = rng.integers(200, 3001, size).astype(float)
    n2 = rng.integers(200, 3001, size).astype(float)
    base = rng.uniform(0.03, 0.97, size)
    p1 = rng.binomial(n1.astype(int), base) / n1
    p2 = rng.binomial(n2.astype(int), np.clip(base + rng.normal(0, 0.03, size), 0, 1)) / n2
    ns = rng.integers(400, 2500, size).astype(float)
    x = np.round(rng.dirichlet([3, 2, 5], size) * ns[:, None])
    flat = np.where(rng.random(size) < 0.1, rng.beta(0.3, 20, size), rng.random(size))
    questions = max(size // 100, 10)
    tn = rng.integers(500, 1500, (questions, 5)).astype(float)
    tp = rng.binomial(tn.astype(int), rng.uniform(0.2, 0.8, (questions, 1))) / tn
    b = rng.integers(0, 80, size).astype(float)
    c = rng.integers(0, 80, size).astype(float)
    waves = pd.DataFrame(
        {
            "question": np.repeat(np.arange(questions), 2),
            "wave": np.tile([1, 2], questions),
            "p": np.concatenate([p1[:questions, None], p2[:questions, None]], axis=1).ravel(),
            "n": np.concatenate([n1[:questions, None], n2[:questions, None]], axis=1).ravel(),
        }
    )
    return dict(
        p=p, n=n, p1=p1, n1=n1, p2=p2, n2=n2, p_a=x[:, 0] / ns, p_b=x[:, 1] / ns, ns=ns,
        counts=x[: size // 10], flat=flat, table=flat.reshape(-1, 100), tp=tp, tn=tn, b=b, c=c,
        waves=waves,
    )  # fmt: skip


def cases(d, size):
    """``(name, rows, call(ss), floor or None, values(result) -> array for the check)``."""
    small = slice(0, size // 10)
    tiny = slice(0, size // 100)
    out = []

    def bounds(r):
        return np.concatenate([np.ravel(r.low), np.ravel(r.high)])

    for method, part in [
        ("wald", slice(None)),
        ("wilson", slice(None)),
        ("wilson-cc", slice(None)),
        ("agresti-coull", slice(None)),
        ("logit", slice(None)),
        ("arcsine", slice(None)),
        ("clopper-pearson", small),
        ("jeffreys", small),
        ("mid-p", tiny),
        ("likelihood", tiny),
    ]:
        p, n = d["p"][part], d["n"][part]
        floor = {"wald": floor_wald, "wilson": floor_wilson}.get(method)
        out.append(
            (
                f"proportion_ci {method}",
                len(p),
                lambda ss, p=p, n=n, m=method: ss.proportion_ci(p, n, method=m),
                None if floor is None else (lambda p=p, n=n, f=floor: f(p, n)),
                bounds,
            )
        )
    p, n = d["p"], d["n"]
    out.append(("margin_of_error", size, lambda ss: ss.margin_of_error(p, n), None, lambda r: r))
    p1, n1, p2, n2 = d["p1"], d["n1"], d["p2"], d["n2"]
    out.append(
        (
            "compare_proportions newcombe (+ z-pooled test)",
            size,
            lambda ss: ss.compare_proportions(p1, n1, p2, n2),
            lambda: inline_newcombe(p1 * n1, n1, p2 * n2, n2, Z),
            lambda r: np.concatenate([bounds(r), r.pvalue]),
        )
    )
    out.append(
        (
            "compare_proportions wald",
            size,
            lambda ss: ss.compare_proportions(p1, n1, p2, n2, method="wald"),
            None,
            lambda r: np.concatenate([bounds(r), r.pvalue]),
        )
    )
    q1, m1, q2, m2 = p1[small], n1[small], p2[small], n2[small]
    out.append(
        (
            "compare_proportions miettinen-nurminen",
            len(q1),
            lambda ss: ss.compare_proportions(q1, m1, q2, m2, method="miettinen-nurminen"),
            None,
            bounds,
        )
    )
    p_a, p_b, ns = d["p_a"], d["p_b"], d["ns"]
    out.append(
        (
            "compare_shares wald",
            size,
            lambda ss: ss.compare_shares(p_a, p_b, ns),
            lambda: floor_shares_wald(p_a, p_b, ns),
            lambda r: np.concatenate([bounds(r), r.pvalue]),
        )
    )
    out.append(
        (
            "compare_leads",
            size,
            lambda ss: ss.compare_leads(p_a, p_b, ns, p_b, p_a, ns),
            None,
            lambda r: np.concatenate([bounds(r), r.pvalue]),
        )
    )
    b, c = d["b"][small], d["c"][small]
    out.append(("mcnemar", len(b), lambda ss: ss.mcnemar(b, c), None, lambda r: r.pvalue))
    counts = d["counts"]
    out.append(
        (
            "multinomial_ci goodman (rows x 3)",
            len(counts),
            lambda ss: ss.multinomial_ci(counts),
            None,
            bounds,
        )
    )
    flat, table = d["flat"], d["table"]
    for method in ("holm", "bh"):
        floor = lambda m=method: floor_adjust(flat, m)  # noqa: E731
        floor2 = lambda m=method: floor_adjust(table, m)  # noqa: E731
        out.append(
            (
                f"adjust_pvalues {method}, 1 family",
                size,
                lambda ss, m=method: ss.adjust_pvalues(flat, method=m),
                floor,
                lambda r: r,
            )
        )
        out.append(
            (
                f"adjust_pvalues {method}, families of 100",
                size,
                lambda ss, m=method: ss.adjust_pvalues(table, method=m),
                floor2,
                lambda r: r,
            )
        )
    tp, tn = d["tp"], d["tn"]
    out.append(
        (
            "trend_test (questions x 5 waves)",
            len(tp),
            lambda ss: ss.trend_test(tp, tn),
            None,
            lambda r: r.pvalue,
        )
    )
    out.append(
        (
            "power_two_proportions",
            size,
            lambda ss: ss.power_two_proportions(p1, p2, n1),
            None,
            lambda r: r.power,
        )
    )
    out.append(
        (
            "detectable_change",
            size // 100,
            lambda ss: ss.detectable_change(p1[tiny], n1[tiny]),
            None,
            lambda r: np.concatenate([np.ravel(r.decrease), np.ravel(r.increase)]),
        )
    )
    waves = d["waves"]
    out.append(
        (
            "compare_waves (questions x 2 waves, batch)",
            len(waves) // 2,
            lambda ss: ss.compare_waves(waves),
            None,
            lambda r: r["pvalue"].to_numpy(dtype=float),
        )
    )
    return out


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def interleaved(funcs, repeat, clock):
    """The times of ``repeat`` runs of each function, order rotating per repeat."""
    times = [[] for _ in funcs]
    k = len(funcs)
    for i in range(repeat):
        for j in range(k):
            which = (i + j) % k
            gc.collect()
            start = clock()
            funcs[which]()
            times[which].append(clock() - start)
    return [np.asarray(t) for t in times]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", required=True, help="root of a checkout before the move")
    parser.add_argument("--size", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--clock",
        choices=list(CLOCKS),
        default="cpu",
        help="cpu: the process's CPU time (default; on a loaded machine it leaves out the time "
        "spent waiting for a core); wall: elapsed time",
    )
    parser.add_argument("--only", default=None, help="run only cases whose name contains this")
    parser.add_argument("--out", default=str(HERE / "results" / "layout-regression.md"))
    args = parser.parse_args()

    old_commit = subprocess.run(
        ["git", "-C", args.old, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    new_commit = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    old = load_package(args.old, "surveystats_old")
    new = load_package(HERE.parent, "surveystats_new")
    data = make_data(args.size)
    rows = []
    for name, count, call, floor, values in cases(data, args.size):
        if args.only and args.only not in name:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r_old, r_new = call(old), call(new)  # warm-up: lazy imports, first-call caches
            a = np.asarray(values(r_old), dtype=float)
            b = np.asarray(values(r_new), dtype=float)
            same_nan = np.array_equal(np.isnan(a), np.isnan(b))
            diff = float(np.nanmax(np.abs(a - b))) if a.size else 0.0
            funcs = [lambda call=call: call(old), lambda call=call: call(new)]
            if floor is not None:
                funcs.append(floor)
            slow = count < args.size  # the root-finding cases run on fewer rows
            repeat = max(5, args.repeat // 2) if slow else args.repeat
            times = interleaved(funcs, repeat, CLOCKS[args.clock])
        t_old, t_new = float(np.median(times[0])), float(np.median(times[1]))
        t_floor = float(np.median(times[2])) if floor is not None else None
        pair = times[1] / times[0]
        q1, med, q3 = np.percentile(pair, [25, 50, 75])
        fastest = times[1].min() / times[0].min()
        rows.append((name, count, t_old, t_new, med, q1, q3, fastest, t_floor, diff, same_nan))
        print(
            f"{name:50s} old {t_old * 1e3:9.2f} ms  new {t_new * 1e3:9.2f} ms  "
            f"new/old {med:.2f} [{q1:.2f}, {q3:.2f}] min/min {fastest:.2f}"
            + ("" if t_floor is None else f"  floor {t_floor * 1e3:.2f} ms")
            + f"  max diff {diff:.1e}{'' if same_nan else ' (NaN placement differs)'}",
            flush=True,
        )

    def ms(t):
        return "" if t is None else f"{t * 1e3:.1f}"

    def ratio(t, f):
        return "" if f is None else f"{t / f:.2f}"

    lines = [
        "# The core before and after the layout move (issue 10), side by side",
        "",
        f"`benchmarks/bench_layout.py --old <checkout of {old_commit}>` in a checkout of "
        f"{new_commit} (plus uncommitted work, if any); python "
        f"{platform.python_version()}, numpy {np.__version__}, {platform.machine()}. "
        f"{args.size:,} rows unless the row count says otherwise; {args.repeat} repeats "
        f"({max(5, args.repeat // 2)} for the cases on fewer rows); clock: {args.clock} "
        + (
            "(`time.process_time`, the process's CPU time: on a shared machine it leaves out the "
            "time spent waiting for a core)."
            if args.clock == "cpu"
            else "(`time.perf_counter`, elapsed time)."
        ),
        "",
        "Both packages are imported into one process (the old one under another module name) "
        "and called on the same arrays; the repeats are interleaved with the order rotating "
        "in each repeat, and `gc.collect()` runs (untimed) before every call.  'new / old' is "
        "the median over repeats of the ratio measured within one repeat, with its quartiles; "
        "'min / min' the ratio of the fastest runs (the least disturbed by the load); "
        "the floor is bare inline numpy with no validation.  'max diff': the largest absolute "
        "difference between old and new results (bounds, p-values).",
        "",
        "| case | rows | old ms | new ms | new / old | quartiles | min / min | old / floor "
        "| new / floor | max diff |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, count, t_old, t_new, med, q1, q3, fastest, t_floor, diff, same_nan in rows:
        lines.append(
            f"| {name} | {count:,} | {ms(t_old)} | {ms(t_new)} | {med:.2f} | "
            f"{q1:.2f}-{q3:.2f} | {fastest:.2f} | {ratio(t_old, t_floor)} | {ratio(t_new, t_floor)} | "
            f"{diff:.1e}{'' if same_nan else ' (NaN differ)'} |"
        )
    text = "\n".join(lines) + "\n"
    out = Path(args.out)
    if args.only is None:
        # Hand-written findings below the marker survive a re-run.
        kept = out.read_text().partition(NOTES)[2] if out.exists() else ""
        out.write_text(text + "\n" + NOTES + kept)
    print(text)


if __name__ == "__main__":
    main()
