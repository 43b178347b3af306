"""Start-up cost of the command line (issue 5).

Wall time, median of several runs, measured side by side in one run:

* ``surveystats change 48.7% 41.1% --n 1000`` (the installed console script);
* ``python -c "import numpy, scipy.special"`` — the import floor every numpy/scipy tool pays;
* the same check as a one-line Python script with statsmodels
  (``test_proportions_2indep`` and ``confint_proportions_2indep``).

Targets: at least 3x faster than the statsmodels script and at most 1.3x the import floor.
Writes ``benchmarks/results/cli.md``.  Run: ``.venv/bin/python benchmarks/bench_cli.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
PY = sys.executable
EXE = str(Path(PY).with_name("surveystats"))

STATSMODELS = (
    "from statsmodels.stats.proportion import test_proportions_2indep, "
    "confint_proportions_2indep; "
    "t = test_proportions_2indep(487, 1000, 411, 1000, method='score', compare='diff'); "
    "ci = confint_proportions_2indep(411, 1000, 487, 1000, method='newcomb', compare='diff'); "
    "print(t.pvalue, ci)"
)

COMMANDS = {
    "import floor: python -c 'import numpy, scipy.special'": [
        PY,
        "-c",
        "import numpy, scipy.special",
    ],
    "surveystats change 48.7% 41.1% --n 1000": [EXE, "change", "48.7%", "41.1%", "--n", "1000"],
    "surveystats ci 19.4% --n 1000": [EXE, "ci", "19.4%", "--n", "1000"],
    "statsmodels one-line script (same check)": [PY, "-c", STATSMODELS],
}


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    # A regular `pip install` writes bytecode; an editable install in an environment with
    # PYTHONDONTWRITEBYTECODE=1 (this sandbox) would recompile every module on every start,
    # which measures the compiler, not the command.  Compile once, as pip would.
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "surveystats"), quiet=1)
    for cmd in COMMANDS.values():  # warm the file cache
        wall(cmd)
    times = {name: [] for name in COMMANDS}
    for _ in range(RUNS):  # interleave so drift hits every command alike
        for name, cmd in COMMANDS.items():
            times[name].append(wall(cmd))
    medians = {name: statistics.median(t) for name, t in times.items()}
    floor = medians["import floor: python -c 'import numpy, scipy.special'"]
    change = medians["surveystats change 48.7% 41.1% --n 1000"]
    peer = medians["statsmodels one-line script (same check)"]
    lines = [
        "# Command-line start-up",
        "",
        f"Median wall time of {RUNS} interleaved runs, Python {sys.version.split()[0]}, "
        "bytecode compiled (as after `pip install`).",
        "",
        "| command | median ms | x import floor |",
        "| --- | ---: | ---: |",
    ]
    for name, m in medians.items():
        lines.append(f"| {name} | {1000 * m:.0f} | {m / floor:.2f} |")
    lines += [
        "",
        f"- `surveystats change` vs import floor: **{change / floor:.2f}x** (target <= 1.3x)",
        f"- statsmodels script vs `surveystats change`: **{peer / change:.1f}x slower** "
        "(target >= 3x)",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).with_name("results") / "cli.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
