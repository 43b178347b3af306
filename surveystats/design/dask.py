"""Design-based estimates from a Dask DataFrame: group-by sums per cell, no collect of the rows.

Each partition is reduced to its table of weighted sums per cell (PSU at every stage x
domain) by :func:`surveystats.design.chunked.cell_sums`, Dask adds the tables up with a
group-by aggregation, and only that table -- a few rows per PSU -- comes back to the client,
where :func:`~surveystats.design.chunked.finish_cells` finishes the estimate with the design
core's structure, variance engine and intervals.  The numbers are those of the in-memory
:class:`~surveystats.SurveyDesign` on the same rows (to rounding); the limits are those of
:mod:`.chunked` (clusters required, no weighting steps).

Needs the ``dask`` extra (``pip install 'surveystats[dask]'``).
"""

from __future__ import annotations

import pandas as pd

from .chunked import (
    SUMS,
    cell_sums,
    design_settings,
    finish_cells,
    make_spec,
)

__all__ = ["DaskSurveyDesign"]


class DaskSurveyDesign:
    """A sample design over a Dask DataFrame (R ``svydesign`` for data on a cluster).

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        One row per respondent, in any number of partitions.
    weights, strata, clusters, fpc, nest, lonely_psu
        As :class:`~surveystats.SurveyDesign` (column names); ``clusters`` is required.

    Notes
    -----
    Every estimate is one ``compute()`` of a group-by sum; the rows never leave the workers.
    Pass ``split_out`` to an estimator for a cell table too big for one partition.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import surveystats as ss
    >>> from surveystats.design import load_api
    >>> from surveystats.design.dask import DaskSurveyDesign
    >>> frame = load_api("apiclus1")
    >>> d = DaskSurveyDesign(
    ...     dd.from_pandas(frame, npartitions=3), weights="pw", clusters="dnum", fpc="fpc"
    ... )
    >>> r = d.proportion("sch.wide", level="Yes")
    >>> memory = ss.SurveyDesign(frame, weights="pw", clusters="dnum", fpc="fpc")
    >>> abs(r.se - memory.proportion("sch.wide", level="Yes").se) < 1e-12
    True
    """

    def __init__(
        self,
        data,
        *,
        weights: str | None = None,
        strata=None,
        clusters=None,
        fpc=None,
        nest: bool = False,
        lonely_psu: str = "fail",
    ):
        self._data = data
        self._settings = design_settings(weights, strata, clusters, fpc, nest, lonely_psu)

    @property
    def data(self):
        """The Dask DataFrame."""
        return self._data

    def _run(
        self,
        statistic,
        variable,
        *,
        level=None,
        by=None,
        method="logit",
        confidence_level=0.95,
        deff="replace",
        split_out=1,
    ):
        spec = make_spec(self._settings, statistic, variable, level, by)
        data = self._data
        spec.check_columns(data.columns)
        data = data[spec.columns]
        meta = cell_sums(data._meta, spec)
        cells = (
            data.map_partitions(cell_sums, spec, meta=meta)
            .groupby(spec.keys, dropna=False, sort=False)[list(SUMS)]
            .sum(split_out=split_out)
            .reset_index()
            .compute()
        )
        # by columns whose categories every partition shares: domains in category order
        categories = {
            name: list(data[name].dtype.categories)
            for name in spec.by
            if isinstance(data[name].dtype, pd.CategoricalDtype) and data[name].cat.known
        }

        def levels_seen():
            return sorted(data[variable].dropna().unique().compute().tolist(), key=str)

        return finish_cells(
            cells,
            spec,
            method=method,
            confidence_level=confidence_level,
            deff=deff,
            levels_seen=levels_seen,
            categories=categories,
        )

    def mean(self, variable, *, by=None, confidence_level=0.95, deff="replace", split_out=1):
        """Weighted mean, as :meth:`SurveyDesign.mean <surveystats.SurveyDesign.mean>`."""
        return self._run(
            "mean",
            variable,
            by=by,
            confidence_level=confidence_level,
            deff=deff,
            split_out=split_out,
        )

    def total(self, variable, *, by=None, confidence_level=0.95, deff="replace", split_out=1):
        """Weighted total, as :meth:`SurveyDesign.total <surveystats.SurveyDesign.total>`."""
        return self._run(
            "total",
            variable,
            by=by,
            confidence_level=confidence_level,
            deff=deff,
            split_out=split_out,
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
        split_out=1,
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
            split_out=split_out,
        )
