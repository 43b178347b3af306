"""``ReplicateDesign``: a respondent file whose variance comes from replicate weights.

Two ways in, as R's survey package:

* ``SurveyDesign.replicate(type, ...)`` (R ``as.svrepdesign``): the replicates are factors
  per PSU (:mod:`.replicates`), applied on the fly -- replicate totals are
  ``F.T @ psu_sums(w * z)``, a PSUs x replicates product, and no rows x replicates matrix of
  weights is ever formed;
* ``ReplicateDesign(data, weights=..., replicate_weights=..., type=...)`` (R ``svrepdesign``
  with ``combined.weights = TRUE``): replicate weight columns shipped with the file, read in
  row chunks (``W_rep.T @ z``).

The estimators are those of ``SurveyDesign`` (:mod:`.estimators`), reached through the
``Estimand`` contract: the design answers ``_covariance(estimand, totals)`` with
``scale * sum_r rscales_r (est_r - centre)(est_r - centre)^T`` (R ``svrVar``). Degrees of
freedom are R's: the rank of the replicate weights minus one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._internal.results import ConfidenceInterval
from ..exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError
from ._estimand import Estimand, RatioEstimand, TotalEstimand
from ._replicate_steps import (
    CellFactors,
    ModelFactors,
    TrimFactors,
    calibrate_cells,
    check_converged,
    linear_lambda,
    model_grams,
    newton_columns,
    poststratify_cells,
    rake_cells,
)
from ._targets import _compress
from .replicates import (
    REPLICATE_TYPES,
    PsuLayout,
    ReplicateFactors,
    make_factors,
    replicate_variance,
    user_weights_rank,
)
from .results import DesignResult
from .weighting import WeightingMethods, start_weights

__all__ = ["ReplicateDesign", "ReplicateProportionResult", "replicate_from_design"]

# Rows of user-supplied replicate weights converted to float at a time (rows x replicates).
_CHUNK_CELLS = 2**22
# User-supplied replicate weights up to this many cells are converted once and kept.
_KEEP_CELLS = 2**24


class ReplicateDesign(WeightingMethods):
    """A design with replicate weights (R ``svrepdesign``, ``as.svrepdesign``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, with the replicate weight columns.
    weights : str or array-like
        The full-sample weights (a column or one value per row).
    replicate_weights : str or list of str
        The replicate weight columns: a list of names, or a regular expression matched
        against the column names (R's ``grep``), e.g. ``"repw[0-9]+"``. They are *combined*
        weights (the full weight times the replicate factor), as R's default.
    type : {"jk1", "jkn", "brr", "fay", "bootstrap", "sdr"}
        How the replicates were made; it sets R's default ``scale`` and ``rscales``:
        ``jk1`` (R-1)/R, ``brr`` 1/R, ``fay`` 1/(R (1-rho)^2), ``bootstrap`` 1/(R-1),
        ``sdr`` 4/R (R's ``"successive-difference"``, as the ACS), each with rscales 1;
        ``jkn`` needs ``rscales`` ((n_h - 1)/n_h per replicate, times any FPC).
    scale : float, optional
        Overall multiplier (``jk1``, ``jkn`` and ``bootstrap`` only; the others fix it).
    rscales : array-like, optional
        One multiplier per replicate (not for ``brr``, ``fay``, ``sdr``).
    rho : float, optional
        Fay's coefficient, required for ``fay``.
    mse : bool
        Centre the squared deviations on the full-sample estimate (True) or on the mean of
        the replicates (False, R's default).

    Examples
    --------
    Jackknife replicates of R's ``apistrat`` (stratified by school type, FPC), handed on as
    columns and read back:

    >>> import pandas as pd
    >>> import surveystats as ss
    >>> from surveystats.design import load_api
    >>> api = load_api("apistrat")
    >>> rd = ss.SurveyDesign(api, weights="pw", strata="stype", fpc="fpc").replicate("jkn")
    >>> rd
    ReplicateDesign(200 rows, type='jkn', 200 replicates, degf=197)
    >>> round(rd.mean("api00").se, 4)
    9.4089
    >>> shipped = pd.concat([api, rd.replicate_weights()], axis=1)
    >>> back = ss.ReplicateDesign(shipped, weights="pw", replicate_weights="^repw",
    ...                           type="jkn", rscales=rd.rscales)
    >>> round(back.mean("api00").se, 4)
    9.4089

    The weighting methods re-weight the full-sample weights and every replicate with the same
    targets, as R's ``postStratify``, ``rake`` and ``calibrate`` on a replicate design; the
    standard error comes from the re-weighted replicates (apistrat is stratified by school
    type, so it is post-stratified to ``sch.wide``; R gives SE 9.3133 and degf 198):

    >>> ps = rd.poststratify({"sch.wide": {"No": 1072, "Yes": 5122}})
    >>> ps
    ReplicateDesign(200 rows, type='jkn', 200 replicates, degf=198, 1 weighting step(s))
    >>> round(ps.mean("api00").se, 4)
    9.3133
    """

    _data: Any
    _weights: np.ndarray
    _type: str
    _scale: float
    _rscales: np.ndarray
    _rho: float | None
    _mse: bool
    _factors: ReplicateFactors | None
    _row_psu: Any  # PSU code of every row (None for user-supplied weights)
    _columns: Any  # replicate weight columns (None for replicates made from factors)
    _kept: np.ndarray | None
    _cache: dict
    _base_weights: np.ndarray
    _weighting_steps: tuple
    _reweighting: tuple
    _fixed_degf: int | None

    __slots__ = (
        "_data",
        "_weights",
        "_type",
        "_scale",
        "_rscales",
        "_rho",
        "_mse",
        "_factors",
        "_row_psu",
        "_columns",
        "_kept",
        "_cache",
        "_base_weights",
        "_weighting_steps",
        "_reweighting",
        "_fixed_degf",
    )

    def __init__(
        self,
        data,
        *,
        weights: Any,
        replicate_weights: str | Sequence[str],
        type: str,
        scale: float | None = None,
        rscales: Any = None,
        rho: float | None = None,
        mse: bool = False,
    ):
        import pandas as pd

        from .survey_design import _weight_values

        if not isinstance(data, pd.DataFrame):
            data = pd.DataFrame(data)
        if type not in REPLICATE_TYPES:
            raise InvalidOptionError(
                f"type={type!r} is not a replicate type; choose one of {', '.join(REPLICATE_TYPES)}"
            )
        w = np.array(_weight_values(data, weights), dtype=float)
        w.flags.writeable = False
        columns = _replicate_columns(data, replicate_weights)
        n_rep = len(columns)
        scale, rscales, rho = _user_scales(type, n_rep, scale, rscales, rho)
        self._init(data, w, type, scale, rscales, rho, _check_mse(mse), None, None, columns)
        self._check_replicate_columns()

    def _init(
        self,
        data,
        weights,
        type,
        scale,
        rscales,
        rho,
        mse,
        factors,
        row_psu,
        columns,
        base_weights=None,
        steps=(),
        reweighting=(),
        fixed_degf=None,
    ):
        set_ = object.__setattr__
        # the full-sample weights before any weighting step: the replicate weights of a design
        # made from factors are base_weights * factor, before the steps re-weight them
        set_(self, "_base_weights", weights if base_weights is None else base_weights)
        set_(self, "_weighting_steps", tuple(steps))
        set_(self, "_reweighting", tuple(reweighting))
        set_(self, "_fixed_degf", fixed_degf)
        set_(self, "_data", data)
        set_(self, "_weights", weights)
        set_(self, "_type", type)
        set_(self, "_scale", float(scale))
        set_(self, "_rscales", rscales)
        set_(self, "_rho", rho)
        set_(self, "_mse", mse)
        set_(self, "_factors", factors)
        set_(self, "_row_psu", row_psu)
        set_(self, "_columns", columns)
        set_(self, "_kept", None)
        set_(self, "_cache", {})

    @classmethod
    def _from_factors(
        cls, data, weights: np.ndarray, factors: ReplicateFactors, row_psu: np.ndarray, mse: bool
    ) -> ReplicateDesign:
        new = object.__new__(cls)
        new._init(
            data,
            weights,
            factors.type,
            factors.scale,
            factors.rscales,
            factors.rho,
            _check_mse(mse),
            factors,
            row_psu,
            None,
        )
        return new

    def __setattr__(self, name, value):
        raise AttributeError("ReplicateDesign is immutable")

    def __reduce__(self):
        state = (
            self._data,
            self._weights,
            self._type,
            self._scale,
            self._rscales,
            self._rho,
            self._mse,
            self._factors,
            self._row_psu,
            self._columns,
            self._base_weights,
            self._weighting_steps,
            self._reweighting,
            self._fixed_degf,
        )
        return (_rebuild, state)

    # -- read-only attributes (the contract read by the estimators) -------------------------
    @property
    def data(self):
        """The respondent file."""
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """The full-sample weights, one per row (read-only array)."""
        return self._weights

    @property
    def n_rows(self) -> int:
        """Number of respondents (rows of the data)."""
        return len(self._weights)

    @property
    def type(self) -> str:
        """How the replicates were made: "jk1", "jkn", "brr", "fay", "bootstrap" or "sdr"."""
        return self._type

    @property
    def n_replicates(self) -> int:
        """Number of replicates."""
        return len(self._rscales)

    @property
    def scale(self) -> float:
        """Overall multiplier of the replicate variance."""
        return self._scale

    @property
    def rscales(self) -> np.ndarray:
        """Multiplier of each replicate (a copy)."""
        return self._rscales.copy()

    @property
    def rho(self) -> float | None:
        """Fay's coefficient (None unless ``type="fay"``)."""
        return self._rho

    @property
    def mse(self) -> bool:
        """Whether deviations are centred on the full-sample estimate (else the replicates' mean)."""
        return self._mse

    @property
    def degf(self) -> int:
        """Rank of the replicate weights minus one (R ``degf`` of a replicate design)."""
        degf = self._cache.get("degf")
        if degf is None:
            if self._fixed_degf is not None:
                degf = self._fixed_degf
            elif self._reweighting:
                degf = reweighted_rank(self) - 1
            elif self._factors is not None:
                degf = self._factors.rank() - 1
            else:
                degf = self._user_rank() - 1
            degf = self._cache["degf"] = int(degf)
        return degf

    def __repr__(self):
        steps = self._weighting_steps
        weighted = f", {len(steps)} weighting step(s)" if steps else ""
        return (
            f"ReplicateDesign({self.n_rows} rows, type={self._type!r}, "
            f"{self.n_replicates} replicates, degf={self.degf}{weighted})"
        )

    # -- helpers the estimators use (same meaning as SurveyDesign's) ------------------------
    def _column(self, name, argument):
        if not isinstance(name, str) or name not in self._data.columns:
            shown = ", ".join(repr(str(c)) for c in list(self._data.columns)[:20])
            raise InvalidOptionError(
                f"{argument}={name!r} is not a column of the data; columns are {shown}"
            )
        return self._data[name]

    def _factorized(self, name, argument, missing_ok=False):
        key = (name, missing_ok)
        cached = self._cache.get(key)
        if cached is None:
            import pandas as pd

            from ._structure import factorize

            self._column(name, argument)
            if missing_ok:
                codes, levels = pd.factorize(self._data[name], sort=True)
                cached = (np.asarray(codes, dtype=np.int64), levels)
            else:
                cached = factorize(self._data, name, argument)
            self._cache[key] = cached
        return cached

    # -- the variance: replicate estimates of an Estimand -----------------------------------
    def _replicate_totals(self, estimand) -> np.ndarray:
        """Totals of the estimand's columns in every replicate, (n_replicates, m)."""
        if self._reweighting:
            return reweighted_totals(self, estimand)
        if self._factors is not None:
            f = self._factors
            sums = estimand.group_totals(self._weights, self._row_psu, f.n_psu)
            return np.concatenate([f.totals(sums, a, b) for a, b in f.blocks()], axis=0)
        return self._user_totals(estimand)

    def _replicate_estimates(self, estimand) -> np.ndarray:
        """``value(T_r)`` for every replicate r: (n_replicates, k)."""
        return np.asarray(estimand.value(self._replicate_totals(estimand)), dtype=float)

    def _covariance(self, estimand, totals) -> np.ndarray:
        """Replicate covariance (k, k) of the estimand (R ``svrVar``)."""
        full = np.asarray(estimand.value(totals), dtype=float)
        replicates = self._replicate_estimates(estimand)
        return replicate_variance(
            replicates, full, scale=self._scale, rscales=self._rscales, mse=self._mse
        )

    def _share_covariance(self, estimand, totals) -> np.ndarray:
        """Covariance of the shares ``T / sum(T)`` of the estimand's columns, from the shares in
        every replicate (R ``svychisq`` on a replicate design takes ``vcov(svymean(cells))``,
        the replicate variance of the cell proportions, not their linearization)."""
        full = np.asarray(totals, dtype=float)
        full = full / full.sum()
        reps = self._replicate_totals(estimand)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = reps / reps.sum(axis=1, keepdims=True)
        return replicate_variance(
            shares, full, scale=self._scale, rscales=self._rscales, mse=self._mse
        )

    # -- weighting: every replicate is re-weighted (R's methods for svyrep.design) ----------
    def _with_step(self, weights, step) -> ReplicateDesign:
        """A new design: full-sample ``weights`` after ``step``, and every replicate re-weighted
        by the same step with the same targets (R ``postStratify``, ``rake``, ``calibrate``,
        ``trimWeights`` on a replicate design); the replicate variance then comes from the
        re-weighted replicates, with no linearization of the step."""
        replicate_step = fit_replicate_step(self, step)
        # R recomputes degf (the rank of the analysis weights - 1) after postStratify, rake and
        # the closed-form linear calibration (regcalibrate); calibrate's iterative path and
        # trimWeights keep the design's degf
        closed_form = step.kind in ("poststratify", "rake") or (
            step.kind == "calibrate" and step.method == "linear" and step.bounds is None
        )
        fixed = None if closed_form else self.degf
        new = object.__new__(ReplicateDesign)
        w = np.array(weights, dtype=float)
        w.flags.writeable = False
        new._init(
            self._data,
            w,
            self._type,
            self._scale,
            self._rscales,
            self._rho,
            self._mse,
            self._factors,
            self._row_psu,
            self._columns,
            self._base_weights,
            self._weighting_steps + (step,),
            self._reweighting + (replicate_step,),
            fixed,
        )
        return new

    def _user_columns(self, start, stop) -> np.ndarray:
        """User-supplied replicate weights of every row, replicates start..stop-1."""
        if self._kept is not None or self.n_rows * self.n_replicates <= _KEEP_CELLS:
            for _, _, kept in self._weight_chunks():
                return kept[:, start:stop]
        block = self._data[list(self._columns[start:stop])]
        return np.ascontiguousarray(block.to_numpy(dtype=np.float64, na_value=np.nan))

    # -- user-supplied weights, in row chunks -----------------------------------------------
    def _weight_chunks(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(start, stop, W)`` with W the replicate weights of rows start..stop-1 as float."""
        n, n_rep = self.n_rows, self.n_replicates
        if self._kept is not None:
            yield 0, n, self._kept
            return
        if n * n_rep <= _KEEP_CELLS:
            kept = self._read_rows(0, n)
            object.__setattr__(self, "_kept", kept)
            yield 0, n, kept
            return
        step = max(1, _CHUNK_CELLS // max(n_rep, 1))
        for start in range(0, n, step):
            stop = min(start + step, n)
            yield start, stop, self._read_rows(start, stop)

    def _read_rows(self, start, stop) -> np.ndarray:
        block = self._data.iloc[start:stop][list(self._columns)]
        return np.ascontiguousarray(block.to_numpy(dtype=np.float64, na_value=np.nan))

    def _user_totals(self, estimand) -> np.ndarray:
        from scipy import sparse

        d, m0 = estimand.n_domains, estimand.m0
        out = np.zeros((d, m0, self.n_replicates))
        for start, stop, w_rep in self._weight_chunks():
            domain = estimand.domain[start:stop]
            inside = np.flatnonzero(domain >= 0)
            for j in range(m0):  # a few variables per estimand, never rows or replicates
                values = estimand.variables[start:stop, j][inside]
                indicator = sparse.csr_matrix(
                    (values, (domain[inside], inside)), shape=(d, stop - start)
                )
                out[:, j, :] += indicator @ w_rep
        return out.reshape(d * m0, self.n_replicates).T

    def _user_rank(self) -> int:
        n_rep = self.n_replicates
        gram = np.zeros((n_rep, n_rep))
        for _, _, w_rep in self._weight_chunks():
            gram += w_rep.T @ w_rep
        return user_weights_rank(gram)

    def _check_replicate_columns(self):
        """Missing, non-finite or constant replicate weight columns are named."""
        n_rep = self.n_replicates
        lo, hi = np.full(n_rep, np.inf), np.full(n_rep, -np.inf)
        bad = np.zeros(n_rep, dtype=bool)
        for _, _, w_rep in self._weight_chunks():
            bad |= ~np.isfinite(w_rep).all(axis=0)
            lo = np.minimum(lo, np.nanmin(w_rep, axis=0, initial=np.inf))
            hi = np.maximum(hi, np.nanmax(w_rep, axis=0, initial=-np.inf))
        if bad.any():
            names = [self._columns[i] for i in np.flatnonzero(bad)]
            raise InvalidValueError(
                f"replicate weight column(s) {_list(names)} have missing or infinite values; "
                "replicate weights must be finite numbers"
            )
        constant = (lo == hi) & (self.n_rows > 1)
        if constant.any():
            names = [self._columns[i] for i in np.flatnonzero(constant)]
            raise InvalidValueError(
                f"replicate weight column(s) {_list(names)} are constant; a replicate weight "
                "varies with the rows (check the column selection)"
            )

    # -- replicate weights on request ------------------------------------------------------
    def replicate_weights(self):
        """The replicate weight columns as a DataFrame (rows x replicates), made now.

        Costs rows x replicates x 8 bytes; for big files use
        :meth:`iter_replicate_weights`.

        Examples
        --------
        >>> import surveystats as ss
        >>> from surveystats.design import load_api
        >>> d = ss.SurveyDesign(load_api("apiclus1"), weights="pw", clusters="dnum", fpc="fpc")
        >>> rd = d.replicate("jk1")
        >>> rd.replicate_weights().shape
        (183, 15)
        """
        import pandas as pd

        chunks = list(self.iter_replicate_weights(chunk_rows=self.n_rows or 1))
        if not chunks:
            return pd.DataFrame(columns=self._names())
        return pd.concat(chunks)

    def iter_replicate_weights(self, chunk_rows: int = 100_000):
        """Yield the replicate weight columns in DataFrames of ``chunk_rows`` rows.

        Rows keep the data's index; the columns are named ``repw001``... for replicates made
        by :meth:`SurveyDesign.replicate`, as given otherwise.
        """
        import pandas as pd

        if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, (int, np.integer)):
            raise InvalidOptionError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
        if chunk_rows < 1:
            raise InvalidOptionError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
        names = self._names()
        index = self._data.index
        if self._reweighting:
            yield from self._iter_reweighted(chunk_rows, names, index)
            return
        if self._factors is None:
            for start in range(0, self.n_rows, chunk_rows):
                stop = min(start + chunk_rows, self.n_rows)
                values = self._read_rows(start, stop)
                yield pd.DataFrame(values, index=index[start:stop], columns=names)
            return
        factors = self._factors.factors()  # PSUs x replicates: small
        for start in range(0, self.n_rows, chunk_rows):
            stop = min(start + chunk_rows, self.n_rows)
            values = factors[self._row_psu[start:stop]] * self._weights[start:stop, None]
            yield pd.DataFrame(values, index=index[start:stop], columns=names)

    def _iter_reweighted(self, chunk_rows, names, index):
        import pandas as pd

        if all(step.row_local for step in self._reweighting):
            for start in range(0, self.n_rows, chunk_rows):
                stop = min(start + chunk_rows, self.n_rows)
                values = row_block(self, start, stop)
                yield pd.DataFrame(values, index=index[start:stop], columns=names)
            return
        # a trimming shares amounts over whole columns: the columns are made in blocks of
        # replicates, so the full rows x replicates matrix is formed here (it is the output)
        values = np.empty((self.n_rows, self.n_replicates))
        for a, b in _replicate_blocks(self.n_replicates, self.n_rows):
            values[:, a:b] = weight_block(self, a, b)
        for start in range(0, self.n_rows, chunk_rows):
            stop = min(start + chunk_rows, self.n_rows)
            yield pd.DataFrame(values[start:stop], index=index[start:stop], columns=names)

    def _names(self):
        if self._columns is not None:
            return list(self._columns)
        width = max(3, len(str(self.n_replicates)))
        return [f"repw{r + 1:0{width}d}" for r in range(self.n_replicates)]

    # -- estimators (SurveyDesign's, through the Estimand contract) -------------------------
    def mean(self, variable, *, by=None, confidence_level=0.95, deff="replace"):
        """Weighted mean with a replicate standard error; as :meth:`SurveyDesign.mean`."""
        from . import estimators

        return estimators.estimate_mean(
            self, variable, by=by, confidence_level=confidence_level, deff=deff
        )

    def total(self, variable, *, by=None, confidence_level=0.95, deff="replace"):
        """Weighted total with a replicate standard error; as :meth:`SurveyDesign.total`."""
        from . import estimators

        return estimators.estimate_total(
            self, variable, by=by, confidence_level=confidence_level, deff=deff
        )

    def proportion(
        self, variable, *, level, by=None, method="logit", confidence_level=0.95, deff="replace"
    ):
        """Share of answers equal to ``level``; as :meth:`SurveyDesign.proportion`.

        ``method`` is one R's ``svyciprop`` allows on replicate designs -- ``"logit"`` (its
        interval from the replicate variance of logit(p), as R's ``svyglm`` on replicates),
        ``"asin"``, ``"beta"``, ``"mean"``, ``"xlogit"`` -- or ``"wilson"``. R's
        ``"likelihood"`` returns NA on replicate designs and is refused here.
        """
        from . import estimators

        if method == "likelihood":
            raise InvalidOptionError(
                "method='likelihood' is not available on a replicate design (R's svyciprop "
                "gives NA there); use 'logit', 'asin', 'beta', 'mean', 'xlogit' or 'wilson'"
            )
        result = estimators.estimate_proportion(
            self,
            variable,
            level=level,
            by=by,
            method=method,
            confidence_level=confidence_level,
            deff=deff,
        )
        if method != "logit":
            return result
        return self._logit_interval(result, variable, level, by)

    def compare(self, variable, *, by, level=None, pairs=None, confidence_level=0.95):
        """Differences between domains, second minus first; as :meth:`SurveyDesign.compare`,
        with the replicate covariance of the domain estimates (R ``svycontrast`` on
        ``svyby(..., covmat = TRUE)`` of a replicate design) and the replicate degrees of
        freedom."""
        from .contrasts import compare_domains

        return compare_domains(
            self, variable, by=by, level=level, pairs=pairs, confidence_level=confidence_level
        )

    def chisq(self, row, column, *, statistic="F"):
        """Rao-Scott test of independence (R ``svychisq`` on a replicate design); as
        :meth:`SurveyDesign.chisq`, the cell proportions' covariance from the replicates."""
        from .chisq import rao_scott

        return rao_scott(self, row, column, statistic=statistic)

    def _logit_interval(self, result, variable, level, by):
        """R's ``svyciprop(method = "logit")`` on replicates: ``svyglm`` refits logit(p) in
        every replicate, so the interval uses the replicate variance of logit(p), not the delta
        method (``"xlogit"`` keeps the delta method, as R)."""
        from . import estimators

        codes, n_domains, _, _ = estimators.domain_codes(self, by)
        y = estimators._indicator_answers(self, variable, level)
        missing = np.isnan(y)
        answers = np.where(missing, 0.0, y)
        estimand = _LogitEstimand(
            variables=np.column_stack([answers, np.ones_like(answers)]),
            domain=np.where(missing, -1, codes),
            n_domains=n_domains,
        )
        covariance = self._covariance(estimand, estimand.totals(self._weights))
        with np.errstate(invalid="ignore"):
            logit_se = np.sqrt(np.diag(covariance))
        if np.ndim(result.estimate) == 0:
            logit_se = float(logit_se[0])
        low, high = _replicate_logit(result.estimate, logit_se, result.df, result.confidence_level)
        return ReplicateProportionResult(
            **{f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
            | dict(low=low, high=high, _logit_se=logit_se)
        )


@dataclass(frozen=True)
class ReplicateProportionResult(DesignResult):
    """A proportion on a replicate design with R's replicate ``logit`` interval.

    As :class:`~surveystats.design.DesignResult`; the replicate standard error of logit(p)
    is kept (hidden) so that :meth:`confidence_interval` recomputes the same interval.
    """

    _logit_se: Any = field(default=None, repr=False, compare=False)

    def confidence_interval(self, confidence_level=None):
        if confidence_level is None or self._logit_se is None:
            return super().confidence_interval(confidence_level)
        from .._internal.validation import check_confidence_level

        level = check_confidence_level(confidence_level)
        low, high = _replicate_logit(self.estimate, self._logit_se, self.df, level)
        return ConfidenceInterval(low, high)


def _replicate_logit(estimate, logit_se, df, confidence_level):
    """expit(logit(p) -/+ t(df) se_logit), se_logit from the replicates (R svyglm)."""
    from scipy import special

    from ._intervals import t_quantile

    p = np.asarray(estimate, dtype=float)
    t = t_quantile(confidence_level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(p) - np.log1p(-p)
        low = special.expit(centre - t * np.asarray(logit_se))
        high = special.expit(centre + t * np.asarray(logit_se))
    if np.ndim(estimate) == 0:
        return float(low), float(high)
    return low, high


@dataclass(frozen=True, eq=False)
class _LogitEstimand(RatioEstimand):
    """logit of a domain mean: value = log(T0 / (T1 - T0))."""

    def value(self, totals):
        blocks = self._blocks(totals)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(blocks[..., 0]) - np.log(blocks[..., 1] - blocks[..., 0])

    def jacobian_blocks(self, totals):
        blocks = self._blocks(totals)
        t0, t1 = blocks[..., 0], blocks[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.stack([1.0 / t0 + 1.0 / (t1 - t0), -1.0 / (t1 - t0)], axis=-1)


# ---------------------------------------------------------------------------------------------
# Re-weighted replicates (R's postStratify / rake / calibrate / trimWeights on svyrep.design).
# The replicate weights after the steps are never stored; they are, per row and replicate,
#   factors:  base_w_i * F[psu_i, r] * (step factors)      user columns:  W_ir * (step factors)
# and the totals come from one of three paths, cheapest first:
#   units   every step is a CellFactors: W_ir = base_w_i * A[u_i, r] over the units u = (PSU,
#           cell of every step), so totals are A.T @ unit_sums(w z): a units x replicates product;
#   linear  the same, then one unbounded linear calibration: A.T @ (S0 + S1 lambda_r), with S1
#           the unit sums of w z x' (R's regcalibrate makes g = 1 + x' lambda_r);
#   blocks  anything else (a trimming, a calibration with numeric totals after another step,
#           user-supplied columns): all rows x a block of at most _REWEIGHT_BLOCK replicates
#           (and at most _REWEIGHT_CELLS cells) at a time, the steps replayed on the block.

#: cells (rows x replicates, 8 bytes each) of a block of re-weighted replicate weights: 64 MiB
_REWEIGHT_CELLS = 2**23
#: replicates per block at most
_REWEIGHT_BLOCK = 64
#: cells of the dense (PSUs x joint cells x totals) sums of the units path: 128 MiB
_DENSE_CELLS = 2**24


def _replicate_blocks(n_replicates: int, n_units: int, most: int = _REWEIGHT_BLOCK):
    """``(start, stop)`` ranges of replicates keeping ``n_units x width`` within the budget."""
    width = int(max(1, min(most, _REWEIGHT_CELLS // max(n_units, 1))))
    for start in range(0, n_replicates, width):
        yield start, min(start + width, n_replicates)


def _unit_form(design) -> tuple[list, Any]:
    """(cell steps, final linear step or None) when the units path applies, else raise."""
    steps = design._reweighting
    cells = [s for s in steps if isinstance(s, CellFactors)]
    if design._factors is None:
        return [], None
    if len(cells) == len(steps):
        return cells, None
    last = steps[-1]
    if len(cells) == len(steps) - 1 and isinstance(last, ModelFactors) and last.linear:
        return cells, last
    return [], None


def _units(design, cells):
    """Units (PSU x cell of every step) of the rows: codes, each unit's PSU and cells."""
    key = ("units", len(cells))
    cached = design._cache.get(key)
    if cached is not None:
        return cached
    codes = design._row_psu
    n_units = design._factors.n_psu
    unit_psu = np.arange(n_units)
    unit_cells: list[np.ndarray] = []
    for step in cells:
        present, codes = _compress(codes * step.n_cells + step.cells, n_units * step.n_cells)
        previous, cell = np.divmod(present, step.n_cells)
        unit_psu = unit_psu[previous]
        unit_cells = [c[previous] for c in unit_cells] + [cell]
        n_units = present.size
    cached = design._cache[key] = (np.asarray(codes, dtype=np.int64), n_units, unit_psu, unit_cells)
    return cached


def _unit_factors(design, cells, unit_psu, unit_cells, start, stop) -> np.ndarray:
    """``A[u, r]`` for replicates start..stop-1: PSU factor times every step's cell factor."""
    a = design._factors.factors(start, stop)[unit_psu]
    for step, cell in zip(cells, unit_cells, strict=True):
        a *= step.table[cell, start:stop]
    return a


def _joint_cells(design, cells):
    """The crossed cells of every cell step: a code per row and each joint cell's step cells."""
    key = ("joint cells", len(cells))
    cached = design._cache.get(key)
    if cached is None:
        codes = np.zeros(design.n_rows, dtype=np.int64)
        n_joint = 1
        step_cells: list[np.ndarray] = []
        for step in cells:
            present, codes = _compress(codes * step.n_cells + step.cells, n_joint * step.n_cells)
            previous, cell = np.divmod(present, step.n_cells)
            step_cells = [c[previous] for c in step_cells] + [cell]
            n_joint = present.size
        cached = design._cache[key] = (np.asarray(codes, dtype=np.int64), n_joint, step_cells)
    return cached


def _dense_totals(design, estimand, cells, linear):
    """The units path through PSU x joint-cell sums: ``sum_c G[c, r] (F.T @ S[:, c])``.

    With the sums of every (PSU, joint cell) as a dense (PSUs, cells * m) array, the PSU
    factors enter through one product (the jackknife's closed form, or F.T @ S), and the cell
    factors through a small contraction: no units x replicates gather.  None when that array
    would be too large (many PSUs times many cells): the caller takes the units path.
    """
    joint, n_joint, step_cells = _joint_cells(design, cells)
    factors = design._factors
    n_psu, m = factors.n_psu, estimand.n_columns
    if n_psu * n_joint * m * (1 + (0 if linear is None else linear.x.shape[1])) > _DENSE_CELLS:
        return None
    codes = design._row_psu * n_joint + joint
    w = design._base_weights
    parts = [w] + ([] if linear is None else [w * x for x in linear.x.T])
    sums = [
        estimand.group_totals(v, codes, n_psu * n_joint).reshape(n_psu, n_joint * m) for v in parts
    ]
    n_rep = design.n_replicates
    out = np.empty((n_rep, m))
    with np.errstate(invalid="ignore", over="ignore"):
        for a, b in _replicate_blocks(n_rep, n_joint * m * len(parts), most=256):
            g = np.ones((n_joint, b - a))
            for step, cell in zip(cells, step_cells, strict=True):
                g *= step.table[cell, a:b]
            block = np.einsum(
                "rcm,cr->rm", factors.totals(sums[0], a, b).reshape(-1, n_joint, m), g
            )
            for j, s1 in enumerate(sums[1:]):
                t1 = factors.totals(s1, a, b).reshape(-1, n_joint, m)
                block += linear.lam[j, a:b, None] * np.einsum("rcm,cr->rm", t1, g)
            out[a:b] = block
    return out


def reweighted_totals(design, estimand) -> np.ndarray:
    """Totals (n_replicates, m) of the estimand's columns under the re-weighted replicates."""
    cells, linear = _unit_form(design)
    n_rep = design.n_replicates
    if cells or (linear is not None):
        dense = _dense_totals(design, estimand, cells, linear)
        if dense is not None:
            return dense
        codes, n_units, unit_psu, unit_cells = _units(design, cells)
        w = design._base_weights
        sums = estimand.group_totals(w, codes, n_units)
        cross = []
        if linear is not None:
            cross = [estimand.group_totals(w * x, codes, n_units) for x in linear.x.T]
        out = np.empty((n_rep, sums.shape[1]))
        with np.errstate(invalid="ignore", over="ignore"):
            for a, b in _replicate_blocks(n_rep, n_units, most=256):
                factors = _unit_factors(design, cells, unit_psu, unit_cells, a, b)
                block = factors.T @ sums
                if linear is not None:
                    for j, s1 in enumerate(cross):
                        block += (factors * linear.lam[j, a:b]).T @ s1
                out[a:b] = block
        return out
    z = _estimand_matrix(estimand)  # sparse (m, n)
    out = np.empty((n_rep, z.shape[0]))
    for a, b in _replicate_blocks(n_rep, design.n_rows):
        out[a:b] = (z @ weight_block(design, a, b)).T
    return out


def _estimand_matrix(estimand):
    """The estimand's columns as a sparse (m, n_rows) matrix (rows in no domain left out)."""
    from scipy import sparse

    inside = np.flatnonzero(estimand.domain >= 0)
    m0 = estimand.m0
    rows = (estimand.domain[inside][:, None] * m0 + np.arange(m0)).ravel()
    cols = np.repeat(inside, m0)
    values = estimand.variables[inside, :m0].ravel()
    return sparse.csr_matrix(
        (values, (rows, cols)), shape=(estimand.n_columns, len(estimand.domain))
    )


def weight_block(design, start: int, stop: int) -> np.ndarray:
    """Re-weighted replicate weights of every row for replicates start..stop-1 (rows x width)."""
    if design._factors is not None:
        f = design._factors.factors(start, stop)
        w = design._base_weights[:, None] * f[design._row_psu]
    else:
        w = design._user_columns(start, stop)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        for step in design._reweighting:
            w = step.apply(w, slice(None), start, stop)
    return w


def row_block(design, start: int, stop: int) -> np.ndarray:
    """Re-weighted replicate weights of rows start..stop-1, every replicate (row-local steps)."""
    n_rep = design.n_replicates
    rows = slice(start, stop)
    if design._factors is not None:
        f = design._factors.factors()
        w = design._base_weights[rows, None] * f[design._row_psu[rows]]
    else:
        w = design._read_rows(start, stop)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        for step in design._reweighting:
            w = step.apply(w, rows, 0, n_rep)
    return w


def reweighted_rank(design) -> int:
    """Rank of the re-weighted rows x replicates weights (R recomputes ``degf`` after
    ``postStratify``, ``rake`` and ``calibrate``): from their Gram matrix ``W' W``."""
    cells, linear = _unit_form(design)
    n_rep = design.n_replicates
    if cells and linear is None:
        # W_ir = w_i A[u_i, r]: W'W = A' diag(sum of w^2 in each unit) A
        codes, n_units, unit_psu, unit_cells = _units(design, cells)
        s = np.bincount(codes, weights=design._base_weights**2, minlength=n_units)
        f = design._factors.factors()
        gram = np.zeros((n_rep, n_rep))
        step = max(1, _REWEIGHT_CELLS // max(n_rep, 1))
        for start in range(0, n_units, step):  # units a block at a time: bounded memory
            units = slice(start, min(start + step, n_units))
            a = f[unit_psu[units]]
            for cell_step, cell in zip(cells, unit_cells, strict=True):
                a *= cell_step.table[cell[units]]
            a = np.where(np.isfinite(a), a, 0.0)
            gram += a.T @ (s[units, None] * a)
        return user_weights_rank(gram)
    if linear is not None:
        gram = _linear_gram(design, cells, linear)
        if gram is not None:
            return user_weights_rank(gram)
    gram = np.zeros((n_rep, n_rep))
    if not all(s.row_local for s in design._reweighting):
        # a trimming in the chain: blocks of whole columns, every pair of blocks (rare: R
        # recomputes degf only when a postStratify, rake or linear calibration follows it)
        blocks = list(_replicate_blocks(n_rep, design.n_rows))
        for i, (a, b) in enumerate(blocks):
            wa = np.nan_to_num(weight_block(design, a, b), nan=0.0, posinf=0.0, neginf=0.0)
            for c, e in blocks[i:]:
                wc = np.nan_to_num(weight_block(design, c, e), nan=0.0, posinf=0.0, neginf=0.0)
                gram[a:b, c:e] = wa.T @ wc
                gram[c:e, a:b] = gram[a:b, c:e].T
        return user_weights_rank(gram)
    step = max(1, _REWEIGHT_CELLS // max(n_rep, 1))
    for start in range(0, design.n_rows, step):
        w = row_block(design, start, min(start + step, design.n_rows))
        w = np.where(np.isfinite(w), w, 0.0)
        gram += w.T @ w
    return user_weights_rank(gram)


def _linear_gram(design, cells, linear):
    """``W' W`` after cell steps and a final linear calibration, from per-unit sums.

    ``W_ir = w_i A[u_i, r] (1 + x_i' lambda_r) = w_i A[u_i, r] z_i' Lambda_r`` with
    ``z_i = (1, x_i)``, so ``W' W = sum_u (B_u L_u)(B_u L_u)'`` where ``M_u = L_u L_u'`` is the
    unit's sum of ``w^2 z z'`` and ``B_u[r] = A[u, r] Lambda_r``: a (units * (p + 1)) x
    replicates matrix instead of rows x replicates.  None when that is larger than the budget.
    """
    codes, n_units, unit_psu, unit_cells = _units(design, cells)
    z = np.column_stack([np.ones(design.n_rows), linear.x])
    q = z.shape[1]
    n_rep = design.n_replicates
    if n_units * q * n_rep > _REWEIGHT_CELLS:
        return None
    w2 = design._base_weights**2
    moments = np.zeros((n_units, q, q))
    for a in range(q):  # (p + 1)^2 group sums: p is a handful of model columns
        for b in range(a, q):
            moments[:, a, b] = moments[:, b, a] = np.bincount(
                codes, weights=w2 * z[:, a] * z[:, b], minlength=n_units
            )
    values, vectors = np.linalg.eigh(moments)
    roots = vectors * np.sqrt(np.clip(values, 0.0, None))[:, None, :]  # L_u, (units, q, q)
    lam = np.vstack([np.ones((1, n_rep)), linear.lam])  # Lambda (q, replicates)
    a = _unit_factors(design, cells, unit_psu, unit_cells, 0, n_rep)  # (units, replicates)
    a = np.where(np.isfinite(a), a, 0.0)
    c = np.einsum("ur,kr,ukj->ujr", a, lam, roots).reshape(n_units * q, n_rep)
    return c.T @ c


@dataclass(frozen=True, eq=False)
class _ColumnsEstimand(Estimand):
    """Totals of several plain columns (one domain): used to fit steps on the replicates."""

    @property
    def m0(self):
        return self.variables.shape[1]

    def value(self, totals):
        return np.asarray(totals, dtype=float)


def _group_counts(design, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Weighted count of every group in every replicate, (n_groups, n_replicates)."""
    estimand = TotalEstimand(
        variables=np.ones((design.n_rows, 1)), domain=np.asarray(codes), n_domains=n_groups
    )
    return design._replicate_totals(estimand).T


def fit_replicate_step(design, step):
    """The replicate form of a full-sample weighting ``step`` fitted on ``design``'s replicates."""
    kind = step.kind
    if kind == "poststratify":
        m = step.margin
        table = poststratify_cells(_group_counts(design, m.codes, m.n_levels), m.targets)
        return CellFactors("poststratify", m.codes, table)
    if kind == "rake":
        counts = _group_counts(design, step.cells, len(step.cell_levels[0]))
        table, _ = rake_cells(
            counts,
            step.cell_levels,
            step.margins,
            max_iter=step.max_iter,
            tolerance=step.tolerance,
        )
        return CellFactors("rake", step.cells, table)
    if kind == "calibrate":
        return _fit_calibration(design, step)
    if kind == "trim":
        trim = TrimFactors(step.lower, step.upper, step.strict)
        # run it once on every replicate so that infeasible bounds raise now
        for a, b in _replicate_blocks(design.n_replicates, design.n_rows):
            trim.apply(weight_block(design, a, b), slice(None), a, b)
        return trim
    raise SurveyStatsError(f"weighting step {kind!r} cannot be applied to replicates")


def _fit_calibration(design, step):
    from ._calibration import build_model

    if step.weight_bounds is not None:
        raise InvalidOptionError(
            "weight_bounds (bounds on the final weights) is not available on a replicate design: "
            "every replicate would need its own bounds (R's calibrate ignores bounds.const on "
            "replicate designs); give bounds=(lower, upper) on the g-weights"
        )
    if step.trim is not None or not step.converged:
        # calibrate(trim=) and an unconverged calibrate(force=True) are not replayed per replicate
        raise InvalidOptionError(
            "calibrate(trim=...) and calibrate(force=True) without convergence are not "
            "available on a replicate design: calibrate without them, then trim_weights()"
        )
    model, targets = build_model(list(step.margins), list(step.numeric_totals))
    lower, upper = (-np.inf, np.inf) if step.bounds is None else step.bounds
    method = step.method
    options = dict(lower=lower, upper=upper, max_iter=step.max_iter, tolerance=step.tolerance)
    if model.numeric is None:
        counts = _group_counts(design, model.cells, model.n_cells)
        table = calibrate_cells(counts, model.cell_x, targets, method=method, **options)
        return CellFactors("calibrate", model.cells, table)
    x = np.asarray(model.x(np.eye(len(targets))), dtype=float)
    p = x.shape[1]
    if method == "linear" and lower == -np.inf and upper == np.inf:
        j, k = np.triu_indices(p)
        domain = np.zeros(design.n_rows, dtype=np.int64)
        columns = [(a, b) for a, b in zip(j, k, strict=True)] + [(a, None) for a in range(p)]
        parts = []
        for start in range(0, len(columns), 8):  # 8 product columns (n x 8) at a time
            chunk = columns[start : start + 8]
            variables = np.column_stack(
                [x[:, a] if b is None else x[:, a] * x[:, b] for a, b in chunk]
            )
            estimand = _ColumnsEstimand(variables=variables, domain=domain, n_domains=1)
            parts.append(design._replicate_totals(estimand))
        totals = np.concatenate(parts, axis=1)
        gram = np.empty((design.n_replicates, p, p))
        gram[:, j, k] = totals[:, : j.size]
        gram[:, k, j] = totals[:, : j.size]
        lam = linear_lambda(gram, totals[:, j.size :], targets)
        return ModelFactors("linear", x, lam)
    lam = np.empty((p, design.n_replicates))
    grams = model_grams(model)
    for a, b in _replicate_blocks(design.n_replicates, design.n_rows):
        w = weight_block(design, a, b)
        eta, _, converged, errors = newton_columns(method, x, w, targets, grams=grams, **options)
        check_converged(method, converged, errors, step.max_iter, step.tolerance, offset=a)
        lam[:, a:b] = eta
    return ModelFactors(method, x, lam, float(lower), float(upper))


# ---------------------------------------------------------------------------------------------


def replicate_from_design(design, type, *, replicates=None, rho=None, seed=None, mse=False):
    """``SurveyDesign.replicate``: replicate factors per PSU of the design's first stage."""
    layout, row_psu = _psu_layout(design)
    factors = make_factors(layout, type, replicates=replicates, rho=rho, seed=seed)
    steps = design._weighting_steps
    if not steps:
        return ReplicateDesign._from_factors(design.data, design.weights, factors, row_psu, mse)
    # R: as.svrepdesign(unweighted design), then the same postStratify / rake / calibrate /
    # trimWeights calls on the replicate design.  (as.svrepdesign of an already weighted
    # design keeps its final weights but not the weighting: its replicates are the final
    # weights times the factors, so the SE treats the weights as fixed.)
    replicated = ReplicateDesign._from_factors(
        design.data, start_weights(steps), factors, row_psu, mse
    )
    for step in steps:
        replicated = replicated._with_step(step.weights, step)
    return replicated


def _psu_layout(design) -> tuple[PsuLayout, np.ndarray]:
    """First-stage PSUs and strata of a SurveyDesign, numbered by first appearance (as R)."""
    structure = design._structure
    stage = structure.stages[0] if structure.stages else None
    settings = design._settings
    n = design.n_rows
    psu = np.arange(n, dtype=np.int64) if stage is None or stage.psu is None else stage.psu
    n_psu = int(psu.max()) + 1 if n else 0
    first_row = np.full(n_psu, n, dtype=np.int64)
    np.minimum.at(first_row, psu, np.arange(n, dtype=np.int64))
    order = np.argsort(first_row, kind="stable")  # PSU codes by first appearance
    renumber = np.empty(n_psu, dtype=np.int64)
    renumber[order] = np.arange(n_psu)
    row_psu = renumber[psu]
    first_row = first_row[order]

    strata = settings.get("strata")
    strata_name = strata if isinstance(strata, str) or strata is None else strata[0]
    if strata_name is None:
        stratum_values = np.zeros(n_psu, dtype=np.int64)
        labels: tuple = ("(one stratum)",)
        stratum = stratum_values
    else:
        import pandas as pd

        values = design.data[strata_name].to_numpy()[first_row]
        stratum, uniques = pd.factorize(values)  # order of first appearance, as R's unique()
        stratum = np.asarray(stratum, dtype=np.int64)
        labels = tuple(uniques.tolist() if hasattr(uniques, "tolist") else uniques)

    population = None
    fpc = settings.get("fpc")
    fpc_name = fpc if isinstance(fpc, str) or fpc is None else fpc[0]
    if fpc_name is not None:
        values = design.data[fpc_name].to_numpy(dtype=float)[first_row]
        n_h = np.bincount(stratum, minlength=len(labels))[stratum]
        # fpc <= 1 are sampling fractions, > 1 population sizes (as R and SurveyDesign)
        as_population = bool((design.data[fpc_name].to_numpy(dtype=float) > 1).any())
        population = values if as_population else n_h / values
    layout = PsuLayout(
        stratum=stratum,
        stratum_labels=labels,
        population=population,
        lonely_psu=structure.lonely_psu,
        has_strata=strata_name is not None,
        strata_column=strata_name,
    )
    return layout, row_psu


def _replicate_columns(data, replicate_weights) -> tuple:
    if isinstance(replicate_weights, str):
        try:
            pattern = re.compile(replicate_weights)
        except re.error as exc:
            raise InvalidOptionError(
                f"replicate_weights={replicate_weights!r} is not a valid regular expression: {exc}"
            ) from exc
        columns = [c for c in data.columns if pattern.search(str(c))]
        if not columns:
            raise InvalidOptionError(
                f"replicate_weights={replicate_weights!r} matches no column of the data; "
                f"columns are {_list([str(c) for c in data.columns][:20])}"
            )
        return tuple(columns)
    if isinstance(replicate_weights, Sequence) and all(
        isinstance(c, str) for c in replicate_weights
    ):
        columns = list(replicate_weights)
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise InvalidOptionError(
                f"replicate weight column(s) {_list(missing)} are not in the data"
            )
        if not columns:
            raise InvalidOptionError("replicate_weights is an empty list")
        return tuple(columns)
    raise InvalidOptionError(
        f"replicate_weights={replicate_weights!r} must be a list of column names or a regular "
        "expression"
    )


def _user_scales(type, n_rep, scale, rscales, rho):
    """R ``svrepdesign``'s scale and rscales for combined replicate weights of ``type``."""
    if n_rep < 2:
        raise InvalidOptionError(f"replicate_weights selects {n_rep} column; at least 2 needed")
    if type in ("brr", "fay", "sdr") and (scale is not None or rscales is not None):
        raise InvalidOptionError(
            f"type={type!r} fixes scale and rscales (R's svrepdesign); do not pass them"
        )
    if rho is not None and type != "fay":
        raise InvalidOptionError(f"rho is used only with type='fay', not type={type!r}")
    if type == "fay":
        if rho is None:
            raise InvalidOptionError("type='fay' needs rho, Fay's coefficient, 0 < rho < 1")
        rho = float(rho)
        if not 0.0 < rho < 1.0:
            raise InvalidOptionError(f"rho must be strictly between 0 and 1, got {rho!r}")
        scale = 1.0 / (n_rep * (1.0 - rho) ** 2)
    elif type == "brr":
        scale, rho = 1.0 / n_rep, 0.0
    elif type == "sdr":
        scale = 4.0 / n_rep
    elif type == "bootstrap" and scale is None:
        scale = 1.0 / (n_rep - 1)
    elif type == "jk1" and scale is None:
        scale = (n_rep - 1) / n_rep  # R: "guessing n = number of replicates" (no FPC)
    elif type == "jkn" and rscales is None:
        raise InvalidOptionError(
            "type='jkn' needs rscales, one per replicate ((n_h - 1)/n_h of its stratum, "
            "times the FPC if any), as R's svrepdesign with combined weights"
        )
    if scale is None:
        scale = 1.0
    scale = float(scale)
    if not (np.isfinite(scale) and scale > 0):
        raise InvalidOptionError(f"scale must be a finite number > 0, got {scale!r}")
    if rscales is None:
        rscales = np.ones(n_rep)
    else:
        rscales = (
            np.broadcast_to(np.asarray(rscales, dtype=float), (n_rep,)).copy()
            if np.ndim(rscales) == 0
            else np.asarray(rscales, dtype=float)
        )
        if rscales.shape != (n_rep,):
            raise InvalidOptionError(
                f"rscales has {rscales.size} values; it needs one per replicate ({n_rep})"
            )
        if not (np.isfinite(rscales).all() and (rscales >= 0).all()):
            raise InvalidOptionError("rscales must be finite numbers >= 0")
    rscales.flags.writeable = False
    return scale, rscales, rho


def _check_mse(mse):
    if not isinstance(mse, bool | np.bool_):
        raise InvalidOptionError(f"mse={mse!r} must be True or False")
    return bool(mse)


def _list(names):
    return ", ".join(repr(n) for n in names)


def _rebuild(*state):
    new = object.__new__(ReplicateDesign)
    new._init(*state)
    return new
