"""The sampling structure of a design: strata, multistage clusters, FPC per stage, ``degf``.

Everything here is computed once, when a :class:`~surveystats.design.SurveyDesign` is built:
the columns are factorized into integer codes, and each stage keeps what the variance engine
(:mod:`surveystats.design.variance`) needs to turn per-row scores into a covariance matrix
with group sums only.  The rules follow R's ``svydesign`` and ``svyrecvar`` (survey 4.1.1):

* stage ``s`` clusters are nested in the stage ``s - 1`` clusters (R makes
  ``interaction(ids[, 1:s])``); with ``nest=True`` also in the strata;
* the strata of stage ``s >= 2`` are the given strata crossed with the stage ``s - 1``
  cluster;
* ``fpc`` values <= 1 are sampling fractions, > 1 population sizes (numbers of PSUs in the
  stratum at that stage); a stratum's sample size is its number of distinct PSUs;
* the later stages enter the variance only when an ``fpc`` is given (otherwise the ultimate
  cluster approximation, as R), each multiplied by the product of the sampling fractions of
  the stages above it;
* a stratum with one PSU (a *lonely* PSU) is handled as R's ``options(survey.lonely.psu)``.

No estimator lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError

__all__ = [
    "LONELY_PSU",
    "DesignStructure",
    "LonelyAverage",
    "Stage",
    "build_structure",
    "domain_degf",
    "LonelyPSUError",
]

#: R's ``survey.lonely.psu`` options (see :func:`_lonely_scale`).
LONELY_PSU = ("fail", "remove", "certainty", "adjust", "average")

# R's onestrat() treats a stratum whose every finite population correction is below this as
# a census (zero variance), before it looks for lonely PSUs.
_CENSUS_TOLERANCE = 1e-7


class LonelyPSUError(SurveyStatsError):
    """A stratum has a single PSU and ``lonely_psu="fail"``."""


@dataclass(frozen=True, eq=False)
class Stage:
    """One sampling stage, as the variance engine reads it.

    Attributes
    ----------
    psu : ndarray of int64 or None
        Code of the row's PSU at this stage (0 .. n_psu - 1); ``None`` when every row is its
        own PSU (no clusters at this stage), so no group sum over PSUs is needed.
    n_psu : int
    psu_stratum : ndarray of int64
        Stratum code of each PSU (length n_psu).
    n_strata : int
    scale : ndarray of float
        Factor on each PSU's squared deviation from its stratum mean:
        ``multiplier * f * n_h / (n_h - 1)`` with ``f = (N_h - n_h) / N_h`` (1 without FPC),
        the multiplier being the product of the sampling fractions of the stages above;
        0 for census strata and removed lonely PSUs.
    centre : ndarray of bool
        Per stratum: deviations are taken from the stratum mean (False only for a lonely PSU
        under ``"adjust"``, which deviates from zero, as R).
    average : LonelyAverage or None
        Under ``lonely_psu="average"`` with lonely strata at this stage: which strata are
        averaged over in which group (the factor depends on the domain, so the variance
        engine applies it; ``scale`` is 0 for the lonely strata).
    """

    psu: np.ndarray | None
    n_psu: int
    psu_stratum: np.ndarray
    n_strata: int
    scale: np.ndarray
    centre: np.ndarray
    average: LonelyAverage | None = None


@dataclass(frozen=True, eq=False)
class LonelyAverage:
    """R's ``lonely_psu="average"`` at one stage (survey 4.1.1 ``onestage``): within each
    group -- the whole design at stage 1, a PSU of the stage above later -- the strata with
    two or more PSUs are summed and multiplied by (strata) / (strata with two or more PSUs),
    both counted among the strata that hold a row of the estimate's domain (R runs
    ``onestage`` on the domain's subset design); NaN where a domain's strata in a group all
    have one PSU (R's ``0 * strata / 0``).

    Attributes
    ----------
    stratum_group : ndarray of int64
        Group of each stratum (length n_strata).
    n_groups : int
    ok : ndarray of bool
        Per stratum: it has two or more PSUs (or is a census, which R counts as fine).
    """

    stratum_group: np.ndarray
    n_groups: int
    ok: np.ndarray

    def factors(self, row_stratum, domain, n_domains):
        """The factor per (group, domain), shape (n_groups, n_domains), counting the strata
        that hold a row with ``domain`` >= 0 (``domain`` None: every stratum, one domain)."""
        g, ok = self.stratum_group, self.ok
        if domain is None:
            strata = np.bincount(g, minlength=self.n_groups).astype(float)
            good = np.bincount(g, weights=ok, minlength=self.n_groups)
            strata, good = strata[:, None], good[:, None]
        else:
            inside = domain >= 0
            h, d = row_stratum[inside], domain[inside]
            n_strata = len(g)
            joint = d * n_strata + h
            size = n_domains * n_strata
            if size <= 4 * len(joint) + 1024:
                present = np.flatnonzero(np.bincount(joint, minlength=size))
            else:
                present = np.unique(joint)
            pair_domain, pair_stratum = present // n_strata, present % n_strata
            cell = g[pair_stratum] * n_domains + pair_domain
            size = self.n_groups * n_domains
            strata = np.bincount(cell, minlength=size).astype(float)
            good = np.bincount(cell, weights=ok[pair_stratum], minlength=size)
            strata = strata.reshape(self.n_groups, n_domains)
            good = good.reshape(self.n_groups, n_domains)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(strata > 0, strata / good, 0.0)


@dataclass(frozen=True, eq=False)
class DesignStructure:
    """Strata, clusters and FPC of a design, factorized once.

    ``stages`` holds the stages that enter the variance (one unless an FPC is given with
    several cluster columns).  ``degf`` is R's ``degf``: PSUs minus strata at stage 1.
    ``first_psu`` and ``first_stratum`` are the stage-1 codes of each row (``first_psu`` is
    None when every row is its own PSU), kept for the degrees of freedom of a domain
    (:func:`domain_degf`).
    """

    n_rows: int
    stages: tuple
    degf: int
    lonely_psu: str
    has_fpc: bool
    first_psu: np.ndarray | None = None
    n_first_psu: int = 0
    first_stratum: np.ndarray | None = None
    n_first_strata: int = 1
    row_counts: np.ndarray | None = None


def _as_list(name, value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidOptionError(f"{name}={value!r} must be a column name or a list of column names")


def _column(data, name, argument):
    if name not in data.columns:
        shown = ", ".join(repr(str(c)) for c in list(data.columns)[:20])
        raise InvalidOptionError(
            f"{argument}={name!r} is not a column of the data; columns are {shown}"
        )
    return data[name]


def factorize(data, name, argument):
    """Integer codes 0..k-1 (sorted levels) and the levels of a column; missing values raise."""
    import pandas as pd

    column = _column(data, name, argument)
    codes, levels = pd.factorize(column, sort=True)
    codes = np.asarray(codes, dtype=np.int64)
    if len(codes) and codes.min() < 0:
        bad = np.flatnonzero(codes < 0)
        raise InvalidValueError(
            f"{argument} column {name!r} has {bad.size} missing value(s) (first at row "
            f"{bad[0]}); fill them (a level of their own, say) so that no row is dropped"
        )
    return codes, levels


def combine(first, n_first, second, n_second):
    """Codes of the crossed groups (first, second) that occur, in sorted order, and their count.

    One pass over the rows: the combined code ``first * n_second + second`` is mapped onto
    the occurring combinations through a lookup table (no sort of the rows).
    """
    joint = first * n_second + second
    size = n_first * n_second
    if size > 4 * len(joint) + 1024:
        # sparse combinations: a sort is cheaper than a huge lookup table
        occurring, codes = np.unique(joint, return_inverse=True)
        return codes.astype(np.int64, copy=False), len(occurring)
    present = np.bincount(joint, minlength=size) > 0
    lookup = np.cumsum(present) - 1
    return lookup[joint], int(present.sum())


def _first_row_of_group(codes, n_groups):
    """Index of the first row of each group (groups are 0..n_groups-1, all present)."""
    first = np.full(n_groups, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
    return first


def _fpc_values(data, fpc_names):
    values = []
    for name in fpc_names:
        column = _column(data, name, "fpc")
        arr = np.asarray(column.to_numpy(dtype=float, na_value=np.nan), dtype=float)
        if np.isnan(arr).any() or (arr <= 0).any():
            bad = np.flatnonzero(np.isnan(arr) | (arr <= 0))
            raise InvalidValueError(
                f"fpc column {name!r} has {bad.size} missing or non-positive value(s) (first at "
                f"row {bad[0]}: {arr[bad[0]]!r}); an FPC is a sampling fraction in (0, 1] or a "
                "population size > 1"
            )
        values.append(arr)
    if not values:
        return values, None
    everything = np.concatenate(values)
    as_population = bool((everything > 1).any())
    if as_population and (everything < 1).any():
        raise InvalidValueError(
            f"fpc columns {fpc_names!r} mix sampling fractions (<= 1) and population sizes (> 1); "
            "give one kind for every stage"
        )
    return values, as_population


def build_structure(data, *, strata, clusters, fpc, nest, lonely_psu, row_counts=None):
    """Factorize the design columns and precompute every stage (see the module docstring).

    ``row_counts`` (private, for designs of summed cells: :mod:`.chunked`): without
    clusters, row i of ``data`` stands for ``row_counts[i]`` respondents, each its own PSU,
    so the PSU counts n_h, the degrees of freedom and the lonely-PSU rules count them.

    Returns the structure and the weights implied by the FPC (None when none can be implied).
    """
    if lonely_psu not in LONELY_PSU:
        allowed = ", ".join(repr(c) for c in LONELY_PSU)
        raise InvalidOptionError(
            f"lonely_psu={lonely_psu!r} is not recognized; allowed values are {allowed}"
        )
    n = len(data)
    strata_names = _as_list("strata", strata)
    cluster_names = _as_list("clusters", clusters)
    fpc_names = _as_list("fpc", fpc)
    n_stages = max(len(cluster_names), 1)
    if len(fpc_names) > n_stages:
        raise InvalidOptionError(
            f"fpc={fpc!r} gives {len(fpc_names)} stages but clusters={clusters!r} only "
            f"{n_stages}; give one fpc column per stage"
        )
    if len(strata_names) > n_stages:
        raise InvalidOptionError(
            f"strata={strata!r} gives {len(strata_names)} stages but clusters={clusters!r} only "
            f"{n_stages}"
        )

    strata_codes = [factorize(data, name, "strata") for name in strata_names]
    cluster_codes = [factorize(data, name, "clusters") for name in cluster_names]
    fpc_values, fpc_is_population = _fpc_values(data, fpc_names)

    # Stage-by-stage codes, as svydesign builds them.
    stage_psu, stage_stratum = [], []
    previous_psu = None
    for s in range(n_stages):
        # strata of this stage: the given column (the last one given for deeper stages) ...
        if strata_codes:
            codes, levels = strata_codes[min(s, len(strata_codes) - 1)]
            stratum, n_stratum = codes, len(levels)
        else:
            stratum, n_stratum = np.zeros(n, dtype=np.int64), 1
        # ... crossed with the PSU of the stage above
        if previous_psu is not None:
            stratum, n_stratum = combine(previous_psu[0], previous_psu[1], stratum, n_stratum)
        # clusters of this stage, nested in those above (and in the strata when nest=True)
        if cluster_codes:
            psu, n_psu = cluster_codes[s][0], len(cluster_codes[s][1])
            if previous_psu is not None:
                psu, n_psu = combine(previous_psu[0], previous_psu[1], psu, n_psu)
        else:
            psu, n_psu = np.arange(n, dtype=np.int64), n
        if nest and strata_codes:
            psu, n_psu = combine(stratum, n_stratum, psu, n_psu)
        stage_psu.append((psu, n_psu))
        stage_stratum.append((stratum, n_stratum))
        previous_psu = (psu, n_psu)

    counts = None
    if row_counts is not None:
        if cluster_codes:
            raise InvalidOptionError("row_counts is for designs without clusters only")
        counts = np.asarray(row_counts, dtype=float)
    n_units = n if counts is None else float(counts.sum())  # first-stage PSUs
    if (stage_psu[0][1] == 1 if counts is None else n_units <= 1) and not (nest and strata_codes):
        raise InvalidValueError("the design has only one primary sampling unit (clusters)")

    first_psu, n_first_psu = stage_psu[0]
    first_stratum, n_first_strata = stage_stratum[0]
    if strata_codes and cluster_codes and not nest:
        # R's check.strata: a first-stage cluster may not span strata
        pairs, n_pairs = combine(first_psu, n_first_psu, first_stratum, n_first_strata)
        if n_pairs > n_first_psu:
            raise InvalidValueError(
                f"clusters {cluster_names[0]!r} are not nested in strata {strata_names[0]!r} "
                "(a cluster label occurs in two strata); pass nest=True if the labels are only "
                "unique within strata"
            )

    # Per stage: the stratum of each PSU, sample sizes n_h, population sizes N_h.
    used_stages = n_stages if fpc_values else 1
    fractions_above = np.ones(n)  # product of n/N of the stages above, per row
    implied_weights = np.ones(n) if fpc_values and len(fpc_values) == n_stages else None
    stages = []
    for s in range(n_stages):
        psu, n_psu = stage_psu[s]
        stratum, n_strata = stage_stratum[s]
        first_row = _first_row_of_group(psu, n_psu)
        psu_stratum = stratum[first_row]
        n_h = np.bincount(psu_stratum, weights=counts, minlength=n_strata).astype(float)
        sample_rows = n_h[stratum]
        if s < len(fpc_values):
            values = fpc_values[s]
            population_rows = values if fpc_is_population else sample_rows / values
            too_small = population_rows < sample_rows * (1 - 1e-12)
            if too_small.any():
                row = int(np.flatnonzero(too_small)[0])
                raise InvalidValueError(
                    f"fpc column {fpc_names[s]!r} implies a population smaller than the sample: "
                    f"{_stratum_name(data, strata_names, s, row)} has "
                    f"{int(sample_rows[row])} sampled PSU(s) at stage {s + 1} but a population "
                    f"of {population_rows[row]:g}"
                )
            if implied_weights is not None:
                implied_weights *= population_rows / sample_rows
        else:
            population_rows = None
        if s >= used_stages:
            continue
        if population_rows is None:
            f = np.ones(n_psu)
        else:
            pop = population_rows[first_row]
            f = np.where(np.isinf(pop), 1.0, (pop - n_h[psu_stratum]) / pop)
        n_h_psu = n_h[psu_stratum]
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(n_h_psu > 1, f * n_h_psu / (n_h_psu - 1), f)
        census = np.bincount(psu_stratum, weights=(f >= _CENSUS_TOLERANCE), minlength=n_strata)
        census = census == 0
        scale = np.where(census[psu_stratum], 0.0, scale)
        lonely = (n_h == 1) & ~census
        centre = np.ones(n_strata, dtype=bool)
        average = None
        if lonely.any():
            scale, centre, average = _lonely_scale(
                lonely_psu, lonely, psu_stratum, scale, centre, stage_psu, s, n_strata, stratum
            )
            if lonely_psu == "fail":
                h = int(np.flatnonzero(lonely)[0])
                row = int(np.flatnonzero(stratum == h)[0])
                raise LonelyPSUError(
                    f"{_stratum_name(data, strata_names, s, row, cluster_names)} has only one "
                    f"PSU at stage {s + 1} ({int(lonely.sum())} such strata); choose "
                    "lonely_psu='remove', 'certainty', 'adjust' or 'average'"
                )
        scale = scale * fractions_above[first_row]
        if n_psu == n:
            # every row is its own PSU: index by row, so no group sum over PSUs is needed
            psu_stratum, scale, psu = psu_stratum[psu], scale[psu], None
        stages.append(
            Stage(
                psu=psu,
                n_psu=n_psu,
                psu_stratum=psu_stratum,
                n_strata=n_strata,
                scale=scale,
                centre=centre,
                average=average,
            )
        )
        if population_rows is not None:
            fractions_above = fractions_above * (sample_rows / population_rows)

    degf = int((n_first_psu if counts is None else n_units) - n_first_strata)
    structure = DesignStructure(
        n_rows=n,
        stages=tuple(stages),
        degf=degf,
        lonely_psu=lonely_psu,
        has_fpc=bool(fpc_values),
        row_counts=counts,
        first_psu=None if n_first_psu == n else first_psu,
        n_first_psu=int(n_first_psu if counts is None else n_units),
        first_stratum=first_stratum,
        n_first_strata=int(n_first_strata),
    )
    return structure, implied_weights


def _distinct_per_group(group, n_groups, item, n_items):
    """Number of distinct ``item`` codes among the rows of each group (rows with group -1 are
    in no group).  A presence table over (group, item) pairs where it is small, else a sort."""
    inside = group >= 0
    if not inside.all():
        group, item = group[inside], item[inside]
    joint = group * n_items + item
    size = n_groups * n_items
    if size <= 4 * len(joint) + 1024:
        present = np.flatnonzero(np.bincount(joint, minlength=size))
    else:
        present = np.unique(joint)
    return np.bincount(present // n_items, minlength=n_groups)


def domain_degf(structure, domain, n_domains):
    """Degrees of freedom of each domain: its first-stage PSUs minus its strata.

    R's ``degf`` of the domain's subset design (survey 4.1.1, ``degf.survey.design2`` on
    ``design[in_domain, ]``): distinct stage-1 clusters minus distinct stage-1 strata among
    the rows with a non-zero sampling weight, which in a subset are the domain's rows.  Rows
    with ``domain`` -1 belong to no domain.  Two group counts, no loop over domains.
    """
    domain = np.asarray(domain, dtype=np.int64)
    inside = domain >= 0
    if structure.first_psu is None:  # every row its own PSU (or row_counts of them)
        counts = None if structure.row_counts is None else structure.row_counts[inside]
        n_psu = np.bincount(domain[inside], weights=counts, minlength=n_domains).astype(np.int64)
    else:
        n_psu = _distinct_per_group(domain, n_domains, structure.first_psu, structure.n_first_psu)
    first_stratum = structure.first_stratum
    if first_stratum is None:
        n_strata = (n_psu > 0).astype(np.int64)
    else:
        n_strata = _distinct_per_group(domain, n_domains, first_stratum, structure.n_first_strata)
    return (n_psu - n_strata).astype(np.int64)


def _lonely_scale(option, lonely, psu_stratum, scale, centre, stage_psu, s, n_strata, stratum):
    """Scale factors for lonely PSUs, as R's ``onestrat`` (survey 4.1.1).

    ``remove`` and ``certainty``: a lonely PSU deviates from its own mean, so it adds nothing
    at this stage.  ``adjust``: it deviates from zero instead (R leaves it uncentred), with
    the factor f.  ``average``: lonely strata are dropped and the other strata's sum is
    multiplied by (strata / strata with more than one PSU) within the same group (the whole
    design at stage 1, the PSU of the stage above for later stages); that factor depends on
    the strata a domain touches, so it is returned as a :class:`LonelyAverage` for the
    variance engine.  Returns (scale, centre, average or None).
    """
    if option == "adjust":
        centre = centre & ~lonely
    elif option == "average":
        if s == 0:
            group_of_stratum = np.zeros(n_strata, dtype=np.int64)
            n_groups = 1
        else:
            above, n_groups = stage_psu[s - 1]
            first = _first_row_of_group(stratum, n_strata)
            group_of_stratum = above[first]
        # the lonely strata add nothing; the others are scaled up by the engine, per domain
        scale = np.where(lonely[psu_stratum], 0.0, scale)
        average = LonelyAverage(stratum_group=group_of_stratum, n_groups=n_groups, ok=~lonely)
        return scale, centre, average
    return scale, centre, None


def _stratum_name(data, strata_names, s, row, cluster_names=()):
    """Words naming the stratum of ``row`` at stage ``s`` for an error message."""
    parts = []
    if strata_names:
        name = strata_names[min(s, len(strata_names) - 1)]
        parts.append(f"stratum {name}={data[name].iloc[row]!r}")
    if s > 0 and cluster_names:
        above = cluster_names[s - 1]
        parts.append(f"within cluster {above}={data[above].iloc[row]!r}")
    return " ".join(parts) if parts else "the design (one stratum)"
