"""Weighting targets as pollsters keep them, turned into level codes of the respondent file.

Targets come as a dict (``{"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}``:
a categorical margin maps levels to counts, a numeric total is one number; a tuple of column
names with tuple levels is a margin of crossed cells) or as a tidy table with columns
``variable, level, target`` (a numeric total has an empty level; crossed cells are written
``stype:sch.wide`` with levels ``E:No``), for instance read from CSV by :func:`read_targets`.

This module matches target levels with the levels found in the data and raises a clear error
naming the margin and the level when they do not cover each other.  No weighting here.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import InvalidOptionError, InvalidValueError

__all__ = ["Margin", "NumericTotal", "read_targets", "build_targets", "cell_codes"]

#: separator of crossed variables and of their levels in a tidy targets table
CROSS = ":"
TIDY_COLUMNS = ("variable", "level", "target")


@dataclass(frozen=True)
class Margin:
    """A categorical margin: one level code per row and one target per level.

    ``codes`` index ``levels`` and ``targets``; every level has respondents and a target.
    """

    name: str
    variables: tuple
    levels: tuple
    targets: np.ndarray = field(repr=False)
    codes: np.ndarray = field(repr=False)

    @property
    def n_levels(self) -> int:
        return len(self.levels)

    def totals(self, weights):
        """Weighted total of every level (``np.bincount`` over the level codes)."""
        return np.bincount(self.codes, weights=weights, minlength=self.n_levels)


@dataclass(frozen=True)
class NumericTotal:
    """A numeric calibration total: a column of the data and its population total."""

    name: str
    values: np.ndarray = field(repr=False)
    target: float


def read_targets(path) -> pd.DataFrame:
    """Read a tidy targets table (columns ``variable, level, target``) from a CSV file.

    Levels are read as text (so ``01`` stays ``01``); they are matched with the data's levels
    by value or by their text.  A numeric total has an empty level.

    Examples
    --------
    >>> import io
    >>> table = read_targets(io.StringIO("variable,level,target\\nstype,E,4421\\nstype,H,755\\n"))
    >>> table.to_dict("list")
    {'variable': ['stype', 'stype'], 'level': ['E', 'H'], 'target': [4421.0, 755.0]}
    """
    try:
        table = pd.read_csv(path, dtype={"variable": str, "level": str}, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InvalidValueError(f"cannot read the targets file {path!r}: {exc}") from exc
    _check_tidy(table, f"the targets file {path!r}")
    table = table.loc[:, list(TIDY_COLUMNS)].copy()
    table["target"] = pd.to_numeric(table["target"], errors="coerce").astype(float)
    return table


def _check_tidy(table, what):
    missing = [c for c in TIDY_COLUMNS if c not in table.columns]
    if missing:
        raise InvalidValueError(
            f"{what} must have the columns variable, level, target; "
            f"missing {', '.join(missing)} (it has {', '.join(map(str, table.columns))})"
        )


def _specs_from_tidy(table, argument):
    """``{variables: {level: target} or float}`` from a tidy table, in order of appearance."""
    _check_tidy(table, argument)
    specs = {}
    for row in table.itertuples(index=False):
        variable, level, target = str(row.variable), row.level, row.target
        key = tuple(variable.split(CROSS)) if CROSS in variable else variable
        numeric = level is None or (isinstance(level, float) and np.isnan(level)) or level == ""
        if numeric:
            if key in specs:
                raise InvalidValueError(f"{argument}: {variable!r} is given more than once")
            specs[key] = target
            continue
        if isinstance(key, tuple):
            parts = tuple(str(level).split(CROSS))
            if len(parts) != len(key):
                raise InvalidValueError(
                    f"{argument}: level {level!r} of {variable!r} must have {len(key)} parts "
                    f"separated by {CROSS!r}"
                )
            level = parts
        levels = specs.setdefault(key, {})
        if not isinstance(levels, dict):
            raise InvalidValueError(f"{argument}: {variable!r} is both a total and a margin")
        if level in levels:
            raise InvalidValueError(f"{argument}: level {level!r} of {variable!r} is repeated")
        levels[level] = target
    return specs


def _as_specs(targets, argument):
    if isinstance(targets, pd.DataFrame):
        return _specs_from_tidy(targets, argument)
    if isinstance(targets, dict):
        return dict(targets)
    raise InvalidOptionError(
        f"{argument} must be a dict ({{'column': {{level: target}}}}) or a tidy table with "
        f"columns variable, level, target; got {type(targets).__name__}"
    )


def _target_value(argument, name, level, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        where = name if level is None else f"{name}={level!r}"
        raise InvalidValueError(
            f"{argument}: the target of {where} must be a number; got {value!r}"
        )
    if value < 0 and level is not None:
        raise InvalidValueError(f"{argument}: the target of {name}={level!r} is negative ({value})")
    return float(value)


def _column(data, name, argument):
    if name not in data.columns:
        raise InvalidOptionError(
            f"{argument}: column {name!r} is not in the data; columns are "
            f"{', '.join(map(str, data.columns[:20]))}"
        )
    column = data[name]
    n_missing = int(column.isna().sum())
    if n_missing:
        raise InvalidValueError(
            f"{argument}: column {name!r} has {n_missing} missing values; every row needs a "
            "level to be weighted (recode the missing answers as a level with its own target)"
        )
    return column


def _level_lookup(uniques):
    """Map a target level to its index among the data's levels: by value, else by text."""
    by_value, by_text = {}, {}
    for i, u in enumerate(uniques):
        by_value.setdefault(u, i)
        by_text.setdefault(str(u), i)
        if isinstance(u, numbers.Real) and float(u).is_integer():
            by_text.setdefault(str(int(u)), i)

    def find(level):
        try:
            if level in by_value:
                return by_value[level]
        except TypeError:  # an unhashable level
            pass
        return by_text.get(str(level))

    return find


