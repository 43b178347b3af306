"""Cost of the pandas batch layer (issue 4), measured side by side in one run.

* ``compare_waves`` on 10^6 question-waves (200,000 questions x 5 waves, 800,000 changes)
  against the bare core call ``compare_proportions`` on the same pair arrays (the pandas
  overhead budget: at most 3x), and against a bare-numpy inline pooled z test (the floor);
* against a loop calling statsmodels per question (``proportions_ztest`` +
  ``confint_proportions_2indep(method="newcomb")`` per change, ``multipletests`` per
  question): a few thousand questions timed and extrapolated (target: at least 20x slower
  than ``compare_waves``);
* time and peak memory (tracemalloc, of the call alone) of ``compare_waves`` for 10^5,
  10^6 and 10^7 rows;
* ``compare_waves_csv`` on a 10^6-row CSV in chunks of 100,000 rows, against reading the
  whole file with pandas, each in its own process with ``/usr/bin/time -v`` (maximum
  resident set size);
* writing the output (issue #15.19): the candidate CSV writers on the 800,000 output rows
  of 10^6 question-waves, interleaved, and ``surveystats batch`` end to end with the old
  writer (pandas ``to_csv``) and the new one (``batch/_csvtext.py``) alternately.

Writes ``benchmarks/results/frame.md``.  Run: ``.venv/bin/python benchmarks/bench_frame.py``
(about 2 minutes on a quiet machine; ``--quick`` skips 10^7 rows; ``--writer`` runs only the
writing section and replaces it in the results file).
"""

from __future__ import annotations

import gc
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best, side_by_side

from surveystats.batch import _csvtext, compare_waves
from surveystats.compare import compare_proportions
from surveystats.multiple import adjust_pvalues

WAVES = 5
RESULTS = Path(__file__).parent / "results" / "frame.md"
WRITER_START, WRITER_END = (
    "<!-- writer section: bench_frame.py --writer -->",
    "<!-- end of writer section -->",
)


def make_table(n_rows, seed=0):
    """``n_rows`` question-waves: questions 'q0000000'... with WAVES yearly waves each."""
    rng = np.random.default_rng(seed)
    n_q = n_rows // WAVES
    labels = np.char.add("q", np.char.zfill(np.arange(n_q).astype(str), 7)).astype(object)
    return pd.DataFrame(
        {
            "question": np.repeat(labels, WAVES),
            "wave": np.tile(np.arange(2021, 2021 + WAVES), n_q),
            "p": np.round(rng.uniform(0.05, 0.95, n_q * WAVES), 3),
            "n": rng.integers(300, 3000, n_q * WAVES).astype(float),
        }
    )


def pair_arrays(frame):
    shape = (-1, WAVES)
    p = frame["p"].to_numpy().reshape(shape)
    n = frame["n"].to_numpy().reshape(shape)
    return (p[:, :-1].ravel(), n[:, :-1].ravel(), p[:, 1:].ravel(), n[:, 1:].ravel())


def numpy_floor(p1, n1, p2, n2):
    """Inline pooled z test: the least any tool must compute per change."""
    from scipy.special import ndtr

    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p2 - p1) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * ndtr(-np.abs(z))


def statsmodels_loop(frame):
    """Per question: pooled z test and Newcombe interval of each change; then Holm over all
    p-values in one call (the family of ``compare_waves``; statsmodels' ``multipletests``
    runs ``gc.collect()`` for Holm, so one call per question would be unfairly slow)."""
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    pvalues = []
    for _, rows in frame.groupby("question", sort=False):
        rows = rows.sort_values("wave")
        x = np.round(rows["p"].to_numpy() * rows["n"].to_numpy())
        n = rows["n"].to_numpy()
        for i in range(1, len(rows)):
            pvalues.append(proportions_ztest([x[i], x[i - 1]], [n[i], n[i - 1]])[1])
            confint_proportions_2indep(x[i], n[i], x[i - 1], n[i - 1], method="newcomb")
    multipletests(pvalues, method="holm")


def traced_peak(fn):
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return peak


