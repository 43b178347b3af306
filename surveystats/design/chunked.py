"""Design-based estimates from data that is not in memory at once: chunks of a file, or any
iterable of pandas DataFrames.

The Taylor variance of a mean, total or proportion needs only weighted sums per cell
(PSU at every stage x domain): the estimate is a smooth function of totals, so its
linearization scores are linear in the per-row variables and their sum over the rows of a
cell is ``J`` times the cell's weighted sums.  So each chunk is reduced to a small table of
sums by (strata, clusters, FPC, domain) -- count of rows, answered rows, sum of weights,
of ``w y`` and of ``w y^2`` -- the tables are added up, and the estimate is finished on the
cell table with the design core's own pieces: the structure (:mod:`._structure`, built on
the cells, which keep every PSU and stratum of the file), the estimand
(:mod:`._estimand`), the variance engine (:func:`.variance.taylor_covariance`) and the
intervals.  The result is the in-memory :class:`~surveystats.SurveyDesign`'s to rounding
(the within-cell spread that the design effect needs is carried by the sum of ``w y^2``).
Two passes are never needed: the scores' dependence on the full-sample estimate enters only
after the sums are complete.

:mod:`surveystats.design.dask` runs the same per-chunk reduction on the partitions of a Dask
DataFrame.

Without clusters every respondent is its own PSU, and the with-replacement stage variance
``sum_h n_h / (n_h - 1) sum_i (z_i - zbar_h)^2`` needs, per stratum and domain, only the
sums of the scores ``z`` and of their squares: the cells also carry the sums of ``w^2``,
``w^2 y`` and ``w^2 y^2``, from which both follow exactly once the estimate is known
(:class:`~.variance.RowGroupScores`).

Limits: no weighting steps (weight first, in memory, or supply final weights).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import InvalidOptionError, InvalidValueError
from ._cells import CellEstimators
from ._structure import _as_list as _names

__all__ = ["ChunkedSurveyDesign", "CellSpec", "cell_sums", "add_cell_sums", "finish_cells"]

# names of the summed columns of a cell table (a leading underscore keeps them apart from
# the user's columns, which are the group keys)
_ROWS, _ANSWERED, _W_ALL, _W, _WY, _WY2, _BAD_W, _HITS = (
    "_rows",
    "_answered",
    "_w_all",
    "_w",
    "_wy",
    "_wy2",
    "_bad_weights",
    "_level_rows",
)
# squared weights (answered rows): without clusters every row is a PSU, and the variance
# needs each cell's sum of squared scores, w^2 (y - R)^2, which these give exactly
_W2, _W2Y, _W2Y2 = ("_w2", "_w2y", "_w2y2")
SUMS = (_ROWS, _ANSWERED, _W_ALL, _W, _WY, _WY2, _BAD_W, _HITS, _W2, _W2Y, _W2Y2)
# the one group key of a design with no strata, FPC or domains
_ONE_CELL = "_cell"


@dataclass(frozen=True)
class CellSpec:
    """What one estimate needs from each chunk: the design and the question asked."""

    weights: str | None
    strata: tuple
    clusters: tuple
    fpc: tuple
    nest: bool
    lonely_psu: str
    statistic: str  # "mean", "total" or "proportion"
    variable: str
    level: object = None
    by: tuple = ()

    @property
    def keys(self):
        """Group keys of the cell table: design columns, then domains (no duplicates); a
        constant key when there are none (one cell)."""
        keys = list(dict.fromkeys([*self.strata, *self.clusters, *self.fpc, *self.by]))
        return keys or [_ONE_CELL]

    @property
    def columns(self):
        """Every column a chunk must hold."""
        extra = [self.variable] + ([self.weights] if self.weights else [])
        keys = [k for k in self.keys if k != _ONE_CELL]
        return list(dict.fromkeys([*keys, *extra]))

    def check_columns(self, available):
        available = list(available)
        for argument, names in (
            ("weights", [self.weights] if self.weights else []),
            ("strata", self.strata),
            ("clusters", self.clusters),
            ("fpc", self.fpc),
            ("by", self.by),
            ("variable", [self.variable]),
        ):
            for name in names:
                if name not in available:
                    shown = ", ".join(repr(str(c)) for c in available[:20])
                    raise InvalidOptionError(
                        f"{argument}={name!r} is not a column of the data; columns are {shown}"
                    )


def design_settings(weights, strata, clusters, fpc, nest, lonely_psu) -> dict:
    """The design arguments, checked for what can be checked before any data is read."""
    from ._structure import LONELY_PSU

    if weights is not None and not isinstance(weights, str):
        raise InvalidOptionError(
            f"weights={weights!r} must be a column name (values cannot be given per row "
            "for data read in chunks or partitions)"
        )
    for argument, value in (("clusters", clusters), ("strata", strata), ("fpc", fpc)):
        _names(argument, value)
    if not isinstance(nest, bool | np.bool_):
        raise InvalidOptionError(f"nest={nest!r} must be True or False")
    if lonely_psu not in LONELY_PSU:
        allowed = ", ".join(repr(c) for c in LONELY_PSU)
        raise InvalidOptionError(
            f"lonely_psu={lonely_psu!r} is not recognized; allowed values are {allowed}"
        )
    return dict(
        weights=weights,
        strata=strata,
        clusters=clusters,
        fpc=fpc,
        nest=bool(nest),
        lonely_psu=lonely_psu,
    )


def make_spec(settings, statistic, variable, level=None, by=None) -> CellSpec:
    """A :class:`CellSpec` from a design's settings and one estimator call."""
    clusters = tuple(_names("clusters", settings["clusters"]))
    if not isinstance(variable, str):
        raise InvalidOptionError(f"variable={variable!r} must be a column name")
    return CellSpec(
        weights=settings["weights"],
        strata=tuple(_names("strata", settings["strata"])),
        clusters=clusters,
        fpc=tuple(_names("fpc", settings["fpc"])),
        nest=settings["nest"],
        lonely_psu=settings["lonely_psu"],
        statistic=statistic,
        variable=variable,
        level=level,
        by=tuple(_names("by", by)),
    )


