"""Stage 5, statistics: one vectorized core call per claim kind.

share -> :func:`~surveystats.proportion_ci`; sample size -> :func:`~surveystats.margin_of_error`;
stated margin -> :func:`~surveystats.sample_size` and ``margin_of_error``; change and subgroup
difference -> :func:`~surveystats.compare_proportions`; lead -> :func:`~surveystats.compare_shares`
(called as ``(trailer, leader)`` so the estimate is leader minus trailer); trend ->
:func:`~surveystats.trend_test` (one call per pattern of wave scores); every p-value of the
document -> :func:`~surveystats.adjust_pvalues` (Holm).  A call that fails is retried element
by element, so one bad claim (a series of 0% figures) gets a ``problem`` and never sinks the
rest.  Nothing is computed here beyond arranging the calls.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..compare import compare_proportions
from ..multiple import adjust_pvalues
from ..proportion import margin_of_error, proportion_ci, sample_size
from ..shares import compare_shares
from ..trend import trend_test
from .records import Answer, Document

__all__ = ["statistics"]

_FIELDS = ("estimate", "low", "high", "moe", "pvalue", "significant", "ratio", "slope", "statistic")


#: One element's answer from the core (field name -> value), or why it could not be had.
_Row = dict[str, Any] | str


def _columns(result: object, count: int) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name in _FIELDS:
        if hasattr(result, name):
            try:
                values = np.broadcast_to(np.asarray(getattr(result, name), dtype=float), (count,))
            except (TypeError, ValueError):
                continue
            out[name] = values.tolist()
    problem = getattr(result, "problem", None)
    if problem is not None:
        out["problem"] = np.broadcast_to(np.asarray(problem, dtype=object), (count,)).tolist()
    return out


def _call(
    function: Callable[..., object], columns: Sequence[Sequence[Any]], **options: Any
) -> list[_Row]:
    """``function(*columns, **options)`` as a list of per-element dicts (or an error text).

    One vectorized call; if it raises, each element is tried alone so a bad one costs only
    itself."""
    count = len(columns[0])
    if count == 0:
        return []
    try:
        cols = _columns(function(*[np.asarray(c, dtype=float) for c in columns], **options), count)
        return [{k: v[i] for k, v in cols.items()} for i in range(count)]
    except Exception:  # noqa: BLE001 - retried element by element below
        pass
    rows: list[_Row] = []
    for i in range(count):
        try:
            cols = _columns(function(*[c[i] for c in columns], **options), 1)
            rows.append({k: v[0] for k, v in cols.items()})
        except Exception as error:  # noqa: BLE001 - the reason is kept with the claim
            rows.append(str(error) or type(error).__name__)
    return rows


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def _test(row: _Row, level: float) -> Answer:
    if isinstance(row, str):
        return Answer(problem=row)
    p: float | None = row.get("pvalue")
    problem = row.get("problem") or ""
    significant: bool | None = None
    if p is not None and math.isfinite(p):
        significant = bool(p < 1 - level)
    else:
        if "pvalue" in row:
            p = None
            problem = problem or "the core returned no p-value"
    low, high = row.get("low"), row.get("high")
    moe = row.get("moe")
    if moe is None and low is not None and high is not None:
        moe = (high - low) / 2
    extra: dict[str, Any] = {k: row[k] for k in ("ratio", "slope", "statistic") if k in row}
    return Answer(row.get("estimate"), low, high, moe, p, significant, extra, str(problem))


def statistics(doc: Document) -> Document:
    """Fill ``doc.tests``: one :class:`Answer` per claim, in claim order."""
    claims, level = doc.claims, doc.options.confidence_level
    tests: list[Answer] = [Answer() for _ in claims]
    kinds: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        kinds.setdefault(c.kind, []).append(i)

    def run(
        indices: list[int],
        function: Callable[..., object],
        columns: Sequence[Sequence[Any]],
        **options: Any,
    ) -> None:
        for i, row in zip(indices, _call(function, columns, **options), strict=True):
            tests[i] = _test(row, level)

    shares = [i for i in kinds.get("share", []) if claims[i].n is not None]
    run(
        shares,
        lambda p, n, d: proportion_ci(p, n, deff=d, confidence_level=level),
        [
            [claims[i].values[0] for i in shares],
            [claims[i].n for i in shares],
            [claims[i].deff for i in shares],
        ],
    )
    unknown = [
        i for i in kinds.get("share", []) if claims[i].n is None and claims[i].details.get("full_n")
    ]
    rows = _call(
        lambda p, n, d: _as_moe(margin_of_error(p, n, deff=d, confidence_level=level)),
        [
            [claims[i].values[0] for i in unknown],
            [claims[i].details["full_n"] for i in unknown],
            [claims[i].details["full_deff"] for i in unknown],
        ],
    )
    for i, row in zip(unknown, rows, strict=True):
        tests[i] = Answer(extra={"full_sample_moe": row["moe"] if isinstance(row, dict) else None})

    sizes = kinds.get("sample_size", [])
    run(
        sizes,
        lambda n, d: _as_moe(margin_of_error(0.5, n, deff=d, confidence_level=level)),
        [[claims[i].n for i in sizes], [claims[i].deff for i in sizes]],
    )

    margins = kinds.get("stated_moe", [])
    implied = _call(
        lambda m: _as_moe(sample_size(m, p=0.5, confidence_level=level)),
        [[claims[i].details["moe"] for i in margins]],
    )
    with_n = [i for i in margins if claims[i].n is not None]
    srs = dict(
        zip(
            with_n,
            _call(
                lambda n: _as_moe(margin_of_error(0.5, n, confidence_level=level)),
                [[claims[i].n for i in with_n]],
            ),
            strict=True,
        )
    )
    for i, row in zip(margins, implied, strict=True):
        extra = {"implied_effective_n": row["moe"] if isinstance(row, dict) else None}
        srs_row = srs.get(i)
        if isinstance(srs_row, dict):
            extra["simple_random_sample_moe"] = srs_row["moe"]
        tests[i] = Answer(moe=claims[i].details["moe"], extra=extra)

    for kind in ("change", "subgroup_difference"):
        idx = kinds.get(kind, [])
        first, second = (0, 1) if kind == "change" else (1, 0)  # a difference is a - b
        run(
            idx,
            lambda p1, n, p2, d: compare_proportions(
                p1, n, p2, n, deff1=d, deff2=d, confidence_level=level
            ),
            [
                [claims[i].values[first] for i in idx],
                [claims[i].n for i in idx],
                [claims[i].values[second] for i in idx],
                [claims[i].deff for i in idx],
            ],
        )

    leads = kinds.get("lead", [])
    run(
        leads,
        lambda trailer, leader, n, d: compare_shares(
            trailer, leader, n, deff=d, confidence_level=level
        ),
        [
            [claims[i].values[1] for i in leads],
            [claims[i].values[0] for i in leads],
            [claims[i].n for i in leads],
            [claims[i].deff for i in leads],
        ],
    )

    patterns: dict[tuple[int, ...], list[int]] = {}
    for i in kinds.get("trend", []):
        years = claims[i].details.get("years")
        scores = (
            tuple(y - years[0] for y in years) if years else tuple(range(len(claims[i].values)))
        )
        patterns.setdefault(scores, []).append(i)
    for scores, idx in patterns.items():
        run(
            idx,
            lambda pp, nn, dd, s=list(scores): trend_test(
                pp, nn, scores=s, deff=dd, confidence_level=level
            ),
            [
                [list(claims[i].values) for i in idx],
                [[claims[i].n] for i in idx],
                [[claims[i].deff] for i in idx],
            ],
        )

    readings = [i for i in kinds.get("wording", []) if claims[i].details["claim"] == "readings"]
    earlier: list[float] = []
    later: list[float] = []
    ns: list[float | None] = []
    deffs: list[float] = []
    owners: list[int] = []
    for i in readings:
        shift = claims[i].details["shift"]
        value = claims[i].values[0]
        falls = shift.amount < 0
        amount = abs(shift.amount) / 100
        for reading in (
            value + amount if falls else value - amount,
            value / (1 - amount) if falls else value / (1 + amount),
        ):
            earlier.append(reading)
            later.append(value)
            ns.append(claims[i].n)
            deffs.append(claims[i].deff)
            owners.append(i)
    rows = _call(
        lambda p1, n, p2, d: compare_proportions(
            p1, n, p2, n, deff1=d, deff2=d, confidence_level=level
        ),
        [earlier, ns, later, deffs],
    )
    found: dict[int, list[tuple[float, Answer]]] = {}
    for i, e, row in zip(owners, earlier, rows, strict=True):
        found.setdefault(i, []).append((e, _test(row, level)))
    for i in readings:
        tests[i] = Answer(extra={"readings": found.get(i, [])})

    about = [
        (i, subject) for i in kinds.get("wording", []) if (subject := claims[i].about) is not None
    ]

    single = _call(
        lambda n, d: _as_moe(margin_of_error(0.5, n, deff=d, confidence_level=level)),
        [[claims[i].n for i, _ in about], [claims[i].deff for i, _ in about]],
    )
    for (i, t), row in zip(about, single, strict=True):
        target = tests[t]
        extra = dict(target.extra)
        extra["single_moe"] = row["moe"] if isinstance(row, dict) else None
        tests[i] = dataclasses.replace(target, extra=extra)

    tested = [
        i
        for kind in ("change", "trend", "lead", "subgroup_difference")
        for i in kinds.get(kind, [])
        if _finite(tests[i].pvalue)
    ]
    if len(tested) > 1:
        adjusted = np.atleast_1d(
            adjust_pvalues([tests[i].pvalue for i in tested], method="holm")
        ).tolist()
        for i, q in zip(tested, adjusted, strict=True):
            tests[i].extra["holm_pvalue"] = q
    return dataclasses.replace(doc, tests=tuple(tests))


@dataclasses.dataclass(frozen=True)
class _Moe:
    """A bare margin of error (or a sample size) in the shape :func:`_columns` reads."""

    moe: Any


def _as_moe(value: Any) -> _Moe:
    return _Moe(value)
