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

Constructions: Sylvester doubling ``[[H, H], [H, -H]]``; Paley I from a prime p = 3 mod 4
(order p + 1), with R's row convention so that the matrices equal R's; and the two base
matrices R tabulates, which are taken as R takes them so that every matrix here is R's (a BRR
total has the same variance with any Hadamard matrix, a ratio or a share does not):

* order 36: Plackett & Burman (1946), the cyclic design for N = 36 (the rows after the first
  are the 35 cyclic shifts of their generator, with a last column of -1);
* order 28: the matrix of N. J. A. Sloane's library of Hadamard matrices that R stores
  (:data:`_SLOANE_28`, rows as bits, 1 for +1).

References: Sylvester (1867); Paley (1933), "On orthogonal matrices", J. Math. Phys. 12;
Plackett & Burman (1946), "The design of optimum multifactorial experiments", Biometrika 33,
305-325; Sloane, N. J. A., *A Library of Hadamard Matrices*; Wolter (2007), *Introduction to
Variance Estimation*, ch. 3.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["hadamard", "hadamard_order"]

_BASE_ORDERS = (4, 16, 28, 36)
# R's paley() knows the primes p = 3 (mod 4) up to 7919 and gives up above.
_LARGEST_PALEY_PRIME = 7919

#: Plackett & Burman (1946), N = 36: the generator row (+ for +1), shifted cyclically
_PLACKETT_BURMAN_36 = "-+-+++---+++++-+++--+----+-+-++--+-"

#: the order-28 matrix of Sloane's library as R survey stores it (1 for +1, 0 for -1)
_SLOANE_28 = (
    "1111111111111111111111111111",
    "1001110001110001110001111000",
    "1000001111001101001101111000",
    "1000001110110010111001100110",
    "1001101000001111100011010110",
    "1001010100101100010110101110",
    "1000110011010010001110011110",
    "0101100010101010011111110000",
    "0100010110110101100111010100",
    "0100011011001011110010101100",
    "0101011000010111011101001010",
    "0100101101100100111010011010",
    "0101100101011001101100100110",
    "0010110100011110101011101000",
    "0011011001100110101100110100",
    "0010101100111011010100011100",
    "0011000111010111010010110010",
    "0011001011111000100111001010",
    "0010110011101101011001000110",
    "1110101001010100010111100100",
    "1111000101100011001011001100",
    "1111000010011100111000011100",
    "1110010101001010110101010010",
    "1110011000111001001010110010",
    "1110100010100111100100101010",
    "1101111111111110000000000000",
    "1011111110000001111110000000",
    "0111111110000000000001111110",
)


def hadamard(k: int) -> np.ndarray:
    """A Hadamard matrix with more than ``k`` rows, of the order R's ``hadamard(k)`` picks.

    Parameters
    ----------
    k : int
        Number of strata (rows needed besides the first, all-ones row).

    Returns
    -------
    numpy.ndarray
        int8 matrix of +1/-1 with a first row of +1 (R's matrix of that order).

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
    if order == 28:
        return _from_bits(_SLOANE_28)
    return _plackett_burman(_PLACKETT_BURMAN_36)


def _from_bits(rows: tuple[str, ...]) -> np.ndarray:
    return np.array([[1 if c == "1" else -1 for c in row] for row in rows], dtype=np.int8)


def _plackett_burman(generator: str) -> np.ndarray:
    """Order ``len(generator) + 1``: a row of +1, then the cyclic left shifts of the generator
    with a last column of -1 (Plackett & Burman 1946, in R's layout)."""
    g = np.array([1 if c == "+" else -1 for c in generator], dtype=np.int8)
    n = g.size
    h = -np.ones((n + 1, n + 1), dtype=np.int8)
    h[0] = 1
    h[1:, :n] = g[(np.arange(n)[:, None] + np.arange(n)[None, :]) % n]
    return h


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
