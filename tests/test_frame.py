"""Tests of surveystats.batch, the pandas batch layer.

The batch layer holds no statistics, so most tests check that it calls the core functions on the
right rows: its output must equal ``compare_proportions`` / ``adjust_pvalues`` /
``proportion_ci`` / ``trend_test`` called directly on pairs found by an independent,
plain-Python pairing (``expected_pairs`` below).  End to end, the Ukraine figures and a
synthetic tracking table are checked against R (tests/reference/frame_waves.R makes
frame_waves.csv and frame_trend.csv): ``prop.test(correct = FALSE)`` p-values (the pooled
z test), ``p.adjust`` and ``prop.trend.test``.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.batch import (
    COMPARE_COLUMNS,
    compare_waves,
    compare_waves_csv,
    describe,
    trend_by_question,
)
from surveystats.compare import compare_proportions
from surveystats.exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError
from surveystats.multiple import adjust_pvalues
from surveystats.trend import trend_test

REFERENCE = Path(__file__).parent / "reference"
RTOL = 1e-9

# Info Sapiens / New Europe Center, NATO concession "completely unacceptable", n = 1000 each.
UKRAINE = pd.DataFrame(
    {
        "question": "nato_concession",
        "wave": [2023, 2024, 2025],
        "p": [0.569, 0.487, 0.411],
        "n": 1000,
    }
)


# ------------------------------------------------------------------------ helpers
def r_table():
    """The table behind tests/reference/frame_waves.csv (p = x / n), and the pairs."""
    pairs = pd.read_csv(REFERENCE / "frame_waves.csv")
    first = pairs.rename(columns={"wave_from": "wave", "x_from": "x", "n_from": "n"})
    last = pairs.rename(columns={"wave_to": "wave", "x_to": "x", "n_to": "n"})
    rows = pd.concat([first[["question", "wave", "x", "n"]], last[["question", "wave", "x", "n"]]])
    table = rows.drop_duplicates(["question", "wave"]).reset_index(drop=True)
    table["p"] = table["x"] / table["n"]
    return table[["question", "wave", "p", "n"]], pairs


def expected_pairs(frame, baseline=None):
    """Plain-Python pairing: (question, from_row, to_row) in question order, then wave."""
    out = []
    seen = []
    for label in frame["question"]:
        if label not in seen:
            seen.append(label)
    for label in seen:
        rows = [i for i in range(len(frame)) if frame["question"].iloc[i] == label]
        rows.sort(key=lambda i: frame["wave"].iloc[i])
        if baseline is None:
            out += [(label, a, b) for a, b in zip(rows[:-1], rows[1:], strict=False)]
        else:
            base = [i for i in rows if frame["wave"].iloc[i] == baseline]
            if base:  # questions without the baseline wave have no pairs
                out += [(label, base[0], b) for b in rows if b != base[0]]
    return out


def by_key(frame):
    return frame.sort_values(["question", "wave_from", "wave_to"]).reset_index(drop=True)


# ------------------------------------------------------------------------ against R
@pytest.mark.parametrize("mode", ["consecutive", "baseline"])
def test_changes_and_adjustment_match_r(mode):
    table, pairs = r_table()
    want = (
        pairs[pairs["mode"] == mode]
        .sort_values(["question", "wave_from", "wave_to"])
        .reset_index(drop=True)
    )
    shuffled = table.sample(frac=1.0, random_state=3).reset_index(drop=True)
    if mode == "consecutive":
        got = by_key(compare_waves(shuffled))
        # R p.adjust(pvalue, "holm") over all comparisons
        expected_adjusted = want["holm_all"]
    else:
        # each question's first wave is its baseline: one call per question, whose family
        # is then that question (R p.adjust(pvalue, "holm") within each question)
        got = by_key(
            pd.concat(
                [
                    compare_waves(rows, baseline=rows["wave"].min())
                    for _, rows in shuffled.groupby("question", sort=False)
                ],
                ignore_index=True,
            )
        )
        expected_adjusted = want["holm_question"]
    assert list(got["question"]) == list(want["question"])
    assert np.array_equal(
        got["wave_from"].to_numpy(float, na_value=np.nan),
        want["wave_from"].to_numpy(float, na_value=np.nan),
    )
    assert np.array_equal(
        got["wave_to"].to_numpy(float, na_value=np.nan),
        want["wave_to"].to_numpy(float, na_value=np.nan),
    )
    # R prop.test(c(x1, x2), c(n1, n2), correct = FALSE)$p.value, written by frame_waves.R
    np.testing.assert_allclose(got["pvalue"], want["pvalue"], rtol=RTOL)
    np.testing.assert_allclose(got["change"], want["change"], rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(got["pvalue_adjusted"], expected_adjusted, rtol=RTOL)


def test_bh_and_per_question_family_match_r():
    table, pairs = r_table()
    want = (
        pairs[pairs["mode"] == "consecutive"]
        .sort_values(["question", "wave_from", "wave_to"])
        .reset_index(drop=True)
    )
    # R p.adjust(pvalue, "BH") over all consecutive comparisons
    got = by_key(compare_waves(table, adjust="bh"))
    np.testing.assert_allclose(got["pvalue_adjusted"], want["bh_all"], rtol=RTOL)
    # R p.adjust(pvalue, "holm") within each question
    got = by_key(compare_waves(table, family="question"))
    np.testing.assert_allclose(got["pvalue_adjusted"], want["holm_question"], rtol=RTOL)


def test_ukraine_waves():
    out = compare_waves(UKRAINE)
    assert list(out.columns) == list(COMPARE_COLUMNS)
    assert out["wave_from"].tolist() == [2023, 2024] and out["wave_to"].tolist() == [2024, 2025]
    # R: prop.test(c(569, 487), c(1000, 1000), correct = FALSE)$p.value; p.adjust(, "holm")
    # over it and prop.test(c(487, 411), c(1000, 1000), correct = FALSE)$p.value
    np.testing.assert_allclose(
        out["pvalue"], [0.00023979913816175814, 0.00063398317062943090], rtol=RTOL
    )
    np.testing.assert_allclose(
        out["pvalue_adjusted"], [0.00047959827632351629, 0.00063398317062943090], rtol=RTOL
    )
    assert out["significant"].tolist() == [True, True]
    assert (out["problem"] == "").all()


def test_trend_by_question_matches_r():
    table, _ = r_table()
    want = pd.read_csv(REFERENCE / "frame_trend.csv")
    got = trend_by_question(table.sample(frac=1.0, random_state=5))
    got = got.set_index("question").loc[want["question"]].reset_index()
    # R prop.trend.test(x, n) (scores 1..k) and p.adjust(pvalue, "holm") over questions
    np.testing.assert_allclose(got["statistic"], want["statistic"], rtol=RTOL)
    np.testing.assert_allclose(got["pvalue"], want["pvalue"], rtol=RTOL)
    np.testing.assert_allclose(got["pvalue_adjusted"], want["holm"], rtol=RTOL)
    # R prop.trend.test(x, n, score = wave): the years as scores
    years = trend_by_question(table, scores="wave").set_index("question").loc[want["question"]]
    np.testing.assert_allclose(years["statistic"], want["statistic_years"], rtol=1e-8)
    np.testing.assert_allclose(years["pvalue"], want["pvalue_years"], rtol=1e-8)


# ------------------------------------------------------------------------ against the core
shares = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1.0, 1.4, -0.1, math.nan]))
sizes = st.one_of(st.integers(1, 5000).map(float), st.sampled_from([0.0, -3.0, math.nan]))


@st.composite
def tracking_tables(draw):
    n_questions = draw(st.integers(1, 6))
    rows = []
    for q in range(n_questions):
        waves = draw(st.lists(st.integers(1990, 2030), min_size=1, max_size=6, unique=True))
        for w in waves:
            rows.append((f"q{q}", w, draw(shares), draw(sizes)))
    frame = pd.DataFrame(rows, columns=["question", "wave", "p", "n"])
    order = draw(st.permutations(range(len(frame))))
    frame = frame.iloc[list(order)].reset_index(drop=True)
    # keep the p column from looking like percentages (then the table is refused instead)
    finite = frame["p"][np.isfinite(frame["p"])]
    if (finite > 1).sum() * 2 > len(finite):
        frame.loc[finite.index, "p"] = 0.5
    return frame


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tracking_tables(),
    st.sampled_from(["all", "question"]),
    st.sampled_from(["holm", "bh", "bonferroni"]),
)
def test_rows_equal_core_calls(frame, family, adjust):
    out = compare_waves(frame, adjust=adjust, family=family)
    pairs = expected_pairs(frame)
    paired = out[out["wave_to"].notna()].reset_index(drop=True)
    assert len(paired) == len(pairs)
    for k, (label, a, b) in enumerate(pairs):
        row = paired.iloc[k]
        assert row["question"] == label
        assert row["wave_from"] == frame["wave"].iloc[a] and row["wave_to"] == frame["wave"].iloc[b]
        p1, n1, p2, n2 = (
            frame["p"].iloc[a],
            frame["n"].iloc[a],
            frame["p"].iloc[b],
            frame["n"].iloc[b],
        )
        ok = (
            all(np.isfinite([p1, n1, p2, n2]))
            and 0 <= p1 <= 1
            and 0 <= p2 <= 1
            and n1 > 0
            and n2 > 0
        )
        if not ok:
            assert np.isnan(
                row[["change", "low", "high", "statistic", "pvalue"]].to_numpy(
                    float, na_value=np.nan
                )
            ).all()
            assert row["problem"] != ""
            continue
        r = compare_proportions(p1, n1, p2, n2)
        for col, field in [
            ("change", "estimate"),
            ("low", "low"),
            ("high", "high"),
            ("statistic", "statistic"),
            ("pvalue", "pvalue"),
        ]:
            np.testing.assert_allclose(row[col], getattr(r, field), rtol=1e-12, atol=1e-300)
    # the adjustment is adjust_pvalues over each family
    if family == "all":
        expected = adjust_pvalues(out["pvalue"].to_numpy(), method=adjust)
    else:
        expected = np.full(len(out), np.nan)
        for _label, idx in out.groupby("question").groups.items():
            expected[idx] = adjust_pvalues(out["pvalue"].to_numpy()[idx], method=adjust)
    np.testing.assert_allclose(out["pvalue_adjusted"], expected, rtol=1e-15)
    sig = out["significant"]
    assert (sig.isna() == out["pvalue_adjusted"].isna()).all()
    assert (sig.dropna() == (out["pvalue_adjusted"].dropna() < 0.05)).all()
    # every input row is accounted for
    assert_every_row_accounted_for(frame, out)


def assert_every_row_accounted_for(frame, out):
    sides = []
    for side in ("from", "to"):
        part = out[["question", f"wave_{side}", f"p_{side}", f"n_{side}"]]
        part.columns = ["question", "wave", "p", "n"]
        sides.append(part)
    shown = pd.concat(sides)
    keys = set(zip(shown["question"].astype(str), shown["wave"].astype(str), strict=False))
    for q, w in zip(frame["question"].astype(str), frame["wave"].astype(str), strict=False):
        assert (q, w) in keys


@settings(max_examples=30, deadline=None)
@given(tracking_tables())
def test_baseline_rows_equal_core_calls(frame):
    base = frame["wave"].iloc[0]
    out = compare_waves(frame, baseline=base)
    for label, a, b in expected_pairs(frame, baseline=base):
        row = out[(out["question"] == label) & (out["wave_to"] == frame["wave"].iloc[b])]
        assert len(row) == 1
        assert row["wave_from"].iloc[0] == base
        p1, n1, p2, n2 = (
            frame["p"].iloc[a],
            frame["n"].iloc[a],
            frame["p"].iloc[b],
            frame["n"].iloc[b],
        )
        if (
            all(np.isfinite([p1, n1, p2, n2]))
            and 0 <= p1 <= 1
            and 0 <= p2 <= 1
            and n1 > 0
            and n2 > 0
        ):
            np.testing.assert_allclose(
                row["pvalue"].iloc[0],
                compare_proportions(p1, n1, p2, n2).pvalue,
                rtol=1e-12,
                atol=1e-300,
            )
    # questions without the baseline wave: each of their rows compared with nothing
    lacking = set(frame["question"]) - set(frame.loc[frame["wave"] == base, "question"])
    for label in lacking:
        rows = out[out["question"] == label]
        assert len(rows) == (frame["question"] == label).sum()
        assert (
            rows["problem"].str.startswith("the baseline wave is missing for this question").all()
        )
        assert rows["p_from"].isna().all() and (rows["wave_from"] == base).all()
    assert_every_row_accounted_for(frame, out)


def test_options_reach_the_core():
    frame = pd.concat(
        [UKRAINE, UKRAINE.assign(question="other", p=[0.2, 0.25, 0.3], n=500)], ignore_index=True
    )
    frame["deff"] = [1.0, 1.5, 2.0, 1.2, 1.2, 1.3]
    out = compare_waves(
        frame,
        deff="deff",
        method="miettinen-nurminen",
        test="fisher",
        confidence_level=0.9,
        alternative="less",
    )
    first = np.array([0, 1, 3, 4])
    last = first + 1
    d = frame["deff"].to_numpy()
    r = compare_proportions(
        frame["p"].to_numpy()[first],
        frame["n"].to_numpy()[first],
        frame["p"].to_numpy()[last],
        frame["n"].to_numpy()[last],
        method="miettinen-nurminen",
        test="fisher",
        confidence_level=0.9,
        alternative="less",
        deff1=d[first],
        deff2=d[last],
    )
    np.testing.assert_allclose(out["low"], r.low, rtol=1e-12)
    np.testing.assert_allclose(out["high"], r.high, rtol=1e-12)
    np.testing.assert_allclose(out["pvalue"], r.pvalue, rtol=1e-12)
    assert (out["significant"] == (out["pvalue_adjusted"] < 0.1)).all()


def test_by_groups_are_separate_sequences():
    frame = pd.concat(
        [
            UKRAINE.assign(subgroup="men"),
            UKRAINE.assign(subgroup="women", p=[0.6, 0.5, 0.45], n=520),
        ]
    )
    out = compare_waves(frame, by="subgroup")
    assert list(out.columns[:2]) == ["question", "subgroup"]
    assert out["subgroup"].tolist() == ["men", "men", "women", "women"]
    r = compare_proportions([0.6, 0.5], 520, [0.5, 0.45], 520)
    np.testing.assert_allclose(out["pvalue"].to_numpy()[2:], r.pvalue, rtol=1e-12)
    # without by, the same (question, wave) twice is a duplicate
    with pytest.raises(SurveyStatsError, match="duplicated"):
        compare_waves(frame)


# ------------------------------------------------------------------------ bad rows
def test_bad_rows_are_kept_with_reasons():
    frame = pd.DataFrame(
        {
            "question": ["a", "a", "a", "b", "b", "c", "d", None],
            "wave": [1, 2, 3, 1, 2, 1, None, 2],
            "p": [0.5, 1.4, 0.4, 0.3, 0.35, 0.2, 0.3, 0.4],
            "n": [100, 100, 100, 0, 200, 50, 80, 90],
        }
    )
    out = compare_waves(frame)
    assert len(out) == 6
    stats = ["change", "low", "high", "statistic", "pvalue", "pvalue_adjusted"]
    # a: both comparisons touch the bad 1.4 row
    a = out[out["question"] == "a"]
    assert a["problem"].tolist() == ["wave 2: p=1.4 is outside [0, 1]"] * 2
    assert np.isnan(a[stats].to_numpy(float, na_value=np.nan)).all()
    assert a["significant"].isna().all()
    b = out[out["question"] == "b"].iloc[0]
    assert b["problem"] == "wave 1: n=0 must be greater than 0 and finite"
    c = out[out["question"] == "c"].iloc[0]
    assert c["problem"] == "only one wave; nothing to compare with"
    assert c["wave_from"] == 1 and pd.isna(c["wave_to"]) and c["p_from"] == 0.2
    d = out[out["question"] == "d"].iloc[0]
    assert d["problem"] == "wave is missing; the row cannot be placed in a sequence"
    assert pd.isna(d["wave_to"]) and d["p_from"] == 0.3 and d["n_from"] == 80
    nobody = out[out["question"].isna()].iloc[0]
    assert nobody["problem"] == "question is missing; the row cannot be placed in a sequence"
    assert nobody["wave_from"] == 2
    # the good rows are unaffected: nothing to compare in this table is fine
    assert np.isnan(out[stats].to_numpy(float, na_value=np.nan)).all()
    assert_every_row_accounted_for(
        frame.fillna({"question": "nan"}), out.fillna({"question": "nan"})
    )


def test_a_bad_row_does_not_spoil_the_others():
    frame = pd.concat(
        [
            UKRAINE,
            pd.DataFrame(
                {
                    "question": ["x", "x"],
                    "wave": [2023, 2024],
                    "p": [0.3, math.nan],
                    "n": [500, 500],
                }
            ),
        ],
        ignore_index=True,
    )
    out = compare_waves(frame)
    good = compare_waves(UKRAINE)
    np.testing.assert_allclose(out["pvalue"][:2], good["pvalue"], rtol=1e-15)
    assert out["problem"][2] == "wave 2024: p is missing"
    # the adjustment counts only the p-values that exist (adjust_pvalues drops NaN)
    np.testing.assert_allclose(out["pvalue_adjusted"][:2], good["pvalue_adjusted"], rtol=1e-15)


def test_duplicated_keys_are_named():
    frame = pd.concat([UKRAINE, UKRAINE.iloc[[1]]], ignore_index=True)
    with pytest.raises(SurveyStatsError) as info:
        compare_waves(frame)
    assert "question='nato_concession'" in str(info.value) and "wave=2024" in str(info.value)
    with pytest.raises(SurveyStatsError, match="duplicated"):
        trend_by_question(frame)


def test_percent_columns_are_refused_with_a_hint():
    percent = UKRAINE.assign(p=[56.9, 48.7, 41.1])
    with pytest.raises(InvalidValueError, match="scale='percent'"):
        compare_waves(percent)
    with pytest.raises(InvalidValueError, match="scale='percent'"):
        describe(percent)
    pd.testing.assert_frame_equal(compare_waves(percent, scale="percent"), compare_waves(UKRAINE))
    # one 1.4 among proportions is a bad row, not a percent column
    out = compare_waves(UKRAINE.assign(p=[0.569, 1.4, 0.411]))
    assert out["problem"][0] == "wave 2024: p=1.4 is outside [0, 1]"
    # in percent, 140 is outside [0, 100]
    out = compare_waves(percent.assign(p=[56.9, 140.0, 41.1]), scale="percent")
    assert out["problem"][0] == "wave 2024: p=140 is outside [0, 100]"


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"method": "exact"}, "newcombe"),
        ({"test": "t"}, "z-pooled"),
        ({"adjust": "tukey"}, "holm"),  # (sidak was unknown until #16 added it)
        ({"family": "wave"}, "question"),
        ({"scale": "percentage"}, "percent"),
        ({"confidence_level": 95}, "0.95"),
        ({"p": "share"}, "'share'"),
        ({"baseline": 1999}, "2023"),
        ({"by": "wave_to"}, "wave_to"),
    ],
)
def test_bad_options_raise_naming_them(kwargs, needle):
    with pytest.raises(InvalidOptionError, match=needle):
        compare_waves(UKRAINE, **kwargs)


def test_empty_and_text_waves():
    out = compare_waves(UKRAINE.iloc[:0])
    assert list(out.columns) == list(COMPARE_COLUMNS) and out.empty
    quarters = UKRAINE.assign(wave=["2023-Q4", "2024-Q4", "2025-Q4"])
    out = compare_waves(quarters.iloc[::-1])
    assert out["wave_from"].tolist() == ["2023-Q4", "2024-Q4"]
    np.testing.assert_allclose(out["pvalue"], compare_waves(UKRAINE)["pvalue"], rtol=1e-15)


def test_no_adjustment():
    out = compare_waves(UKRAINE, adjust=None)
    np.testing.assert_array_equal(out["pvalue_adjusted"], out["pvalue"])
    np.testing.assert_array_equal(
        compare_waves(UKRAINE, adjust="none")["pvalue_adjusted"], out["pvalue"]
    )


def test_lazy_exports():
    assert ss.compare_waves is compare_waves and ss.describe is describe
    assert ss.trend_by_question is trend_by_question and ss.compare_waves_csv is compare_waves_csv


# ------------------------------------------------------------------------ describe
def test_describe_equals_proportion_ci():
    poll = pd.DataFrame(
        {
            "answer": ["own nuclear weapons", "NATO membership", "bad", "none"],
            "p": [0.311, 0.194, 1.4, 0.3],
            "n": [1000, 1000, 1000, 0],
            "deff": [1.5, 1.5, 1.0, 1.0],
        }
    )
    out = describe(poll, deff="deff", method="clopper-pearson", confidence_level=0.9)
    r = ss.proportion_ci(
        [0.311, 0.194], 1000, deff=1.5, method="clopper-pearson", confidence_level=0.9
    )
    for col in ("estimate", "low", "high", "moe", "n_effective"):
        np.testing.assert_allclose(out[col][:2], getattr(r, col), rtol=1e-15)
    assert out["problem"].tolist() == [
        "",
        "",
        "p=1.4 is outside [0, 1]",
        "n=0 must be greater than 0 and finite",
    ]
    assert np.isnan(out.loc[2:, ["low", "high", "moe"]].to_numpy(float, na_value=np.nan)).all()
    pd.testing.assert_frame_equal(out[poll.columns], poll)  # the input columns, untouched
    assert "low" not in poll.columns  # a copy


def test_describe_refuses_to_overwrite():
    with pytest.raises(InvalidOptionError, match="low"):
        describe(UKRAINE.assign(low=0.0))


# ------------------------------------------------------------------------ trend
def test_trend_by_question_equals_trend_test():
    frame = pd.concat(
        [
            UKRAINE,
            UKRAINE.assign(question="q2", p=[0.2, 0.3, 0.25], n=600),
            pd.DataFrame(
                {
                    "question": ["q3", "q3", "solo", "bad", "bad", "q3"],
                    "wave": [1, 2, 1, 1, 2, 3],
                    "p": [0.1, 0.2, 0.5, 0.5, -1.0, 0.15],
                    "n": [300, 300, 300, 300, 300, 300],
                }
            ),
        ],
        ignore_index=True,
    )
    out = trend_by_question(frame)
    assert out["question"].tolist() == ["nato_concession", "q2", "q3", "solo", "bad"]
    assert out["waves"].tolist() == [3, 3, 3, 1, 2]
    r = trend_test(
        [[0.569, 0.487, 0.411], [0.2, 0.3, 0.25], [0.1, 0.2, 0.15]],
        [[1000] * 3, [600] * 3, [300] * 3],
    )
    for col in ("statistic", "pvalue", "slope", "homogeneity_statistic", "homogeneity_pvalue"):
        np.testing.assert_allclose(out[col][:3], getattr(r, col), rtol=1e-15)
    np.testing.assert_allclose(
        out["pvalue_adjusted"][:3], adjust_pvalues(np.asarray(r.pvalue), method="holm"), rtol=1e-15
    )
    assert out["problem"][3] == "only one wave; no trend to test"
    assert out["problem"][4] == "wave 2: p=-1 is outside [0, 1]"
    assert np.isnan(out["pvalue"][3:].to_numpy(float, na_value=np.nan)).all()


# ------------------------------------------------------------------------ CSV streaming
def write_table(path, frame):
    frame.to_csv(path, index=False)
    return path


def read_output(text_or_path):
    source = io.StringIO(text_or_path) if isinstance(text_or_path, str) else text_or_path
    return pd.read_csv(source, dtype={"question": str}, keep_default_na=False, na_values=[""])


def random_table(n_questions, seed, contiguous=True):
    rng = np.random.default_rng(seed)
    rows = []
    for q in range(n_questions):
        k = int(rng.integers(1, 6))
        for w in rng.permutation(np.arange(2015, 2015 + k)):
            rows.append(
                (f"{q:04d}", int(w), float(rng.uniform(0.02, 0.98)), int(rng.integers(50, 3000)))
            )
    frame = pd.DataFrame(rows, columns=["question", "wave", "p", "n"])
    frame.loc[3, "p"] = 1.4
    frame.loc[8, "n"] = 0
    frame.loc[13, "wave"] = None
    return frame


@pytest.mark.parametrize("family", ["all", "question"])
@pytest.mark.parametrize("chunksize", [1, 7, 64, 100_000])
def test_csv_in_chunks_equals_whole_table(tmp_path, family, chunksize):
    frame = random_table(120, seed=chunksize)
    source = write_table(tmp_path / "waves.csv", frame)
    summary = compare_waves_csv(source, tmp_path / "out.csv", chunksize=chunksize, family=family)
    got = read_output(tmp_path / "out.csv")
    # questions are written as text ("0007"), so read the table the same way
    want = compare_waves(pd.read_csv(source, dtype={"question": str}), family=family)
    assert summary.rows == len(frame) and summary.comparisons == len(want)
    assert summary.problems == int((want["problem"] != "").sum())
    assert summary.significant == int(want["significant"].sum())
    key = ["question", "wave_from", "wave_to", "p_from"]
    got = got.sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    for col in (
        "wave_from",
        "wave_to",
        "p_from",
        "p_to",
        "n_from",
        "n_to",
        "change",
        "low",
        "high",
        "statistic",
        "pvalue",
        "pvalue_adjusted",
    ):
        np.testing.assert_allclose(
            got[col].to_numpy(float, na_value=np.nan),
            want[col].to_numpy(float, na_value=np.nan),
            rtol=1e-15,
            equal_nan=True,
        )
    assert got["problem"].fillna("").tolist() == want["problem"].tolist()
    assert got["significant"].astype("boolean").equals(want["significant"])


def test_csv_baseline_and_by(tmp_path):
    frame = pd.concat(
        [
            random_table(25, seed=4).assign(subgroup="men"),
            random_table(25, seed=6).assign(subgroup="women"),
        ],
        ignore_index=True,
    )
    source = write_table(tmp_path / "waves.csv", frame)
    compare_waves_csv(source, tmp_path / "out.csv", chunksize=9, baseline=2015, by="subgroup")
    got = read_output(tmp_path / "out.csv")
    want = compare_waves(
        pd.read_csv(source, dtype={"question": str, "subgroup": str}), baseline=2015, by="subgroup"
    )
    key = ["subgroup", "question", "wave_from", "wave_to", "p_to"]
    got, want = got.sort_values(key), want.sort_values(key)
    assert got["problem"].fillna("").tolist() == want["problem"].tolist()
    np.testing.assert_allclose(
        got["pvalue_adjusted"].to_numpy(float, na_value=np.nan),
        want["pvalue_adjusted"].to_numpy(float, na_value=np.nan),
        rtol=1e-15,
        equal_nan=True,
    )
    with pytest.raises(InvalidOptionError, match="baseline=1999"):
        compare_waves_csv(source, tmp_path / "out.csv", chunksize=9, baseline=1999, by="subgroup")


def test_csv_needs_contiguous_questions(tmp_path):
    frame = random_table(30, seed=1)
    moved = pd.concat([frame, frame.iloc[[0]].assign(wave=2099)], ignore_index=True)
    source = write_table(tmp_path / "waves.csv", moved)
    with pytest.raises(SurveyStatsError, match="contiguous"):
        compare_waves_csv(source, tmp_path / "out.csv", chunksize=10)


def test_csv_to_a_file_object_and_progress(tmp_path):
    # standard output and the progress line are the CLI's (tests/test_cli.py); the library
    # writes to any file object and reports progress to a callable
    source = write_table(tmp_path / "waves.csv", UKRAINE)
    out, calls = io.StringIO(), []
    summary = compare_waves_csv(source, out, chunksize=2, progress=lambda *args: calls.append(args))
    got = read_output(out.getvalue())
    np.testing.assert_allclose(
        got["pvalue_adjusted"], compare_waves(UKRAINE)["pvalue_adjusted"], rtol=1e-15
    )
    assert [c[:2] for c in calls] == [("reading", 2), ("reading", 3), ("writing", 2)]
    assert calls[1][2] == 1.0  # the whole file read
    assert str(summary) == "3 rows, 2 output rows, 2 significant, 0 with a problem"
    with pytest.raises(InvalidOptionError, match="progress=True"):
        compare_waves_csv(source, io.StringIO(), progress=True)
    with pytest.raises(InvalidOptionError, match="sys.stdout"):
        compare_waves_csv(source, "-")


def test_csv_percent_and_missing_column(tmp_path):
    source = write_table(tmp_path / "waves.csv", UKRAINE.assign(p=[56.9, 48.7, 41.1]))
    with pytest.raises(InvalidValueError, match="scale='percent'"):
        compare_waves_csv(source, tmp_path / "out.csv")
    compare_waves_csv(source, tmp_path / "out.csv", scale="percent")
    np.testing.assert_allclose(
        read_output(tmp_path / "out.csv")["pvalue"], compare_waves(UKRAINE)["pvalue"], rtol=1e-12
    )
    with pytest.raises(InvalidOptionError, match="'share'"):
        compare_waves_csv(source, tmp_path / "out.csv", p="share")
    with pytest.raises(InvalidOptionError, match="chunksize"):
        compare_waves_csv(source, tmp_path / "out.csv", chunksize=0)


def test_csv_empty_file_writes_a_header(tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text("question,wave,p,n\n")
    summary = compare_waves_csv(source, tmp_path / "out.csv")
    assert summary.rows == 0
    assert (tmp_path / "out.csv").read_text().strip() == ",".join(COMPARE_COLUMNS)


def test_parquet_in_chunks(tmp_path):
    pytest.importorskip("pyarrow")
    frame = random_table(40, seed=9)
    frame.to_parquet(tmp_path / "waves.parquet", index=False)
    compare_waves_csv(tmp_path / "waves.parquet", tmp_path / "out.csv", chunksize=16)
    got = read_output(tmp_path / "out.csv")
    want = compare_waves(frame)
    key = ["question", "wave_from", "wave_to", "p_from"]
    np.testing.assert_allclose(
        got.sort_values(key)["pvalue_adjusted"].to_numpy(float, na_value=np.nan),
        want.sort_values(key)["pvalue_adjusted"].to_numpy(float, na_value=np.nan),
        rtol=1e-15,
        equal_nan=True,
    )


def test_example_file_runs():
    example = Path(__file__).parent.parent / "examples" / "waves.csv"
    frame = pd.read_csv(example)
    out = compare_waves(frame)
    nato = out[out["question"] == "nato_concession_unacceptable"]
    # R: prop.test(c(569, 487), c(1000, 1000), correct = FALSE)$p.value
    np.testing.assert_allclose(nato["pvalue"].iloc[0], 0.00023979913816175814, rtol=RTOL)


def test_text_that_is_not_a_number_is_a_row_problem():
    # DESIGN.md: a wrong number inside a batch becomes NaN with a reason; the rest goes on.
    frame = pd.DataFrame(
        {
            "question": ["a", "a", "a", "b", "b"],
            "wave": [1, 2, 3, 1, 2],
            "p": ["0.5", "n/a", 0.4, 0.3, 0.35],
            "n": [100, 100, "1OO", 200, 200],
        }
    )
    out = compare_waves(frame)
    a = out[out["question"] == "a"]
    assert a["problem"].tolist() == [
        "wave 2: p='n/a' is not a number",
        "wave 2: p='n/a' is not a number; wave 3: n='1OO' is not a number",
    ]
    assert a["change"].isna().all()
    b = out[out["question"] == "b"].iloc[0]
    expected = ss.compare_proportions(0.3, 200, 0.35, 200)
    assert b["problem"] == "" and b["pvalue"] == pytest.approx(expected.pvalue, rel=1e-15)