def _margin(data, variables, levels, argument, total):
    name = CROSS.join(variables)
    if not isinstance(levels, dict) or not levels:
        raise InvalidValueError(
            f"{argument}: the targets of {name!r} must be a non-empty dict {{level: target}}"
        )
    per_variable = []
    for v in variables:
        codes, uniques = pd.factorize(_column(data, v, argument), sort=True)
        per_variable.append((codes.astype(np.int64), list(uniques)))
    targets = {}
    for level, value in levels.items():
        parts = level if len(variables) > 1 else (level,)
        if len(variables) > 1 and (not isinstance(level, tuple) or len(level) != len(variables)):
            raise InvalidValueError(
                f"{argument}: a level of the crossed margin {name!r} must be a tuple of "
                f"{len(variables)} levels; got {level!r}"
            )
        targets[parts] = _target_value(argument, name, level, value)
    if total is not None:
        share_sum = sum(targets.values())
        if abs(share_sum - 1.0) > 1e-6:
            raise InvalidValueError(
                f"{argument}: with total= the targets are shares, but those of {name!r} add up "
                f"to {share_sum:.10g}, not 1"
            )
        targets = {k: v * total for k, v in targets.items()}
    # one code per observed cell of the crossed variables
    combined = np.zeros(len(data), dtype=np.int64)
    for codes, uniques in per_variable:
        combined = combined * len(uniques) + codes
    present, codes = _compress(combined, int(np.prod([len(u) for _, u in per_variable])))
    cell_index = _cell_indices(present, [len(u) for _, u in per_variable])
    data_levels = [tuple(per_variable[j][1][i] for j, i in enumerate(c)) for c in cell_index]
    counts = np.bincount(codes, minlength=len(present))
    # match target levels with data levels (by value, else by text) variable by variable
    finders = [_level_lookup(uniques) for _, uniques in per_variable]
    index_of_cell = {c: i for i, c in enumerate(cell_index)}
    level_targets = np.full(len(present), np.nan)
    for parts, value in targets.items():
        idx = tuple(f(p) for f, p in zip(finders, parts, strict=True))
        cell = None if None in idx else index_of_cell.get(idx)
        shown = _show(parts)
        if cell is None:
            if value == 0:
                continue  # no respondents and no one in the population: nothing to weight
            raise InvalidValueError(
                f"{argument}: level {shown} of {name!r} has a target ({value:g}) but no "
                "respondents; merge it with a neighbouring level or drop its target"
            )
        if not np.isnan(level_targets[cell]):
            raise InvalidValueError(f"{argument}: level {shown} of {name!r} is given twice")
        if value == 0:
            raise InvalidValueError(
                f"{argument}: level {shown} of {name!r} has {counts[cell]} respondents but a "
                "target of 0"
            )
        level_targets[cell] = value
    untargeted = np.flatnonzero(np.isnan(level_targets))
    if untargeted.size:
        shown = ", ".join(f"{_show(data_levels[i])} ({counts[i]} rows)" for i in untargeted[:5])
        raise InvalidValueError(
            f"{argument}: {name!r} has respondents but no target at "
            f"level{'s' if untargeted.size > 1 else ''} {shown}; "
            f"targets are given for {', '.join(_show(k) for k in list(targets)[:10])}"
        )
    labels = tuple(lv if len(variables) > 1 else lv[0] for lv in data_levels)
    return Margin(name, tuple(variables), labels, level_targets, codes.astype(np.intp))


def _cell_indices(flat_codes, sizes):
    """Split combined codes (mixed radix, last variable fastest) into one index per variable."""
    out = []
    for flat in flat_codes:
        parts = []
        for size in reversed(sizes):
            flat, i = divmod(int(flat), size)
            parts.append(i)
        out.append(tuple(reversed(parts)))
    return out