def max_rss(code):
    """Run ``code`` in a fresh interpreter under /usr/bin/time -v: (seconds, MiB)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return seconds, kib / 1024


# ---------------------------------------------------------------------------- writing the output
def numpy_writer(part, handle):
    """Candidate: every cell as text with numpy (floats by ``astype(str)``, numpy's repr,
    which is what pandas writes), then one ``str.join`` over cells and separators instead of
    pandas' row loop through the csv module.  Same bytes as ``to_csv`` for the columns of
    ``compare_waves``; text cells quoted as the csv module would."""
    cells = np.empty((len(part), 2 * part.shape[1]), dtype=object)
    cells[:, 1::2] = ","
    cells[:, -1] = "\n"
    for i, name in enumerate(part.columns):
        column = part[name]
        missing = column.isna().to_numpy()
        if column.dtype == np.float64:
            text = column.to_numpy().astype(str).astype(object)
        elif pd.api.types.is_bool_dtype(column.dtype):
            text = np.where(column.to_numpy(dtype=bool, na_value=False), "True", "False")
            text = text.astype(object)
        elif pd.api.types.is_integer_dtype(column.dtype):
            text = column.to_numpy(dtype=np.int64, na_value=0).astype(str).astype(object)
        else:
            text = column.to_numpy(dtype=object, na_value="").astype(str).astype(object)
            quote = pd.Series(text).str.contains('[,"\n]').to_numpy()
            text[quote] = ['"' + t.replace('"', '""') + '"' for t in text[quote]]
        text[missing] = ""
        cells[:, 2 * i] = text
    handle.write("".join(cells.ravel().tolist()))


def arrow_csv_writer(part, handle):
    """Reference, not a candidate: ``pyarrow.csv.write_csv`` writes other text (every text
    cell quoted, ``1`` for ``1.0``, ``1e-7``, ``true``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sink = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False)
    pacsv.write_csv(pa.Table.from_pandas(part, preserve_index=False), sink, options)
    handle.write(sink.getvalue().decode())


WRITERS = {
    "pandas `to_csv` (the old writer)": lambda part, h: part.to_csv(h, header=False, index=False),
    "pandas `to_csv(chunksize=10_000)`": lambda part, h: part.to_csv(
        h, header=False, index=False, chunksize=10_000
    ),
    "pandas `to_csv(float_format='%.17g')` (other text: 17 digits, not shortest)": lambda part, h: (
        part.to_csv(h, header=False, index=False, float_format="%.17g")
    ),
    "numpy: cells by `astype(str)`, one `str.join`": numpy_writer,
    "`pyarrow.csv.write_csv` (other text, for reference)": arrow_csv_writer,
    "**`_csvtext.write_rows`** (pyarrow string kernels, Python's layout restored)": lambda part, h: (
        _csvtext.write_rows(h, part)
    ),
}


def writer_section(repeat=3):
    """The candidate writers on the output of 10^6 question-waves, and the CLI end to end."""
    frame = make_table(1_000_000)
    output = compare_waves(frame)
    del frame
    parts = np.array_split(np.arange(len(output)), 5)  # as chunks of 200,000 input rows
    parts = [output.iloc[rows[0] : rows[-1] + 1] for rows in parts]
    reference = io.StringIO()
    for part in parts:
        part.to_csv(reference, header=False, index=False)
    reference = reference.getvalue()

    def run(writer):
        def call():
            with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as handle:
                for part in parts:
                    writer(part, handle)
                handle.seek(0)
                return handle.read() == reference

        return call

    assert _csvtext.arrow_writes_as_pandas()
    timed = side_by_side([run(w) for w in WRITERS.values()], repeat, collect=True, stat=min)
    base = timed[0][0]
    lines = [
        WRITER_START,
        "## Writing the output CSV (issue #15.19)",
        "",
        f"The {len(output):,} output rows of `compare_waves` on 10^6 question-waves (8 float "
        "columns, question text, two whole-number waves, a nullable boolean, the problem "
        "text), written in 5 parts to a temporary file.  Best of "
        f"{repeat}, the candidates interleaved (machine shared with other jobs: compare the "
        "ratios, not the seconds).  'same bytes': the file equals the one `to_csv` writes.",
        "",
        "| writer | seconds | ratio to `to_csv` | same bytes |",
        "| --- | ---: | ---: | :---: |",
    ]
    for name, (seconds, same) in zip(WRITERS, timed, strict=True):
        lines.append(
            f"| {name} | {seconds:.2f} | {seconds / base:.2f} | {'yes' if same else 'no'} |"
        )
        print(lines[-1], flush=True)
    lines += ["", *cli_end_to_end(), WRITER_END]
    return lines


