"""Design-based estimates from a Dask DataFrame: group-by sums per cell, no collect of the rows.

Each partition is reduced to its table of weighted sums per cell (PSU at every stage x
domain) by :func:`surveystats.design.chunked.cell_sums`, Dask adds the tables up with a
group-by aggregation, and only that table -- a few rows per PSU -- comes back to the client,
where :func:`~surveystats.design.chunked.finish_cells` finishes the estimate with the design
core's structure, variance engine and intervals.  The numbers are those of the in-memory
:class:`~surveystats.SurveyDesign` on the same rows (to rounding); the limits are those of
:mod:`.chunked` (no weighting steps).  ``mean``, ``total`` and ``proportion`` come from
:class:`~._cells.CellEstimators`, shared with the chunked design.

Needs the ``dask`` extra (``pip install 'surveystats[dask]'``).
"""

from __future__ import annotations

import pandas as pd

from ._cells import CellEstimators
from .chunked import (
    SUMS,
    cell_sums,
    design_settings,
    finish_cells,
    make_spec,
)

__all__ = ["DaskSurveyDesign"]


class DaskSurveyDesign(CellEstimators):
    """A sample design over a Dask DataFrame (R ``svydesign`` for data on a cluster).

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        One row per respondent, in any number of partitions.
    weights, strata, clusters, fpc, nest, lonely_psu
        As :class:`~surveystats.SurveyDesign` (column names).

    Notes
    -----
    Every estimate is one ``compute()`` of a group-by sum; the rows never leave the workers.
    ``mean``, ``total`` and ``proportion`` take the arguments of
    :class:`~surveystats.SurveyDesign`'s, and ``split_out`` (partitions of the summed cell
    table, for one too big for one partition).

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

    def _run(self, statistic, variable, *, level=None, by=None, split_out=1, **finish):
        """One estimate; ``finish``: ``method``, ``confidence_level``, ``deff`` (checked by
        :func:`finish_cells`)."""
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
            levels_seen=levels_seen,
            categories=categories,
            **finish,
        )
