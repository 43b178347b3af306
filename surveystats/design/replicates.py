"""Replicate factors per PSU and the replicate variance of a smooth function of totals.

What lives here: building the replicate factors of a design (JK1, JKn, BRR, Fay, Rao-Wu
bootstrap, successive differences), replicate totals ``T_r = F.T @ psu_sums(w * z)`` in blocks
of replicates, and the variance ``scale * sum_r rscales_r (est_r - centre)(est_r - centre)^T``
(R survey's ``svrVar``). What does not: the design object (``replicate_design.py``), the
estimators and intervals (``estimators.py``).

A factor ``F[i, r]`` multiplies the weight of every row of PSU ``i`` in replicate ``r``. Factors
are described by a small frozen *plan* per method and produced a block of replicates at a time,
so memory is bounded by (PSUs x block) whatever the number of rows or replicates; a rows x
replicates matrix is never formed.

Conventions follow R's ``as.svrepdesign`` (survey 4.1.1) so that the same design gives the same
replicates, scale, rscales and degrees of freedom:

* ``jk1``: unstratified; one replicate per PSU dropped, others times n/(n-1);
  ``scale = (1 - n/N)(n - 1)/n`` with the first-stage population N (1 without an FPC).
* ``jkn``: one replicate per PSU, within its stratum; ``rscales_h = (1 - n_h/N_h)(n_h - 1)/n_h``,
  ``scale = 1``; strata sampled completely (n_h = N_h) give no replicates; strata with a single
  PSU follow the design's ``lonely_psu`` as R's ``jknweights``.
* ``brr`` / ``fay``: two PSUs per stratum, Hadamard matrix of R's order; the first PSU of
  stratum h (in order of appearance) gets ``2 - rho`` where row h of the matrix is +1 and
  ``rho`` where it is -1; strata are ranked by their labels as text, as R does;
  ``scale = 1 / (R (1 - rho)^2)``; no FPC (as R).
* ``bootstrap``: Rao-Wu rescaling bootstrap drawing n_h - 1 PSUs with replacement in each
  stratum (R's ``subbootstrap``), factor ``1 - lambda + lambda * n_h/(n_h - 1) * count`` with
  ``lambda = sqrt(1 - n_h/N_h)`` (Rao, Wu & Yue 1992; lambda = 1 without an FPC);
  ``scale = 1/(R - 1)``.
* ``sdr``: successive-difference replication (Fay & Train 1995, the ACS): PSU j of a stratum gets
  ``1 + 2^-1.5 (a[row_j, r] - a[row_j+1, r])`` with Hadamard rows assigned in order and wrapped
  around within the stratum; ``scale = 4/R``. With at least as many replicates as PSUs (the
  default) the variance of a total is exactly half the sum of squared circular successive
  differences of PSU totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..exceptions import InvalidOptionError, SurveyStatsError
from ._hadamard import hadamard, hadamard_order

__all__ = [
    "REPLICATE_TYPES",
    "PsuLayout",
    "ReplicateFactors",
    "make_factors",
    "psu_sums",
    "replicate_variance",
]

REPLICATE_TYPES = ("jk1", "jkn", "brr", "fay", "bootstrap", "sdr")
LONELY_PSU = ("fail", "remove", "certainty", "adjust", "average")

# Replicates handled together: (PSUs x block) factors and (block x columns) totals in memory.
BLOCK = 256
# Factor sets up to this many cells (8 bytes each: 64 MiB) are made once and kept.
KEEP_CELLS = 2**23


@dataclass(frozen=True)
class PsuLayout:
    """First-stage structure of a design, one entry per PSU.

    Attributes
    ----------
    stratum : numpy.ndarray
        int code of each PSU's stratum, 0 .. n_strata - 1, strata numbered in order of first
        appearance in the data; PSUs themselves are numbered in order of first appearance.
    stratum_labels : tuple
        the label of each stratum code (for messages and BRR's ordering by label).
    population : numpy.ndarray or None
        first-stage population size of each PSU's stratum (None: no FPC).
    lonely_psu : str
        the design's treatment of strata with one PSU, as R's ``survey.lonely.psu``.
    has_strata : bool
        whether the design was declared with strata (JK1 refuses them, JKn/BRR/Fay need them).
    strata_column : str or None
        the strata column's name, for messages.
    """

    stratum: np.ndarray
    stratum_labels: tuple
    population: np.ndarray | None = None
    lonely_psu: str = "fail"
    has_strata: bool = True
    strata_column: str | None = None

    @property
    def n_psu(self) -> int:
        return int(self.stratum.shape[0])

    @property
    def n_strata(self) -> int:
        return len(self.stratum_labels)

    def psu_per_stratum(self) -> np.ndarray:
        return np.bincount(self.stratum, minlength=self.n_strata)

    def stratum_words(self, k: int) -> str:
        """``stratum SDMVSTRA=86`` (or ``stratum 86`` without a column name) for messages."""
        label = self.stratum_labels[k]
        if self.strata_column:
            return f"stratum {self.strata_column}={label!r}"
        return f"stratum {label!r}"


# ---------------------------------------------------------------------------------------------
# Plans: how to produce a block of factors (and replicate totals) for one method.


class _Plan(Protocol):
    def factors(self, start: int, stop: int) -> np.ndarray: ...

    def totals(self, sums: np.ndarray, start: int, stop: int) -> np.ndarray: ...


@dataclass(frozen=True)
class _JackknifePlan:
    """Replicate r: ``F[:, r] = a_r + b_r * 1{stratum == h_r} + c_r * 1{psu == d_r}``.

    Covers JK1 (b = 0), JKn (a = 1) and the "adjust" replicate of a lonely stratum; replicate
    totals need no factor matrix: ``T_r = a_r T + b_r S_{h_r} + c_r t_{d_r}``.
    """

    psu_stratum: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    stratum: np.ndarray
    dropped: np.ndarray

    def factors(self, start: int, stop: int) -> np.ndarray:
        sl = slice(start, stop)
        f = np.broadcast_to(self.a[sl], (self.psu_stratum.shape[0], stop - start)).copy()
        f += self.b[sl] * (self.psu_stratum[:, None] == self.stratum[sl])
        f[self.dropped[sl], np.arange(stop - start)] += self.c[sl]
        return f

    def rank(self) -> int:
        """Closed form: within a stratum the n_h delete-one columns sum to n_h times the
        all-ones column and are otherwise independent, so each stratum adds n_h - 1 dimensions
        to a shared one; an "adjust" replicate adds one (its lonely PSU is in no other span)."""
        standard = self.c != 0
        strata = np.unique(self.stratum[standard]).size
        return int(standard.sum() - strata + (1 if strata else 0) + (~standard).sum())

    def totals(self, sums: np.ndarray, start: int, stop: int) -> np.ndarray:
        sl = slice(start, stop)
        n_strata = int(self.psu_stratum.max()) + 1 if self.psu_stratum.size else 0
        strata_sums = np.zeros((n_strata, sums.shape[1]))
        np.add.at(strata_sums, self.psu_stratum, sums)
        whole = sums.sum(axis=0)
        return (
            self.a[sl, None] * whole
            + self.b[sl, None] * strata_sums[self.stratum[sl]]
            + self.c[sl, None] * sums[self.dropped[sl]]
        )


@dataclass(frozen=True)
class _HadamardPlan:
    """``F[i, r] = 1 + coef[i, 0] * H[row[i, 0], r] + coef[i, 1] * H[row[i, 1], r]`` (BRR, Fay, SDR)."""

    matrix: np.ndarray = field(repr=False)
    rows: np.ndarray = field(repr=False)
    coefs: np.ndarray = field(repr=False)

    def factors(self, start: int, stop: int) -> np.ndarray:
        cols = self.matrix[:, start:stop].astype(np.float64)
        f = 1.0 + self.coefs[:, 0:1] * cols[self.rows[:, 0]]
        f += self.coefs[:, 1:2] * cols[self.rows[:, 1]]
        return f

    def totals(self, sums: np.ndarray, start: int, stop: int) -> np.ndarray:
        return self.factors(start, stop).T @ sums


@dataclass(frozen=True)
class _RaoWuPlan:
    """Rao-Wu rescaling bootstrap; block j of ``BLOCK`` replicates is drawn from its own child
    of ``SeedSequence(entropy)``, so a replicate does not depend on how blocks are requested."""

    entropy: int
    n_replicates: int
    order: np.ndarray = field(repr=False)  # PSUs sorted by stratum
    stratum_start: np.ndarray = field(repr=False)  # per PSU (in sorted order): first position
    stratum_size: np.ndarray = field(repr=False)  # per PSU: n_h
    lam: np.ndarray = field(repr=False)  # per PSU: sqrt(1 - f_h); 0 for lonely strata kept at 1
    pick_start: np.ndarray = field(repr=False)  # per draw: first position of its stratum
    pick_size: np.ndarray = field(repr=False)  # per draw: n_h of its stratum

    def _block(self, j: int) -> np.ndarray:
        n_psu = self.order.shape[0]
        width = min(BLOCK, self.n_replicates - j * BLOCK)
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(self.entropy, spawn_key=(j,)))
        )
        u = rng.random((width, self.pick_start.shape[0]))
        picks = self.pick_start + np.floor(u * self.pick_size).astype(np.int64)
        picks += (np.arange(width) * n_psu)[:, None]
        counts = np.bincount(picks.ravel(), minlength=width * n_psu).reshape(width, n_psu)
        size = self.stratum_size
        ratio = np.divide(size, size - 1, out=np.zeros(n_psu), where=size > 1)
        sorted_f = 1.0 - self.lam + self.lam * ratio * counts  # (width, n_psu), sorted PSUs
        f = np.empty((n_psu, width))
        f[self.order] = sorted_f.T
        return f

    def factors(self, start: int, stop: int) -> np.ndarray:
        blocks = range(start // BLOCK, (stop - 1) // BLOCK + 1)
        f = np.concatenate([self._block(j) for j in blocks], axis=1)
        offset = blocks[0] * BLOCK
        return f[:, start - offset : stop - offset]

    def totals(self, sums: np.ndarray, start: int, stop: int) -> np.ndarray:
        return self.factors(start, stop).T @ sums


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicateFactors:
    """Replicate factors of a design (per PSU) with R's ``scale`` and ``rscales``.

    Attributes
    ----------
    type : str
        one of :data:`REPLICATE_TYPES`.
    n_psu, n_replicates : int
    scale : float
    rscales : numpy.ndarray
        one per replicate.
    rho : float
        Fay's coefficient (0 for BRR, None for other types).
    seed_entropy : int or None
        the bootstrap's seed, kept so that the replicates can be drawn again.
    """

    type: str
    n_psu: int
    n_replicates: int
    scale: float
    rscales: np.ndarray = field(repr=False)
    rho: float | None = None
    seed_entropy: int | None = None
    _plan: _Plan = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def factors(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Factors of replicates ``start .. stop - 1`` as a (n_psu, stop - start) array.

        Up to :data:`KEEP_CELLS` factors are drawn once and kept (the bootstrap's draws and
        Hadamard lookups are then not repeated for every estimate); larger sets are made a
        block at a time on every use.
        """
        stop = self.n_replicates if stop is None else min(stop, self.n_replicates)
        if stop <= start:
            return np.empty((self.n_psu, 0))
        if self.n_psu * self.n_replicates <= KEEP_CELLS:
            kept = self._memo.get("factors")
            if kept is None:
                kept = self._memo["factors"] = self._plan.factors(0, self.n_replicates)
                kept.flags.writeable = False
            return kept[:, start:stop]
        return self._plan.factors(start, stop)

    def blocks(self, block: int = BLOCK):
        """Yield ``(start, stop)`` ranges of replicates of at most ``block``."""
        for start in range(0, self.n_replicates, block):
            yield start, min(start + block, self.n_replicates)

    def totals(self, sums: np.ndarray, start: int, stop: int) -> np.ndarray:
        """Replicate totals ``F[:, start:stop].T @ sums`` (sums: PSUs x columns)."""
        if isinstance(self._plan, _JackknifePlan):
            return self._plan.totals(sums, start, stop)  # closed form, no factor matrix
        return self.factors(start, stop).T @ sums

    def rank(self) -> int:
        """Rank of the factor matrix (= rank of R's rows x replicates analysis weights)."""
        return _factor_rank(self)


def make_factors(
    layout: PsuLayout,
    type: str,
    *,
    replicates: int | None = None,
    rho: float | None = None,
    seed: int | np.random.SeedSequence | None = None,
) -> ReplicateFactors:
    """Replicate factors of ``type`` for a design's first-stage layout.

    Parameters
    ----------
    layout : PsuLayout
    type : {"jk1", "jkn", "brr", "fay", "bootstrap", "sdr"}
    replicates : int, optional
        number of replicates for ``bootstrap`` (default 50, as R) and ``sdr`` (default: the
        Hadamard order R would use for that many PSUs; otherwise a Hadamard order, e.g. 80 as
        the ACS); not allowed for the other types, whose number is fixed by the design.
    rho : float, optional
        Fay's coefficient, 0 < rho < 1, required for ``fay``.
    seed : int or numpy.random.SeedSequence, optional
        the bootstrap's seed; None draws fresh entropy (kept in the result, so the design
        always reuses the same replicates).

    Examples
    --------
    >>> layout = PsuLayout(np.array([0, 0, 1, 1]), ("a", "b"))
    >>> f = make_factors(layout, "brr")
    >>> f.n_replicates, f.scale
    (4, 0.25)
    >>> f.factors()
    array([[2., 0., 2., 0.],
           [0., 2., 0., 2.],
           [2., 2., 0., 0.],
           [0., 0., 2., 2.]])
    """
    if type not in _BUILDERS:
        raise InvalidOptionError(
            f"type={type!r} is not a replicate type; choose one of {', '.join(REPLICATE_TYPES)}"
        )
    if rho is not None and type != "fay":
        raise InvalidOptionError(f"rho is used only with type='fay', not type={type!r}")
    if replicates is not None and type not in ("bootstrap", "sdr"):
        raise InvalidOptionError(
            f"replicates= is fixed by the design for type={type!r}; it can be chosen only for "
            "'bootstrap' and 'sdr'"
        )
    if replicates is not None and (
        isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer))
    ):
        raise InvalidOptionError(f"replicates must be a whole number, got {replicates!r}")
    return _BUILDERS[type](layout, replicates=replicates, rho=rho, seed=seed)


