"""Tests of surveystats.power against R's power.prop.test.

Reference file: tests/reference/power_power_prop_test.csv, written by
tests/reference/power_power_prop_test.R (R 4.x stats::power.prop.test; sample sizes with
tol = 1e-13; detectable changes by uniroot over power.prop.test with tol = 1e-15; unequal
groups through the documented formula typed independently in R).  The unequal-groups
formula is also checked against the exact power of the pooled z-test by enumerating
every pair of binomial outcomes.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.exceptions import InvalidOptionError, InvalidValueError

# round_trip: the same doubles R wrote on every pandas version (2.0 parses 0.411 an ulp off)
REFERENCE = pd.read_csv(
    Path(__file__).parent / "reference" / "power_power_prop_test.csv", float_precision="round_trip"
)
RTOL = 1e-9


def _kind(*kinds):
    return REFERENCE[REFERENCE.kind.isin(kinds)]


POWER_MODES = sorted(
    set(
        _kind("power", "power_unequal")[["kind", "alternative", "strict"]].itertuples(
            index=False, name=None
        )
    )
)


@pytest.mark.parametrize("kind, alternative, strict", POWER_MODES)
def test_power_matches_r(kind, alternative, strict):
    # R: power.prop.test(n, p1, p2, sig.level = 1 - level, alternative, strict)$power
    # (kind "power"); the unequal-groups formula in R (kind "power_unequal").  One
    # vectorized call per confidence level.
    rows = REFERENCE[
        (REFERENCE.kind == kind)
        & (REFERENCE.alternative == alternative)
        & (REFERENCE.strict == strict)
    ]
    for level, g in rows.groupby("confidence_level"):
        n2 = None if kind == "power" else g.n2.to_numpy()
        r = ss.power_two_proportions(
            g.p1.to_numpy(),
            g.p2.to_numpy(),
            g.n1.to_numpy(),
            n2=n2,
            confidence_level=level,
            alternative=alternative,
            strict=strict,
        )
        np.testing.assert_allclose(r.power, g.value.to_numpy(), rtol=RTOL, atol=1e-300)
        assert (r.problem == "").all()


def test_power_reference_covers_every_mode():
    # guard against an R script change that silently drops cases
    modes = REFERENCE.groupby(["kind", "alternative", "strict"]).size()
    assert modes[("power", "two-sided", True)] >= 500
    assert modes[("power", "greater", False)] >= 100 and modes[("power", "less", False)] >= 100
    assert modes[("n", "two-sided", True)] >= 20


@pytest.mark.parametrize("row", list(_kind("n").itertuples()), ids=lambda r: f"n{r.Index}")
def test_sample_size_matches_r(row):
    # R: power.prop.test(p1 = , p2 = , power = , sig.level = 1 - level, alternative,
    #    strict, tol = 1e-13)$n
    r = ss.sample_size_two_proportions(
        row.p1,
        row.p2,
        power=row.power,
        confidence_level=row.confidence_level,
        alternative=row.alternative,
        strict=bool(row.strict),
    )
    assert r.n == pytest.approx(row.value, rel=RTOL)
    assert r.n_required == np.ceil(row.value)


def test_sample_size_vectorized_matches_r():
    g = _kind("n")
    g = g[
        (g.alternative == "two-sided") & ~g.strict & (g.power == 0.8) & (g.confidence_level == 0.95)
    ]
    r = ss.sample_size_two_proportions(g.p1.to_numpy(), g.p2.to_numpy())
    np.testing.assert_allclose(r.n, g.value.to_numpy(), rtol=RTOL)


def test_ukraine_design():
    # R: power.prop.test(n = 1000, p1 = 0.487, p2 = 0.411)$power (row of the reference grid)
    row = REFERENCE[
        (REFERENCE.kind == "power")
        & (REFERENCE.p1 == 0.487)
        & (REFERENCE.p2 == 0.411)
        & (REFERENCE.n1 == 1000)
        & (REFERENCE.confidence_level == 0.95)
        & (REFERENCE.alternative == "two-sided")
        & ~REFERENCE.strict
    ]
    assert len(row) == 1
    assert ss.power_two_proportions(0.487, 0.411, 1000).power == pytest.approx(
        row.value.iloc[0], rel=RTOL
    )
    # R: power.prop.test(p1 = 0.487, p2 = 0.45, power = 0.8, tol = 1e-13)$n = 2854.0901479994018
    s = ss.sample_size_two_proportions(0.487, 0.45)
    assert s.n == pytest.approx(2854.0901479994018, rel=RTOL)
    assert s.n_required == 2855.0


@pytest.mark.parametrize("kind", ["decrease", "increase", "decrease_unequal", "increase_unequal"])
def test_detectable_change_matches_r(kind):
    # R: uniroot(function(d) power.prop.test(n, p, p -/+ d, sig.level)$power - power,
    #    c(1e-12, p or 1 - p), tol = 1e-15)$root; unequal groups through the R formula.
    g = _kind(kind)
    assert len(g) >= 8
    field = kind.split("_")[0]
    for (level, power), h in g.groupby(["confidence_level", "power"]):
        r = ss.detectable_change(
            h.p1.to_numpy(), h.n1.to_numpy(), h.n2.to_numpy(), power=power, confidence_level=level
        )
        np.testing.assert_allclose(getattr(r, field), h.value.to_numpy(), rtol=RTOL)


@pytest.mark.parametrize(
    "p1, p2, n1, n2",
    [
        (0.3, 0.4, 300, 600),
        (0.487, 0.411, 1000, 500),
        (0.1, 0.05, 2000, 800),
        (0.5, 0.45, 400, 1600),
    ],
)
def test_unequal_groups_close_to_exact_power(p1, p2, n1, n2):
    # Exact power of the pooled two-sided z-test at 95%: sum of Binomial(n1, p1) x
    # Binomial(n2, p2) probabilities over all outcomes (x1, x2) it rejects.  The normal
    # approximation is within 0.001 here; an unpooled null variance would be off by ~0.01.
    from scipy.stats import binom, norm

    x1 = np.arange(n1 + 1)[:, None]
    x2 = np.arange(n2 + 1)[None, :]
    pooled = (x1 + x2) / (n1 + n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (x2 / n2 - x1 / n1) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    reject = np.abs(np.nan_to_num(z)) > norm.ppf(0.975)
    exact = float((binom.pmf(x1, n1, p1) * binom.pmf(x2, n2, p2) * reject).sum())
    assert ss.power_two_proportions(p1, p2, n1, n2=n2).power == pytest.approx(exact, abs=0.002)


def test_bad_numbers_and_options():
    r = ss.power_two_proportions([0.4, 1.3, 0.0, 0.2], [0.5, 0.5, 0.0, 0.3], [1000, 1000, 1000, 0])
    assert np.isfinite(r.power[0]) and np.isnan(r.power[1:]).all()
    assert r.problem[1] == "p1 is outside [0, 1]"
    assert "no variation" in r.problem[2]
    assert "n1 must be greater than 0" in r.problem[3]
    # Same proportions: power is the tail probability (R: power.prop.test(1000, .3, .3)$power
    # = 0.025000000000000029)
    assert ss.power_two_proportions(0.3, 0.3, 1000).power == pytest.approx(
        0.025000000000000029, rel=RTOL
    )
    with pytest.raises(InvalidValueError):
        ss.sample_size_two_proportions(0.3, 0.3)
    s = ss.sample_size_two_proportions([0.3, 0.3, 0.3], [0.4, 0.3, 0.2], alternative="greater")
    assert np.isfinite(s.n[0]) and np.isnan(s.n[1:]).all()
    assert "wrong side" in s.problem[2]
    with pytest.raises(InvalidOptionError, match="power"):
        ss.sample_size_two_proportions(0.3, 0.4, power=0.02)
    with pytest.raises(InvalidOptionError, match="power"):
        ss.detectable_change(0.3, 1000, power=80)
    with pytest.raises(InvalidOptionError, match="alternative"):
        ss.power_two_proportions(0.3, 0.4, 1000, alternative="one.sided")


def test_detectable_change_edges():
    r = ss.detectable_change([0.0, 1.0, 0.5, 0.05], [1000, 1000, 10, 1000])
    assert np.isnan(r.decrease[0]) and np.isfinite(r.increase[0])
    assert np.isnan(r.increase[1]) and np.isfinite(r.decrease[1])
    assert np.isnan(r.decrease[2]) and np.isnan(r.increase[2])
    assert r.problem[0] == "even a fall to 0% has less than 80% power"
    assert r.problem[3] == ""
    # From 0%, the smallest detectable rise has the wanted power (checked via the power
    # function, which the R reference validates) and is mirrored from 100%.
    p_up = ss.power_two_proportions(0.0, r.increase[0], 1000).power
    assert p_up == pytest.approx(0.8, rel=1e-9)
    assert r.decrease[1] == pytest.approx(r.increase[0], rel=1e-9)
    one = ss.detectable_change(0.05, 1000, alternative="greater")
    assert np.isnan(one.decrease) and one.increase > 0
    assert ss.power_two_proportions(
        0.05, 0.05 + one.increase, 1000, alternative="greater"
    ).power == pytest.approx(0.8, rel=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    st.floats(0.01, 0.99),
    st.floats(0.01, 0.99),
    st.floats(10, 5000),
    st.floats(1.01, 10),
    st.sampled_from(["two-sided", "less", "greater"]),
)
def test_power_increases_with_n(p1, p2, n, factor, alternative):
    if abs(p1 - p2) < 1e-3:
        return
    small = ss.power_two_proportions(p1, p2, n, alternative=alternative).power
    large = ss.power_two_proportions(p1, p2, n * factor, alternative=alternative).power
    right_way = alternative == "two-sided" or (p2 > p1) == (alternative == "greater")
    if right_way:
        assert large >= small
    else:
        assert large <= small


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(10, 5000), st.floats(10, 5000))
def test_power_symmetric_in_groups(p1, p2, n1, n2):
    a = ss.power_two_proportions(p1, p2, n1, n2=n2).power
    b = ss.power_two_proportions(p2, p1, n2, n2=n1).power
    assert a == pytest.approx(b, rel=1e-12)
