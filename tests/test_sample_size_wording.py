"""``surveystats sample-size`` states the margin it plans for, however small (issue: a margin
below 0.05 points was printed as "±0.0 points").

Expected sample sizes are the textbook formula n = z² p (1 - p) / moe², rounded up
(Cochran 1977, eq. 4.2; z from scipy's normal quantile), independent of the library.
"""

from __future__ import annotations

import math

import pytest
from cli_runner import run
from scipy.stats import norm

from surveystats._display import margin_text


def _cochran_n(moe, p=0.5, level=0.95):
    z = norm.ppf(0.5 + level / 2)
    return math.ceil(z * z * p * (1 - p) / moe**2)


@pytest.mark.parametrize(
    ("moe", "shown"),
    [
        ("0.04pp", "±0.04 points"),
        ("0.049pp", "±0.049 points"),
        ("0.01%", "±0.01 points"),
        ("0.0001", "±0.01 points"),  # a proportion: 0.01 points
        ("0.0333pp", "±0.033 points"),  # two significant digits
        ("0.00001pp", "±0.00001 points"),
    ],
)
def test_a_small_margin_is_not_worded_as_zero(moe, shown):
    proc = run("sample-size", "--moe", moe)
    assert proc.returncode == 0, proc.stderr
    assert shown in proc.stdout, proc.stdout
    assert "±0.0 points" not in proc.stdout


def test_the_sample_size_beside_a_small_margin_is_cochrans():
    out = run("sample-size", "--moe", "0.04pp").stdout
    assert out.startswith(f"{_cochran_n(0.0004):,} respondents")  # 6,002,280


@pytest.mark.parametrize(
    ("moe", "shown"), [("3pp", "±3.0 points"), ("2.5%", "±2.5 points"), ("0.1pp", "±0.1 points")]
)
def test_margins_of_a_tenth_of_a_point_or_more_read_as_before(moe, shown):
    out = run("sample-size", "--moe", moe).stdout
    assert shown in out, out


def test_margin_text_never_rounds_a_margin_to_zero():
    # every margin below 0.05 points keeps two significant digits: within 5% of its value
    margins = [m * 10.0**e for e in range(-14, -3) for m in (1.0, 1.05, 2.5, 4.99, 9.99)]
    for moe in (m for m in margins if m < 0.0005):
        text = margin_text(moe)
        assert float(text) > 0, (moe, text)
        assert math.isclose(float(text), 100 * moe, rel_tol=0.05), (moe, text)
