"""The one place that converts, broadcasts and checks inputs.

Two kinds of bad input are told apart (see DESIGN.md):

* a wrong *option* (unknown method, a confidence level outside (0, 1), shapes that do not
  broadcast) raises an :class:`~surveystats.exceptions.SurveyStatsError` naming the
  argument, the value and what is allowed;
* a wrong *number* inside an array (p outside [0, 1], n <= 0, NaN) turns that element of
  every output into NaN and records why in the result's ``problem`` field, while the rest of
  the batch is computed.  The same wrong number in an all-scalar call raises.

Also here: the one rule that tells percentages passed as proportions
(:func:`percent_example`, :func:`percent_hint`), used alike by the core, the batch layer and
the command line; the one check of a True/False flag (:func:`check_flag`) and of an axis
argument (:func:`check_axis`).

Statistical formulas do not live here.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import InvalidOptionError, InvalidValueError, ShapeError

ALTERNATIVES = ("two-sided", "less", "greater")

#: The smallest sample size accepted (see :meth:`Inputs.sample_size`).
MIN_SAMPLE_SIZE = 1.0


# --------------------------------------------------------------------------- percentages
def percent_example(values: Any) -> float | None:
    """The one rule for "these proportions look like percentages".

    ``values`` (any array-like of numbers; NaN and infinities are ignored) look like
    percentages when at least one value is finite, every finite value lies in [0, 100], and
    *more than half* of them are above 1.  A single figure above 1 and up to 100 (19.4)
    therefore looks like a percentage; so does a column ``[0.5, 40, 50]``; one stray 1.4
    among proportions (``[0.194, 0.311, 1.4]``) does not: it is a bad element.

    Used by every layer on the whole set of values of one argument or one column (the core
    on an argument of one call, the batch layer and the CLI on a whole column), so the same
    numbers get the same verdict everywhere.

    Returns
    -------
    float or None
        The first value above 1 (for the message) when the values look like percentages,
        else None.

    Examples
    --------
    >>> percent_example([0.5, 40, 50])
    40.0
    >>> percent_example([0.194, 0.311, 1.4]) is None
    True
    """
    arr = np.asarray(values, dtype=float).reshape(-1)
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        return None
    above = finite > 1.0
    if not (above.sum() * 2 > finite.size):
        return None
    if finite.min() < 0.0 or finite.max() > 100.0:
        return None
    return float(finite[above][0])


def percent_hint(values: Any, name: str) -> str | None:
    """The message for proportions that look like percentages (:func:`percent_example`),
    naming the argument ``name``; None when they do not look like percentages.

    Examples
    --------
    >>> percent_hint([19.4, 31.1], "p")
    'p=19.4 looks like a percentage; proportions are in [0, 1], so pass 0.194 (divide by 100)'
    """
    example = percent_example(values)
    if example is None:
        return None
    return (
        f"{name}={example:g} looks like a percentage; proportions are in [0, 1], "
        f"so pass {example / 100:g} (divide by 100)"
    )


# --------------------------------------------------------------------------- options
def check_flag(name: str, value: Any) -> bool:
    """Return ``value`` as a bool if it is True or False (Python or numpy), else raise.

    The one check for on/off options (``correction``, ``strict``): strings such as "no" and
    numbers such as 0 are refused, not read by their truth value.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InvalidOptionError(f"{name}={value!r} must be True or False")


def check_axis(name: str, axis: Any, ndim: int, *, none_allowed: bool = False) -> int:
    """Return ``axis`` as a non-negative int valid for an array of ``ndim`` dimensions
    (``none_allowed``: the caller handles None itself; only the message mentions it)."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        extra = " or None" if none_allowed else ""
        raise InvalidOptionError(f"{name}={axis!r} must be an integer{extra}")
    if not -ndim <= axis < ndim:
        raise ShapeError(f"{name}={axis} is out of range for an array of {ndim} dimension(s)")
    return int(axis) % ndim


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices`` (a registry's keys), else raise."""
    if isinstance(value, str) and value in choices:
        return value
    allowed = ", ".join(repr(c) for c in choices)
    raise InvalidOptionError(f"{name}={value!r} is not recognized; allowed values are {allowed}")


