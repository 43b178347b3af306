"""surveystats: honest uncertainty for survey numbers.

Margins of error and confidence intervals for proportions, tests for changes between survey
waves and leads within one poll, trend tests, multiple-testing control and design effects,
on scalars, numpy arrays and pandas columns alike.

>>> import surveystats as ss
>>> r = ss.proportion_ci(0.194, 1000)
>>> f"{r.estimate:.1%} ± {r.moe:.2%}"
'19.4% ± 2.45%'
"""

from ._results import ConfidenceInterval, ProportionResult
from .exceptions import InvalidOptionError, InvalidValueError, ShapeError, SurveyStatsError
from .proportion import (INTERVAL_METHODS, effective_n, kish_deff, margin_of_error,
                         proportion_ci, sample_size)

from .compare import (ComparisonResult, PairedResult, compare_proportions,  # compare-exports
                      mcnemar)
__all__ = [*globals().get("__all__", ()), "compare_proportions", "mcnemar", "ComparisonResult",
           "PairedResult"]
from .shares import compare_leads, compare_shares, multinomial_ci  # shares-exports
__all__ = [*globals().get("__all__", ()), "compare_shares", "compare_leads", "multinomial_ci"]
from .trend import TrendResult, trend_test  # trend-exports
__all__ = [*globals().get("__all__", ()), "trend_test", "TrendResult"]
from .power import (DetectableChangeResult, PowerResult, SampleSizeResult,  # power-exports
                    detectable_change, power_two_proportions, sample_size_two_proportions)
__all__ = [*globals().get("__all__", ()), "power_two_proportions", "sample_size_two_proportions",
           "detectable_change", "PowerResult", "SampleSizeResult", "DetectableChangeResult"]
from .multiple import ADJUST_METHODS, adjust_pvalues  # multiple-exports
__all__ = [*globals().get("__all__", ()), "adjust_pvalues", "ADJUST_METHODS"]
# design-exports

# Layers that need pandas (or parse text) load on first use, so that `import surveystats`
# and one-figure CLI commands stay fast.  name -> submodule.
_LAZY = {
    "compare_waves": "frame", "describe": "frame", "trend_by_question": "frame",
    "compare_waves_csv": "frame",  # frame-lazy
    # annotate-lazy
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'surveystats' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

__version__ = "0.1.0"

__all__ += [
    "proportion_ci", "margin_of_error", "sample_size", "kish_deff", "effective_n",
    "INTERVAL_METHODS", "ConfidenceInterval", "ProportionResult",
    "SurveyStatsError", "InvalidOptionError", "InvalidValueError", "ShapeError",
]