# ---------------------------------------------------------------------------------------------
# Builders, one per method.


def _sampling_fraction(layout: PsuLayout) -> np.ndarray:
    """n_h / N_h per stratum (0 without an FPC)."""
    if layout.population is None:
        return np.zeros(layout.n_strata)
    n_h = layout.psu_per_stratum()
    population = np.zeros(layout.n_strata)
    population[layout.stratum] = layout.population
    return n_h / population


def _jk1(layout: PsuLayout, *, replicates, rho, seed) -> ReplicateFactors:
    """Delete-one-PSU jackknife for an unstratified design (R ``jk1weights``)."""
    if layout.has_strata and layout.n_strata > 1:
        raise InvalidOptionError(
            "type='jk1' is for designs without strata; this design has "
            f"{layout.n_strata} strata: use type='jkn'"
        )
    n = layout.n_psu
    if n < 2:
        raise SurveyStatsError("type='jk1' needs at least two PSUs; the design has one")
    fraction = float(_sampling_fraction(layout)[0]) if layout.n_strata else 0.0
    c = n / (n - 1)
    plan = _JackknifePlan(
        psu_stratum=layout.stratum,
        a=np.full(n, c),
        b=np.zeros(n),
        c=np.full(n, -c),
        stratum=np.zeros(n, dtype=np.int64),
        dropped=np.arange(n),
    )
    return ReplicateFactors(
        "jk1", n, n, scale=(1.0 - fraction) * (n - 1) / n, rscales=np.ones(n), _plan=plan
    )


