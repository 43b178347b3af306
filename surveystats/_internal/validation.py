"""The one place that converts, broadcasts and checks inputs.

Two kinds of bad input are told apart (see DESIGN.md):

* a wrong *option* (unknown method, a confidence level outside (0, 1), shapes that do not
  broadcast) raises an :class:`~surveystats.exceptions.SurveyStatsError` naming the
  argument, the value and what is allowed;
* a wrong *number* inside an array (p outside [0, 1], n <= 0, NaN) turns that element of
  every output into NaN and records why in the result's ``problem`` field, while the rest of
  the batch is computed.  The same wrong number in an all-scalar call raises.

Statistical formulas do not live here.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..exceptions import InvalidOptionError, InvalidValueError, ShapeError

ALTERNATIVES = ("two-sided", "less", "greater")


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


def as_float_array(name, value):
    """Convert scalars, lists, numpy arrays and pandas objects to a float ndarray."""
    if value is None:
        raise InvalidValueError(f"{name} is required; got None")
    to_numpy = getattr(value, "to_numpy", None)
    try:
        if to_numpy is not None:
            arr = to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            f"{name} must be numbers (a scalar or an array); got {value!r:.80}"
        ) from exc
    return arr


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
        p = self._arrays[name]
        ok = (p >= 0.0) & (p <= 1.0)
        finite = p[np.isfinite(p)]
        looks_percent = finite.size > 0 and bool(np.all((finite > 1.0) & (finite <= 100.0)))
        if looks_percent:
            example = float(finite.flat[0])
            raise InvalidValueError(
                f"{name}={example:g} looks like a percentage; proportions are in [0, 1], "
                f"so pass {example / 100:g} (divide by 100)"
            )
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
        """Require whole numbers >= 0."""
        x = self._arrays[name]
        ok = (x >= 0.0) & (np.floor(x) == x)
        if ok.all():
            return
        self.flag(name, np.isnan(x), "is missing (NaN)", placeholder)
        self.flag(name, ~ok & ~np.isnan(x), "must be a whole number >= 0", placeholder)

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
        value = np.asarray(value, dtype=float)
        if value.shape != self.shape:
            value = np.broadcast_to(value, self.shape)
        if self._bad is not None:
            value = np.where(self._bad, np.nan, value)
        if self.scalar:
            return float(value)
        return value
