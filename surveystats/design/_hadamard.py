"""Hadamard matrices for balanced repeated replication (BRR, Fay) and successive differences.

A Hadamard matrix of order n has entries +1/-1 and orthogonal rows: ``H @ H.T == n * I``.
BRR with two PSUs in each of k strata needs one of order greater than k (the first row, all
ones, is not given to a stratum), and the number of replicates is its order. The order chosen
for k strata follows R's ``survey::hadamard(k)`` (survey 4.1.1), so designs converted here and in
R have the same number of replicates:

* four base orders 4, 16, 28, 36; for k < 4 order 4; when the base order just above the
  multiple of 4 below k is within 4 of it, that base order;
* otherwise the smallest of "base order doubled until it exceeds k"; if that overshoots k by
  more than 4, a Paley construction of a closer order is tried first (R's ``paley``).

Constructions (all written here): Sylvester doubling ``[[H, H], [H, -H]]``; Paley I from a
prime p = 3 mod 4 (order p + 1), with R's row convention so that the matrices equal R's;
Paley II from a prime q = 1 mod 4 (order 2(q + 1)) for the base orders 28 (q = 13) and 36
(q = 17). R tabulates its own matrices of orders 28 and 36, so for k in 24..27, 32..35 and
the orders R doubles from them the matrix here differs from R's (same order, also Hadamard):
a BRR total has the same variance with any Hadamard matrix, a ratio may differ in late digits.

References: Sylvester (1867); Paley (1933), "On orthogonal matrices", J. Math. Phys. 12;
Wolter (2007), *Introduction to Variance Estimation*, ch. 3.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["hadamard", "hadamard_order"]

_BASE_ORDERS = (4, 16, 28, 36)
# R's paley() knows the primes p = 3 (mod 4) up to 7919 and gives up above.
_LARGEST_PALEY_PRIME = 7919


def hadamard(k: int) -> np.ndarray:
    """A Hadamard matrix with more than ``k`` rows, of the order R's ``hadamard(k)`` picks.

    Parameters
    ----------
    k : int
        Number of strata (rows needed besides the first, all-ones row).

    Returns
    -------
    numpy.ndarray
        int8 matrix of +1/-1, first row and column all +1.

    Examples
    --------
    >>> h = hadamard(15)
    >>> h.shape
    (16, 16)
    >>> bool((h @ h.T == 16 * np.eye(16)).all())
    True
    """
    return _hadamard_cached(int(k)).copy()


def hadamard_order(k: int) -> int:
    """Order of :func:`hadamard` for ``k`` strata (R: ``nrow(survey::hadamard(k))``).

    Examples
    --------
    >>> [hadamard_order(k) for k in (1, 4, 15, 24, 60, 64)]
    [4, 8, 16, 28, 64, 68]
    """
    return _hadamard_cached(int(k)).shape[0]


@functools.lru_cache(maxsize=64)
def _hadamard_cached(k: int) -> np.ndarray:
    h = _choose(k)
    h.setflags(write=False)
    return h


def _choose(n: int) -> np.ndarray:
    """Order selection of R survey's ``hadamard`` (its logic re-expressed, own constructions)."""
    m = n - n % 4
    close = [b for b in _BASE_ORDERS if m < b <= m + 4]
    if close:
        return _base(min(close))
    if m < _BASE_ORDERS[0]:
        return _base(4)
    doublings = [max(0, int(np.ceil(np.log2((n + 1) / b)))) for b in _BASE_ORDERS]
    sizes = [b * 2**d for b, d in zip(_BASE_ORDERS, doublings, strict=True)]
    best = int(np.argmin([s - n for s in sizes]))
    if sizes[best] - n > 4:
        h = _paley_for(n, sizes[best])
        if h is not None:
            return h
    h = _base(_BASE_ORDERS[best])
    for _ in range(doublings[best]):
        h = _double(h)
    return h


def _base(order: int) -> np.ndarray:
    if order == 4:
        return _double(_double(np.ones((1, 1), dtype=np.int8)))
    if order == 16:
        return _double(_double(_base(4)))
    return _paley_two((order - 2) // 2)


def _double(h: np.ndarray) -> np.ndarray:
    """Sylvester doubling ``[[H, H], [H, -H]]`` (R's ``hadamard.doubler`` in +1/-1 form)."""
    return np.block([[h, h], [h, -h]]).astype(np.int8)


def _paley_for(n: int, largest: int) -> np.ndarray | None:
    """A Paley matrix of order > n and at most ``largest``, as R's ``paley(n, nmax)``, or None."""
    ceiling = n + 4 - n % 4
    if n % 4 + 4 == n % 8:
        # ceiling is a multiple of 8: try a Paley matrix of order ceiling / 2^j, then double.
        order = ceiling
        while order % 8 == 0:
            order //= 2
        if _is_paley_prime(order - 1):
            h = _paley_one(order - 1)
            while order < ceiling:
                h = _double(h)
                order *= 2
            return h
    if n > _LARGEST_PALEY_PRIME:
        return None
    p = _next_paley_prime(n)
    if p + 1 > ceiling + 4 and ceiling + 4 < largest:
        return _paley_for(ceiling + 3, 2 * (ceiling + 3))
    if p > largest:
        return None
    return _paley_one(p)


def _paley_one(p: int) -> np.ndarray:
    """Paley I, order p + 1, p prime and 3 mod 4, in R's layout (``paley(prime = p)``).

    Entry (i, j) of the core is -1 when (i + j) mod p is zero or a quadratic residue, +1
    otherwise; a border row and column of +1 complete it.
    """
    residues = np.zeros(p, dtype=bool)
    residues[(np.arange(1, p) ** 2) % p] = True
    residues[0] = True
    idx = np.arange(p)
    core = np.where(residues[(idx[:, None] + idx[None, :]) % p], -1, 1).astype(np.int8)
    h = np.ones((p + 1, p + 1), dtype=np.int8)
    h[1:, 1:] = core
    return h


def _paley_two(q: int) -> np.ndarray:
    """Paley II, order 2(q + 1), q prime and 1 mod 4; normalised to a first row and column of +1."""
    idx = np.arange(q)
    residue = np.zeros(q, dtype=bool)
    residue[(np.arange(1, q) ** 2) % q] = True
    chi = np.where(residue, 1, -1)
    chi[0] = 0
    jacobsthal = chi[(idx[None, :] - idx[:, None]) % q]
    s = np.zeros((q + 1, q + 1), dtype=np.int64)
    s[0, 1:] = 1
    s[1:, 0] = 1
    s[1:, 1:] = jacobsthal
    h = np.kron(s, np.array([[1, 1], [1, -1]])) + np.kron(
        np.eye(q + 1, dtype=np.int64), np.array([[1, -1], [-1, -1]])
    )
    h = h * h[0][None, :]  # make the first row +1 ...
    h = h * h[:, 0][:, None]  # ... and the first column
    return h.astype(np.int8)


@functools.lru_cache(maxsize=1)
def _paley_primes() -> np.ndarray:
    limit = _LARGEST_PALEY_PRIME + 1
    sieve = np.ones(limit, dtype=bool)
    sieve[:2] = False
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = False
    primes = np.flatnonzero(sieve)
    return primes[primes % 4 == 3]


def _is_paley_prime(p: int) -> bool:
    primes = _paley_primes()
    return bool(p <= _LARGEST_PALEY_PRIME and np.isin(p, primes))


def _next_paley_prime(n: int) -> int:
    primes = _paley_primes()
    return int(primes[np.searchsorted(primes, n)])