def _jkn(layout: PsuLayout, *, replicates, rho, seed) -> ReplicateFactors:
    """Stratified delete-one-PSU jackknife (R ``jknweights``, lonely PSUs as its options)."""
    n_h = layout.psu_per_stratum()
    fraction = _sampling_fraction(layout)
    lonely = (n_h == 1) & (fraction < 1)
    if lonely.any() and layout.lonely_psu == "fail":
        where = layout.stratum_words(int(np.flatnonzero(lonely)[0]))
        raise SurveyStatsError(
            f"{where} has only one PSU; type='jkn' needs two or more, or a design "
            "with lonely_psu='remove', 'certainty', 'adjust' or 'average'"
        )
    # One replicate per PSU of a stratum with two or more PSUs that is not sampled completely,
    # in the order PSUs appear (PSU codes are in that order, strata likewise).
    replicating = (n_h >= 2) & (fraction < 1)
    psu = np.flatnonzero(replicating[layout.stratum])
    psu = psu[np.argsort(layout.stratum[psu], kind="stable")]
    h = layout.stratum[psu]
    ratio = n_h[h] / (n_h[h] - 1.0)
    a, b, c = np.ones(psu.size), ratio - 1.0, -ratio
    rscales = (1.0 - fraction[h]) * (n_h[h] - 1.0) / n_h[h]
    stratum, dropped = h, psu
    if lonely.any() and layout.lonely_psu == "adjust":
        # R: the lonely PSU's replicate drops it and scales every other PSU by S/(S - 1).
        lone = np.flatnonzero(lonely)
        s = layout.n_strata
        lone_psu = np.array([np.flatnonzero(layout.stratum == k)[0] for k in lone])
        a = np.concatenate([a, np.full(lone.size, s / (s - 1.0))])
        b = np.concatenate([b, np.full(lone.size, -s / (s - 1.0))])
        c = np.concatenate([c, np.zeros(lone.size)])
        rscales = np.concatenate([rscales, np.full(lone.size, (s - 1.0) / s)])
        stratum = np.concatenate([stratum, lone])
        dropped = np.concatenate([dropped, lone_psu])
        order = np.argsort(stratum, kind="stable")
        a, b, c, rscales = a[order], b[order], c[order], rscales[order]
        stratum, dropped = stratum[order], dropped[order]
    if a.size == 0:
        raise SurveyStatsError(
            "type='jkn': every stratum was sampled completely (or has one PSU): no replicates"
        )
    scale = 1.0
    if lonely.any() and layout.lonely_psu == "average":
        scale = layout.n_psu / a.size
    plan = _JackknifePlan(layout.stratum, a, b, c, stratum.astype(np.int64), dropped)
    return ReplicateFactors("jkn", layout.n_psu, a.size, scale=scale, rscales=rscales, _plan=plan)


