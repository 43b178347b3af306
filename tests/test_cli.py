"""The ``surveystats`` command, run in-process through ``main(argv)``.

Most tests call :func:`surveystats.cli.main.main` with its streams captured (fast, and counted
by coverage); ``test_smoke_*`` runs each subcommand once as the installed console script in a
subprocess, so the entry point itself is tested too.

Expected numbers come from the library functions themselves (the CLI holds no statistics and
must print exactly what the library computes); the library is checked against R elsewhere.
"""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import EXE, assert_one_line_error, run, run_process  # noqa: E402

import surveystats as ss
from surveystats.cli.main import build_parser


def ok(*args):
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# ------------------------------------------------------------------------ ci
def test_ci_human_answer_first():
    out = ok("ci", "19.4%", "--n", "1000")
    r = ss.proportion_ci(0.194, 1000)
    first = out.splitlines()[0]
    assert first.startswith("19.4% ± 2.4 points")
    assert f"{100 * r.low:.1f}% to {100 * r.high:.1f}%" in first
    assert "n = 1,000" in first


@pytest.mark.parametrize("typed", ["19.4%", "0.194", "194/1000"])
def test_ci_input_forms_agree(typed):
    extra = [] if "/" in typed else ["--n", "1000"]
    record = json.loads(ok("ci", typed, *extra, "--json"))
    r = ss.proportion_ci(0.194, 1000)
    assert record["low"] == pytest.approx(r.low, rel=1e-12)
    assert record["high"] == pytest.approx(r.high, rel=1e-12)


def test_ci_json_has_library_fields_and_keywords_map():
    record = json.loads(
        ok(
            "ci",
            "31.1%",
            "--n",
            "1,000",
            "--json",
            "--deff",
            "1.5",
            "--method",
            "clopper-pearson",
            "--confidence",
            "90",
            "--population",
            "20000",
        )
    )
    r = ss.proportion_ci(
        0.311, 1000, deff=1.5, method="clopper-pearson", confidence_level=0.90, population=20000
    )
    assert set(record) == set(r.to_dict())
    for key in ("estimate", "low", "high", "moe", "n_effective"):
        assert record[key] == pytest.approx(getattr(r, key), rel=1e-12)
    assert record["method"] == "clopper-pearson"


def test_ci_csv_several_figures():
    rows = list(csv.DictReader(io.StringIO(ok("ci", "31.1%", "19.4%", "--n", "1000", "--csv"))))
    assert [float(r["estimate"]) for r in rows] == [0.311, 0.194]
    assert float(rows[1]["moe"]) == pytest.approx(ss.proportion_ci(0.194, 1000).moe, rel=1e-12)


