"""The batch layer: tables of questions x waves in (pandas, Dask, CSV files), tidy tables of
results out.  No statistics live here; every number comes from the core."""

from .frame import COMPARE_COLUMNS, compare_waves, compare_waves_csv, describe, trend_by_question

__all__ = ["compare_waves", "describe", "trend_by_question", "compare_waves_csv", "COMPARE_COLUMNS"]