def _brr(layout: PsuLayout, *, replicates, rho, seed) -> ReplicateFactors:
    """Balanced repeated replication (McCarthy 1969; R ``brrweights``)."""
    return _balanced(layout, 0.0, "brr")


def _fay(layout: PsuLayout, *, replicates, rho, seed) -> ReplicateFactors:
    """Fay's variant of BRR: half-samples weighted 2 - rho and rho (Judkins 1990)."""
    if rho is None:
        raise InvalidOptionError("type='fay' needs rho, Fay's coefficient, 0 < rho < 1")
    rho = float(rho)
    if not 0.0 < rho < 1.0:
        raise InvalidOptionError(f"rho must be strictly between 0 and 1, got {rho!r}")
    return _balanced(layout, rho, "fay")


def _balanced(layout: PsuLayout, rho: float, type: str) -> ReplicateFactors:
    if not layout.has_strata:
        raise InvalidOptionError(f"type={type!r} needs a stratified design with two PSUs each")
    n_h = layout.psu_per_stratum()
    wrong = np.flatnonzero(n_h != 2)
    if wrong.size:
        k = int(wrong[0])
        others = f" (and {wrong.size - 1} more strata)" if wrong.size > 1 else ""
        raise SurveyStatsError(
            f"type={type!r} needs exactly two PSUs in every stratum; "
            f"{layout.stratum_words(k)} has {int(n_h[k])}{others}; use type='jkn' or "
            "'bootstrap' for this design"
        )
    # R ranks strata by their labels as text and gives each the next Hadamard row.
    by_label = sorted(range(layout.n_strata), key=lambda k: str(layout.stratum_labels[k]))
    row_of_stratum = np.empty(layout.n_strata, dtype=np.int64)
    row_of_stratum[by_label] = np.arange(1, layout.n_strata + 1)
    # first PSU (in order of appearance) of each stratum gets sign +1, the second -1
    _, first_index = np.unique(layout.stratum, return_index=True)
    sign = -np.ones(layout.n_psu)
    sign[first_index] = 1.0
    matrix = hadamard(layout.n_strata)
    rows = np.stack([row_of_stratum[layout.stratum], np.zeros(layout.n_psu, np.int64)], axis=1)
    coefs = np.stack([(1.0 - rho) * sign, np.zeros(layout.n_psu)], axis=1)
    n_rep = matrix.shape[0]
    return ReplicateFactors(
        type,
        layout.n_psu,
        n_rep,
        scale=1.0 / (n_rep * (1.0 - rho) ** 2),
        rscales=np.ones(n_rep),
        rho=rho,
        _plan=_HadamardPlan(matrix, rows, coefs),
    )