def test_python_dash_m_works():
    proc = subprocess.run(
        [sys.executable, "-m", "surveystats", "ci", "19.4%", "--n", "1000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("19.4%")


# ------------------------------------------------------------------------ change / lead / trend
def test_change_verdict_and_numbers():
    proc = run("change", "48.7%", "41.1%", "--n", "1000")
    assert proc.returncode == 0, proc.stderr
    r = ss.compare_proportions(0.487, 1000, 0.411, 1000)
    first = proc.stdout.splitlines()[0]
    assert first.startswith("a real change: −7.6 points, 95% CI ")
    assert f"{100 * r.low:.1f}".replace("-", "−") in first
    assert f"{100 * r.high:.1f}".replace("-", "−") in first


def test_change_check_exit_status():
    assert run("change", "48.7%", "41.1%", "--n", "1000", "--check").returncode == 0
    assert run("change", "48.7%", "47.9%", "--n", "1000", "--check").returncode == 1


def test_change_second_n_and_json():
    record = json.loads(
        ok(
            "change",
            "56.9%",
            "41.1%",
            "--n",
            "1000",
            "--n2",
            "800",
            "--json",
            "--method",
            "miettinen-nurminen",
            "--test",
            "fisher",
        )
    )
    r = ss.compare_proportions(0.569, 1000, 0.411, 800, method="miettinen-nurminen", test="fisher")
    assert set(record) >= {"estimate", "low", "high", "statistic", "pvalue", "significant"}
    assert record["n2"] == 800
    for key in ("estimate", "low", "high", "pvalue"):
        assert record[key] == pytest.approx(getattr(r, key), rel=1e-12)


def test_lead_within_poll():
    out = ok("lead", "31.1%", "19.4%", "--n", "1000")
    r = ss.compare_shares(0.311, 0.194, 1000)
    assert out.startswith("a real lead for the first answer: 31.1% vs 19.4%, a gap of +11.7")
    assert f"{-100 * r.high:.1f}" in out.splitlines()[0]
    assert run("lead", "48%", "46%", "--n", "1000", "--check").returncode == 1
    assert "about even" in ok("lead", "48%", "46%", "--n", "1000")


def test_trend_three_waves():
    record = json.loads(ok("trend", "56.9%", "48.7%", "41.1%", "--n", "1000", "--json"))
    r = ss.trend_test([0.569, 0.487, 0.411], [1000, 1000, 1000])
    assert record["pvalue"] == pytest.approx(r.pvalue, rel=1e-12)
    assert record["statistic"] == pytest.approx(r.statistic, rel=1e-12)
    assert ok("trend", "56.9%", "48.7%", "41.1%", "--n", "1000").startswith("a real trend")
    assert run("trend", "56.9%", "48.7%", "41.1%", "--n", "1000", "--check").returncode == 0


def test_trend_per_wave_n_count_mismatch():
    assert_one_line_error(run("trend", "56%", "48%", "41%", "--n", "1000", "900"), "--n")


# ------------------------------------------------------------------------ sizes and power
def test_sample_size():
    assert ok("sample-size", "--moe", "3pp").startswith("1,068 respondents")
    record = json.loads(
        ok("sample-size", "--moe", "2.5%", "--deff", "1.5", "--json", "--population", "50000")
    )
    assert record["n"] == ss.sample_size(0.025, deff=1.5, population=50000)


def test_power_three_modes():
    r = ss.power_two_proportions(0.487, 0.411, 1000)
    assert json.loads(ok("power", "48.7%", "41.1%", "--n", "1000", "--json"))[
        "power"
    ] == pytest.approx(r.power, rel=1e-12)
    s = ss.sample_size_two_proportions(0.487, 0.45, power=0.8)
    assert ok("power", "48.7%", "45%").startswith(f"{int(s.n_required):,} respondents")
    d = ss.detectable_change(0.487, 1000)
    out = ok("power", "48.7%", "--n", "1000")
    assert f"{100 * d.decrease:.1f}" in out and f"{100 * d.increase:.1f}" in out


# ------------------------------------------------------------------------ batch
WAVES = (
    "question,wave,p,n\n"
    "nato_unacceptable,2023,0.569,1000\nnato_unacceptable,2024,0.487,1000\n"
    "nato_unacceptable,2025,0.411,1000\nother,2024,0.30,800\nother,2025,0.33,800\n"
)


def test_batch_file_to_file_equals_library(tmp_path):
    import pandas as pd

    source, target = tmp_path / "waves.csv", tmp_path / "changes.csv"
    source.write_text(WAVES)
    proc = run("batch", source, "-o", target)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stderr
    got = pd.read_csv(target)
    expected = ss.compare_waves(pd.read_csv(io.StringIO(WAVES)))
    assert list(got.columns) == list(expected.columns)
    for col in ("change", "low", "high", "pvalue", "pvalue_adjusted"):
        assert got[col].to_numpy() == pytest.approx(expected[col].to_numpy(), rel=1e-12)


def test_batch_to_stdout_percent_scale_and_bad_value_row(tmp_path):
    source = tmp_path / "pct.csv"
    source.write_text("question,wave,p,n\nq,1,56.9,1000\nq,2,48.7,1000\nq,3,abc,1000\n")
    assert_one_line_error(run("batch", source, "-o", "-"), "percent")
    proc = run("batch", source, "-o", "-", "--scale", "percent")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 2
    r = ss.compare_proportions(0.569, 1000, 0.487, 1000)
    assert float(rows[0]["change"]) == pytest.approx(r.estimate, rel=1e-12)
    assert "'abc' is not a number" in rows[1]["problem"] and rows[1]["change"] == ""


def test_batch_malformed_row_names_its_line(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("question,wave,p,n\nq,1,0.5,1000\nq,2,0.4,1000,oops\n")
    assert_one_line_error(run("batch", source, "-o", "-"), "line 3")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_one_line_error(run("batch", empty, "-o", "-"), "empty")


# ------------------------------------------------------------------------ demo
def test_demo_runs_main_job():
    out = ok("demo")
    assert "19.4%" in out and "31.1%" in out and "Lead within the poll" in out
    assert "2024 → 2025" in out and "trend" in out and "adjusted" in out.lower()
    data = json.loads(ok("demo", "--json"))
    assert len(data["figures"]) == 5 and len(data["changes"]) == 3


# ------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "args, needles",
    [
        (["ci", "19.4", "--n", "1000"], ["19.4%", "0.194"]),
        (["ci", "140%", "--n", "1000"], ["140%"]),
        (["ci", "19.4%", "--n", "0"], ["--n"]),
        (["ci", "19.4%"], ["--n"]),
        (["ci", "", "--n", "1000"], ["empty"]),
        (["ci", "abc", "--n", "1000"], ["abc"]),
        (["ci", "19.4%", "--n", "1000", "--bogus"], ["--bogus"]),
        (["ci", "19.4%", "--n", "1000", "--method", "exact"], ["wilson"]),
        (["ci", "19.4%", "--n", "1000", "--confidence", "120"], ["--confidence"]),
        (["change", "48.7%", "41.1%", "--n", "1000", "--method", "nope"], ["newcombe"]),
        (["change", "48.7%"], ["second"]),
        (["lead", "60%", "50%", "--n", "1000"], []),
        (["sample-size", "--moe", "3"], ["3pp"]),
        (["batch", "does-not-exist.csv", "-o", "-"], ["does-not-exist.csv"]),
        (["annotate", "does-not-exist.txt"], ["does-not-exist.txt"]),
        (["nonsense"], ["nonsense"]),
    ],
)
def test_errors_are_one_line_exit_2(args, needles):
    assert_one_line_error(run(*args), *needles)


def test_debug_shows_traceback():
    proc = run_process("--debug", "ci", "19.4", "--n", "1000")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_no_command_prints_help_and_exits_2():
    proc = run()
    assert proc.returncode == 2 and "usage:" in proc.stdout


# ------------------------------------------------------------------------ help and start-up
def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def test_every_subcommand_has_help_with_example():
    expected = {
        "ci",
        "change",
        "lead",
        "trend",
        "sample-size",
        "power",
        "batch",
        "annotate",
        "demo",
    }
    assert set(_subcommands()) >= expected
    for name in _subcommands():
        proc = run(name, "--help")
        assert proc.returncode == 0
        assert "examples:" in proc.stdout and f"surveystats {name}" in proc.stdout


def test_every_subcommand_is_in_readme():
    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.exists():
        pytest.skip("README not beside the tests (installed elsewhere)")
    text = readme.read_text(encoding="utf-8")
    for name in _subcommands():
        assert f"surveystats {name}" in text, name


def test_one_figure_command_imports_no_pandas():
    code = (
        "import sys; from surveystats.cli.main import main; main(['ci', '19.4%', '--n', '1000']);"
        "bad = [m for m in ('pandas', 'statsmodels', 'matplotlib', 'scipy.stats',"
        " 'scipy.optimize', 'dask') if m in sys.modules]; print('LOADED', bad)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().endswith("LOADED []"), proc.stdout + proc.stderr


# ------------------------------------------------------------------------ one subprocess each
# R's apiclus1 (shipped with the package), as the file the design command reads
DESIGN_FILE = str(Path(ss.__file__).resolve().parent / "data" / "apiclus1.csv")
WEIGHTING = Path(__file__).resolve().parent / "reference" / "weighting"
SMOKE = [
    (["ci", "19.4%", "--n", "1000"], None, "19.4% ± 2.4 points"),
    (["change", "48.7%", "41.1%", "--n", "1000"], None, "a real change: −7.6 points"),
    (["lead", "31.1%", "19.4%", "--n", "1000"], None, "a real lead for the first answer"),
    (["trend", "56.9%", "48.7%", "41.1%", "--n", "1000"], None, "a real trend"),
    (["sample-size", "--moe", "3pp"], None, "1,068 respondents"),
    (["power", "48.7%", "--n", "1000"], None, "from 48.7%, samples of 1,000"),
    (["batch", "-", "-o", "-"], WAVES, "question,wave_from,wave_to"),
    (["annotate", "-"], "In a poll of 1,000 adults, 48.7% agreed.", "**48.7%**"),
    (["demo"], None, "19.4%"),
    (
        [
            "design",
            DESIGN_FILE,
            "--weights",
            "pw",
            "--clusters",
            "dnum",
            "--fpc",
            "fpc",
            "--var",
            "sch.wide",
            "--level",
            "Yes",
        ],
        None,
        "sch.wide = Yes: ",
    ),
    (
        [
            "weight",
            "-",
            "--weights",
            "pw",
            "--calibrate",
            WEIGHTING / "apipop_targets.csv",
            "-o",
            "-",
        ],
        (WEIGHTING / "apiclus1.csv").read_text(encoding="utf-8"),
        "cds,dnum,fpc,pw,",
    ),
]


@pytest.mark.parametrize("args, stdin, start", SMOKE, ids=[a[0] for a, _, _ in SMOKE])
def test_smoke_each_subcommand_as_a_console_script(args, stdin, start):
    proc = run_process(*args, stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert start in proc.stdout
    assert proc.stdout == run(*args, stdin=stdin).stdout  # in-process tests see the same


def test_smoke_covers_every_subcommand():
    assert {args[0] for args, _, _ in SMOKE} == set(_subcommands())


# ------------------------------------------------------------------------ JSON and exit codes
def _strict_json(text):
    """json.loads that refuses NaN and Infinity (Python's json accepts them by default)."""

    def refuse(constant):
        raise AssertionError(f"bare {constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "args, field",
    [
        (["change", "0%", "10%", "--n", "100"], "ratio"),  # issue #10: ratio 10% / 0% is inf
        (["change", "0%", "5%", "--n", "1000"], "odds_ratio"),  # issue #15.3
        (["ci", "19.4%", "--n", "1000", "--population", "1000"], "n_effective"),  # census
    ],
)
def test_json_has_null_for_infinite_fields(args, field):
    proc = run(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    record = _strict_json(proc.stdout)
    assert record[field] is None
    assert "Infinity" not in proc.stdout and "NaN" not in proc.stdout


def test_infinite_ratio_is_a_value_and_finite_fields_are_kept():
    record = _strict_json(run("change", "0%", "10%", "--n", "100", "--json").stdout)
    r = ss.compare_proportions(0.0, 100, 0.1, 100)
    assert r.ratio == float("inf")  # the library's value, shown as null
    assert record["ratio"] is None and record["ratio_high"] is None
    assert record["ratio_low"] == pytest.approx(r.ratio_low, rel=1e-12)
    assert record["pvalue"] == pytest.approx(r.pvalue, rel=1e-12)
    human = run("change", "0%", "10%", "--n", "100")
    assert human.returncode == 0 and "relative change n/a" in human.stdout


def test_csv_keeps_infinity_as_inf():
    proc = run("change", "0%", "10%", "--n", "100", "--csv")
    row = next(csv.DictReader(io.StringIO(proc.stdout)))
    assert row["ratio"] == "inf" and float(row["ratio_low"]) > 1


def _boom(*args, **kwargs):
    raise ZeroDivisionError("injected failure")


def test_internal_error_exits_70_with_one_line(monkeypatch):
    monkeypatch.setattr(ss, "proportion_ci", _boom)
    proc = run("ci", "19.4%", "--n", "1000")
    assert proc.returncode == 70
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "bug" in lines[0] and "--debug" in lines[0] and "ZeroDivisionError" in lines[0]
    with pytest.raises(ZeroDivisionError):
        run("--debug", "ci", "19.4%", "--n", "1000")


def test_library_errors_stay_user_mistakes(monkeypatch):
    def refuse(*args, **kwargs):
        raise ss.InvalidValueError("p=2 is outside [0, 1]")

    monkeypatch.setattr(ss, "proportion_ci", refuse)
    assert_one_line_error(run("ci", "19.4%", "--n", "1000"), "outside [0, 1]")


def test_keyboard_interrupt_exits_130(monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ss, "proportion_ci", interrupt)
    proc = run("ci", "19.4%", "--n", "1000")
    assert proc.returncode == 130 and proc.stderr == "surveystats: interrupted\n"


INTERRUPT_DURING_IMPORT = """
import sys
import surveystats_cli


class CtrlC:  # Ctrl-C pressed while the package imports scipy
    def find_spec(self, name, path=None, target=None):
        if name.startswith("scipy"):
            raise KeyboardInterrupt


sys.meta_path.insert(0, CtrlC())
sys.argv = ["surveystats", "ci", "19.4%", "--n", "1000"]
sys.exit(surveystats_cli.main())
"""


def test_ctrl_c_during_start_up_is_one_line():
    # issue #15.14: an interrupt while `import surveystats` loads numpy and scipy printed a
    # 20-40 line traceback; the console script now imports the package inside its try
    proc = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "surveystats: interrupted\n"


def test_real_ctrl_c_at_start_up_shows_no_package_traceback():
    # the same with a real SIGINT at two moments of the start-up; one that lands before any
    # code of the project runs (in the interpreter's own start-up) is out of its hands
    import signal
    import time

    if not EXE.exists():
        pytest.skip("the console script is not installed beside this Python")
    for delay in (0.1, 0.2):
        proc = subprocess.Popen(
            [str(EXE), "ci", "19.4%", "--n", "1000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if proc.returncode == 130:
            assert err == "surveystats: interrupted\n"
        assert f"{os.sep}surveystats{os.sep}" not in err, err


def test_help_exits_0_in_process():
    proc = run("--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout


# ------------------------------------------------------------------------ one wording
def test_cli_and_annotator_word_the_same_change_alike():
    # issue #10: both go through surveystats._display
    from surveystats._display import points, pvalue_text

    r = ss.compare_proportions(0.487, 1000, 0.411, 1000)
    line = run("change", "48.7%", "41.1%", "--n", "1000").stdout.splitlines()[0]
    note = ss.annotate(
        "In a poll of 1,000 adults, support fell from 48.7% in 2024 to 41.1% in 2025.", n=1000
    )
    change = [f for f in note.findings if f.kind == "change"]
    assert len(change) == 1
    text = change[0].message
    assert pvalue_text(r.pvalue) == "p < 0.001"
    interval = f"{points(r.low)} to {points(r.high)}"  # '−11.9 to −3.2'
    for wording in (pvalue_text(r.pvalue), interval):
        assert wording in line, line
        assert wording in text, text
    assert points(r.estimate) in line and points(-r.estimate, signed=False) in text


# ------------------------------------------------------------------------ issue #15 nits
def test_negative_share_is_a_value_not_a_flag():
    # issue #15.25: '-5%' was read as an unknown option
    assert_one_line_error(run("ci", "-5%", "--n", "1000"), "'-5%'", "outside 0% to 100%")
    assert_one_line_error(run("ci", "19.4%", "--n", "-1000"), "--n")


def test_high_confidence_is_not_labelled_100_percent():
    out = run("ci", "19.4%", "--n", "1000", "--confidence", "99.99999").stdout
    assert "99.99999% CI" in out and "100% CI" not in out


def test_exponent_notation_is_read_alike_everywhere():
    # issue #15.25: --moe 1e-9 was "not a margin" while --n 1e15 was accepted
    assert run("sample-size", "--moe", "1e-2", "--json").returncode == 0
    record = json.loads(run("sample-size", "--moe", "1e-2", "--json").stdout)
    assert record["n"] == ss.sample_size(0.01)
    assert run("ci", "0.194", "--n", "1e3").stdout == run("ci", "0.194", "--n", "1000").stdout
    assert_one_line_error(run("ci", "19.4%", "--n", "1e400"), "--n")  # inf is no sample size


def test_sample_size_below_one_is_refused():
    # issue #15.23 at the command line: n = 0.001 respondents
    assert_one_line_error(run("ci", "19.4%", "--n", "0.001"), "at least 1")
    assert run("ci", "19.4%", "--n", "1000", "--deff", "0.5").returncode == 0  # deff may be < 1


def test_lead_refuses_two_different_sample_sizes():
    # issue #15.16: the second n was ignored
    assert_one_line_error(run("lead", "311/1000", "194/999"), "one sample", "999")
    same = run("lead", "311/1000", "194/1000", "--json")
    assert json.loads(same.stdout)["n"] == 1000
    only_second = json.loads(run("lead", "31.1%", "194/1000", "--json").stdout)
    assert only_second["n"] == 1000
    assert_one_line_error(run("lead", "311/1000", "19.4%", "--n", "900"), "1000", "900")


# ------------------------------------------------------------------------ progress (CLI's own)
def test_progress_line_on_a_terminal(tmp_path, monkeypatch):
    # the progress line moved from the batch layer to the CLI (issue #10): shown on stderr
    # when it is a terminal, never in a pipe or a log
    from surveystats.cli import _progress

    source = tmp_path / "waves.csv"
    source.write_text(WAVES)
    monkeypatch.setattr(_progress.Progress, "__init__", _always_enabled)
    proc = run("batch", source, "-o", "-", "--chunksize", "2")
    assert proc.returncode == 0, proc.stderr
    assert "\rsurveystats: reading" in proc.stderr and "(5 rows)" in proc.stderr
    assert "\rsurveystats: writing 100% (3 rows)" in proc.stderr
    assert proc.stderr.endswith("\n") and "question,wave_from" in proc.stdout
    monkeypatch.undo()
    quiet = run("batch", source, "-o", "-", "--chunksize", "2")  # StringIO is no terminal
    assert quiet.stderr == ""


def _always_enabled(self, enabled=None, stream=None):
    self.stream, self.enabled, self.shown = sys.stderr, True, False


def test_progress_share_of_the_file():
    from surveystats.cli._progress import Progress

    stream = io.StringIO()
    bar = Progress(enabled=True, stream=stream)
    bar("reading", 1500, 0.5)
    bar("reading", 3000, None)
    bar.close()
    bar.close()  # a second close adds nothing
    assert stream.getvalue() == (
        "\rsurveystats: reading  50% (1,500 rows)\rsurveystats: reading (3,000 rows)\n"
    )
    silent = io.StringIO()
    Progress(stream=silent)("reading", 1, 0.1)  # not a terminal: nothing
    assert silent.getvalue() == ""


def test_utf16_without_byte_order_mark_is_a_user_mistake(tmp_path):
    # the utf-16 codec raises a plain UnicodeError ("stream does not start with BOM"), not a
    # UnicodeDecodeError: it is the user's encoding to fix (exit 2), not a bug (exit 70)
    path = tmp_path / "waves.csv"
    path.write_bytes("question,wave,p,n\nq,1,0.5,100\nq,2,0.4,100\n".encode("utf-16-le"))
    assert_one_line_error(run("batch", path, "--encoding", "utf-16", "-o", "-"), "utf-16-le")
    assert run("batch", path, "--encoding", "utf-16-le", "-o", "-").returncode == 0
