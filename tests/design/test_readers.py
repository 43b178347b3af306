"""read_survey: every format read back into the frame that was written, value labels as categories.

The files are written in the test from a small frame whose contents are known, with pandas
(``to_stata``, ``to_parquet``, ``to_csv``) and pyreadstat (``write_sav``); the expected values are
that frame's own cells and labels.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.design import readers
from surveystats.exceptions import InvalidOptionError, SurveyStatsError

HAVE_PYARROW = importlib.util.find_spec("pyarrow") is not None
HAVE_PYREADSTAT = importlib.util.find_spec("pyreadstat") is not None
needs_pyarrow = pytest.mark.skipif(not HAVE_PYARROW, reason="pyarrow (extra 'parquet') missing")
needs_pyreadstat = pytest.mark.skipif(
    not HAVE_PYREADSTAT, reason="pyreadstat (extra 'spss') missing"
)

CODES = [1, 2, 1, 1, 2, 1]
LABELS = {1: "Yes", 2: "No"}
ANSWERS = ["Yes", "No", "Yes", "Yes", "No", "Yes"]
WEIGHTS = [1.0, 2.0, 1.5, 0.5, 3.0, 1.25]


def coded_frame():
    return pd.DataFrame(
        {
            "support": np.array(CODES, dtype=np.int8),
            "stratum": np.array([1, 1, 1, 2, 2, 2], dtype=np.int8),
            "pw": WEIGHTS,
        }
    )


def labelled_frame():
    frame = coded_frame()
    frame["support"] = pd.Categorical(ANSWERS, categories=["Yes", "No"])
    return frame


# ------------------------------------------------------------------------ Stata
@pytest.fixture
def stata_file(tmp_path):
    path = tmp_path / "poll.dta"
    coded_frame().to_stata(
        path,
        write_index=False,
        value_labels={"support": LABELS},
        variable_labels={"support": "Do you support the plan?", "pw": "final weight"},
    )
    return path


def test_stata_value_labels_become_categories(stata_file):
    frame = ss.read_survey(stata_file)
    assert isinstance(frame["support"].dtype, pd.CategoricalDtype)
    assert frame["support"].tolist() == ANSWERS
    # categories in code order (1 = Yes, 2 = No), as the file defines them
    assert list(frame["support"].cat.categories) == ["Yes", "No"]
    assert frame["pw"].tolist() == WEIGHTS
    assert frame["stratum"].tolist() == [1, 1, 1, 2, 2, 2]  # no labels: stays numeric


def test_stata_variable_labels_kept_in_attrs(stata_file):
    frame = ss.read_survey(stata_file)
    assert frame.attrs["variable_labels"] == {
        "support": "Do you support the plan?",
        "pw": "final weight",
    }


def test_stata_missing_and_unlabelled_values(tmp_path):
    path = tmp_path / "gaps.dta"
    frame = pd.DataFrame({"q": [1.0, 2.0, np.nan, 3.0]})  # 3 has no label; NaN is Stata's "."
    frame.to_stata(path, write_index=False, value_labels={"q": {1: "Yes", 2: "No"}})
    back = ss.read_survey(path)
    assert back["q"].iloc[:2].tolist() == ["Yes", "No"]
    assert pd.isna(back["q"].iloc[2])
    assert back["q"].iloc[3] == 3  # an unlabelled value keeps its number as its category


def test_stata_columns_subset(stata_file):
    frame = ss.read_survey(stata_file, columns=["pw", "support"])
    assert list(frame.columns) == ["pw", "support"]
    assert frame["support"].tolist() == ANSWERS


def test_stata_labels_can_be_switched_off(stata_file):
    frame = ss.read_survey(stata_file, convert_categoricals=False)
    assert frame["support"].tolist() == CODES


# ------------------------------------------------------------------------ SPSS
@needs_pyreadstat
def test_spss_value_labels_and_user_missing(tmp_path):
    import pyreadstat

    path = tmp_path / "poll.sav"
    frame = coded_frame().astype({"support": float})
    frame.loc[5, "support"] = 9.0  # 9 = "refused", declared user-missing below
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"support": "Do you support the plan?", "stratum": None, "pw": None},
        variable_value_labels={"support": {1: "Yes", 2: "No", 9: "Refused"}},
        missing_ranges={"support": [9]},
    )
    back = ss.read_survey(path)
    assert isinstance(back["support"].dtype, pd.CategoricalDtype)
    assert back["support"].iloc[:5].tolist() == ANSWERS[:5]
    assert pd.isna(back["support"].iloc[5])  # user-missing code read as missing
    assert back["pw"].tolist() == WEIGHTS
    assert back.attrs["variable_labels"] == {"support": "Do you support the plan?"}
    subset = ss.read_survey(path, columns=["support"])
    assert list(subset.columns) == ["support"]


@needs_pyreadstat
def test_spss_zsav(tmp_path):
    import pyreadstat

    path = tmp_path / "poll.zsav"
    pyreadstat.write_sav(
        coded_frame().astype({"support": float}),
        str(path),
        compress=True,
        variable_value_labels={"support": LABELS},
    )
    assert ss.read_survey(path)["support"].tolist() == ANSWERS


# ------------------------------------------------------------------------ Parquet and CSV
@needs_pyarrow
def test_parquet_round_trip_keeps_categories(tmp_path):
    path = tmp_path / "poll.parquet"
    labelled_frame().to_parquet(path, index=False)
    back = ss.read_survey(path)
    assert isinstance(back["support"].dtype, pd.CategoricalDtype)
    assert back["support"].tolist() == ANSWERS
    assert back["pw"].tolist() == WEIGHTS
    assert list(ss.read_survey(path, columns=["pw"]).columns) == ["pw"]


@pytest.mark.parametrize("name", ["poll.csv", "poll.csv.gz"])
def test_csv_plain_and_compressed(tmp_path, name):
    path = tmp_path / name
    labelled_frame().to_csv(path, index=False)
    back = ss.read_survey(path)
    assert back["support"].tolist() == ANSWERS
    assert back["pw"].tolist() == WEIGHTS
    assert list(ss.read_survey(path, columns=["support"]).columns) == ["support"]


def test_format_option_for_an_extension_that_says_nothing(tmp_path):
    path = tmp_path / "poll.txt"
    labelled_frame().to_csv(path, index=False, sep=";")
    back = ss.read_survey(path, format="csv", sep=";")
    assert back["support"].tolist() == ANSWERS


# ------------------------------------------------------------------------ errors
def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such survey file"):
        ss.read_survey(tmp_path / "absent.dta")


def test_unknown_extension_lists_the_known_ones(tmp_path):
    path = tmp_path / "poll.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InvalidOptionError, match=r"\.xlsx.*\.csv.*\.parquet.*\.dta.*\.sav"):
        ss.read_survey(path)


def test_unknown_format_lists_the_known_ones(tmp_path):
    with pytest.raises(InvalidOptionError, match="format='excel'.*'csv', 'parquet', 'stata'"):
        ss.read_survey(tmp_path / "poll.xlsx", format="excel")


def test_column_not_in_file_names_it_and_the_columns_there(stata_file):
    with pytest.raises(InvalidOptionError, match="'weight' not in .*'support', 'stratum', 'pw'"):
        ss.read_survey(stata_file, columns=["support", "weight"])


@pytest.mark.parametrize(
    ("name", "module", "extra"),
    [("poll.parquet", "pyarrow", "parquet"), ("poll.sav", "pyreadstat", "spss")],
)
def test_missing_optional_dependency_names_the_extra(tmp_path, monkeypatch, name, module, extra):
    path = tmp_path / name
    path.write_bytes(b"not really")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        readers.importlib.util,
        "find_spec",
        lambda what, *a: None if what == module else real(what, *a),
    )
    with pytest.raises(
        SurveyStatsError, match=rf"needs the {module} package.*surveystats\[{extra}\]"
    ):
        ss.read_survey(path)
