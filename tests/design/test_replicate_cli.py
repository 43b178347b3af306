"""``surveystats design --replicate-weights ... --type ...`` (#12 item 5), in process.

Expected numbers from tests/reference/replicates/replicate_results.csv (replicates.R, R survey
4.1.1): BRR on NHANES with R's 16 replicate weight columns, JK1 with the FPC on apiclus1.
"""

from __future__ import annotations

import json
import pathlib

import pandas as pd
import pytest

from surveystats.cli.main import main

REF = pathlib.Path(__file__).resolve().parent.parent / "reference" / "replicates"
RESULTS = pd.read_csv(REF / "replicate_results.csv", keep_default_na=False, na_values=["NA"])


def ref(case, statistic):
    return RESULTS[(RESULTS.case == case) & (RESULTS.statistic == statistic)].iloc[0]


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_replicate_weight_columns_from_the_file(capsys):
    status, out, err = run(
        capsys,
        "design",
        REF / "nhanes_brr_repweights.csv",
        "--weights",
        "WTMEC2YR",
        "--replicate-weights",
        "^brr[0-9]+$",
        "--type",
        "brr",
        "--var",
        "HI_CHOL",
        "--json",
    )
    assert status == 0, err
    record = json.loads(out)
    record = record[0] if isinstance(record, list) else record
    r = ref("nhanes_brr", "mean_HI_CHOL")  # R: svymean(~HI_CHOL, as.svrepdesign(d3, "BRR"))
    assert record["estimate"] == pytest.approx(r.estimate, rel=1e-8)
    assert record["se"] == pytest.approx(r.se, rel=1e-8)
    assert record["df"] == 15


def test_replicates_made_from_the_design(capsys):
    status, out, err = run(
        capsys,
        "design",
        REF / "apiclus1.csv",
        "--weights",
        "pw",
        "--clusters",
        "dnum",
        "--fpc",
        "fpc",
        "--type",
        "jk1",
        "--var",
        "sch.wide",
        "--level",
        "Yes",
        "--json",
    )
    assert status == 0, err
    record = json.loads(out)
    record = record[0] if isinstance(record, list) else record
    r = ref("apiclus1_jk1", "prop_sch.wide_logit")  # R: svyciprop(..., method = "logit")
    assert record["se"] == pytest.approx(r.se, rel=1e-8)
    assert (record["low"], record["high"]) == pytest.approx((r.low, r.high), rel=1e-7)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--replicate-weights", "^brr"], "needs --type"),
        (["--replicate-weights", "^zz", "--type", "brr"], "matches no column"),
        (["--replicate-weights", "^brr", "--type", "jkn"], "rscales"),
        (
            ["--type", "fay", "--strata", "SDMVSTRA", "--clusters", "SDMVPSU", "--nest"],
            "needs rho",
        ),
    ],
)
def test_mistakes_exit_2_with_one_line(capsys, extra, message):
    status, out, err = run(
        capsys,
        "design",
        REF / "nhanes_brr_repweights.csv",
        "--weights",
        "WTMEC2YR",
        "--var",
        "HI_CHOL",
        *extra,
    )
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
