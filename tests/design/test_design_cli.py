"""``surveystats design``: the command prints what the library computes, in words, JSON or CSV.

The CLI holds no statistics, so the expected numbers come from ``SurveyDesign`` itself on the
same rows (the library is checked against R survey 4.1.1 in the design-core tests).  The data
are R's API samples shipped with the package (``load_api``), written to files in the test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import surveystats as ss
from surveystats._display import pct
from surveystats.cli.main import build_parser, main
from surveystats.design import load_api

STRAT = ["--weights", "pw", "--strata", "stype", "--fpc", "fpc"]


def strat_design():
    return ss.SurveyDesign(load_api("apistrat"), weights="pw", strata="stype", fpc="fpc")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("design_cli")
    paths = {}
    for name in ("apistrat", "apiclus1", "apiclus2"):
        paths[name] = folder / f"{name}.csv"
        load_api(name).to_csv(paths[name], index=False)
    # the same answers coded 1/2 with value labels, as a Stata file
    coded = load_api("apistrat")
    coded["sch.wide"] = coded["sch.wide"].map({"Yes": 1, "No": 2}).astype(np.int8)
    coded = coded.rename(columns={"sch.wide": "sch_wide"})  # Stata names: no dots
    paths["stata"] = folder / "apistrat.dta"
    coded[["sch_wide", "pw", "stype", "fpc"]].to_stata(
        paths["stata"], write_index=False, value_labels={"sch_wide": {1: "Yes", 2: "No"}}
    )
    # coded 1/0 without labels, as a CSV: --level 1 must find the integer 1
    numeric = load_api("apistrat")
    numeric["sch.wide"] = (numeric["sch.wide"] == "Yes").astype(int)
    paths["numeric"] = folder / "apistrat_numeric.csv"
    numeric.to_csv(paths["numeric"], index=False)
    return paths


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def ok(capsys, *argv):
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    assert err == ""
    return out


def one_line_error(capsys, *argv):
    status, out, err = run(capsys, *argv)
    assert status == 2, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("surveystats: error:")
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------------ plain answers
def test_proportion_plain_answer_first(capsys, files):
    out = ok(capsys, "design", files["apistrat"], *STRAT, "--var", "sch.wide", "--level", "Yes")
    r = strat_design().proportion("sch.wide", level="Yes")
    first, second = out.splitlines()[:2]
    assert first.startswith(
        f"sch.wide = Yes: {pct(r.estimate)} (95% CI {pct(r.low)} to {pct(r.high)})"
    )
    assert f"n = {r.n}" in first
    assert f"design effect {r.deff:.2f}" in second
    assert f"{r.df:g} degrees of freedom" in second
    assert "logit interval" in second


def test_json_fields_are_the_library_result(capsys, files):
    out = ok(
        capsys,
        "design",
        files["apistrat"],
        *STRAT,
        "--var",
        "sch.wide",
        "--level",
        "Yes",
        "--method",
        "beta",
        "--json",
    )
    record = json.loads(out)
    r = strat_design().proportion("sch.wide", level="Yes", method="beta")
    for name in ("estimate", "se", "deff", "low", "high", "df", "n", "n_missing"):
        assert record[name] == pytest.approx(getattr(r, name), rel=1e-15), name
    assert record["method"] == "beta"


def test_domains_as_csv_one_row_per_domain(capsys, files):
    out = ok(
        capsys,
        "design",
        files["apistrat"],
        *STRAT,
        "--var",
        "sch.wide",
        "--level",
        "Yes",
        "--by",
        "stype",
        "--csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    r = strat_design().proportion("sch.wide", level="Yes", by="stype")
    assert [row["domain"] for row in rows] == list(r.domain)
    np.testing.assert_allclose([float(row["se"]) for row in rows], r.se, rtol=1e-15)
    np.testing.assert_allclose([float(row["low"]) for row in rows], r.low, rtol=1e-15)


def test_domains_in_words(capsys, files):
    out = ok(
        capsys,
        "design",
        files["apistrat"],
        *STRAT,
        "--var",
        "sch.wide",
        "--level",
        "Yes",
        "--by",
        "stype",
    )
    r = strat_design().proportion("sch.wide", level="Yes", by="stype")
    lines = out.splitlines()
    assert lines[0] == "sch.wide = Yes by stype (95% CI, logit):"
    for label, estimate, low, high in zip(r.domain, r.estimate, r.low, r.high, strict=True):
        assert f"  stype={label}: {pct(estimate)} (CI {pct(low)} to {pct(high)})" in out


def test_confidence_level(capsys, files):
    out = ok(
        capsys,
        "design",
        files["apistrat"],
        *STRAT,
        "--var",
        "sch.wide",
        "--level",
        "Yes",
        "--confidence",
        "0.9",
        "--json",
    )
    record = json.loads(out)
    r = strat_design().proportion("sch.wide", level="Yes", confidence_level=0.9)
    assert record["confidence_level"] == 0.9
    assert record["low"] == pytest.approx(r.low, rel=1e-15)


def test_mean_and_total(capsys, files):
    mean = json.loads(ok(capsys, "design", files["apistrat"], *STRAT, "--var", "api00", "--json"))
    r = strat_design().mean("api00")
    assert mean["estimate"] == pytest.approx(r.estimate, rel=1e-15)
    assert mean["se"] == pytest.approx(r.se, rel=1e-15)
    words = ok(capsys, "design", files["apistrat"], *STRAT, "--var", "api00")
    # rounded to two significant digits of the SE (9.4): one decimal
    assert words.startswith(f"mean of api00: {r.estimate:,.1f} (95% CI {r.low:,.1f}")
    total = json.loads(
        ok(capsys, "design", files["apistrat"], *STRAT, "--var", "enroll", "--total", "--json")
    )
    t = strat_design().total("enroll")
    assert total["estimate"] == pytest.approx(t.estimate, rel=1e-15)
    assert total["se"] == pytest.approx(t.se, rel=1e-15)


def test_multistage_clusters_by_comma_or_repeated_flag(capsys, files):
    expected = ss.SurveyDesign(
        load_api("apiclus2"), clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"]
    ).proportion("sch.wide", level="Yes")
    comma = json.loads(
        ok(
            capsys,
            "design",
            files["apiclus2"],
            "--clusters",
            "dnum,snum",
            "--fpc",
            "fpc1,fpc2",
            "--var",
            "sch.wide",
            "--level",
            "Yes",
            "--json",
        )
    )
    repeated = json.loads(
        ok(
            capsys,
            "design",
            files["apiclus2"],
            "--clusters",
            "dnum",
            "--clusters",
            "snum",
            "--fpc",
            "fpc1",
            "--fpc",
            "fpc2",
            "--var",
            "sch.wide",
            "--level",
            "Yes",
            "--json",
        )
    )
    assert comma == repeated
    assert comma["se"] == pytest.approx(expected.se, rel=1e-15)
    assert comma["df"] == expected.df


def test_labelled_stata_file_takes_the_label(capsys, files):
    stata = json.loads(
        ok(
            capsys,
            "design",
            files["stata"],
            *STRAT,
            "--var",
            "sch_wide",
            "--level",
            "Yes",
            "--json",
        )
    )
    r = strat_design().proportion("sch.wide", level="Yes")
    assert stata["estimate"] == pytest.approx(r.estimate, rel=1e-15)
    assert stata["se"] == pytest.approx(r.se, rel=1e-14)


def test_numeric_level_finds_the_number(capsys, files):
    coded = json.loads(
        ok(
            capsys,
            "design",
            files["numeric"],
            *STRAT,
            "--var",
            "sch.wide",
            "--level",
            "1",
            "--json",
        )
    )
    r = strat_design().proportion("sch.wide", level="Yes")
    assert coded["estimate"] == pytest.approx(r.estimate, rel=1e-15)
    assert coded["level"] == 1


# ------------------------------------------------------------------------ mistakes
def test_missing_file(capsys, tmp_path):
    line = one_line_error(capsys, "design", tmp_path / "none.csv", "--var", "x")
    assert "none.csv" in line


def test_column_not_in_file_is_named(capsys, files):
    line = one_line_error(
        capsys, "design", files["apistrat"], "--weights", "weight", "--var", "api00"
    )
    assert "'weight'" in line


def test_level_that_does_not_occur(capsys, files):
    line = one_line_error(
        capsys, "design", files["apistrat"], *STRAT, "--var", "sch.wide", "--level", "Maybe"
    )
    assert "Maybe" in line and "sch.wide" in line


def test_lonely_psu_names_the_stratum(capsys, tmp_path):
    frame = load_api("apiclus1").head(20)  # a one-PSU stratum made on purpose
    frame["region"] = np.where(frame["dnum"] == frame["dnum"].iloc[0], "A", "B")
    path = tmp_path / "lonely.csv"
    frame.to_csv(path, index=False)
    line = one_line_error(
        capsys,
        "design",
        path,
        "--weights",
        "pw",
        "--strata",
        "region",
        "--clusters",
        "dnum",
        "--var",
        "api00",
    )
    assert "region" in line and "'A'" in line
    ok(
        capsys,
        "design",
        path,
        "--weights",
        "pw",
        "--strata",
        "region",
        "--clusters",
        "dnum",
        "--var",
        "api00",
        "--lonely-psu",
        "adjust",
    )


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--var", "api00", "--method", "beta"], "--method"),
        (["--var", "enroll", "--total", "--level", "Yes"], "--total"),
        (["--var", "sch.wide", "--level", "Yes", "--method", "exact"], "method"),
        (["--var", "api00", "--confidence", "150"], "--confidence"),
        (["--var", "api00", "--clusters", "dnum,"], "empty column name"),
    ],
)
def test_usage_mistakes(capsys, files, extra, needle):
    assert needle in one_line_error(capsys, "design", files["apistrat"], *STRAT, *extra)


def test_help_text_and_examples():
    parser = build_parser()
    text = parser.parse_known_args(["design", "x", "--var", "y"])[0]
    assert text.command == "design"
    sub = next(a for a in parser._subparsers._group_actions if a.dest == "command")
    design = sub.choices["design"]
    assert "surveystats design apistrat.csv" in design.epilog
    assert design.description


# ------------------------------------------------------------------------ the real console script
def test_console_script_smoke(files):
    exe = Path(sys.executable).with_name("surveystats")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "surveystats"]
    proc = subprocess.run(
        [
            *command,
            "design",
            str(files["apiclus1"]),
            "--weights",
            "pw",
            "--clusters",
            "dnum",
            "--fpc",
            "fpc",
            "--var",
            "api00",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    r = ss.SurveyDesign(load_api("apiclus1"), weights="pw", clusters="dnum", fpc="fpc").mean(
        "api00"
    )
    assert record["estimate"] == pytest.approx(r.estimate, rel=1e-15)
    assert record["se"] == pytest.approx(r.se, rel=1e-15)


def test_frame_columns_are_only_those_named(files, monkeypatch):
    # the command reads only the columns it names (a wide file need not fit in memory)
    from surveystats.design import readers

    seen = {}
    real = readers.read_survey

    def spy(path, **options):
        seen.update(options)
        return real(path, **options)

    monkeypatch.setattr(readers, "read_survey", spy)
    assert main(["design", str(files["apistrat"]), *STRAT, "--var", "api00", "--json"]) == 0
    assert sorted(seen["columns"]) == sorted(["api00", "pw", "stype", "fpc"])