def check_confidence_level(value, name="confidence_level"):
    """Return the confidence level as a float strictly between 0 and 1, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidOptionError(
            f"{name}={value!r} must be a number strictly between 0 and 1, e.g. 0.95"
        )
    level = float(value)
    if not 0.0 < level < 1.0:
        hint = f" (did you mean {level / 100:g}?)" if 1.0 < level < 100.0 else ""
        raise InvalidOptionError(
            f"{name}={value!r} must be strictly between 0 and 1, e.g. 0.95{hint}"
        )
    return level


def check_alternative(value):
    """Return ``value`` if it is 'two-sided', 'less' or 'greater' (scipy's meaning)."""
    return check_choice("alternative", value, ALTERNATIVES)


def check_probability(name, value):
    """A scalar option that must lie strictly between 0 and 1 (power, tail probability)."""
    return check_confidence_level(value, name=name)


def _kind(value):
    """The numpy dtype kind of ``value`` ('b' boolean, 'c' complex, ...) without copying."""
    if isinstance(value, (bool, np.bool_)):
        return "b"
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        dtypes = getattr(value, "dtypes", None)  # a DataFrame: the first odd column decides
        if dtypes is not None:
            kinds = {getattr(d, "kind", "O") for d in dtypes}
            return "b" if "b" in kinds else ("c" if "c" in kinds else "f")
        return None
    return getattr(dtype, "kind", None)


def as_float_array(name, value):
    """Convert scalars, lists, numpy arrays and pandas objects to a float ndarray.

    Booleans and complex numbers are refused (they are not counts or proportions, and a
    complex array would otherwise lose its imaginary part without a word).
    """
    if value is None:
        raise InvalidValueError(f"{name} is required; got None")
    kind = _kind(value)
    if kind is None and isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value)
        except (TypeError, ValueError) as exc:  # ragged nested lists
            raise InvalidValueError(
                f"{name} must be numbers (a scalar or a rectangular array); got {value!r:.80}"
            ) from exc
        kind = value.dtype.kind
    if kind == "b":
        raise InvalidValueError(f"{name} must be numbers, not True/False; got {value!r:.80}")
    if kind == "c" or isinstance(value, complex):
        raise InvalidValueError(f"{name} must be real numbers, not complex; got {value!r:.80}")
    to_numpy = getattr(value, "to_numpy", None)
    try:
        if to_numpy is not None:
            arr = to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidValueError(
            f"{name} must be numbers (a scalar or an array); got {value!r:.80}"
        ) from exc
    return arr


def check_same_index(**named):
    """Refuse pandas inputs of one call whose indexes differ.

    Inputs are paired by position; pandas users expect pairing by label, so two Series (or
    DataFrames) with different index labels or order raise instead of being silently paired
    by position.  Equal indexes, and any mix with numpy arrays, lists or scalars, pass.
    """
    first_name, first = None, None
    for name, value in named.items():
        index = getattr(value, "index", None)
        if index is None or not hasattr(index, "equals") or isinstance(value, np.ndarray):
            continue
        if first is None:
            first_name, first = name, index
        elif index is not first and not index.equals(first):
            raise ShapeError(
                f"{first_name} and {name} are pandas objects with different indexes; inputs are "
                f"paired by position, so align them first (e.g. {name}.reindex({first_name}"
                f".index)) or pass .to_numpy() to pair by position on purpose"
            )


def _all_in(a, low, high, *, low_open=False, high_open=False):
    """Fast check (two reductions, no boolean temporaries) that every element of ``a`` lies
    between ``low`` and ``high`` (each end excluded when ``*_open``).  NaN anywhere makes
    it False, since min and max propagate NaN."""
    if a.size == 0:
        return True
    smallest, largest = a.min(), a.max()
    above = smallest > low if low_open else smallest >= low
    below = largest < high if high_open else largest <= high
    return bool(above and below)