def _show(parts):
    """A level as it reads in a message: 'E', or 'E:No' for crossed cells."""
    if isinstance(parts, tuple):
        return repr(parts[0]) if len(parts) == 1 else repr(CROSS.join(map(str, parts)))
    return repr(parts)


def _numeric_total(data, name, value, argument):
    column = _column(data, name, argument)
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise InvalidValueError(
            f"{argument}: {name!r} is given one total ({value!r}), so it must be a numeric "
            f"column; it holds {column.dtype} (give {{level: target}} for a categorical margin)"
        )
    return NumericTotal(
        name, column.to_numpy(dtype=float), _target_value(argument, name, None, value)
    )


def build_targets(data, targets, *, argument, total=None, numeric=True):
    """Categorical margins and numeric totals of ``targets`` matched with ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
    targets : dict or pandas.DataFrame
        See the module docstring.
    argument : str
        Name of the argument, used in error messages.
    total : float, optional
        When given, the categorical targets are shares (each margin adds up to 1) and are
        multiplied by ``total``.
    numeric : bool
        Whether numeric totals are allowed (calibration) or not (post-stratification, raking).

    Returns
    -------
    margins : list of Margin
    numeric_totals : list of NumericTotal

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"sex": ["f", "m", "m"], "age": [30, 40, 50]})
    >>> margins, totals = build_targets(data, {"sex": {"f": 52, "m": 48}}, argument="margins")
    >>> margins[0].levels, margins[0].targets.tolist(), margins[0].codes.tolist()
    (('f', 'm'), [52.0, 48.0], [0, 1, 1])
    """
    if total is not None:
        if isinstance(total, bool) or not isinstance(total, numbers.Real) or not total > 0:
            raise InvalidOptionError(f"total={total!r} must be a positive number (or None)")
        total = float(total)
    specs = _as_specs(targets, argument)
    if not specs:
        raise InvalidValueError(f"{argument} is empty: give at least one margin")
    margins, totals = [], []
    for key, levels in specs.items():
        variables = tuple(key) if isinstance(key, tuple) else (key,)
        if isinstance(levels, dict):
            margins.append(_margin(data, variables, levels, argument, total))
        elif not numeric:
            raise InvalidValueError(
                f"{argument}: {key!r} is given one number ({levels!r}); this method takes "
                "categorical margins {level: target} only (numeric totals go to calibrate)"
            )
        elif len(variables) != 1:
            raise InvalidValueError(
                f"{argument}: a numeric total belongs to one column; got {key!r}"
            )
        else:
            totals.append(_numeric_total(data, variables[0], levels, argument))
    return margins, totals


def check_same_total(margins, argument, rtol=1e-6):
    """Raise when categorical margins disagree on the population total (naming both)."""
    if len(margins) < 2:
        return
    sums = [float(m.targets.sum()) for m in margins]
    first = sums[0]
    for margin, s in zip(margins[1:], sums[1:], strict=True):
        if abs(s - first) > rtol * abs(first):
            raise InvalidValueError(
                f"{argument}: the margins disagree on the population total: {margins[0].name!r} "
                f"adds up to {first:.10g} but {margin.name!r} to {s:.10g}"
            )


def _compress(combined, size):
    """Renumber the observed values of ``combined`` (in ``range(size)``) as 0, 1, ...

    Returns the observed values (sorted) and the new code of every row; a bincount when the
    range is small, a sort otherwise.
    """
    if size <= max(4 * combined.size, 1 << 20):
        present_mask = np.bincount(combined, minlength=size) > 0
        present = np.flatnonzero(present_mask)
        if present.size == size:
            return present, combined
        renumber = np.cumsum(present_mask) - 1
        return present, renumber[combined]
    return np.unique(combined, return_inverse=True)


def cell_codes(margins):
    """The crossed cells of several margins: a code per row and each cell's level per margin.

    Returns ``(cells, cell_levels)``: ``cells`` (n,) indexes the observed cells and
    ``cell_levels[j]`` (n_cells,) is the level of margin ``j`` in each cell.  Raking and
    categorical calibration depend on the rows only through these cells, so they run on the
    small table of cell totals.
    """
    combined = np.zeros(margins[0].codes.shape, dtype=np.int64)
    size = 1
    for m in margins:
        combined = combined * m.n_levels + m.codes
        size *= m.n_levels
    present, cells = _compress(combined, size)
    cell_levels = []
    rest = present.copy()
    for m in reversed(margins):
        rest, level = np.divmod(rest, m.n_levels)
        cell_levels.append(level.astype(np.intp))
    return cells.astype(np.intp), tuple(reversed(cell_levels))
