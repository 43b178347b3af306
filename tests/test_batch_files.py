"""compare_waves_csv and ``surveystats batch`` against hostile and careless files (issue #15).

Each test names the defect of issue #15 it pins down.  Expected numbers come from
``compare_waves`` on the same table read whole (itself checked against R in test_frame.py):
the file version must not differ from it, whatever the chunk size.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_runner import assert_one_line_error, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.batch import COMPARE_COLUMNS, compare_waves, compare_waves_csv, trend_by_question
from surveystats.batch.files import _ContiguityCheck
from surveystats.exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError

HEADER = "question,wave,p,n\n"
NATO = HEADER + "nato,2023,0.569,1000\nnato,2024,0.487,1000\nnato,2025,0.411,1000\n"


def read(path_or_text):
    source = io.StringIO(path_or_text) if isinstance(path_or_text, str) else path_or_text
    return pd.read_csv(source, dtype=str, keep_default_na=False)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------------------------ #4 formula injection
_LABELS = ['=HYPERLINK("http://x")', "@SUM(A1)", "-5", "\tTAB", "+cmd|' /C calc'!A0"]


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


HOSTILE = HEADER + "".join(
    f"{_quoted(label)},{wave},{p},1000\n"
    for label in _LABELS
    for wave, p in (("=1+1", 0.5), ("=2+2", 0.45))
)


def test_text_cells_that_are_formulas_are_neutralised(tmp_path):
    source = write(tmp_path / "hostile.csv", HOSTILE)
    compare_waves_csv(source, tmp_path / "out.csv", chunksize=3)
    got = read(tmp_path / "out.csv")
    assert got["question"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'@SUM(A1)",
        "-5",  # a plain number stays a number
        "'\tTAB",
        "'+cmd|' /C calc'!A0",
    ]
    assert got["wave_from"][0] == "'=1+1" and got["wave_to"][0] == "'=2+2"
    # numeric columns are numbers, negative ones included: never quoted
    assert float(got["change"][1]) == pytest.approx(-0.05, abs=1e-12)
    assert not got["change"].str.startswith("'").any()
    for column in got.columns:
        assert not got[column].str.match(r"[=+@\t\r]").any(), column
        risky = got[column].str.match("-") & ~got[column].str.fullmatch(r"-[\d.e+-]+")
        assert not risky.any(), column


def test_formula_escaping_can_be_turned_off(tmp_path):
    source = write(tmp_path / "hostile.csv", HOSTILE)
    compare_waves_csv(source, tmp_path / "raw.csv", escape_formulas=False)
    assert read(tmp_path / "raw.csv")["question"][0] == '=HYPERLINK("http://x")'
    proc = run("batch", source, "-o", "-", "--no-escape-formulas")
    assert read(proc.stdout)["wave_from"][0] == "=1+1"
    assert read(run("batch", source, "-o", "-").stdout)["wave_from"][0] == "'=1+1"


def test_the_issue_reproduction(tmp_path):
    # issue #15.4: printf 'question,wave,p,n\nq,=1+1,0.5,1000\nq,=2+2,0.4,1000\n'
    source = write(tmp_path / "f.csv", HEADER + "q,=1+1,0.5,1000\nq,=2+2,0.4,1000\n")
    proc = run("batch", source, "-o", "-")
    assert proc.returncode == 0, proc.stderr
    row = read(proc.stdout).iloc[0]
    assert (row["wave_from"], row["wave_to"]) == ("'=1+1", "'=2+2")


def test_header_cells_are_neutralised_too(tmp_path):
    source = write(tmp_path / "by.csv", "=cmd,question,wave,p,n\nx,q,1,0.5,100\nx,q,2,0.4,100\n")
    compare_waves_csv(source, tmp_path / "out.csv", by="=cmd")
    header = (tmp_path / "out.csv").read_text().splitlines()[0].split(",")
    assert header[1] == "'=cmd"


# ------------------------------------------------------------------------ #5 atomic output
def test_a_failing_run_leaves_an_existing_file_alone(tmp_path):
    # issue #15.5: `echo precious > out.csv; surveystats batch wrongcols.csv -o out.csv`
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    wrong = write(tmp_path / "wrongcols.csv", "a,b\n1,2\n")
    assert_one_line_error(run("batch", wrong, "-o", target), "'question'")
    assert target.read_text() == "precious\n"
    # an error found only at the end of the file (after output was written)
    late = write(tmp_path / "late.csv", NATO + "other,2023,0.5,1000\nother,2024,0.5,1000\n" * 1)
    with pytest.raises(InvalidOptionError, match="baseline=1999"):
        compare_waves_csv(late, target, baseline=1999, chunksize=1)
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.csv", "out.csv", "wrongcols.csv"]


def test_a_failing_run_writes_nothing_to_a_file_object(tmp_path):
    out = io.StringIO()
    percent = write(tmp_path / "pct.csv", HEADER + "q,1,56.9,1000\nq,2,48.7,1000\n")
    with pytest.raises(InvalidValueError, match="percent"):
        compare_waves_csv(percent, out, chunksize=1)
    assert out.getvalue() == ""


def test_success_replaces_the_file_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    compare_waves_csv(write(tmp_path / "w.csv", NATO), target)
    assert read(target)["wave_to"].tolist() == ["2024", "2025"]
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "w.csv"]


# ------------------------------------------------------------------------ #7 trailing commas
def test_a_trailing_comma_does_not_shift_the_columns(tmp_path):
    # issue #15.7: pandas made the first column the index, so p was read from n
    source = write(tmp_path / "t.csv", HEADER + "nato,2023,0.569,1000,\nnato,2024,0.487,1000,\n")
    compare_waves_csv(source, tmp_path / "out.csv")
    got = pd.read_csv(tmp_path / "out.csv")
    want = compare_waves(
        pd.DataFrame({"question": "nato", "wave": [2023, 2024], "p": [0.569, 0.487], "n": 1000})
    )
    assert got["question"].tolist() == ["nato"]
    np.testing.assert_allclose(got["pvalue"], want["pvalue"], rtol=1e-15)
    proc = run("batch", source, "-o", "-")
    assert proc.returncode == 0 and read(proc.stdout)["p_from"][0] == "0.569"


def test_a_field_beyond_the_header_is_refused_with_its_line(tmp_path):
    extra = write(tmp_path / "x.csv", HEADER + "q,1,0.5,100\nq,2,0.4,100,oops\n")
    with pytest.raises(SurveyStatsError, match="line 3 has a field beyond the 4 columns"):
        compare_waves_csv(extra, io.StringIO())
    two = write(tmp_path / "y.csv", HEADER + "q,1,0.5,100\nq,2,0.4,100\nq,3,0.4,100,a,b\n")
    assert_one_line_error(run("batch", two, "-o", "-"), "line 4 has 6 fields, the header has 4")


# ------------------------------------------------------------------------ #9 mixed waves
def test_waves_mixing_numbers_and_text_are_refused():
    # issue #15.9: 2023, "2024", 2025 sorted as 2023, 2025, "2024": changes ran backwards
    frame = pd.DataFrame(
        {"question": "q", "wave": [2023, "2024", 2025], "p": [0.5, 0.4, 0.3], "n": 1000},
    )
    with pytest.raises(InvalidValueError, match="mixes numbers and text"):
        compare_waves(frame)
    with pytest.raises(InvalidValueError, match="'2024'"):
        trend_by_question(frame)
    assert compare_waves(frame.assign(wave=[2023, 2024, 2025]))["change"].notna().all()
    assert len(compare_waves(frame.assign(wave=["2023", "2024", "2025"]))) == 2


@pytest.mark.parametrize("chunksize", [1, 2, 100])
def test_a_file_mixing_number_and_text_waves_is_refused_at_any_chunk_size(tmp_path, chunksize):
    text = HEADER + "a,2023,0.5,100\na,2024,0.4,100\nb,2023,0.5,100\nb,spring,0.4,100\n"
    with pytest.raises(InvalidValueError, match="mixes numbers and text"):
        compare_waves_csv(write(tmp_path / "m.csv", text), io.StringIO(), chunksize=chunksize)


# ------------------------------------------------------------------------ #12 readable errors
def test_batch_errors_are_readable(tmp_path):
    source = write(tmp_path / "w.csv", NATO)
    # a column that is not there (was: KeyError: 'year')
    assert_one_line_error(run("batch", source, "-o", "-", "--wave", "year"), "'year'", "columns")
    # a latin-1 file (was: UnicodeDecodeError)
    latin = write(tmp_path / "l.csv", NATO.replace("nato", "sécurité"), encoding="latin-1")
    assert_one_line_error(run("batch", latin, "-o", "-"), "not utf-8 text", "encoding")
    proc = run("batch", latin, "-o", "-", "--encoding", "latin-1")
    assert proc.returncode == 0 and read(proc.stdout)["question"][0] == "sécurité"
    assert_one_line_error(run("batch", latin, "-o", "-", "--encoding", "nope"), "encoding")
    # a directory (was: "no such file")
    assert_one_line_error(run("batch", tmp_path, "-o", "-"), "is a directory")
    assert_one_line_error(run("batch", source, "-o", tmp_path / "no" / "out.csv"), "no such file")


def test_byte_order_mark_and_compressed_files(tmp_path):
    want = read(run("batch", write(tmp_path / "plain.csv", NATO), "-o", "-").stdout)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + NATO.encode())
    assert read(run("batch", bom, "-o", "-").stdout).equals(want)
    packed = tmp_path / "w.csv.gz"
    packed.write_bytes(gzip.compress(NATO.encode()))
    assert read(run("batch", packed, "-o", "-").stdout).equals(want)
    utf16 = write(tmp_path / "u16.csv", NATO, encoding="utf-16")
    assert read(run("batch", utf16, "-o", "-", "--encoding", "utf-16").stdout).equals(want)


# ------------------------------------------------------------------------ #13 stdin and pipes
def test_batch_reads_standard_input(tmp_path):
    want = read(run("batch", write(tmp_path / "w.csv", NATO), "-o", "-").stdout)
    proc = run("batch", "-", "-o", "-", stdin=NATO)
    assert proc.returncode == 0, proc.stderr
    assert read(proc.stdout).equals(want)


@pytest.mark.parametrize(
    "command",
    [
        "cat {f} | {exe} batch - -o -",
        "cat {f} | {exe} batch /dev/stdin -o -",
        "{exe} batch <(cat {f}) -o -",
    ],
)
def test_batch_reads_pipes(tmp_path, command):
    # issue #15.13: `cat f.csv | surveystats batch - -o -`, /dev/stdin, process substitution
    exe = Path(sys.executable).with_name("surveystats")
    if not exe.exists():
        pytest.skip("the console script is not installed beside this Python")
    source = write(tmp_path / "w.csv", NATO)
    proc = subprocess.run(
        ["bash", "-c", command.format(f=source, exe=exe)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert read(proc.stdout)["wave_to"].tolist() == ["2024", "2025"]


# ------------------------------------------------------------------------ #19 chunk size
def _percent_then_proportions():
    """Three rows that look like percentages, then 20 proportions: as a whole, not a column
    of percentages (most values are at most 1); its first chunk of 3 alone would be one."""
    rows = ["a,1,50,1000", "a,2,60,1000", "a,3,70,1000"]
    rows += [f"q{i},{w},0.{40 + i},900" for i in range(10) for w in (1, 2)]
    return HEADER + "\n".join(rows) + "\n"


@pytest.mark.parametrize("chunksize", [1, 3, 4, 1000])
def test_percent_rule_is_judged_on_the_whole_file(tmp_path, chunksize):
    # issue #15.19: the rule ran per chunk, so the outcome depended on --chunksize
    text = _percent_then_proportions()
    source = write(tmp_path / "w.csv", text)
    compare_waves_csv(source, tmp_path / "out.csv", chunksize=chunksize)
    got = read(tmp_path / "out.csv")
    want = compare_waves(pd.read_csv(io.StringIO(text), dtype={"question": str}))
    assert got["problem"].tolist() == want["problem"].tolist()
    assert "wave 1: p=50 is outside [0, 1]" in got["problem"][0]
    # and a file of percentages is refused at every chunk size, also when its last chunk
    # alone holds proportions
    pct = HEADER + "".join(f"q{i},{w},{40 + i},900\n" for i in range(10) for w in (1, 2))
    pct += "z,1,0.5,900\nz,2,0.4,900\n"
    with pytest.raises(InvalidValueError, match="looks like percentages"):
        compare_waves_csv(write(tmp_path / "p.csv", pct), io.StringIO(), chunksize=chunksize)


@pytest.mark.parametrize("chunksize", [1, 2, 3, 100])
def test_contiguity_is_required_at_any_chunk_size(tmp_path, chunksize):
    # q1 q2 q1 used to pass when one chunk held all three rows, and fail otherwise
    text = HEADER + "q1,1,0.5,100\nq2,1,0.5,100\nq1,2,0.4,100\n"
    with pytest.raises(SurveyStatsError, match="not contiguous"):
        compare_waves_csv(write(tmp_path / "c.csv", text), io.StringIO(), chunksize=chunksize)


def test_contiguity_check_keeps_few_sorted_levels():
    # issue #15.19: the check merged every part into one sorted array (chunks x questions);
    # now the levels double in size, so there are at most log2(parts) + 1 of them
    check = _ContiguityCheck(["question"])
    for part in range(1000):
        labels = [f"q{part}-{i}" for i in range(10)]
        check(pd.DataFrame({"question": labels}), np.arange(10))
        assert len(check.levels) <= int(np.log2(part + 1)) + 1
    assert sum(level.size for level in check.levels) == 10_000
    assert all((np.diff(level.astype(np.float64)) >= 0).all() for level in check.levels)
    with pytest.raises(SurveyStatsError, match="q3-7"):  # one from an early part
        check(pd.DataFrame({"question": ["new", "q3-7"]}), np.arange(2))


def test_empty_input_and_empty_file(tmp_path):
    summary = compare_waves_csv(write(tmp_path / "h.csv", HEADER), tmp_path / "out.csv")
    assert summary.rows == 0
    assert (tmp_path / "out.csv").read_text().strip() == ",".join(COMPARE_COLUMNS)
    assert_one_line_error(run("batch", write(tmp_path / "e.csv", ""), "-o", "-"), "empty")


def test_lazy_export_is_the_same_function():
    assert ss.compare_waves_csv is compare_waves_csv


# ------------------------------------------------------------------------ one percent rule
def test_library_batch_and_cli_share_the_percent_rule():
    # issue #10: proportion_ci([0.5, 40, 50], 100) gave NaN "outside [0, 1]" while describe()
    # on the same column raised "looks like percentages"; both now follow percent_example
    with pytest.raises(InvalidValueError, match="40") as core:
        ss.proportion_ci([0.5, 40, 50], 100)
    with pytest.raises(InvalidValueError, match="40") as batch:
        ss.describe(pd.DataFrame({"p": [0.5, 40, 50], "n": 100}))
    assert "percentage" in str(core.value) and "percentage" in str(batch.value)
    # the command line reads one typed value with the same rule: 40 is ambiguous, 140 is not
    # a share at all
    assert_one_line_error(run("ci", "40", "--n", "100"), "ambiguous", "40%")
    assert_one_line_error(run("ci", "140", "--n", "100"), "not a share")


finite_shares = st.lists(
    st.one_of(
        st.floats(-5, 120, allow_nan=False),
        st.sampled_from([0.0, 0.5, 1.0, 1.4, 19.4, 40.0, 100.0, 100.5, -0.1, np.nan, np.inf]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(finite_shares, st.integers(1, 12))
def test_percent_verdict_is_the_same_in_every_layer(values, chunksize):
    from surveystats._internal.validation import percent_example

    looks = percent_example(values) is not None
    frame = pd.DataFrame({"question": [f"q{i}" for i in range(len(values))], "wave": 1,
                          "p": values, "n": 100})  # fmt: skip

    def raises(call):
        try:
            call()
        except InvalidValueError as error:
            return "percent" in str(error)
        return False

    assert raises(lambda: ss.proportion_ci(np.array(values), 100)) == looks
    assert raises(lambda: ss.describe(frame)) == looks
    assert raises(lambda: compare_waves(frame)) == looks
    text = frame.to_csv(index=False)
    file_verdict = raises(lambda: compare_waves_csv(io.StringIO(text), io.StringIO(),
                                                    chunksize=chunksize))  # fmt: skip
    assert file_verdict == looks


# ------------------------------------------------------------------------ the fast writer
# The rows of a part are written by pyarrow's kernels (batch/_csvtext.py) where that gives
# the bytes pandas' to_csv gives, and by to_csv otherwise.  The reference in every test below
# is to_csv itself (numpy's repr of each float through Python's csv module: the old writer),
# and Python's repr for the float text; each test runs the pyarrow path and the fallback.
from surveystats.batch import _csvtext  # noqa: E402


@pytest.fixture(params=["arrow", "pandas"])
def writer_path(request, monkeypatch):
    """Run the test with the pyarrow writer, then as if pyarrow were not installed (hidden
    from the writer only: pandas itself may hold pyarrow-backed text), so that the
    fallback to pandas is taken."""
    _csvtext.arrow_writes_as_pandas.cache_clear()
    if request.param == "arrow":
        pytest.importorskip("pyarrow")
        assert _csvtext.arrow_writes_as_pandas()
    else:
        monkeypatch.setattr(_csvtext, "_have_pyarrow", lambda: False)
        assert not _csvtext.arrow_writes_as_pandas()
    yield request.param
    _csvtext.arrow_writes_as_pandas.cache_clear()


TRICKY_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1813.0, 0.1 + 0.2, 1e-4, 9.999e-5, 1e-5, 1.5e-6,
                 1e-6, -1e-7, 1e-9, 1e-10, 3.4745091753832707e-81, 5e-324, -2.2250738585072014e-308,
                 1.7976931348623157e308, 1e12, 1.25e13, 472522389958906.56, -1e15,
                 9999999999999998.0, 1e16, 1.5e16, 1e22, 2.0**53, 2.0**53 + 2, 123456789.125,
                 np.inf, -np.inf, np.nan]  # fmt: skip


def _varied_frame(rows=2000, seed=3):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**63, rows, dtype=np.uint64).view(np.float64)  # any finite or NaN
    floats = np.concatenate([TRICKY_FLOATS, bits[: rows - len(TRICKY_FLOATS)]])
    texts = np.array(
        ["plain", "a,b", 'say "hi"', '"', "two\nlines", "sécurité", "日本語", "emoji 🗳", "",
         " spaced ", "'quoted'", "tab\there", "=1+1", "-5"], dtype=object,
    )  # fmt: skip
    text = texts[rng.integers(0, texts.size, rows)]
    text[rng.random(rows) < 0.1] = None
    flags = pd.array(rng.random(rows) < 0.5, dtype="boolean")
    flags[rng.random(rows) < 0.1] = pd.NA
    counts = pd.array(rng.integers(-(2**62), 2**62, rows), dtype="Int64")
    counts[rng.random(rows) < 0.1] = pd.NA
    frame = pd.DataFrame(
        {
            "text": text,
            "label": pd.Series(text, dtype="string"),
            "float": floats,
            "uniform": rng.uniform(-1, 1, rows) * 10.0 ** rng.integers(-12, 18, rows),
            "rounded": np.round(rng.uniform(0, 1, rows), 3),
            # whole numbers (sample sizes) up to 1e16, missing ones too; then with -0.0
            "whole": np.where(
                rng.random(rows) < 0.1,
                np.nan,
                rng.integers(-(10**16) + 1, 10**16, rows).astype(float),
            ),
            "whole_or_minus_zero": np.r_[-0.0, rng.integers(0, 3000, rows - 1).astype(float)],
            "int": rng.integers(-(2**63), 2**63 - 1, rows),
            "uint": rng.integers(0, 2**64 - 1, rows, dtype=np.uint64),
            "Int64": counts,
            "bool": rng.random(rows) < 0.5,
            "boolean": flags,
        }
    )
    if importlib.util.find_spec("pyarrow") is not None:  # pyarrow-backed pandas columns too
        frame["arrow_int"] = frame["Int64"].astype("int64[pyarrow]")
        frame["arrow_text"] = frame["text"].astype("string[pyarrow]")
    return frame


def test_fast_rows_are_pandas_bytes_on_a_varied_frame(writer_path):
    frame = _varied_frame()
    out = io.StringIO()
    assert _csvtext.write_rows(out, frame) == (writer_path == "arrow")
    if writer_path == "arrow":
        assert out.getvalue() == frame.to_csv(header=False, index=False)


@pytest.mark.parametrize("escape_formulas", [False, True])
def test_the_batch_writer_writes_what_to_csv_wrote(writer_path, escape_formulas):
    from surveystats.batch._output import CsvWriter, neutralise_formulas

    frame = _varied_frame().rename(columns={"boolean": "significant", "text": "problem"})
    frame["problem"] = frame["problem"].fillna("")
    written = io.StringIO()
    writer = CsvWriter(written, frame.columns, escape_formulas=escape_formulas)
    for part in (frame.iloc[:700], frame.iloc[700:700], frame.iloc[700:]):
        writer.write(part)
    if escape_formulas:
        frame = frame.apply(neutralise_formulas)
    assert written.getvalue() == frame.to_csv(index=False)  # the old writer: to_csv
    assert writer.rows == len(frame)


def test_float_text_is_pythons_repr():
    # the reference is Python's repr (shortest round-trip digits, its own layout) of random
    # bit patterns (every finite magnitude) and of decimal-looking and whole numbers
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(11)
    values = np.concatenate(
        [
            rng.integers(0, 2**64, 100_000, dtype=np.uint64).view(np.float64),
            np.round(rng.uniform(-1, 1, 50_000), 3) * 10.0 ** rng.integers(-8, 20, 50_000),
            rng.integers(-(10**17), 10**17, 20_000).astype(float),
            rng.integers(2**53, 10**16, 20_000).astype(float),  # spacing 2 below 1e16
            np.nextafter(10.0 ** np.arange(-20, 24), [[-np.inf], [np.inf]]).ravel(),
            10.0 ** np.arange(-20, 24),
            TRICKY_FLOATS,
        ]
    )
    whole = rng.integers(-(2**53), 2**53, 20_000).astype(float)  # a column of whole numbers
    for column in (values, whole, np.r_[whole, 2.0**53 + 2, 9999999999999998.0, np.nan]):
        got = _csvtext._arrow_floats(column).to_pylist()
        want = [None if v != v else repr(v) for v in column.tolist()]
        wrong = [(w, g) for w, g in zip(want, got, strict=True) if w != g]
        assert not wrong, wrong[:5]


def test_columns_it_does_not_know_are_left_to_pandas(writer_path):
    from surveystats.batch._output import CsvWriter

    frames = [
        pd.DataFrame({"when": pd.to_datetime(["2024-01-01", None]), "x": [1.5, 2.0]}),
        pd.DataFrame({"mixed": ["a", 1], "x": [1.5, 2.0]}),  # an object column not all text
        pd.DataFrame({"f32": np.float32([0.1, 3.0]), "x": [1.5, 2.0]}),
        pd.DataFrame({"Float64": pd.array([0.1, None], dtype="Float64"), "x": [1.5, 2.0]}),
        pd.DataFrame({"x": [1.5, 2.0]}),  # one column
    ]
    for frame in frames:
        assert not _csvtext.write_rows(io.StringIO(), frame)
        frame = frame.assign(significant=True, problem="")
        out = io.StringIO()
        CsvWriter(out, frame.columns, escape_formulas=False).write(frame)
        assert out.getvalue() == frame.to_csv(index=False)


def test_a_pyarrow_that_formats_otherwise_is_not_used(monkeypatch):
    # another pyarrow release could lay floats out differently: the self-check on the probe
    # numbers catches it and the writer falls back to pandas
    pa = pytest.importorskip("pyarrow")
    import pyarrow.compute as pc

    monkeypatch.setattr(_csvtext, "_arrow_floats", lambda v: pc.cast(pa.array(v), pa.string()))
    _csvtext.arrow_writes_as_pandas.cache_clear()
    try:
        assert not _csvtext.arrow_writes_as_pandas()
        frame = _varied_frame(50)
        assert not _csvtext.write_rows(io.StringIO(), frame)
    finally:
        _csvtext.arrow_writes_as_pandas.cache_clear()


@contextlib.contextmanager
def _pandas_writer_only():
    """The batch writer as if pyarrow were not installed."""
    saved = _csvtext._have_pyarrow
    _csvtext._have_pyarrow = lambda: False
    _csvtext.arrow_writes_as_pandas.cache_clear()
    try:
        yield
    finally:
        _csvtext._have_pyarrow = saved
        _csvtext.arrow_writes_as_pandas.cache_clear()


WAVES_VARIED = (
    "group,question,wave,p,n\n"
    'a,"nato, 2023",2023,0.569,1000\n'
    'a,"nato, 2023",2024,0.487,1000\n'
    'a,"nato, 2023",2025,,1000\n'
    'a,"say ""no""",2023,0.5,1e9\n'
    'a,"say ""no""",2024,0.5000001,1e9\n'
    "a,sécurité 🗳,2023,1e-300,5\n"
    "a,sécurité 🗳,2024,0.999999999,5\n"
    'b,"two\nlines",2023,0.3,0\n'
    'b,"two\nlines",2024,1.4,100\n'
    "b,=1+1,2023,0.41,1000.5\n"
    "b,=1+1,2024,0.42,1000.5\n"
    "b,lone,2024,0.1,10\n"
    ",,2024,0.2,10\n"
)