class Inputs:
    """Broadcast named numeric inputs together and keep track of bad elements.

    Parameters
    ----------
    **named : scalar or array_like
        The numeric arguments of one public call, by their public names.

    Notes
    -----
    After the checks, ``inputs[name]`` holds the broadcast array with bad elements replaced
    by a harmless placeholder, so the formulas never see them; :meth:`finish` puts NaN back
    in those slots.
    """

    def __init__(self, **named):
        check_same_index(**named)
        arrays = {name: as_float_array(name, value) for name, value in named.items()}
        self.scalar = all(a.ndim == 0 for a in arrays.values())
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        except ValueError:
            shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
            raise ShapeError(f"input shapes do not broadcast together: {shapes}") from None
        self.shape = shape
        self._raw = arrays  # as given (not broadcast): cheap to check and to use
        self._arrays = {k: np.broadcast_to(a, shape) for k, a in arrays.items()}
        self._bad = None
        self._codes = None
        self._messages = [""]

    def __getitem__(self, name):
        return self._arrays[name]

    def raw(self, name):
        """``name`` in its own shape, before broadcasting (with any flagged elements
        replaced): a scalar option such as a design effect stays a 0-d array, so arithmetic
        with it does not make a full-size array of one repeated value."""
        return self._raw[name]

    # -- checks -----------------------------------------------------------------------
    def flag(self, name, bad, message, placeholder):
        """Mark the elements where ``bad`` is true as invalid because of ``name``."""
        if not np.any(bad):
            return
        if self.scalar:
            value = float(self._arrays[name])
            raise InvalidValueError(f"{name}={value:g} {message}")
        bad = np.broadcast_to(bad, self.shape)
        if self._bad is None:
            self._bad = np.zeros(self.shape, dtype=bool)
            self._codes = np.zeros(self.shape, dtype=np.int16)
        self._messages.append(f"{name} {message}")
        new = bad & ~self._bad
        self._codes[new] = len(self._messages) - 1
        self._bad |= bad
        self._arrays[name] = np.where(bad, placeholder, self._arrays[name])
        self._raw[name] = self._arrays[name]

    def proportion(self, name):
        """Require values in [0, 1]; values that look like percentages raise with a hint."""
        if _all_in(self._raw[name], 0.0, 1.0):
            return
        hint = percent_hint(self._raw[name], name)
        if hint is not None:
            raise InvalidValueError(hint)
        p = self._arrays[name]
        ok = (p >= 0.0) & (p <= 1.0)
        self.flag(name, np.isnan(p), "is missing (NaN)", 0.5)
        self.flag(name, ~ok & ~np.isnan(p), "is outside [0, 1]", 0.5)

    def positive(self, name, *, allow_inf=False, placeholder=1.0):
        """Require finite values greater than zero (or +inf when ``allow_inf``)."""
        if _all_in(self._raw[name], 0.0, np.inf, low_open=True, high_open=not allow_inf):
            return
        x = self._arrays[name]
        ok = (x > 0.0) if allow_inf else ((x > 0.0) & np.isfinite(x))
        self.flag(name, np.isnan(x), "is missing (NaN)", placeholder)
        self.flag(
            name,
            ~ok & ~np.isnan(x),
            "must be greater than 0" + ("" if allow_inf else " and finite"),
            placeholder,
        )

    def sample_size(self, name, placeholder=1.0):
        """Require finite sample sizes of at least one respondent (:data:`MIN_SAMPLE_SIZE`).

        Fractional sizes of 1 and more are fine (effective sizes after a design effect are
        fractional); an *effective* size ``n / deff`` below 1 is allowed too, since a large
        design effect on a small sample is the caller's statement, not a typo.
        """
        if _all_in(self._raw[name], MIN_SAMPLE_SIZE, np.inf, high_open=True):
            return
        self.positive(name, placeholder=placeholder)
        x = self._arrays[name]
        self.flag(
            name,
            x < MIN_SAMPLE_SIZE,
            "must be at least 1 (a sample of at least one respondent)",
            placeholder,
        )

    def inside(self, name, low, high, placeholder):
        """Require ``low < value < high`` (both ends excluded)."""
        if _all_in(self._raw[name], low, high, low_open=True, high_open=True):
            return
        x = self._arrays[name]
        self.flag(
            name,
            ~((x > low) & (x < high)),
            f"must be strictly between {low:g} and {high:g}",
            placeholder,
        )

    def at_least(self, name, other, placeholder):
        """Require ``inputs[name] >= inputs[other]`` (e.g. population >= n)."""
        bad = self._arrays[name] < self._arrays[other]
        self.flag(name, bad, f"must be at least {other}", placeholder)

    def nonnegative_count(self, name, placeholder=0.0):
        """Require finite whole numbers >= 0."""
        x = self._arrays[name]
        ok = (x >= 0.0) & (np.floor(x) == x) & np.isfinite(x)
        if ok.all():
            return
        self.flag(name, np.isnan(x), "is missing (NaN)", placeholder)
        self.flag(name, ~ok & ~np.isnan(x), "must be a finite whole number >= 0", placeholder)

    def where(self, name, bad, message, placeholder):
        """Flag elements by a condition computed by the caller."""
        self.flag(name, bad, message, placeholder)

    # -- output -------------------------------------------------------------------------
    @property
    def flagged(self):
        """True when at least one element was flagged as bad."""
        return self._bad is not None

    @property
    def problem(self):
        """'' for a scalar call; else an array of reasons ('' where the element is fine)."""
        if self.scalar:
            return ""
        messages = np.array(self._messages, dtype=object)
        if self._codes is None:
            return np.full(self.shape, "", dtype=object)
        return messages[self._codes]

    @property
    def result_problem(self):
        """:attr:`problem` for a result: when no element was flagged, a free read-only view
        of '' instead of a new array (10^6 empty strings cost as much as a closed-form
        interval)."""
        if self.scalar or self.flagged:
            return self.problem
        return np.broadcast_to(np.array("", dtype=object), self.shape)

    def finish(self, value):
        """NaN in the bad slots; a Python float when every input was a scalar."""
        return _finish(value, self.shape, self._bad, self.scalar)

    def finisher(self):
        """:meth:`finish` as a small picklable object, for values a result computes later."""
        return Finisher(self.shape, self._bad, self.scalar)


def _finish(value, shape, bad, scalar):
    value = np.asarray(value, dtype=float)
    if value.shape != shape:
        value = np.broadcast_to(value, shape)
    if bad is not None:
        value = np.where(bad, np.nan, value)
    if scalar:
        return float(value)
    return value


@dataclass(frozen=True)
class Finisher:
    """:meth:`Inputs.finish` of one call, kept by a result that computes values on demand
    (a picklable record instead of a closure)."""

    shape: tuple
    bad: Any
    scalar: bool

    def __call__(self, value):
        return _finish(value, self.shape, self.bad, self.scalar)
