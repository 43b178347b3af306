"""``Estimand``: an estimator as a smooth function of weighted totals, per domain.

Every design-based estimator here (mean, total, proportion, in one domain or many) is
``value(T)`` of the weighted totals ``T = sum_i w_i z_i`` of a few per-row variables ``z``.
The Taylor variance needs the per-row scores ``w_i * J z_i`` (J the Jacobian of ``value``),
the replicate variance needs ``value`` at replicate totals; both read this object.

Domains are kept sparse: the variables are stored once, ``(n_rows, m0)``, with the domain
code of each row; the full set of columns is ``z`` crossed with the domain indicators
(``m = n_domains * m0`` columns, domain-major: column ``d * m0 + j`` is ``1{domain = d} z_j``).
A row in no domain (a missing answer, or outside every domain) has code -1.  So 50 domains
cost one group sum over combined codes, not 50 passes, and no ``(n_rows, m)`` matrix is built
unless ``columns`` is asked for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .variance import DomainScores

__all__ = ["Estimand", "TotalEstimand", "RatioEstimand"]


@dataclass(frozen=True, eq=False)
class Estimand:
    """Per-row variables and domain codes of an estimator (see the module docstring).

    Attributes
    ----------
    variables : ndarray, shape (n_rows, m0)
        Float, NaN-free (rows in no domain may hold anything; they are masked).
    domain : ndarray of int64, shape (n_rows,)
        Domain code 0 .. n_domains - 1, or -1 for a row in no domain.
    n_domains : int
    """

    variables: np.ndarray
    domain: np.ndarray
    n_domains: int

    #: number of variables per domain (set by subclasses)
    m0 = 1

    @property
    def n_columns(self):
        """``m = n_domains * m0``: the number of totals."""
        return self.n_domains * self.m0

    @property
    def n_estimates(self):
        """``k``: one estimate per domain."""
        return self.n_domains

    @functools.cached_property
    def _outside(self):
        """Rows in no domain (None when there are none), found once."""
        outside = self.domain < 0
        return outside if outside.any() else None

    def _masked(self, weights):
        """Domain codes with -1 mapped to 0, and the weights zeroed outside every domain."""
        outside = self._outside
        if outside is None:
            return self.domain, weights
        return np.where(outside, 0, self.domain), np.where(outside, 0.0, weights)

    def group_totals(self, weights, groups=None, n_groups=1):
        """Weighted totals per group and domain, shape ``(n_groups, m)`` (domain-major columns).

        ``groups`` are integer codes 0 .. n_groups - 1 per row (PSUs, say); None: one group.
        One ``bincount`` over combined codes per variable, whatever the number of domains.
        """
        domain, w = self._masked(np.asarray(weights, dtype=float))
        codes = domain if groups is None else groups * self.n_domains + domain
        size = n_groups * self.n_domains
        out = np.empty((n_groups, self.n_domains, self.m0))
        for j in range(self.m0):
            out[:, :, j] = np.bincount(
                codes, weights=w * self.variables[:, j], minlength=size
            ).reshape(n_groups, self.n_domains)
        return out.reshape(n_groups, self.n_columns)

    def totals(self, weights):
        """The full-sample totals ``T`` (length m)."""
        return self.group_totals(weights)[0]

    @property
    def columns(self):
        """The dense ``(n_rows, m)`` matrix of z columns (costly with many domains)."""
        n = len(self.domain)
        out = np.zeros((n, self.n_domains, self.m0))
        rows = np.flatnonzero(self.domain >= 0)
        out[rows, self.domain[rows], :] = self.variables[rows]
        return out.reshape(n, self.n_columns)

    def _blocks(self, totals):
        totals = np.asarray(totals, dtype=float)
        return totals.reshape(*totals.shape[:-1], self.n_domains, self.m0)

    def value(self, totals):
        """Estimates ``(..., k)`` from totals ``(..., m)`` (full sample or replicates)."""
        raise NotImplementedError

    def jacobian_blocks(self, totals):
        """``d value_d / d T_(d, j)``, shape ``(n_domains, m0)`` (the Jacobian is block diagonal)."""
        raise NotImplementedError

    def jacobian(self, totals):
        """The dense Jacobian ``(k, m)`` at ``totals``."""
        blocks = self.jacobian_blocks(totals)
        out = np.zeros((self.n_domains, self.n_domains, self.m0))
        index = np.arange(self.n_domains)
        out[index, index, :] = blocks
        return out.reshape(self.n_domains, self.n_columns)

    def group_scores(self, group_totals, totals):
        """Sums of the linearization scores within groups, ``(n_groups, k)``, from the groups'
        totals ``(n_groups, m)`` (the scores are linear in z, so PSU sums of scores are J
        applied to PSU totals: no per-row score is formed)."""
        blocks = self.jacobian_blocks(totals)
        g = self._blocks(group_totals)
        return np.einsum("gdj,dj->gd", g, blocks)

    def scores(self, weights, totals=None):
        """Linearization scores ``w_i * J z_i`` as sparse :class:`DomainScores` (one per row)."""
        weights = np.asarray(weights, dtype=float)
        if totals is None:
            totals = self.totals(weights)
        blocks = self.jacobian_blocks(totals)
        domain, w = self._masked(weights)
        combination = self.variables[:, 0] * blocks[domain, 0]
        for j in range(1, self.m0):
            combination += self.variables[:, j] * blocks[domain, j]
        return DomainScores(values=w * combination, column=domain, n_columns=self.n_domains)


@dataclass(frozen=True, eq=False)
class TotalEstimand(Estimand):
    """The weighted total of y per domain: z = [y], value = T0 (R ``svytotal``)."""

    m0 = 1

    def value(self, totals):
        return self._blocks(totals)[..., 0]

    def jacobian_blocks(self, totals):
        return np.ones((self.n_domains, 1))


@dataclass(frozen=True, eq=False)
class RatioEstimand(Estimand):
    """The weighted mean of y per domain: z = [y, 1], value = T0 / T1 (R ``svymean``).

    A proportion is the mean of the indicator of its level.
    """

    m0 = 2

    def value(self, totals):
        blocks = self._blocks(totals)
        with np.errstate(divide="ignore", invalid="ignore"):
            return blocks[..., 0] / blocks[..., 1]

    def jacobian_blocks(self, totals):
        blocks = self._blocks(totals)
        numerator, denominator = blocks[..., 0], blocks[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.stack([1.0 / denominator, -numerator / denominator**2], axis=-1)

    def group_scores(self, group_totals, totals):
        """``(G0 - R_d G1) / T1_d`` per group and domain (exactly 0 where every y_i = R_d)."""
        blocks = self._blocks(totals)
        g = self._blocks(group_totals)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = blocks[:, 0] / blocks[:, 1]
            return (g[..., 0] - ratio * g[..., 1]) / blocks[:, 1]

    def scores(self, weights, totals=None):
        """``w_i (y_i - R_d) / T1_d``, as R ``svymean`` (exactly 0 where every y_i = R_d)."""
        weights = np.asarray(weights, dtype=float)
        if totals is None:
            totals = self.totals(weights)
        blocks = self._blocks(totals)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = blocks[:, 0] / blocks[:, 1]
            inverse = 1.0 / blocks[:, 1]
        domain, w = self._masked(weights)
        values = w * (self.variables[:, 0] - ratio[domain] * self.variables[:, 1]) * inverse[domain]
        return DomainScores(values=values, column=domain, n_columns=self.n_domains)
