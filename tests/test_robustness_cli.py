"""Robustness of the command line and the CSV writers (issue #15, "Prove it").

* a fuzz over every subcommand: whatever the arguments, the exit status is 0, 1, 2 or 130,
  an error is one line on stderr, and nothing prints a traceback (exit 70 would be a bug);
* every CSV writer (``surveystats batch`` / ``compare_waves_csv`` and ``--csv``) neutralises
  text cells that a spreadsheet would run as formulas;
* atomic output: a run killed midway (SIGKILL, or Ctrl-C) leaves an existing output file
  exactly as it was.
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
from cli_runner import EXE, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveystats.batch import compare_waves_csv
from surveystats.cli._format import to_csv
from surveystats.cli.main import build_parser

ALLOWED_EXIT = {0, 1, 2, 130}
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def _options(name):
    return sorted(
        option
        for action in _subcommands()[name]._actions
        for option in action.option_strings
        if option not in ("-h", "--help", "--debug")
    )


def assert_well_behaved(proc, argv):
    assert proc.returncode in ALLOWED_EXIT, (argv, proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, (argv, proc.stderr)
    if proc.returncode == 2:
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, (argv, proc.stderr)
        assert lines[0].startswith("surveystats: error:"), (argv, proc.stderr)


# ------------------------------------------------------------------------ CLI fuzz
VALUES = st.one_of(
    st.sampled_from(
        [
            "19.4%",
            "0.194",
            "194/1000",
            "1,000",
            "1000",
            "1e3",
            "1e-9",
            "1e400",
            "0",
            "-1",
            "-5%",
            "140%",
            "100%",
            "0%",
            "19.4",
            "3pp",
            "95",
            "99.99999",
            "0.95",
            "nan",
            "inf",
            "-inf",
            "",
            " ",
            "abc",
            "½",
            "１９%",
            "19,4%",
            "0/0",
            "5/0",
            "7/3",
            "1/1e9",
            "--",
            "-",
            "−7%",
            "1_000",
            "0x10",
            "=1+1",
            "\x00",
            "10" * 40,
            "3 points",
            "2.5pt",
        ]  # fmt: skip
    ),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
)


@st.composite
def command_lines(draw, names=None):
    name = draw(st.sampled_from(names or sorted(set(_subcommands()) - {"batch", "annotate"})))
    options = _options(name) + ["--bogus", "-x"]
    tokens = draw(st.lists(st.one_of(VALUES, st.sampled_from(options)), max_size=7))
    return [name, *tokens]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_lines())
def test_fuzz_every_figure_command(argv):
    assert_well_behaved(run(*argv), argv)


CELLS = st.one_of(
    st.sampled_from(["0.5", "0.41", "56.9", "1.4", "-0.1", "", "nan", "abc", "1000", "0", "=1+1"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet='ab,"\n\r\t=+-@1.é\x00', max_size=6),
)


@st.composite
def csv_files(draw):
    header = draw(
        st.one_of(
            st.just(["question", "wave", "p", "n"]),
            st.lists(st.sampled_from(["question", "wave", "p", "n", "year", "", "p"]), max_size=6),
        )
    )
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    csv_files(),
    st.lists(
        st.sampled_from(
            [
                "--scale",
                "percent",
                "proportion",
                "--chunksize",
                "1",
                "0",
                "2",
                "--wave",
                "year",
                "--adjust",
                "none",
                "bh",
                "nope",
                "--method",
                "wald",
                "--encoding",
                "latin-1",
                "utf-16",
                "--confidence",
                "90",
                "--no-escape-formulas",
            ]
        ),  # fmt: skip
        max_size=4,
    ),
    st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
def test_fuzz_batch(tmp_path_factory, text, options, encoding):
    path = tmp_path_factory.mktemp("fuzz") / "in.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    argv = ["batch", str(path), "-o", "-", *options]
    assert_well_behaved(run(*argv), argv)
    argv = ["batch", "-", "-o", "-", *options]
    assert_well_behaved(run(*argv, stdin=text.encode(encoding, errors="replace")), argv)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.sampled_from(list("0123456789%., poll of adults n=\n")), max_size=80),
    st.lists(
        st.sampled_from(["--n", "1000", "0", "--format", "html", "--json", "--deff", "x"]),
        max_size=3,
    ),
)
def test_fuzz_annotate(text, options):
    argv = ["annotate", "-", *options]
    assert_well_behaved(run(*argv, stdin=text), argv)


# ------------------------------------------------------------------------ formula cells
def _inert(cell):
    return not FORMULA.match(cell) or bool(NUMBER.match(cell))


HOSTILE_TEXT = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "", "'", "-1", "+1"]),
    st.text(alphabet='ab1(),"=+-@!|', max_size=10),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(HOSTILE_TEXT.filter(bool), min_size=1, max_size=4, unique=True),  # '' is missing
    st.sampled_from([1, 3, 50]),
)
def test_batch_output_cells_are_inert(labels, chunksize):
    buffer = io.StringIO()
    # quoted text: neither pandas nor the csv module quotes a lone carriage return
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(["question", "wave", "p", "n"])
    writer.writerows([q, w, 0.5 - 0.01 * w, 500] for q in labels for w in (1, 2))
    source = io.StringIO(buffer.getvalue())
    out = io.StringIO()
    compare_waves_csv(source, out, chunksize=chunksize)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
    assert all(_inert(cell) for cell in cells), [c for c in cells if not _inert(c)]
    # nothing lost: each label comes back, as is where inert, else behind one quote
    questions = [row[0] for row in list(csv.reader(io.StringIO(out.getvalue())))[1:]]
    assert questions == [q if _inert(q) else "'" + q for q in labels]


@given(st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, min_size=1, max_size=4))
def test_cli_csv_cells_are_inert(record):
    cells = [cell for row in csv.reader(io.StringIO(to_csv([record]))) for cell in row]
    assert all(_inert(cell) for cell in cells)
    raw = [cell for row in csv.reader(io.StringIO(to_csv([record], False))) for cell in row]
    assert raw == [*record, *record.values()]


def test_cli_csv_option_turns_escaping_off(monkeypatch):
    import surveystats as ss

    real = ss.proportion_ci

    class Hostile:
        def __init__(self, r):
            self.r = r

        def __getattr__(self, name):
            return getattr(self.r, name)

        def to_dict(self):
            return dict(self.r.to_dict(), method="=HYPERLINK(1)")

    monkeypatch.setattr(ss, "proportion_ci", lambda *a, **k: Hostile(real(*a, **k)))
    escaped = next(csv.DictReader(io.StringIO(run("ci", "19.4%", "--n", "1000", "--csv").stdout)))
    assert escaped["method"] == "'=HYPERLINK(1)"
    raw = run("ci", "19.4%", "--n", "1000", "--csv", "--no-escape-formulas").stdout
    assert next(csv.DictReader(io.StringIO(raw)))["method"] == "=HYPERLINK(1)"


# ------------------------------------------------------------------------ killed midway
@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """About 400,000 rows: a few seconds of work, so a run can be stopped midway."""
    rng = np.random.default_rng(7)
    questions, waves = 100_000, 4
    frame = pd.DataFrame(
        {
            "question": np.repeat(np.char.add("q", np.arange(questions).astype(str)), waves),
            "wave": np.tile(np.arange(2020, 2020 + waves), questions),
            "p": rng.uniform(0.05, 0.95, questions * waves).round(3),
            "n": rng.integers(100, 3000, questions * waves),
        }
    )
    path = tmp_path_factory.mktemp("big") / "waves.csv"
    frame.to_csv(path, index=False)
    return path


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_and_stop(source, target, sig):
    """Start `surveystats batch`, wait until its temporary output holds some rows, signal it."""
    if not EXE.exists():
        pytest.skip("the console script is not installed beside this Python")
    proc = subprocess.Popen(
        [
            str(EXE),
            "batch",
            str(source),
            "-o",
            str(target),
            "--adjust",
            "none",
            "--chunksize",
            "5000",
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A signal ignored in this test process (some libraries ignore SIGINT in their
        # workers) would be inherited as ignored through exec; the run must see Ctrl-C.
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    partial = []
    while time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]
        if partial and partial[0].stat().st_size > 50_000:
            break
        time.sleep(0.01)
    assert proc.poll() is None and partial, "the run ended before it could be stopped"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def test_a_killed_run_leaves_the_existing_file_alone(big_file, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    code, _ = _start_and_stop(big_file, target, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert target.read_text() == "precious\n"  # was: 0 bytes or a truncated file


def test_ctrl_c_midway_exits_130_and_cleans_up(big_file, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    code, err = _start_and_stop(big_file, target, signal.SIGINT)
    assert code == 130 and err.strip().splitlines()[-1] == "surveystats: interrupted", (code, err)
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary left


def test_the_finished_run_replaces_the_file(big_file, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    proc = run("batch", big_file, "-o", target, "--adjust", "none", "--chunksize", "50000")
    assert proc.returncode == 0, proc.stderr
    with open(target) as handle:
        assert handle.readline().startswith("question,wave_from")
    assert os.path.getsize(target) > 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
