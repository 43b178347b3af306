"""Exceptions raised by surveystats.

Every error the library raises on purpose is a :class:`SurveyStatsError`, a subclass of
:class:`ValueError`, so ``except ValueError`` keeps working for callers who do not know
this package.  Only the command line turns these into messages and exit codes.
"""


class SurveyStatsError(ValueError):
    """Base class of every error surveystats raises on purpose."""


class InvalidOptionError(SurveyStatsError):
    """An option (method, confidence_level, alternative, ...) has a value that is not allowed."""


class InvalidValueError(SurveyStatsError):
    """A number handed in (a proportion, a sample size, a weight) is outside its domain."""


class ShapeError(SurveyStatsError):
    """Array inputs whose shapes do not broadcast together."""
