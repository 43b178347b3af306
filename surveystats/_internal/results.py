"""Frozen result dataclasses shared by the core modules, and ``ConfidenceInterval``.

Fields of a result are plain floats when every input of the call was a scalar, otherwise
numpy arrays of the broadcast shape.  Results never round; presentation layers do.
No formulas live here: a result that can recompute its interval at another level keeps
a :class:`Call` record (the module-level function that made it and the arguments as given),
never a closure, so every result pickles and crosses process boundaries (Dask workers).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import numpy as np

#: A field or return value: a Python float for all-scalar input, else an array.
FloatOrArray: TypeAlias = "float | np.ndarray"

__all__ = [
    "FloatOrArray",
    "Call",
    "ConfidenceInterval",
    "Result",
    "IntervalResult",
    "ProportionResult",
]


@dataclass(frozen=True)
class Call:
    """A public call recorded so that it can be repeated with other options.

    ``function`` is a module-level function (pickle stores it by its qualified name) and
    ``args``/``kwargs`` are the arguments as the caller gave them, so a record pickles
    whenever the inputs do: no closure.
    """

    function: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def again(self, **changes: Any) -> Any:
        """The same call with some keyword arguments changed."""
        return self.function(*self.args, **{**self.kwargs, **changes})


@dataclass(frozen=True)
class ConfidenceInterval:
    """A confidence interval ``[low, high]`` (floats or arrays of one shape).

    Unpacks as a pair: ``low, high = result.ci``.

    Attributes
    ----------
    low, high : float or ndarray
        The bounds.
    """

    low: Any
    high: Any

    def __iter__(self):
        yield self.low
        yield self.high


@dataclass(frozen=True)
class Result:
    """Base class: ``to_frame`` and ``to_dict`` over the public fields."""

    #: Values derived from fields on first access (so a batch call does not pay for
    #: arrays nobody reads), listed in ``to_dict`` right after the field they follow.
    _derived_after: ClassVar[dict[str, tuple[str, ...]]] = {}

    def _public_fields(self):
        return [f for f in dataclasses.fields(self) if f.repr and not f.name.startswith("_")]

    def _repr_with_derived(self):
        # for subclasses with derived values (declared with ``repr=False``): show them too
        items = ", ".join(f"{name}={value!r}" for name, value in self.to_dict().items())
        return f"{type(self).__name__}({items})"

    def to_dict(self) -> dict[str, Any]:
        """The public fields (and derived values) as a dict (arrays stay arrays)."""
        out = {}
        for f in self._public_fields():
            out[f.name] = getattr(self, f.name)
            for name in self._derived_after.get(f.name, ()):
                out[name] = getattr(self, name)
        return out

    def to_frame(self) -> Any:
        """One row per element, one column per field (pandas DataFrame).

        Multi-dimensional results are flattened in C order.
        """
        import pandas as pd

        values = self.to_dict()
        shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
        columns = {}
        for name, value in values.items():
            arr = np.asarray(value)
            if arr.dtype.kind == "U":
                arr = arr.astype(object)
            columns[name] = np.broadcast_to(arr, shape).reshape(-1)
        return pd.DataFrame(columns)


@dataclass(frozen=True)
class IntervalResult(Result):
    """Base of results with an interval ``low, high`` that can be recomputed at another level.

    A subclass declares ``low``, ``high`` and a field ``_call`` (a :class:`Call` of the
    public function with the inputs as given), declared with
    ``field(default=None, repr=False, compare=False)``.
    """

    if TYPE_CHECKING:  # declared as fields by every subclass, in its own order
        low: Any
        high: Any

    @property
    def ci(self) -> ConfidenceInterval:
        """The interval as a :class:`ConfidenceInterval`."""
        return ConfidenceInterval(self.low, self.high)

    def confidence_interval(self, confidence_level: float | None = None) -> ConfidenceInterval:
        """The interval at another confidence level (same method and inputs).

        Parameters
        ----------
        confidence_level : float, optional
            For example 0.9; ``None`` (default) gives this result's own interval.

        Returns
        -------
        ConfidenceInterval
        """
        if confidence_level is None:
            return self.ci
        call = getattr(self, "_call", None)
        if call is None:
            raise TypeError(f"{type(self).__name__} was made without a record of its call")
        return call.again(confidence_level=confidence_level).ci


@dataclass(frozen=True, repr=False)
class ProportionResult(IntervalResult):
    """Estimate, interval and margin of error of one proportion (or an array of them).

    Attributes
    ----------
    estimate : float or ndarray
        The proportion as given.
    low, high : float or ndarray
        Interval bounds (0 or 1 on the open side of a one-sided interval).
    moe : float or ndarray
        Half the width of a two-sided interval; for a one-sided interval, the distance from
        the estimate to its finite bound.
    moe_below, moe_above : float or ndarray
        ``estimate - low`` and ``high - estimate`` (unequal for asymmetric methods);
        computed on first access, and included by ``to_dict`` and ``to_frame``.
    n : float or ndarray
        Sample size as given.
    n_effective : float or ndarray
        ``n / deff`` further shrunk by the finite population correction.
    method, alternative : str
    confidence_level : float
    problem : str or ndarray
        Why an element is NaN ('' where it is fine).

    Examples
    --------
    >>> import surveystats as ss
    >>> r = ss.proportion_ci(0.194, 1000)
    >>> lo, hi = r.confidence_interval(0.90)
    >>> round(lo, 4), round(hi, 4)
    (0.1743, 0.2154)
    """

    estimate: Any
    low: Any
    high: Any
    moe: Any
    n: Any
    n_effective: Any
    method: str
    confidence_level: float
    alternative: str
    problem: Any
    _call: Call | None = field(default=None, repr=False, compare=False)

    _derived_after = {"moe": ("moe_below", "moe_above")}
    __repr__ = Result._repr_with_derived

    @functools.cached_property
    def moe_below(self) -> Any:
        """``estimate - low`` (computed on first access)."""
        return self.estimate - self.low

    @functools.cached_property
    def moe_above(self) -> Any:
        """``high - estimate`` (computed on first access)."""
        return self.high - self.estimate
