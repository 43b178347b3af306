"""Raking balance's tutorial data gives the figures balance publishes for it.

balance (Meta's Python package for weighting samples to a target) ships simulated tutorial data,
``balance.load_data()`` ("sim_data_01"), generated at load time from numpy's legacy Mersenne
Twister with fixed seeds, not stored as files.  Its raking quickstart
(``tutorials/balance_quickstart_rake.ipynb``, rendered at import-balance.org; its outputs are
re-checked in balance's ``tests/test_e2e_from_tutorials.py``, ``E2ETutorialRakeTest``) rakes the
1,000-row sample to the 10,000-row target's margins of gender (missing as a level of its own)
and age group, and prints:

    design effect (Deff): 2.103
    effective sample size (ESS): 475.6
    happiness, weighted mean: self 55.484, unadjusted 48.559

The data are re-generated here from balance's documented recipe (``load_sim_data``: the seeds
``2022 - 11 - 8`` for the target and ``2023 - 5 - 14`` for the sample, then the draws in this
order): gender and age group by ``choice`` with the given probabilities, income as a squared
normal, happiness as 40 + N(0, 10) plus N(20, 1) for women, N(5, 1) for ages 35-44, N(20, 1)
for 45+, and N(x^2 / 20, 1) with x ~ N(3, 2), capped at 100; gender is then set missing on
rows 3..900 of the target and 3..90 of the sample.  The first rows equal those the rendered
tutorial prints (target row 0: Male, 45+, income 10.183951, happiness 61.706333).  The legacy
``RandomState`` stream is fixed by numpy's compatibility policy, so these are balance's rows.

The figures are printed to 3 decimals (1 for the ESS): the tolerance is half a unit there,
except for the raked mean (see the test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import surveystats as ss

AGES = ["18-24", "25-34", "35-44", "45+"]


def _happiness(rs, gender, age, n):
    # the draws in balance's order: base, women, 35-44, 45+, then the income-like term
    base = rs.normal(40, 10, size=n)
    women = (gender == "Female") * rs.normal(20, 1, size=n)
    middle = (age == "35-44") * rs.normal(5, 1, size=n)
    older = (age == "45+") * rs.normal(20, 1, size=n)
    extra = rs.normal(rs.normal(3, 2, size=n) ** 2 / 20, 1, size=n)
    return np.minimum(base + women + middle + older + extra, 100.0)


def _people(seed, n, p_gender, p_age, income, missing_gender):
    rs = np.random.RandomState(seed)
    gender = rs.choice(["Male", "Female"], size=n, replace=True, p=p_gender)
    age = rs.choice(AGES, size=n, replace=True, p=p_age)
    income_values = rs.normal(*income, size=n) ** 2
    happiness = _happiness(rs, gender, age, n)
    gender = gender.astype(object)
    gender[missing_gender] = "_NA"  # balance rakes missing gender as a level ("gender[_NA]")
    return pd.DataFrame(
        {"gender": gender, "age_group": age, "income": income_values, "happiness": happiness}
    )


TARGET = _people(2022 - 11 - 8, 10_000, [0.5, 0.5], [0.2, 0.3, 0.3, 0.2], (3, 2), slice(3, 901))
SAMPLE = _people(2023 - 5 - 14, 1_000, [0.7, 0.3], [0.5, 0.3, 0.15, 0.05], (2, 1.5), slice(3, 91))


def test_the_regenerated_rows_are_balances():
    # the rendered tutorial prints target_df.head() and sample_df.head()
    row = TARGET.iloc[0]
    assert (row["gender"], row["age_group"]) == ("Male", "45+")
    np.testing.assert_allclose([row["income"], row["happiness"]], [10.183951, 61.706333], atol=5e-7)
    row = SAMPLE.iloc[1]
    assert (row["gender"], row["age_group"]) == ("Female", "18-24")
    np.testing.assert_allclose([row["income"], row["happiness"]], [9.940280, 66.885485], atol=5e-7)
    # target margins balance prints (covars().mean(): gender[Female] 0.4551, age 45+ 0.2063)
    np.testing.assert_allclose((TARGET["gender"] == "Female").mean(), 0.4551, atol=5e-5)
    np.testing.assert_allclose((TARGET["age_group"] == "45+").mean(), 0.2063, atol=5e-5)


def test_raking_balances_tutorial_gives_its_design_effect_ess_and_mean():
    sample = SAMPLE.assign(w=1.0)
    design = ss.SurveyDesign(sample, weights="w")
    margins = {
        column: (TARGET[column].value_counts(normalize=True) * len(sample)).to_dict()
        for column in ("gender", "age_group")
    }
    raked = design.rake(margins, tolerance=1e-12)
    summary = raked.weight_summary()
    np.testing.assert_allclose(summary.kish_deff, 2.103, atol=5e-4)  # balance: Deff 2.103
    np.testing.assert_allclose(summary.effective_n, 475.6, atol=5e-2)  # balance: ESS 475.6
    # balance: happiness weighted mean 55.484 after raking, 48.559 unadjusted.  Raked to
    # convergence the mean is 55.48459; balance stops its raking earlier (its own printout
    # leaves the age-group margins off by an ASMD of up to 3.0e-5), hence 1e-3 here
    np.testing.assert_allclose(raked.mean("happiness").estimate, 55.484, atol=1e-3)
    np.testing.assert_allclose(design.mean("happiness").estimate, 48.559, atol=5e-4)