def _lonely_strata(layout: PsuLayout, type: str) -> np.ndarray:
    """Strata with one PSU: kept out of the variance when the design says so, else an error."""
    n_h = layout.psu_per_stratum()
    lonely = n_h < 2
    if lonely.any() and layout.lonely_psu not in ("remove", "certainty"):
        where = layout.stratum_words(int(np.flatnonzero(lonely)[0]))
        raise SurveyStatsError(
            f"{where} has only one PSU; type={type!r} needs two or more, or a design "
            "with lonely_psu='remove' or 'certainty' (that stratum then adds no variance)"
        )
    return lonely


def _bootstrap(layout: PsuLayout, *, replicates, rho, seed) -> ReplicateFactors:
    """Rao-Wu rescaling bootstrap with n_h - 1 draws (Rao & Wu 1988; Rao, Wu & Yue 1992)."""
    replicates = 50 if replicates is None else int(replicates)
    if replicates < 2:
        raise InvalidOptionError(f"replicates must be at least 2 for a bootstrap, got {replicates}")
    lonely = _lonely_strata(layout, "bootstrap")
    entropy: int
    if isinstance(seed, np.random.SeedSequence) or seed is None:
        raw = (seed if seed is not None else np.random.SeedSequence()).entropy
        if not isinstance(raw, (int, np.integer)):
            raise InvalidOptionError(
                "seed: a SeedSequence whose entropy is a sequence is not supported; "
                "pass an integer seed"
            )
        entropy = int(raw)
    elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        entropy = int(seed)
    else:
        raise InvalidOptionError(f"seed must be a non-negative integer or None, got {seed!r}")
    n_h = layout.psu_per_stratum()
    order = np.argsort(layout.stratum, kind="stable")
    sorted_stratum = layout.stratum[order]
    starts = np.concatenate([[0], np.cumsum(n_h)[:-1]])
    lam_h = np.sqrt(1.0 - _sampling_fraction(layout))
    lam_h[lonely] = 0.0  # factor 1: a lonely stratum kept as certainty adds no variance
    draws_h = np.where(lonely, 0, n_h - 1)
    pick_stratum = np.repeat(np.arange(layout.n_strata), draws_h)
    plan = _RaoWuPlan(
        entropy=entropy,
        n_replicates=replicates,
        order=order,
        stratum_start=starts[sorted_stratum],
        stratum_size=n_h[sorted_stratum],
        lam=lam_h[sorted_stratum],
        pick_start=starts[pick_stratum],
        pick_size=n_h[pick_stratum],
    )
    return ReplicateFactors(
        "bootstrap",
        layout.n_psu,
        replicates,
        scale=1.0 / (replicates - 1),
        rscales=np.ones(replicates),
        seed_entropy=entropy,
        _plan=plan,
    )