# --------------------------------------------------------------------------- one chunk
def _answers(chunk, spec):
    """``y`` of one chunk: the answer, or for a proportion the indicator of ``level``; NaN
    for no answer."""
    column = chunk[spec.variable]
    if spec.statistic == "proportion":
        missing = column.isna().to_numpy()
        try:
            hits = (column == spec.level).to_numpy(dtype=bool, na_value=False)
        except TypeError:  # a level that cannot be compared with these answers
            hits = np.zeros(len(column), dtype=bool)
        y = hits.astype(float)
        y[missing] = np.nan
        return y
    from .estimators import numeric_values

    return numeric_values(column, spec.variable)


def cell_sums(chunk: pd.DataFrame, spec: CellSpec) -> pd.DataFrame:
    """The cell table of one chunk: one row per occurring cell, its keys and sums.

    Group keys keep missing values (``dropna=False``), so a missing stratum or cluster label
    is reported by the structure, not lost.  Categorical keys come back as plain values, so
    that tables of chunks with different category sets add up.
    """
    y = _answers(chunk, spec)
    answered = ~np.isnan(y)
    if spec.weights is None:
        w = np.ones(len(chunk))
        bad = np.zeros(len(chunk), dtype=bool)
    else:
        column = chunk[spec.weights]
        try:
            w = np.asarray(column.to_numpy(dtype=float, na_value=np.nan), dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(
                f"weights column {spec.weights!r} is not numeric (dtype {column.dtype})"
            ) from exc
        bad = ~(np.isfinite(w) & (w > 0))
    w_answered = np.where(answered, w, 0.0)
    y0 = np.where(answered, y, 0.0)
    wy = np.where(answered, w * y0, 0.0)
    sums = pd.DataFrame(
        {
            _ROWS: np.ones(len(chunk)),
            _ANSWERED: answered.astype(float),
            _W_ALL: np.where(bad, 0.0, w),
            _W: w_answered,
            _WY: wy,
            _WY2: wy * np.where(answered, y, 0.0),
            _BAD_W: bad.astype(float),
            _HITS: (y == 1.0).astype(float) if spec.statistic == "proportion" else 0.0,
            _W2: w_answered * w_answered,
            _W2Y: w_answered * wy,
            _W2Y2: wy * wy,
        },
        index=chunk.index,
    )
    keys = {k: (pd.Series(0, index=chunk.index) if k == _ONE_CELL else chunk[k]) for k in spec.keys}
    table = (
        pd.concat([pd.DataFrame(keys), sums], axis=1)
        .groupby(spec.keys, dropna=False, observed=True, sort=False)[list(SUMS)]
        .sum()
        .reset_index()
    )
    return _plain_keys(table, spec.keys)


def _plain_keys(table, keys):
    for key in keys:
        if isinstance(table[key].dtype, pd.CategoricalDtype):
            table[key] = table[key].astype(object)
    return table


def add_cell_sums(tables: Iterable[pd.DataFrame], spec: CellSpec) -> pd.DataFrame:
    """Cell tables of several chunks added into one."""
    tables = [t for t in tables if len(t)]
    if not tables:
        return pd.DataFrame(columns=[*spec.keys, *SUMS])
    if len(tables) == 1:
        return tables[0]
    whole = pd.concat(tables, ignore_index=True)
    return whole.groupby(spec.keys, dropna=False, sort=False)[list(SUMS)].sum().reset_index()


# --------------------------------------------------------------------------- the estimate
def finish_cells(
    cells: pd.DataFrame,
    spec: CellSpec,
    *,
    method="logit",
    confidence_level=0.95,
    deff="replace",
    levels_seen: Callable[[], list] | None = None,
    categories=None,
):
    """The :class:`~surveystats.design.DesignResult` of a complete cell table.

    ``categories``: ``{by column: categories}`` of the by columns that were categorical, so
    that the domains come out in category order, as the in-memory design gives them.
    """
    from .._internal.validation import check_choice, check_confidence_level
    from . import estimators
    from ._estimand import Estimand, RatioEstimand, TotalEstimand
    from ._intervals import PROPORTION_METHODS
    from .survey_design import SurveyDesign
    from .variance import taylor_covariance

    confidence_level = check_confidence_level(confidence_level)
    deff = check_choice("deff", deff, estimators.DEFF_KINDS)
    if spec.statistic == "proportion":
        method = check_choice("method", method, PROPORTION_METHODS)
    if not len(cells):
        raise InvalidValueError("the data has no rows")
    bad = int(cells[_BAD_W].sum())
    if bad:
        raise InvalidValueError(
            f"weights column {spec.weights!r} has {bad} missing, infinite or non-positive "
            "value(s); every weight must be a finite number > 0"
        )
    if spec.statistic == "proportion" and cells[_HITS].sum() == 0:
        shown = ""
        if levels_seen is not None:
            shown = "; its answers are " + ", ".join(repr(v) for v in levels_seen()[:20])
        raise InvalidValueError(
            f"level={spec.level!r} does not occur in column {spec.variable!r}{shown}"
        )
    for name, levels in (categories or {}).items():
        cells = cells.assign(**{name: pd.Categorical(cells[name], categories=levels)})
    # The cells as a design: every PSU and stratum of the data is a cell row's, so the
    # structure (stages, n_h, FPC, lonely PSUs, degf) is the data's.  Its weights only pass
    # validation (the variance reads the structure); the estimand gets the answered sums.
    unit_weights = None if spec.weights is None else cells[_W_ALL].to_numpy()
    if spec.clusters:
        design = SurveyDesign(
            cells,
            weights=unit_weights,
            strata=_one_or_list(spec.strata),
            clusters=_one_or_list(spec.clusters),
            fpc=_one_or_list(spec.fpc),
            nest=spec.nest,
            lonely_psu=spec.lonely_psu,
        )
    else:
        design = _unclustered_design(cells, spec, unit_weights)
    scale = 1.0 if spec.weights is not None else design.weights  # implied weight per cell
    w = cells[_W].to_numpy() * scale
    wy = cells[_WY].to_numpy() * scale
    wy2 = cells[_WY2].to_numpy() * scale
    answered = cells[_ANSWERED].to_numpy()

    codes, n_domains, labels, by_names = estimators.domain_codes(
        design, _one_or_list(spec.by) if spec.by else None
    )
    has_answers = answered > 0
    domain = np.where(has_answers, codes, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cell_mean = np.where(has_answers, wy / np.where(w > 0, w, 1.0), 0.0)
    estimand: Estimand
    if spec.statistic == "total":
        # z = [y]: the cell's sum of w y is its weight times 1 (the weights carry it)
        estimand = TotalEstimand(variables=np.ones((len(w), 1)), domain=domain, n_domains=n_domains)
        cell_weights = wy
    else:
        # z = [y, 1] with the cell's weighted mean as y: sum W * ybar = sum w y
        estimand = RatioEstimand(
            variables=np.column_stack([cell_mean, np.ones_like(cell_mean)]),
            domain=domain,
            n_domains=n_domains,
        )
        cell_weights = w
    totals = estimand.totals(cell_weights)
    estimate = estimand.value(totals)
    if spec.clusters:
        scores = estimand.scores(cell_weights, totals)
    else:
        squared = [cells[name].to_numpy() * scale**2 for name in (_W2, _W2Y, _W2Y2)]
        scores = _row_group_scores(spec, estimate, totals, domain, n_domains, w, wy, *squared)
    covariance = taylor_covariance(design, scores, domain)
    variance = np.diag(covariance).copy()

    safe = np.where(domain >= 0, domain, 0)
    n = np.bincount(safe, weights=np.where(domain >= 0, answered, 0.0), minlength=n_domains)
    outside = codes < 0  # cells whose by value is missing: in no domain, as in memory
    rows = cells[_ROWS].to_numpy()
    n_missing = np.bincount(
        np.where(outside, 0, codes),
        weights=np.where(outside, 0.0, rows - answered),
        minlength=n_domains,
    )
    empty = n == 0
    if empty.any():  # a domain without answers has no estimate and no variance, as in memory
        covariance[empty, :] = np.nan
        covariance[:, empty] = np.nan
        variance[empty] = np.nan
    deff_values = _design_effect(variance, safe, domain >= 0, w, wy, wy2, n, spec, deff, n_domains)
    parts = dict(
        estimate=estimate,
        variance=variance,
        covariance=covariance,
        deff=deff_values,
        n=n,
        n_missing=n_missing,
        labels=labels,
        by=by_names,
        codes=codes,  # every cell, answered or not: a domain's degf counts its PSUs
        n_domains=n_domains,
        n_missing_by=int(rows[outside].sum()),
    )
    statistic = "proportion" if spec.statistic == "proportion" else spec.statistic
    return estimators._result(
        design,
        parts,
        method if spec.statistic == "proportion" else "wald",
        confidence_level,
        statistic,
        spec.variable,
        spec.level,
    )


def _unclustered_design(cells, spec, unit_weights):
    """The cell table as a design whose every respondent is its own PSU: the structure
    counts each cell's rows as PSUs (``row_counts``), so n_h, the FPC, degf and the lonely
    rules are those of the rows, as the in-memory design's."""
    from ._structure import build_structure
    from .survey_design import _rebuild

    structure, implied = build_structure(
        cells,
        strata=_one_or_list(spec.strata),
        clusters=None,
        fpc=_one_or_list(spec.fpc),
        nest=spec.nest,
        lonely_psu=spec.lonely_psu,
        row_counts=cells[_ROWS].to_numpy(),
    )
    if unit_weights is not None:
        weights = unit_weights
    else:
        weights = implied if implied is not None else np.ones(len(cells))
    settings = dict(
        weights=spec.weights,
        strata=_one_or_list(spec.strata),
        clusters=None,
        fpc=_one_or_list(spec.fpc),
        nest=spec.nest,
        lonely_psu=spec.lonely_psu,
    )
    return _rebuild(cells, weights, structure, (), settings)


def _row_group_scores(spec, estimate, totals, domain, n_domains, w, wy, w2, w2y, w2y2):
    """Per cell, the sum and the sum of squares of its rows' linearization scores.

    A total's score is ``w y``; a mean's (a proportion's) ``w (y - R) / W`` with R and W the
    domain's estimate and weight, so a cell's sum is ``(sum w y - R sum w) / W`` and its sum
    of squares ``(sum w^2 y^2 - 2 R sum w^2 y + R^2 sum w^2) / W^2`` (R ``svymean``'s
    influence values, summed without the rows).
    """
    from .variance import RowGroupScores

    inside = domain >= 0
    column = np.where(inside, domain, 0)
    if spec.statistic == "total":
        sums, squares = wy, w2y2
    else:
        ratio = estimate[column]
        weight = np.asarray(totals, dtype=float).reshape(n_domains, 2)[column, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            sums = (wy - ratio * w) / weight
            squares = (w2y2 - 2 * ratio * w2y + ratio * ratio * w2) / (weight * weight)
    sums = np.where(inside, sums, 0.0)
    squares = np.where(inside, squares, 0.0)
    return RowGroupScores(sums=sums, squares=squares, column=column, n_columns=n_domains)


def _design_effect(variance, domain, inside, w, wy, wy2, n, spec, kind, n_domains):
    """The design effect of :func:`estimators._design_effect` (R ``svymean``/``svytotal``
    ``deff``) from the cell sums.

    The within-domain spread ``sum w (y - mean)^2`` is the cells' own spread
    ``sum w y^2 - (sum w y)^2 / sum w`` plus their spread around the domain mean; for a
    proportion (y is 0 or 1) it is ``Y (W - Y) / W``, exactly 0 when every answer is the
    level, as in memory.
    """

    def group(values):
        return np.bincount(domain, weights=np.where(inside, values, 0.0), minlength=n_domains)

    with np.errstate(divide="ignore", invalid="ignore"):
        weight_sum, wy_sum = group(w), group(wy)
        if spec.statistic == "proportion":
            spread = wy_sum * (weight_sum - wy_sum) / weight_sum
        else:
            cell_mean = np.where(w > 0, wy / w, 0.0)
            within = np.where(w > 0, wy2 - wy * cell_mean, 0.0)
            between = w * (cell_mean - (wy_sum / weight_sum)[domain]) ** 2
            spread = group(within) + group(between)
        s2 = spread / weight_sum * n / (n - 1)
        srs = s2 / n
        if spec.statistic == "total":
            srs = srs * weight_sum**2
        if kind == "srswor":
            srs = srs * (weight_sum - n) / weight_sum
        return variance / srs


def by_categories(dtypes, spec):
    """``{by column: categories}`` for the categorical by columns (given their dtypes)."""
    return {
        name: list(dtypes[name].categories)
        for name in spec.by
        if isinstance(dtypes[name], pd.CategoricalDtype) and dtypes[name].categories is not None
    }


def _one_or_list(names):
    names = list(names)
    if not names:
        return None
    return names[0] if len(names) == 1 else names


# --------------------------------------------------------------------------- the public class
class ChunkedSurveyDesign(CellEstimators):
    """A sample design over data read in chunks: a file larger than memory, or any iterable
    of DataFrames.

    Each estimate reads the data once, reducing every chunk to weighted sums per cell (PSU x
    domain) before the next is read; memory grows with the number of cells, not rows.

    Parameters
    ----------
    source : str, path-like, or callable
        A CSV or Parquet file (read ``chunksize`` rows at a time: ``pandas.read_csv``
        with ``chunksize``, Parquet by record batches through pyarrow), or a function that
        returns a fresh iterable of DataFrames each time it is called (one call per
        estimate).
    weights, strata, clusters, fpc, nest, lonely_psu
        As :class:`~surveystats.SurveyDesign` (column names).
    chunksize : int
        Rows per chunk of a file.
    **read_options
        Passed to ``pandas.read_csv`` (``sep``, ``encoding`` ...).

    Examples
    --------
    The one-stage cluster sample of school districts (R's ``apiclus1``), read 50 rows at a
    time, agrees with the in-memory design:

    >>> import os, tempfile
    >>> import surveystats as ss
    >>> from surveystats.design import load_api
    >>> from surveystats.design.chunked import ChunkedSurveyDesign
    >>> path = os.path.join(tempfile.mkdtemp(), "apiclus1.csv")
    >>> load_api("apiclus1").to_csv(path, index=False)
    >>> big = ChunkedSurveyDesign(path, weights="pw", clusters="dnum", fpc="fpc", chunksize=50)
    >>> r = big.mean("api00")
    >>> small = ss.SurveyDesign(load_api("apiclus1"), weights="pw", clusters="dnum", fpc="fpc")
    >>> abs(r.se - small.mean("api00").se) < 1e-9
    True
    """

    def __init__(
        self,
        source,
        *,
        weights: str | None = None,
        strata=None,
        clusters=None,
        fpc=None,
        nest: bool = False,
        lonely_psu: str = "fail",
        chunksize: int = 500_000,
        **read_options,
    ):
        if not isinstance(chunksize, int | np.integer) or chunksize < 1:
            raise InvalidOptionError(f"chunksize={chunksize!r} must be a positive integer")
        self._settings = design_settings(weights, strata, clusters, fpc, nest, lonely_psu)
        self._source = source
        self._chunksize = int(chunksize)
        self._read_options = read_options
        if not callable(source):
            path = os.fspath(source)
            if not os.path.isfile(path):
                import errno

                raise FileNotFoundError(errno.ENOENT, "no such survey file", path)
            from .readers import _format_of

            self._format = _format_of(path, read_options.pop("format", None))
            if self._format not in ("csv", "parquet"):
                raise InvalidOptionError(
                    f"{path!r} is a {self._format} file; files read in chunks are CSV or "
                    "Parquet (read_survey reads Stata and SPSS files whole)"
                )

    def _chunks(self, columns):
        if callable(self._source):
            yield from self._source()
            return
        path = os.fspath(self._source)
        if self._format == "csv":
            header = pd.read_csv(path, nrows=0, **self._read_options).columns
            yield pd.DataFrame(columns=header).iloc[:0]  # lets the columns be checked first
            yield from pd.read_csv(
                path, usecols=columns, chunksize=self._chunksize, **self._read_options
            )
        else:
            from .readers import _require

            _require("parquet")
            import pyarrow.parquet as pq

            handle = pq.ParquetFile(path)
            yield pd.DataFrame(columns=handle.schema_arrow.names)
            for batch in handle.iter_batches(batch_size=self._chunksize, columns=columns):
                yield batch.to_pandas()

    def _run(self, statistic, variable, *, level=None, by=None, **finish):
        """One estimate; ``finish``: ``method``, ``confidence_level``, ``deff`` (checked by
        :func:`finish_cells`)."""
        spec = make_spec(self._settings, statistic, variable, level, by)
        pending, total, seen, categories = [], None, set(), None
        first = True
        for chunk in self._chunks(spec.columns):
            if first:
                spec.check_columns(chunk.columns)
                first = False
                if not len(chunk):
                    continue
            if categories is None:
                categories = by_categories(chunk.dtypes, spec)
            pending.append(cell_sums(chunk, spec))
            if statistic == "proportion" and len(seen) < 1000:
                seen.update(chunk[variable].dropna().unique().tolist())
            if len(pending) >= 8:  # fold in now and then: memory stays at the cell count
                total = add_cell_sums([t for t in (total,) if t is not None] + pending, spec)
                pending = []
        cells = add_cell_sums([t for t in (total,) if t is not None] + pending, spec)
        return finish_cells(
            cells,
            spec,
            levels_seen=lambda: sorted(seen, key=str),
            categories=categories,
            **finish,
        )
