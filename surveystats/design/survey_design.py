"""``SurveyDesign``: a respondent file with its sampling structure, held once, immutable.

The design reads the data frame as given (no copy) and factorizes the strata, cluster and FPC
columns once (:mod:`._structure`); the estimators (:mod:`.estimators`) and the variance
engine (:mod:`.variance`) read those codes.  Weighting methods return a new design through
``_replace`` (see the design-internals contract).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import InvalidOptionError, InvalidValueError
from . import estimators
from ._structure import build_structure
from .variance import estimand_covariance, estimand_totals_and_covariance
from .weighting import WeightingMethods

__all__ = ["SurveyDesign"]


class SurveyDesign(WeightingMethods):
    """A stratified multistage sample design over a respondent file (R ``svydesign``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    weights : str or array-like, optional
        Sampling weights (a column name or one value per row), all finite and > 0.  Omitted:
        implied by ``fpc`` when it gives every stage (the inverse of the product of the
        stage sampling fractions, as R), else 1 for every row.
    strata : str or list of str, optional
        Stratum column (one per stage for a multistage design; later stages reuse the last).
    clusters : str or list of str, optional
        PSU column, or one column per stage (multistage).  Omitted: every row is a PSU.
    fpc : str or list of str, optional
        Finite population correction per stage: values <= 1 are sampling fractions, > 1
        population sizes (numbers of PSUs in the stratum), as R.  With an FPC, every stage
        enters the variance (R's multistage formula); without, the first stage only.
    nest : bool
        Cluster labels are unique only within strata (R ``nest = TRUE``).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        A stratum with one PSU, as R's ``options(survey.lonely.psu)``: ``"fail"`` raises
        naming the stratum; ``"remove"`` and ``"certainty"`` let it add no variance;
        ``"adjust"`` measures it from zero rather than its mean; ``"average"`` replaces it
        by the average of the other strata (as R: the strata counted are those holding a
        row of the estimate's domain, and where all of them have one PSU the variance is
        NaN, with ``problem`` saying why).

    Attributes
    ----------
    data : pandas.DataFrame
    weights : ndarray
        The current weights, one per row (read-only).
    n_rows : int
    degf : int
        Degrees of freedom: first-stage PSUs minus strata (R ``degf``).

    Notes
    -----
    The design keeps a reference to ``data``; changing the frame afterwards is not seen by
    the design's structure.  Designs are immutable: weighting returns a new design.

    Examples
    --------
    A stratified sample of 200 California schools (R's ``apistrat``), FPC by stratum:

    >>> import surveystats as ss
    >>> from surveystats.design import load_api
    >>> d = ss.SurveyDesign(load_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
    >>> d.degf
    197
    >>> r = d.mean("api00")
    >>> round(r.estimate, 2), round(r.se, 4)
    (662.29, 9.4089)
    """

    __slots__ = ("_data", "_weights", "_structure", "_weighting_steps", "_settings", "_cache")

    def __init__(
        self,
        data,
        *,
        weights: Any = None,
        strata: Any = None,
        clusters: Any = None,
        fpc: Any = None,
        nest: bool = False,
        lonely_psu: str = "fail",
    ):
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            data = pd.DataFrame(data)
        if not isinstance(nest, bool | np.bool_):
            raise InvalidOptionError(f"nest={nest!r} must be True or False")
        structure, implied = build_structure(
            data, strata=strata, clusters=clusters, fpc=fpc, nest=bool(nest), lonely_psu=lonely_psu
        )
        if weights is None:
            w = implied if implied is not None else np.ones(len(data))
        else:
            w = _weight_values(data, weights)
        w = np.array(w, dtype=float)
        w.flags.writeable = False
        settings = dict(
            weights=weights if isinstance(weights, str) else None,
            strata=strata,
            clusters=clusters,
            fpc=fpc,
            nest=bool(nest),
            lonely_psu=lonely_psu,
        )
        self._init(data, w, structure, (), settings, {})

    def _init(self, data, weights, structure, steps, settings, cache):
        set_ = object.__setattr__
        set_(self, "_data", data)
        set_(self, "_weights", weights)
        set_(self, "_structure", structure)
        set_(self, "_weighting_steps", tuple(steps))
        set_(self, "_settings", settings)
        set_(self, "_cache", cache)

    def __setattr__(self, name, value):
        raise AttributeError("SurveyDesign is immutable; weighting methods return a new design")

    def __reduce__(self):
        return (
            _rebuild,
            (self._data, self._weights, self._structure, self._weighting_steps, self._settings),
        )

    # -- the contract read by the replicate, weighting and io modules -------------------
    @property
    def data(self):
        """The respondent file."""
        return self._data

    @property
    def weights(self):
        """The current weights, one per row (read-only array)."""
        return self._weights

    @property
    def n_rows(self):
        """Number of rows."""
        return self._structure.n_rows

    @property
    def degf(self):
        """Degrees of freedom of the design: first-stage PSUs minus strata (R ``degf``)."""
        return self._structure.degf

    def _domain_degf(self, domain, n_domains):
        """Degrees of freedom of each domain (R ``degf`` of the domain's subset design)."""
        from ._structure import domain_degf

        return domain_degf(self._structure, domain, n_domains)

    def _replace(self, *, weights=None, weighting_steps=None):
        """A new design with other weights and/or weighting steps (same data and structure)."""
        new = object.__new__(SurveyDesign)
        if weights is None:
            w = self._weights
        else:
            w = np.array(weights, dtype=float)
            if w.shape != (self.n_rows,):
                raise InvalidValueError(f"weights must have one value per row ({self.n_rows})")
            w.flags.writeable = False
        steps = self._weighting_steps if weighting_steps is None else weighting_steps
        new._init(self._data, w, self._structure, steps, self._settings, self._cache)
        return new

    def _covariance(self, estimand, totals):
        """Covariance (k, k) of ``estimand``'s estimates: the Taylor engine on its scores.

        The estimators call only this, so a design with another variance method (replicate
        weights) reuses them by providing its own ``_covariance``.
        """
        return estimand_covariance(self, estimand, totals)

    def _totals_and_covariance(self, estimand):
        """Totals and covariance together (one pass over the rows where the design allows)."""
        return estimand_totals_and_covariance(self, estimand)

    def _column(self, name, argument):
        if not isinstance(name, str) or name not in self._data.columns:
            shown = ", ".join(repr(str(c)) for c in list(self._data.columns)[:20])
            raise InvalidOptionError(
                f"{argument}={name!r} is not a column of the data; columns are {shown}"
            )
        return self._data[name]

    def _factorized(self, name, argument, missing_ok=False):
        """Sorted integer codes and levels of a column, computed once per design."""
        key = (name, missing_ok)
        cached = self._cache.get(key)
        if cached is None:
            self._column(name, argument)
            if missing_ok:
                import pandas as pd

                codes, levels = pd.factorize(self._data[name], sort=True)
                cached = (np.asarray(codes, dtype=np.int64), levels)
            else:
                cached = factorize_column(self._data, name, argument)
            self._cache[key] = cached
        return cached

    def __repr__(self):
        s = self._settings
        parts = [f"{self.n_rows} rows"]
        for key in ("weights", "strata", "clusters", "fpc"):
            if s.get(key) is not None:
                parts.append(f"{key}={s[key]!r}")
        if s.get("nest"):
            parts.append("nest=True")
        parts.append(f"degf={self.degf}")
        if self._weighting_steps:
            parts.append(f"{len(self._weighting_steps)} weighting step(s)")
        return f"SurveyDesign({', '.join(parts)})"

    # -- estimators -------------------------------------------------------------------
    def mean(self, variable, *, by=None, confidence_level=0.95, deff="replace"):
        """Weighted mean of a numeric column (R ``svymean``, ``svyby``).

        Parameters
        ----------
        variable : str
            Numeric column; missing values are left out as a domain (counted in ``n_missing``).
        by : str or list of str, optional
            Domains (crossed when a list), estimated on the whole design.  A row whose
            ``by`` value is missing is in no domain, as R's ``svyby`` (no group for NA),
            but stays in the design for the variance; the result counts such rows in
            ``n_missing_by``.
        confidence_level : float
            The interval is ``estimate -/+ t(degf) se``.
        deff : {"replace", "srswor"}
            Design effect against simple random sampling with replacement (R ``deff =
            "replace"``) or without replacement from N = sum of weights (R's ``deff = TRUE``).
            The default differs from R's because the latter depends on the scale of the
            weights: with weights normalised to mean 1, N is close to n and it explodes
            (see :meth:`proportion`).

        Returns
        -------
        DesignResult

        Examples
        --------
        >>> import surveystats as ss
        >>> from surveystats.design import load_api
        >>> d = ss.SurveyDesign(load_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
        >>> r = d.mean("api00", by="stype")
        >>> r.to_frame()[["domain", "estimate", "se"]].round(3)
          domain  estimate      se
        0      E    674.43  12.382
        1      H    625.82  14.937
        2      M    636.60  16.215
        """
        return estimators.estimate_mean(
            self, variable, by=by, confidence_level=confidence_level, deff=deff
        )

    def total(self, variable, *, by=None, confidence_level=0.95, deff="replace"):
        """Weighted total of a numeric column (R ``svytotal``); parameters as :meth:`mean`.

        Examples
        --------
        >>> import surveystats as ss
        >>> from surveystats.design import load_api
        >>> d = ss.SurveyDesign(load_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
        >>> r = d.total("enroll")
        >>> round(r.estimate), round(r.se)
        (3687178, 114642)
        """
        return estimators.estimate_total(
            self, variable, by=by, confidence_level=confidence_level, deff=deff
        )

    def proportion(
        self, variable, *, level, by=None, method="logit", confidence_level=0.95, deff="replace"
    ):
        """Share of answers equal to ``level``, with an interval (R ``svyciprop``).

        Parameters
        ----------
        variable : str
            Column of answers; missing answers are left out as a domain (``n_missing``).
        level
            The answer whose share is estimated; it must occur in the column.
        by : str or list of str, optional
            Domains (crossed when a list), estimated on the whole design in one pass; rows
            with a missing ``by`` value are in no domain and counted in ``n_missing_by``
            (as :meth:`mean`).
        method : {"logit", "likelihood", "asin", "beta", "mean", "xlogit", "wilson"}
            Interval, as ``svyciprop`` (``wilson``: score interval on the effective n).
        confidence_level : float
        deff : {"replace", "srswor"}
            As :meth:`mean`.

        Returns
        -------
        DesignResult

        Notes
        -----
        Missing answers are a domain of their own: the design stays whole for the variance
        (R's ``na.rm = TRUE``) and they are counted in ``n_missing``.

        Degrees of freedom (``df``): without ``by``, the design's ``degf``.  With ``by``,
        each domain's own, as R's ``svyby(~y, ~by, design, svyciprop)``, which calls
        ``svyciprop`` on each domain's subset design, whose default ``df = degf(subset)``
        is the number of first-stage PSUs minus the number of strata that hold a row of the
        domain (answered or not).  A domain inside one PSU of one stratum has df 0 and, as
        in R (``qt(0.975, 0)`` is NaN), no interval (``problem`` says so).  Means and
        totals keep the whole design's df in every domain (R's ``svymean`` result carries
        no df; the reference is ``confint(svyby(...), df = degf(design))``).

        Two of R's methods depend on rows that did not answer; here both are computed on
        the answered rows of the domain (``n``) with the df above, i.e. as R's
        ``svyciprop(~y, subset(d, !is.na(y)), method = ..., df = degf(d))``:

        * ``likelihood``: R profiles ``svyglm``, whose weights are rescaled over every row
          (answered or not) and whose bounds come from a spline through a few profile
          points; here the same equation, ``KL(p || pi) = t^2 n var / (2 (n - 1) p (1 - p))``,
          is solved exactly (agreement with a converged R fit: 1e-8; with svyciprop's own
          output: 5e-4 at worst on R's data sets);
        * ``beta``: R's Korn-Graubard ratio ``qt(a/2, nrow(design) - 1) / qt(a/2,
          degf(design))`` counts every row of the design it is given (answered or not);
          here ``n``, the answered rows, and the df above.

        On NHANES ``HI_CHOL`` (745 of 8591 missing) R's literal
        ``svyciprop(~I(HI_CHOL == 1), design, method, na.rm = TRUE)`` differs from these
        bounds by up to 6e-4 relative for ``likelihood`` and 1.5e-6 for ``beta``.

        ``deff`` defaults to the with-replacement design effect because R's default
        (without replacement from N = sum of weights) depends on the scale of the weights:
        on NHANES (``HI_CHOL``) with weights normalised to mean 1 it is 214, where the
        with-replacement design effect is 2.34 (with the survey's own weights both are 2.34).

        Examples
        --------
        >>> import surveystats as ss
        >>> from surveystats.design import load_api
        >>> d = ss.SurveyDesign(load_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
        >>> r = d.proportion("sch.wide", level="Yes")
        >>> f"{r.estimate:.1%} ({r.low:.1%} to {r.high:.1%}), deff {r.deff:.2f}"
        '82.8% (77.5% to 87.1%), deff 0.83'
        """
        return estimators.estimate_proportion(
            self,
            variable,
            level=level,
            by=by,
            method=method,
            confidence_level=confidence_level,
            deff=deff,
        )

    def compare(self, variable, *, by, level=None, pairs=None, confidence_level=0.95):
        """Differences between domains, second minus first, with interval and t test.

        As R's ``svycontrast`` on ``svyby(..., covmat = TRUE)``: the domains' covariance is
        counted, the t test and interval use the design's degrees of freedom.

        Parameters
        ----------
        variable : str
            A numeric column (means) or, with ``level``, a column of answers (proportions).
        by : str or list of str
            The domains.
        level : optional
            Compare the share of this answer instead of the mean.
        pairs : list of (first, second) domain labels, optional
            Default: every pair, in domain order.
        confidence_level : float

        Returns
        -------
        DomainComparisonResult

        Examples
        --------
        >>> import surveystats as ss
        >>> from surveystats.design import load_api
        >>> d = ss.SurveyDesign(load_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
        >>> r = d.compare("api00", by="stype", pairs=[("E", "H")])
        >>> round(float(r.estimate[0]), 2), round(float(r.se[0]), 3)
        (-48.61, 19.402)
        """
        from .contrasts import compare_domains

        return compare_domains(
            self, variable, by=by, level=level, pairs=pairs, confidence_level=confidence_level
        )

    def chisq(self, row, column, *, statistic="F"):
        """Rao-Scott test of independence of two columns (R ``svychisq``).

        Parameters
        ----------
        row, column : str
            Columns of answers; rows missing either are left out (``n_missing``).
        statistic : {"F", "chisq"}
            Second-order corrected F (R's default) or first-order corrected chi-square.

        Returns
        -------
        ChisqResult

        Examples
        --------
        >>> import surveystats as ss
        >>> from surveystats.design import load_api
        >>> d = ss.SurveyDesign(load_api("apiclus1"), weights="pw", clusters="dnum", fpc="fpc")
        >>> r = d.chisq("sch.wide", "stype")
        >>> round(r.statistic, 4), round(r.pvalue, 4)
        (5.1934, 0.0217)
        """
        from .chisq import rao_scott

        return rao_scott(self, row, column, statistic=statistic)

    def replicate(self, type, *, replicates=None, rho=None, seed=None, mse=False):
        """A :class:`~surveystats.design.ReplicateDesign` with replicates of ``type`` made
        from this design's first stage (R ``as.svrepdesign``); see
        :func:`surveystats.design.replicate_design.replicate_from_design`."""
        from .replicate_design import replicate_from_design

        return replicate_from_design(self, type, replicates=replicates, rho=rho, seed=seed, mse=mse)


def factorize_column(data, name, argument):
    from ._structure import factorize

    return factorize(data, name, argument)


def _rebuild(data, weights, structure, steps, settings):
    new = object.__new__(SurveyDesign)
    w = np.array(weights, dtype=float)
    w.flags.writeable = False
    new._init(data, w, structure, steps, settings, {})
    return new


def _weight_values(data, weights):
    if isinstance(weights, str):
        if weights not in data.columns:
            shown = ", ".join(repr(str(c)) for c in list(data.columns)[:20])
            raise InvalidOptionError(
                f"weights={weights!r} is not a column of the data; columns are {shown}"
            )
        column = data[weights]
        label = f"weights column {weights!r}"
        try:
            w = column.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(f"{label} is not numeric (dtype {column.dtype})") from exc
    else:
        label = "weights"
        to_numpy = getattr(weights, "to_numpy", None)
        w = to_numpy(dtype=float, na_value=np.nan) if to_numpy else np.asarray(weights, float)
        if w.shape != (len(data),):
            raise InvalidValueError(
                f"weights must have one value per row ({len(data)}); got shape {w.shape}"
            )
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise InvalidValueError(
            f"{label} has {rows.size} missing, infinite or non-positive value(s) (first at row "
            f"{rows[0]}: {w[rows[0]]!r}); every weight must be a finite number > 0"
        )
    return w
