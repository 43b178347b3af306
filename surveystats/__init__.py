"""surveystats: honest uncertainty for survey numbers.

Margins of error and confidence intervals for proportions, tests for changes between survey
waves and leads within one poll, trend tests, multiple-testing control and design effects,
on scalars, numpy arrays and pandas columns alike.

>>> import surveystats as ss
>>> r = ss.proportion_ci(0.194, 1000)
>>> f"{r.estimate:.1%} ± {r.moe:.2%}"
'19.4% ± 2.45%'
"""

from ._internal.results import ConfidenceInterval, ProportionResult
from .exceptions import InvalidOptionError, InvalidValueError, ShapeError, SurveyStatsError
from .proportion import (
    INTERVAL_METHODS,
    effective_n,
    kish_deff,
    margin_of_error,
    proportion_ci,
    sample_size,
)

# Everything beyond the single-proportion core loads on first use, so that `import
# surveystats` and one-figure CLI commands import only what they call.  name -> submodule.
_LAZY = {
    "compare_proportions": "compare",
    "ComparisonResult": "compare",
    "mcnemar": "paired",
    "PairedResult": "paired",
    "compare_shares": "shares",
    "compare_leads": "shares",
    "multinomial_ci": "multinomial",
    "trend_test": "trend",
    "TrendResult": "trend",
    "power_two_proportions": "power",
    "sample_size_two_proportions": "power",
    "detectable_change": "power",
    "PowerResult": "power",
    "SampleSizeResult": "power",
    "DetectableChangeResult": "power",
    "adjust_pvalues": "multiple",
    "ADJUST_METHODS": "multiple",
    "compare_waves": "batch",
    "describe": "batch",
    "trend_by_question": "batch",
    "compare_waves_csv": "batch",
    "annotate": "newsroom",
    "Annotation": "newsroom",
    "Finding": "newsroom",
    "SurveyDesign": "design",
    "DesignResult": "design",
    "ReplicateDesign": "design",
    "read_survey": "design.readers",
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

# Lazy names are listed too: `from surveystats import *` loads them through __getattr__.
__all__ = [
    *_LAZY,
    "proportion_ci",
    "margin_of_error",
    "sample_size",
    "kish_deff",
    "effective_n",
    "INTERVAL_METHODS",
    "ConfidenceInterval",
    "ProportionResult",
    "SurveyStatsError",
    "InvalidOptionError",
    "InvalidValueError",
    "ShapeError",
]