@pytest.mark.parametrize("chunksize", [1, 4, 1000])
@pytest.mark.parametrize("options", [{}, {"adjust": None}, {"baseline": 2023}])
def test_a_file_comes_out_the_same_on_both_writer_paths(tmp_path, chunksize, options):
    pytest.importorskip("pyarrow")
    source = write(tmp_path / "w.csv", WAVES_VARIED)
    _csvtext.arrow_writes_as_pandas.cache_clear()
    assert _csvtext.arrow_writes_as_pandas()
    compare_waves_csv(source, tmp_path / "arrow.csv", by="group", chunksize=chunksize, **options)
    with _pandas_writer_only():
        compare_waves_csv(source, tmp_path / "pandas.csv", by="group", chunksize=chunksize,
                          **options)  # fmt: skip
    fast, old = (tmp_path / "arrow.csv").read_bytes(), (tmp_path / "pandas.csv").read_bytes()
    assert fast == old
    whole = pd.read_csv(source, dtype={"group": str, "question": str})
    assert len(read(fast.decode())) == len(compare_waves(whole, by="group", **options))


FUZZ_LABELS = st.text(alphabet=",\"\n\r\tab é🗳=+-@'0.", max_size=6)
FUZZ_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from(["", "abc", "50%", "1e400", "-0"]),
)


