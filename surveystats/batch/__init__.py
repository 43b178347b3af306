"""The batch layer: tables of questions x waves in (pandas, Dask, CSV and Parquet files),
tidy tables of results out.  No statistics live here; every number comes from the core.

Modules, one job each: ``waves`` (:func:`compare_waves`, :func:`trend_by_question`),
``intervals`` (:func:`describe`), ``files`` (:func:`compare_waves_csv`, streaming a file in
chunks and writing atomically); private helpers ``_checks`` (options and row checks),
``_sequence`` (placing rows in wave order and pairing them), ``_columns`` (output columns,
family-wise adjustment), ``_dask`` (the Dask versions) and ``_output`` (atomic, formula-safe
CSV writing).
"""

from .files import BatchSummary, compare_waves_csv
from .intervals import DESCRIBE_COLUMNS, describe
from .waves import COMPARE_COLUMNS, TREND_COLUMNS, compare_waves, trend_by_question

__all__ = [
    "compare_waves",
    "describe",
    "trend_by_question",
    "compare_waves_csv",
    "BatchSummary",
    "COMPARE_COLUMNS",
    "DESCRIBE_COLUMNS",
    "TREND_COLUMNS",
]