def _sdr(layout: PsuLayout, *, replicates, rho, seed) -> ReplicateFactors:
    """Successive-difference replication (Fay & Train 1995; Ash 2014), circular within strata."""
    lonely = _lonely_strata(layout, "sdr")
    if replicates is None:
        matrix = hadamard(layout.n_psu)
    else:
        size = hadamard_order(max(int(replicates) - 1, 1))
        if size != replicates:
            raise InvalidOptionError(
                f"replicates={replicates} for type='sdr' must be the order of a Hadamard matrix "
                f"(a multiple of 4 such as {size} or 80)"
            )
        matrix = hadamard(int(replicates) - 1)
    n_rep = matrix.shape[0]
    order = np.argsort(layout.stratum, kind="stable")
    n_h = layout.psu_per_stratum()
    starts = np.concatenate([[0], np.cumsum(n_h)[:-1]])
    position = np.arange(layout.n_psu)  # position of each sorted PSU
    h = layout.stratum[order]
    within = position - starts[h]
    nxt = starts[h] + (within + 1) % n_h[h]
    # Hadamard rows 1 .. R-1 (row 0 is all ones), reused cyclically when PSUs outnumber them.
    row_of_position = 1 + position % (n_rep - 1)
    rows = np.empty((layout.n_psu, 2), dtype=np.int64)
    rows[order, 0] = row_of_position
    rows[order, 1] = row_of_position[nxt]
    c = 2.0**-1.5
    coefs = np.empty((layout.n_psu, 2))
    keep = ~lonely[layout.stratum]
    coefs[:, 0] = np.where(keep, c, 0.0)
    coefs[:, 1] = np.where(keep, -c, 0.0)
    return ReplicateFactors(
        "sdr",
        layout.n_psu,
        n_rep,
        scale=4.0 / n_rep,
        rscales=np.ones(n_rep),
        _plan=_HadamardPlan(matrix, rows, coefs),
    )


