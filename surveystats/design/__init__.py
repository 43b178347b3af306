"""Respondent-level data: a sample design, its Taylor variance, estimators and domains.

``SurveyDesign`` holds the data and the sampling structure once; ``mean``, ``total`` and
``proportion`` (with ``by=`` domains) all go through one variance engine (``variance.py``).
See ``docs/DESIGN.md`` for the public names.
"""

from ._examples import load_api
from .replicate_design import ReplicateDesign
from .results import ChisqResult, DesignResult, DomainComparisonResult
from .survey_design import SurveyDesign

__all__ = [
    "SurveyDesign",
    "DesignResult",
    "DomainComparisonResult",
    "ChisqResult",
    "load_api",
    "ReplicateDesign",
]