@st.composite
def wave_files(draw):
    rows = draw(
        st.lists(
            st.tuples(FUZZ_LABELS, st.integers(2000, 2003), FUZZ_NUMBERS, FUZZ_NUMBERS),
            max_size=10,
        )
    )
    frame = pd.DataFrame(rows, columns=["question", "wave", "p", "n"], dtype=object)
    return frame.sort_values("question", kind="stable").to_csv(index=False)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wave_files(), st.sampled_from([[], ["--adjust", "none"], ["--no-escape-formulas"]]),
       st.sampled_from(["1", "3", "200000"]))  # fmt: skip
def test_fuzz_batch_writer_paths(text, options, chunksize):
    # a user's mistake exits 2 with one line, never a traceback; a success writes the same
    # bytes whichever writer wrote the rows
    argv = ["batch", "-", "-o", "-", "--chunksize", chunksize, *options]
    _csvtext.arrow_writes_as_pandas.cache_clear()
    fast = run(*argv, stdin=text)
    with _pandas_writer_only():
        old = run(*argv, stdin=text)
    for proc in (fast, old):
        assert proc.returncode in (0, 2), (text, proc.stderr)
        assert "Traceback" not in proc.stderr
        if proc.returncode == 2:
            assert len(proc.stderr.splitlines()) == 1, proc.stderr
            assert proc.stderr.startswith("surveystats: error:")
    assert (fast.returncode, fast.stdout, fast.stderr) == (old.returncode, old.stdout, old.stderr)
