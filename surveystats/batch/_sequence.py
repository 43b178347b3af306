"""Sequencing and pairing: rows of a table placed in (question, wave) order and paired.

Lives here: codes of the key combinations, the order of the waves, the pairs of rows that
:func:`surveystats.batch.compare_waves` compares (consecutive waves, or each wave against a
baseline), and the ``problem`` text of each output row.  Plain numpy over whole columns:
no loop over questions.

Does not live here: the row checks (``_checks``), statistics (the core).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import InvalidValueError, SurveyStatsError
from ._checks import check_wave_kinds


def group_codes(frame, keys):
    """Codes 0..g-1 of the key combinations in order of first appearance; -1 where a key is
    missing.  Also returns, per row, the position in ``keys`` of the first missing key
    (-1 where none is)."""
    codes = None
    missing_key = np.full(len(frame), -1, dtype=np.int16)
    for position, key in enumerate(keys):
        c, uniques = pd.factorize(frame[key], sort=False, use_na_sentinel=True)
        c = c.astype(np.int64)
        missing_key[(c < 0) & (missing_key < 0)] = position
        if codes is None:
            codes = c
        else:
            combined = np.where((codes < 0) | (c < 0), -1, codes * max(len(uniques), 1) + c)
            codes, _ = pd.factorize(combined, sort=False)
            codes = np.where(combined < 0, -1, codes).astype(np.int64)
    return codes, missing_key


def wave_codes(waves, wave):
    """Codes of the waves in sorted (time) order, -1 where missing, and the sorted values."""
    check_wave_kinds(waves, wave)
    try:
        codes, uniques = pd.factorize(waves, sort=True, use_na_sentinel=True)
    except TypeError as exc:
        raise InvalidValueError(
            f"column {wave!r} mixes values that cannot be ordered: {exc}"
        ) from None
    return codes.astype(np.int64), uniques


@dataclass
class Sequence:
    """Rows of a table placed into (question, wave) order.

    ``order``: the placeable rows sorted by group and wave; ``group``/``wave_code``: per row;
    ``unplaced``: rows whose question (or a ``by`` column) or wave is missing.
    """

    group: np.ndarray
    wave_code: np.ndarray
    wave_values: object
    order: np.ndarray
    unplaced: np.ndarray
    unplaced_reason: np.ndarray
    n_groups: int


def _duplicates_error(frame, keys, wave, rows, repeated):
    shown = []
    for i in repeated[:5]:
        r = rows[i]
        shown.append(
            "(" + ", ".join(f"{k}={frame[k].iloc[[r]].tolist()[0]!r}" for k in keys + [wave]) + ")"
        )
    more = f" and {repeated.size - 5} more" if repeated.size > 5 else ""
    return SurveyStatsError(
        f"{repeated.size} duplicated ({', '.join(keys)}, {wave}) keys: "
        + ", ".join(shown)
        + more
        + "; each question may have one row per wave"
    )


def place(frame, keys, wave):
    """A :class:`Sequence` of ``frame``; raises naming duplicated (keys, wave) rows."""
    group, missing_key = group_codes(frame, keys)
    wave_code, wave_values = wave_codes(frame[wave], wave)
    placeable = (group >= 0) & (wave_code >= 0)
    rows = np.flatnonzero(placeable)
    sort_key = group[rows] * max(len(wave_values), 1) + wave_code[rows]
    if sort_key.size > 1 and not (sort_key[1:] > sort_key[:-1]).all():
        position = np.argsort(sort_key, kind="stable")
        rows, sort_key = rows[position], sort_key[position]
    repeated = np.flatnonzero(sort_key[1:] == sort_key[:-1])
    if repeated.size:
        raise _duplicates_error(frame, keys, wave, rows, repeated)
    unplaced = np.flatnonzero(~placeable)
    names = np.array(list(keys) + [wave], dtype=object)
    which = missing_key[unplaced].astype(np.int64)
    which[which < 0] = len(keys)
    reason = names[which] + " is missing; the row cannot be placed in a sequence"
    n_groups = int(group.max()) + 1 if group.size and group.max() >= 0 else 0
    return Sequence(group, wave_code, wave_values, rows, unplaced, reason, n_groups)


NOTES = np.array(
    [
        "",
        "only one wave; nothing to compare with",
        "only the baseline wave; nothing to compare with",
        "the baseline wave is missing for this question",
        "",
    ],
    dtype=object,
)
UNPLACED = 4  # note code of an unplaced row; its text is in Sequence.unplaced_reason


def pairs(seq, baseline_code):
    """Index arrays ``(from, to)`` into the table (-1: absent) and a note code per output
    row (an index into ``NOTES``).

    Consecutive mode (``baseline_code`` None) pairs each placed row with the one before it
    in its group; baseline mode pairs each non-baseline row with its group's baseline row.
    A group of one row gives one lone output row; unplaced rows come last, alone.
    """
    order = seq.order
    g = seq.group[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = first[1:]
    alone = first & last
    note = np.zeros(order.size, dtype=np.int8)
    if baseline_code is None:
        keep = ~first | alone
        previous = np.empty_like(order)
        previous[1:] = order[:-1]
        previous[:1] = -1
        src = np.where(first, order, previous)
        dst = np.where(first, -1, order)
        note[alone] = 1
    else:
        is_base = seq.wave_code[order] == baseline_code
        base_row = np.full(seq.n_groups, -1, dtype=np.int64)
        base_row[g[is_base]] = order[is_base]
        keep = ~is_base | alone
        src = np.where(is_base, order, base_row[g])
        dst = np.where(is_base, -1, order)
        note[is_base & alone] = 2
        note[~is_base & (src < 0)] = 3
    src, dst, note = src[keep], dst[keep], note[keep]
    src = np.concatenate([src, seq.unplaced])
    dst = np.concatenate([dst, np.full(seq.unplaced.size, -1, dtype=np.int64)])
    note = np.concatenate([note, np.full(seq.unplaced.size, UNPLACED, dtype=np.int8)])
    return src.astype(np.int64), dst.astype(np.int64), note


def pair_problems(src, dst, note, seq, problems, waves):
    """The ``problem`` column of compare_waves: strings are built only for the output rows
    that have one (a note, or an input row with a problem)."""
    size = src.size
    out = np.full(size, "", dtype=object)
    from_bad = np.zeros(size, dtype=bool)
    to_bad = np.zeros(size, dtype=bool)
    from_bad[src >= 0] = problems.bad[src[src >= 0]]
    to_bad[dst >= 0] = problems.bad[dst[dst >= 0]]
    rows = np.flatnonzero((note > 0) | from_bad | to_bad)
    if not rows.size:
        return out
    text = NOTES[note[rows]]
    unplaced = note[rows] == UNPLACED
    if unplaced.any():
        first_unplaced = size - seq.unplaced.size
        text[unplaced] = seq.unplaced_reason[rows[unplaced] - first_unplaced]
    paired = (src[rows] >= 0) & (dst[rows] >= 0)
    out[rows] = join(
        text,
        labelled(problems, src[rows], waves, paired),
        labelled(problems, dst[rows], waves, paired),
    )
    return out


def _wave_text(value):
    # 2023.0 (an integer column that became float because of a missing wave) reads as 2023
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def labelled(problems, index, waves, tagged):
    """Row problems at ``index`` ('' where fine or absent), prefixed with 'wave X: ' where
    ``tagged`` (the output row joins two input rows).  Only rows with a problem have their
    wave turned into text."""
    out = np.full(index.size, "", dtype=object)
    ok = index >= 0
    out[ok] = problems.text[index[ok]]
    tag = tagged & (out != "")
    if tag.any():
        waves_shown = [_wave_text(w) for w in waves.iloc[index[tag]].tolist()]
        out[tag] = "wave " + np.array(waves_shown, dtype=object) + ": " + out[tag]
    return out


def join(*parts):
    """Texts joined element by element with '; ', empty parts left out."""
    out = parts[0].copy()
    for part in parts[1:]:
        both = (out != "") & (part != "")
        out = np.where(both, out + "; " + part, np.where(out == "", part, out))
    return out
