"""The ``surveystats`` command, run as the installed console script in a subprocess.

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

import surveystats as ss
from surveystats.cli.main import build_parser

EXE = Path(sys.executable).with_name("surveystats")


def run(*args, stdin=None):
    exe = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "surveystats"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        exe + [str(a) for a in args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=120,
    )


def ok(*args):
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def assert_one_line_error(proc, *needles):
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("surveystats: error:")
    for needle in needles:
        assert needle in lines[0], lines[0]


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
    proc = run("--debug", "ci", "19.4", "--n", "1000")
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
    assert set(_subcommands()) == expected
    for name in expected:
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