_BUILDERS = {
    "jk1": _jk1,
    "jkn": _jkn,
    "brr": _brr,
    "fay": _fay,
    "bootstrap": _bootstrap,
    "sdr": _sdr,
}


# ---------------------------------------------------------------------------------------------
# Totals and variance.


def psu_sums(psu: np.ndarray, n_psu: int, weighted: np.ndarray) -> np.ndarray:
    """Sums of the rows of ``weighted`` (rows x m) by PSU code: a (n_psu, m) array.

    Examples
    --------
    >>> psu_sums(np.array([0, 1, 0]), 2, np.array([[1.0], [2.0], [3.0]]))
    array([[4.],
           [2.]])
    """
    weighted = np.asarray(weighted, dtype=np.float64)
    if weighted.ndim == 1:
        weighted = weighted[:, None]
    out = np.empty((n_psu, weighted.shape[1]))
    for j in range(weighted.shape[1]):  # m columns (a few per estimate), never rows or PSUs
        out[:, j] = np.bincount(psu, weights=weighted[:, j], minlength=n_psu)
    return out


def replicate_variance(
    estimates: np.ndarray,
    full: np.ndarray,
    *,
    scale: float,
    rscales: np.ndarray,
    mse: bool,
) -> np.ndarray:
    """``scale * sum_r rscales_r (est_r - centre)(est_r - centre)^T`` (R ``svrVar``).

    ``centre`` is the full-sample estimate when ``mse`` else the mean of the replicates with a
    positive rscale. Replicates whose estimate is not finite (an empty domain in one replicate)
    are left out, as R does.

    Examples
    --------
    >>> replicate_variance(np.array([[1.0], [3.0]]), np.array([2.5]), scale=1.0,
    ...                    rscales=np.ones(2), mse=False)
    array([[2.]])
    """
    estimates = np.asarray(estimates, dtype=np.float64)
    rscales = np.asarray(rscales, dtype=np.float64)
    finite = np.isfinite(estimates).all(axis=1)
    est, rs = estimates[finite], rscales[finite]
    if mse:
        centre = np.asarray(full, dtype=np.float64)
    else:
        centre = est[rs > 0].mean(axis=0)
    dev = (est - centre) * np.sqrt(rs)[:, None]
    return scale * (dev.T @ dev)


def _factor_rank(factors: ReplicateFactors) -> int:
    """Numerical rank of the (PSUs x replicates) factor matrix.

    R (``degf.svyrep.design``) takes ``qr(weights(design, "analysis"), tol = 1e-5)$rank``; the
    rows x replicates weights have the same rank as the factors (every PSU has rows with
    positive weights). Jackknife factors have a closed form; otherwise the rank is read from
    the smaller Gram matrix (:func:`_gram_rank`).
    """
    plan = factors._plan
    if isinstance(plan, _JackknifePlan):
        return plan.rank()
    n_psu, n_rep = factors.n_psu, factors.n_replicates
    if n_rep <= n_psu and n_psu * n_rep <= 2**23:
        f = factors.factors()
        return _gram_rank(f.T @ f)
    gram = np.zeros((n_psu, n_psu))
    for a, b in factors.blocks():
        fa = factors.factors(a, b)
        gram += fa @ fa.T
    return _gram_rank(gram)


def _gram_rank(gram: np.ndarray) -> int:
    """Rank from a Gram matrix by Cholesky with complete pivoting (LAPACK ``dpstrf``): it stops
    when the largest remaining pivot is below 1e-10 of the largest diagonal entry, i.e. a
    direction of norm below 1e-5 of the longest column (R's ``qr`` tolerance); a third of
    the cost of an eigen-decomposition."""
    if gram.size == 0:
        return 0
    top = float(np.max(np.diag(gram)))
    if not top > 0:
        return 0
    if gram.shape[0] <= 500:  # small: eigenvalues, no scipy.linalg import needed
        eig = np.linalg.eigvalsh(gram)
        return int(np.sum(eig > eig[-1] * 1e-10))
    from scipy.linalg import lapack

    _, _, rank, info = lapack.dpstrf(gram, tol=top * 1e-10, lower=1)
    if info < 0:  # pragma: no cover - an argument LAPACK refused
        raise RuntimeError(f"dpstrf failed (info={info})")
    return int(rank)


def user_weights_rank(gram: np.ndarray) -> int:
    """Rank of user-supplied replicate weights from their (R x R) Gram matrix (as above)."""
    return _gram_rank(gram)
