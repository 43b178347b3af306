"""The estimator methods shared by the designs over summed cells (private).

:class:`~.chunked.ChunkedSurveyDesign` (chunks of a file) and
:class:`~.dask.DaskSurveyDesign` (partitions of a Dask DataFrame) differ only in how they
produce the cell table; both answer ``mean``, ``total`` and ``proportion`` by one call of
their ``_run(statistic, variable, **options)``, written here once.  The arithmetic lives in
:mod:`.chunked` (``cell_sums``, ``finish_cells``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CellEstimators"]


class CellEstimators:
    """``mean``, ``total`` and ``proportion`` over ``self._run`` (see the module docstring).

    ``**options`` are the subclass's own keywords (``split_out`` for Dask).
    """

    #: ``_run(statistic, variable, **options)``: the subclass's cell table and estimate
    _run: Callable[..., Any]

    def mean(self, variable, *, by=None, confidence_level=0.95, deff="replace", **options):
        """Weighted mean, as :meth:`SurveyDesign.mean <surveystats.SurveyDesign.mean>`."""
        return self._run(
            "mean", variable, by=by, confidence_level=confidence_level, deff=deff, **options
        )

    def total(self, variable, *, by=None, confidence_level=0.95, deff="replace", **options):
        """Weighted total, as :meth:`SurveyDesign.total <surveystats.SurveyDesign.total>`."""
        return self._run(
            "total", variable, by=by, confidence_level=confidence_level, deff=deff, **options
        )

    def proportion(
        self,
        variable,
        *,
        level,
        by=None,
        method="logit",
        confidence_level=0.95,
        deff="replace",
        **options,
    ):
        """Share of ``level``, as :meth:`SurveyDesign.proportion
        <surveystats.SurveyDesign.proportion>`."""
        return self._run(
            "proportion",
            variable,
            level=level,
            by=by,
            method=method,
            confidence_level=confidence_level,
            deff=deff,
            **options,
        )
