"""Output columns of the batch layer: values taken from input rows, significance flags and
p-values adjusted within families.

Lives here: turning index arrays (from ``_sequence``) into output columns that keep the
input's types (whole numbers stay whole, texts stay texts), and the family-wise adjustment
done with one :func:`surveystats.multiple.adjust_pvalues` call per family size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def take(series, index, fill=None):
    """``series`` at ``index`` (-1 gives a missing value), integers kept as integers.

    ``fill``: optional ``(mask, value)`` written into the rows of ``mask``.
    """
    values = series.array
    if pd.api.types.is_integer_dtype(series.dtype) and not isinstance(
        series.dtype, pd.api.extensions.ExtensionDtype
    ):
        values = pd.array(series.to_numpy(), dtype="Int64")
    elif pd.api.types.is_bool_dtype(series.dtype) and not isinstance(
        series.dtype, pd.api.extensions.ExtensionDtype
    ):
        values = pd.array(series.to_numpy(), dtype="boolean")
    taken = pd.Series(values.take(index, allow_fill=True))
    if fill is not None:
        mask, value = fill
        if mask.any():
            taken[mask] = value
    return taken


def take_float(values, index):
    """``values[index]`` as floats, NaN where ``index`` is -1 (absent)."""
    if values.size == 0:
        return np.full(index.size, np.nan)
    return np.where(index >= 0, np.asarray(values, dtype=float).take(index, mode="clip"), np.nan)


def text_column(values, index=None):
    """Problem texts as an object column (the same dtype whatever the rows, for Dask meta)."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object, index=index)


def significance(pvalue_adjusted, confidence_level):
    """``pvalue_adjusted < 1 - confidence_level``; missing where the p-value is NaN."""
    flag = pd.array(pvalue_adjusted < 1.0 - confidence_level, dtype="boolean")
    flag[np.isnan(pvalue_adjusted)] = pd.NA
    return flag


def adjust_families(pvalues, family_id, method):
    """``adjust_pvalues`` within each family, vectorized: families of equal size are stacked
    into one 2-D array and adjusted along its rows (one call per distinct family size).

    ``family_id`` None: one family of all p-values.
    """
    from ..multiple import adjust_pvalues

    out = np.full(pvalues.size, np.nan)
    if not pvalues.size:
        return out
    if family_id is None:
        out[:] = adjust_pvalues(pvalues, method=method)
        return out
    members = np.argsort(family_id, kind="stable")
    fam = family_id[members]
    starts = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1]])
    sizes = np.diff(np.r_[starts, fam.size])
    for size in np.unique(sizes):
        block_starts = starts[sizes == size]
        where = members[block_starts[:, None] + np.arange(size)]
        out[where] = adjust_pvalues(pvalues[where], method=method, axis=-1)
    return out
