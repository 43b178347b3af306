"""surveystats: honest uncertainty for survey numbers.

Margins of error and confidence intervals for proportions, tests for changes between survey
waves and leads within one poll, trend tests, multiple-testing control and design effects,
on scalars, numpy arrays and pandas columns alike.

>>> import surveystats as ss
>>> r = ss.proportion_ci(0.194, 1000)
>>> f"{r.estimate:.1%} ± {r.moe:.1%}"
'19.4% ± 2.5%'
"""

from ._results import ConfidenceInterval, ProportionResult
from .exceptions import InvalidOptionError, InvalidValueError, ShapeError, SurveyStatsError
from .proportion import (INTERVAL_METHODS, effective_n, kish_deff, margin_of_error,
                         proportion_ci, sample_size)

# compare-exports
# shares-exports
# trend-exports
# power-exports
# multiple-exports
# frame-exports
# annotate-exports
# design-exports

__version__ = "0.1.0"

__all__ = [
    "proportion_ci", "margin_of_error", "sample_size", "kish_deff", "effective_n",
    "INTERVAL_METHODS", "ConfidenceInterval", "ProportionResult",
    "SurveyStatsError", "InvalidOptionError", "InvalidValueError", "ShapeError",
]