def cli_end_to_end(rounds=3):
    """``surveystats batch`` on a 10^6-row CSV, old writer and new alternately, fresh processes."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "waves.csv"
        make_table(1_000_000).to_csv(source, index=False)
        run_cli = (
            "import sys\nfrom surveystats.cli.main import main\n"
            f"sys.exit(main(['batch', {str(source)!r}, '-o', sys.argv[1]]))"
        )
        old = "from surveystats.batch import _csvtext\n_csvtext._have_pyarrow = lambda: False\n"
        outs = {"old": Path(tmp) / "old.csv", "new": Path(tmp) / "new.csv"}
        times = {"old": [], "new": []}
        for _ in range(rounds):
            for which, code in (("old", old + run_cli), ("new", run_cli)):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", code, str(outs[which])], check=True,
                               capture_output=True)  # fmt: skip
                times[which].append(time.perf_counter() - start)
        same = outs["old"].read_bytes() == outs["new"].read_bytes()
    old_s, new_s = min(times["old"]), min(times["new"])
    shown = {k: ", ".join(f"{t:.1f}" for t in v) for k, v in times.items()}
    rows = [
        "`surveystats batch waves.csv -o out.csv` on the 10^6-row CSV (chunks of 200,000, Holm "
        f"over the file), in fresh processes, old and new writer alternately, {rounds} rounds:",
        "",
        "| writer | runs (s) | best (s) | ratio |",
        "| --- | --- | ---: | ---: |",
        f"| old: pandas `to_csv` | {shown['old']} | {old_s:.1f} | 1.00 |",
        f"| new: `_csvtext.write_rows` | {shown['new']} | {new_s:.1f} | **{new_s / old_s:.2f}** |",
        "",
        f"Output files byte-identical: {'yes' if same else 'NO'}.",
        "",
    ]
    print("\n".join(rows), flush=True)
    return rows


def replace_writer_section(lines):
    """Put the writer section into the results file in place of the one there (or at its end)."""
    text = RESULTS.read_text() if RESULTS.exists() else ""
    block = "\n".join(lines)
    if WRITER_START in text and WRITER_END in text:
        head, rest = text.split(WRITER_START, 1)
        text = head + block + rest.split(WRITER_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main(quick=False):
    lines = [
        "# Batch layer: compare_waves and compare_waves_csv",
        "",
        f"Machine: {os.cpu_count()} CPUs; numpy {np.__version__}, pandas {pd.__version__}.",
        "Run: `.venv/bin/python benchmarks/bench_frame.py`.",
        "",
    ]

    # -- 10^6 question-waves: frame vs core vs numpy floor vs statsmodels loop --------------
    frame = make_table(1_000_000)
    pairs = pair_arrays(frame)
    compare_waves(frame.iloc[:1000])  # warm up imports
    # best of 3 each, the runs interleaved so that load on the machine hits all alike
    (t_floor, _), (t_core, _), (t_work, _), (t_frame, _) = side_by_side(
        [
            lambda: numpy_floor(*pairs),
            lambda: compare_proportions(*pairs),
            lambda: adjust_pvalues(compare_proportions(*pairs).pvalue, method="holm"),
            lambda: compare_waves(frame),
        ],
        3,
        collect=True,
        stat=min,
    )
    sample_q = 500
    t_sm_sample, _ = best(
        lambda: statsmodels_loop(frame.iloc[: sample_q * WAVES]), repeat=1, collect=True
    )
    t_sm = t_sm_sample * (len(frame) // WAVES) / sample_q
    lines += [
        "## 10^6 question-waves (200,000 questions x 5 waves = 800,000 changes)",
        "",
        "| what | seconds | ratio to core call |",
        "| --- | ---: | ---: |",
        f"| bare-numpy inline pooled z test (floor, p-values only) | {t_floor:.3f} | {t_floor / t_core:.2f} |",
        f"| `compare_proportions` on the pair arrays (core call: Newcombe CI + pooled z) | {t_core:.3f} | 1.00 |",
        f"| the same plus `adjust_pvalues(..., 'holm')` over all changes (the core work of the frame call) | {t_work:.3f} | {t_work / t_core:.2f} |",
        f"| `compare_waves(frame)` (checks, pairing, core call, Holm over all, output frame; best of 3) | {t_frame:.3f} | **{t_frame / t_core:.2f}** (target <= 3); {t_frame / t_work:.2f} to the core work |",
        f"| statsmodels loop per question, {sample_q:,} questions timed ({t_sm_sample:.2f} s), extrapolated | {t_sm:.0f} | {t_sm / t_core:.0f} |",
        "",
        f"`compare_waves` is **{t_sm / t_frame:.0f}x** faster than the statsmodels loop "
        "(target >= 20x).",
        "",
        "Since the ratio, odds ratio and Cohen's h of `compare_proportions` are computed on "
        "first access (`compare_waves` does not read them), the core call is about 12x faster "
        "than when this target was set (0.775 s recorded before), and `compare_waves` about "
        "4x (1.143 s before); the pandas part (factorizing question labels, pairing, the "
        "output frame) and Holm's sort are now most of its time.",
        "",
    ]
    print("\n".join(lines[-10:]), flush=True)
    del frame, pairs
    gc.collect()

    # -- growth -------------------------------------------------------------------------
    sizes = [100_000, 1_000_000] + ([] if quick else [10_000_000])
    lines += [
        "## Growth",
        "",
        "Time and peak memory of the `compare_waves` call alone (tracemalloc, input "
        "table excluded).  Time: best of 3 at 10^5, the best of 3 above at 10^6, and "
        "the one traced run at 10^7 (tracemalloc adds little to numpy-heavy code).",
        "",
        "| rows | changes | seconds | peak memory (MiB) | bytes per row |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        frame = make_table(size)
        start = time.perf_counter()
        peak = traced_peak(lambda: compare_waves(frame))
        traced_seconds = time.perf_counter() - start
        if size == 100_000:
            seconds, _ = best(lambda: compare_waves(frame), collect=True)
        else:
            seconds = t_frame if size == 1_000_000 else traced_seconds
        row = (
            f"| {size:,} | {size // WAVES * (WAVES - 1):,} | {seconds:.2f} | "
            f"{peak / 2**20:,.0f} | {peak / size:.0f} |"
        )
        lines.append(row)
        print(row, flush=True)
        del frame
        gc.collect()
    if quick:
        lines.append("| 10,000,000 | | (skipped with --quick) | | |")
    lines.append("")

    # -- CSV in chunks ------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "waves.csv"
        make_table(1_000_000).to_csv(source, index=False)
        size_mb = source.stat().st_size / 2**20
        out = Path(tmp) / "out.csv"
        imports = "import pandas, surveystats.batch, surveystats.compare, surveystats.multiple"
        streamed = (
            f"{imports}\nfrom surveystats.batch import compare_waves_csv\n"
            f"compare_waves_csv({str(source)!r}, {str(out)!r}, chunksize=100_000)"
        )
        whole = (
            f"{imports}\nfrom surveystats.batch import compare_waves\n"
            f"compare_waves(pandas.read_csv({str(source)!r}, dtype={{'question': str}}))"
            f".to_csv({str(out)!r}, index=False)"
        )
        runs = {
            "import floor (pandas + surveystats.batch)": imports,
            "`compare_waves_csv`, chunks of 100,000 rows, two passes (Holm over the file)": streamed,
            "whole file: `pd.read_csv` + `compare_waves` + `to_csv`": whole,
        }
        lines += [
            f"## A 10^6-row CSV ({size_mb:.0f} MiB) in chunks",
            "",
            "Each in a fresh process under `/usr/bin/time -v`.",
            "",
            "| run | seconds | max RSS (MiB) |",
            "| --- | ---: | ---: |",
        ]
        for name, code in runs.items():
            seconds, rss = max_rss(code)
            row = f"| {name} | {seconds:.2f} | {rss:,.0f} |"
            lines.append(row)
            print(row, flush=True)
        lines.append("")
    lines += [
        "Memory of `compare_waves_csv` grows with the chunk size, not the file, apart "
        "from 8 bytes per change (the p-values kept for the adjustment over the whole "
        "file) and 8 bytes per question (the contiguity check).  Streaming and "
        "the whole-file run take about the same time: it goes into parsing and "
        "writing text (results are written unrounded), not into the two passes.",
        "",
    ]
    lines += writer_section()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    if "--writer" in sys.argv:
        replace_writer_section(writer_section())
        print(f"wrote the writer section of {RESULTS}")
    else:
        main(quick="--quick" in sys.argv)
