"""The newsroom annotator: uncertainty on every poll figure and claim in English prose.

Lives here: :func:`annotate`, which finds shares, sample sizes, stated margins of error,
changes between waves, series of waves, leads within one poll, subgroup figures and the
wording of claims ("a 10% drop", "statistical tie", "within the margin of error"), asks the
core modules about each, and returns an :class:`Annotation` of :class:`Finding` objects with
Markdown, HTML and JSON renderers.

Does not live here: statistics (every number comes from :mod:`~surveystats.proportion`,
:mod:`~surveystats.compare`, :mod:`~surveystats.shares` and :mod:`~surveystats.trend`; this
module only arranges the calls and words the answers) or the regular expressions that read
the text (:mod:`surveystats.newsroom._text`).

Assumptions the messages state when they apply: waves of a change or trend are independent
samples of the poll's size; two shares in one sentence with a lead cue ("compared with",
"while", "versus") are answers to one single-choice question; a subgroup without a stated
size has an unknown, smaller sample.
"""

from __future__ import annotations

import bisect
import html
import json
import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

from .._display import pvalue_text
from .._internal.validation import check_confidence_level
from ..exceptions import InvalidValueError
from ..proportion import margin_of_error, proportion_ci, sample_size
from . import _text

__all__ = ["annotate", "Annotation", "Finding", "KINDS"]

_LEAD_WORDS = re.compile(
    r"\b(?:gap|lead|leads|led|race|ahead|behind|tie|tied|options|answers)\b", re.IGNORECASE
)
_CHANGE_WORDS = re.compile(
    r"\b(?:change|changes|drop|fall|fell|rise|rose|shift|decline|increase|"
    r"decrease)\b",
    re.IGNORECASE,
)

KINDS = ("share", "sample_size", "stated_moe", "change", "trend", "lead", "wording")


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class Finding:
    """One poll figure or claim found in the text, with what the core says about it.

    Attributes
    ----------
    kind : str
        One of ``KINDS``: 'share', 'sample_size', 'stated_moe', 'change', 'trend', 'lead',
        'wording'.
    span : tuple of int
        ``(start, end)`` character offsets of the figure or claim in the text.
    values : tuple of float
        The proportions used, as fractions, in the order the text gives them; for a change
        or trend, earlier then later.
    n : float or None
        Sample size behind the figure (per wave for changes and trends); None if unknown.
    moe : float or None
        Margin of error: of the share ('share'), of a figure near 50% ('sample_size'), as
        stated ('stated_moe'), half the width of the interval of the difference ('change',
        'lead').
    low, high : float or None
        Confidence interval: of the share, or of the difference ``values[-1] - values[-2]``
        (second minus first, as everywhere in surveystats) for a change or lead.
    pvalue : float or None
        Of the test that applies (change, trend, lead, and the claims checked against them).
    significant : bool or None
        ``pvalue < 1 - confidence_level``.
    message : str
        One plain sentence for a reader.
    quote : str
        The text of the span.
    label : str
        A short note for inline display (used by the renderers for shares).
    details : dict
        Anything further: the subgroup, the two readings of an ambiguous change, years,
        where ``n`` came from.
    """

    kind: str
    span: tuple
    values: tuple
    n: float | None
    moe: float | None
    low: float | None
    high: float | None
    pvalue: float | None
    significant: bool | None
    message: str
    quote: str = ""
    label: str = ""
    details: dict = field(default_factory=dict)

    def to_dict(self):
        """The fields as JSON-ready Python values (NaN becomes None)."""
        return {
            "kind": self.kind,
            "span": list(self.span),
            "values": [_plain(v) for v in self.values],
            "n": _plain(self.n),
            "moe": _plain(self.moe),
            "low": _plain(self.low),
            "high": _plain(self.high),
            "pvalue": _plain(self.pvalue),
            "significant": self.significant,
            "message": self.message,
            "quote": self.quote,
            "label": self.label,
            "details": _plain(self.details),
        }


@dataclass(frozen=True, eq=False)
class Annotation:
    """The text and what :func:`annotate` found in it.

    Attributes
    ----------
    text : str
        The text as given.
    findings : tuple of Finding
        Ordered by position in the text.
    confidence_level, n, deff
        The options of the call.
    """

    text: str
    findings: tuple
    confidence_level: float
    n: float | None
    deff: float

    def of_kind(self, kind):
        """The findings of one kind, in text order.

        Parameters
        ----------
        kind : str
            A finding kind, such as ``"share"``, ``"change"``, ``"lead"`` or ``"trend"``.
        """
        return [f for f in self.findings if f.kind == kind]

    def to_dict(self):
        """The annotation as JSON-ready Python values (its settings and every finding)."""
        return {
            "confidence_level": self.confidence_level,
            "n": _plain(self.n),
            "deff": self.deff,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, indent=2):
        """The findings as JSON.

        Parameters
        ----------
        indent : int or None
            Indentation of the JSON text, as ``json.dumps``.
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_markdown(self):
        """The text with each share's interval after it and numbered notes for the claims."""
        return _render(self, _MARKDOWN)

    def to_html(self):
        """A standalone HTML fragment: the text intact and escaped, figures marked with a
        tooltip and a short note, claims numbered with their notes listed below."""
        return _render(self, _HTML)


# --------------------------------------------------------------------------- formatting
def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _pct(p, digits=1):
    return f"{100.0 * p:.{digits}f}%"


def _pts(d, digits=1):
    text = f"{100.0 * abs(d):.{digits}f}"
    return text[:-2] if text.endswith(".0") else text


def _signed_pts(d):
    value = 100.0 * d
    text = f"{abs(value):.1f}"
    return ("\u2212" if value < -0.05 else "") + text


def _count(n):
    return f"{n:,.0f}"


def _level(level):
    return f"{100.0 * level:g}%"


def _ptext(p):
    return pvalue_text(p)


def _a(word):
    return ("an " if word[:1] in "8" or word.startswith(("11", "18")) else "a ") + word


def _float(x):
    return None if x is None else float(x)


# --------------------------------------------------------------------------- the work
def _as_text(text):
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        return bytes(text).decode("utf-8", errors="replace")
    raise InvalidValueError(f"text must be a str; got {type(text).__name__}")


def _check_n(n):
    if n is None:
        return None
    if isinstance(n, bool) or not isinstance(n, numbers.Real) or not math.isfinite(n) or n <= 0:
        raise InvalidValueError(f"n={n!r} must be a positive number of respondents or None")
    return float(n)


def _check_deff(deff):
    if (
        isinstance(deff, bool)
        or not isinstance(deff, numbers.Real)
        or not math.isfinite(deff)
        or deff <= 0
    ):
        raise InvalidValueError(
            f"deff={deff!r} must be a positive number (1 for a simple random sample)"
        )
    return float(deff)


@dataclass
class _Sample:
    n: float | None
    deff: float
    source: str  # 'text', 'argument', 'stated margin', 'unknown'


class _Annotator:
    def __init__(self, text, n, level, deff):
        self.text = text
        self.level = level
        self.deff = deff
        self.n_arg = n
        self.scan = _text.scan(text)
        self.findings = []
        self.full_sizes = [s for s in self.scan.sizes if s.subgroup is None]
        self.full_starts = [s.start for s in self.full_sizes]
        self.phrase_sentences = {p.sentence for p in self.scan.phrases}
        self.implied_n = None
        if self.scan.margins:
            self.implied_n = float(
                sample_size(self.scan.margins[0].moe, p=0.5, confidence_level=level)
            )
        self.leads = {}  # sentence -> lead record
        self.changes = {}  # sentence -> list of change records

    # ---------------------------------------------------------------- sample behind a figure
    def sample_at(self, pos):
        i = bisect.bisect_right(self.full_starts, pos)
        if i > 0:
            return _Sample(float(self.full_sizes[i - 1].n), self.deff, "text")
        if self.full_sizes:
            return _Sample(float(self.full_sizes[0].n), self.deff, "text")
        if self.n_arg is not None:
            return _Sample(self.n_arg, self.deff, "argument")
        if self.implied_n is not None:
            return _Sample(self.implied_n, 1.0, "stated margin")
        return _Sample(None, self.deff, "unknown")

    def _sample_words(self, sample):
        if sample.source == "stated margin":
            return (
                f"an effective sample of about {_count(sample.n)} implied by the stated "
                "margin of error"
            )
        words = f"n = {_count(sample.n)}"
        if sample.deff != 1.0:
            words += f", design effect {sample.deff:g}"
        return words

    def add(
        self,
        kind,
        span,
        values,
        message,
        *,
        n=None,
        moe=None,
        low=None,
        high=None,
        pvalue=None,
        significant=None,
        label="",
        details=None,
    ):
        start, end = span
        self.findings.append(
            Finding(
                kind,
                (int(start), int(end)),
                tuple(float(v) for v in values),
                _float(n),
                _float(moe),
                _float(low),
                _float(high),
                _float(pvalue),
                None if significant is None else bool(significant),
                message,
                self.text[start:end],
                label,
                details or {},
            )
        )

    # ---------------------------------------------------------------- run
    def run(self):
        scan = self.scan
        use_shares = scan.poll_context or self.n_arg is not None
        figures = [f for f in scan.figures if f.poll] if use_shares else []
        self.sample_sizes()
        self.stated_margins()
        self.shares(figures)
        eligible = [f for f in figures if f.subgroup is None]
        self.claims(eligible)
        self.closeness_phrases()
        order = {k: i for i, k in enumerate(KINDS)}
        self.findings.sort(key=lambda f: (f.span[0], order[f.kind], f.span[1]))
        return tuple(self.findings)

    # ---------------------------------------------------------------- sample sizes and margins
    def sample_sizes(self):
        sizes = self.scan.sizes
        if not sizes:
            return
        moe = np.atleast_1d(
            margin_of_error(
                0.5, [float(s.n) for s in sizes], confidence_level=self.level, deff=self.deff
            )
        )
        design = f" and a design effect of {self.deff:g}" if self.deff != 1.0 else ""
        for size, m in zip(sizes, moe, strict=False):
            if size.subgroup is not None:
                message = (
                    f"The subgroup ({size.subgroup}) has {_count(size.n)} respondents: "
                    f"its figures have a margin of error of up to ±{_pts(m)} percentage "
                    f"points ({_level(self.level)} confidence{design})."
                )
            else:
                message = (
                    f"A sample of {_count(size.n)} gives a margin of error of up to "
                    f"±{_pts(m)} percentage points for a figure near 50% "
                    f"({_level(self.level)} confidence{design})."
                )
            self.add(
                "sample_size",
                (size.start, size.end),
                [],
                message,
                n=size.n,
                moe=m,
                label=f"±{_pts(m)} pts at 50%",
                details={"subgroup": size.subgroup},
            )

    def stated_margins(self):
        for stated in self.scan.margins:
            found = self.sample_at(stated.start)
            sample = found.n if found.source in ("text", "argument") else None
            implied = float(sample_size(stated.moe, p=0.5, confidence_level=self.level))
            details = {"implied_effective_n": implied, "stated_n": sample}
            said = f"±{_pts(stated.moe, 2 if stated.half_unit < 0.0005 else 1)}"
            if sample is None:
                message = (
                    f"The stated margin of {said} points implies an effective sample "
                    f"of about {_count(implied)} respondents ({_level(self.level)} "
                    "confidence, figure near 50%)."
                )
                self.add(
                    "stated_moe",
                    (stated.start, stated.end),
                    [],
                    message,
                    moe=stated.moe,
                    label=f"n ≈ {_count(implied)}",
                    details=details,
                )
                continue
            srs = float(margin_of_error(0.5, sample, confidence_level=self.level))
            # The stated figure is rounded: allow half a unit of its last digit.
            tolerance = stated.half_unit + 1e-9
            details.update({"simple_random_sample_moe": srs, "implied_deff": sample / implied})
            if abs(stated.moe - srs) <= tolerance:
                verdict = "matches"
                message = (
                    f"The stated margin of {said} points matches a sample of "
                    f"{_count(sample)} (±{_pts(srs)} points at "
                    f"{_level(self.level)} confidence)."
                )
            elif stated.moe > srs:
                verdict = "larger"
                message = (
                    f"The stated margin of {said} points is larger than the "
                    f"±{_pts(srs)} of a simple random sample of {_count(sample)}; "
                    f"it allows for a design effect of about {sample / implied:.1f}."
                )
            else:
                verdict = "smaller"
                message = (
                    f"The stated margin of {said} points is smaller than a sample of "
                    f"{_count(sample)} can give (±{_pts(srs)} points at "
                    f"{_level(self.level)} confidence); check the figures."
                )
            details["verdict"] = verdict
            self.add(
                "stated_moe",
                (stated.start, stated.end),
                [],
                message,
                n=sample,
                moe=stated.moe,
                label=verdict,
                details=details,
            )

    # ---------------------------------------------------------------- shares
    def shares(self, figures):
        known, unknown = [], []
        for fig in figures:
            if fig.subgroup is not None:
                n, deff, source = (
                    (fig.subgroup_n, self.deff, "subgroup")
                    if fig.subgroup_n
                    else (None, self.deff, "subgroup unknown")
                )
                sample = _Sample(None if n is None else float(n), deff, source)
            else:
                sample = self.sample_at(fig.start)
            (known if sample.n is not None else unknown).append((fig, sample))
        if known:
            result = proportion_ci(
                [f.value for f, _ in known],
                [s.n for _, s in known],
                confidence_level=self.level,
                deff=[s.deff for _, s in known],
            )
            rows = zip(
                known,
                np.atleast_1d(result.low),
                np.atleast_1d(result.high),
                np.atleast_1d(result.moe),
                strict=False,
            )
            for (fig, sample), low, high, moe in rows:
                self.share_finding(fig, sample, low, high, moe)
        for fig, sample in unknown:
            self.share_finding(fig, sample, None, None, None)

    def share_finding(self, fig, sample, low, high, moe):
        details = {
            "n_source": sample.source,
            "approximate": fig.approximate,
            "subgroup": fig.subgroup,
            "year": fig.year,
            "label": fig.label,
        }
        figure = fig.text.strip()
        read = f" (read as {_pct(fig.value)})" if not figure.endswith(("%", "cent", "pct")) else ""
        if fig.subgroup is not None and sample.n is None:
            full = self.sample_at(fig.start)
            wider = ""
            if full.n is not None:
                full_moe = float(
                    margin_of_error(fig.value, full.n, confidence_level=self.level, deff=full.deff)
                )
                wider = (
                    f"; its margin of error is larger than the ±{_pts(full_moe)} points "
                    f"this figure would have in the full sample of {_count(full.n)}"
                )
                details["full_sample_moe"] = full_moe
            message = (
                f"{figure}{read} among {fig.subgroup}: the subgroup's size is not given, "
                f"so its margin of error is unknown{wider}."
            )
            self.add(
                "share",
                (fig.start, fig.end),
                [fig.value],
                message,
                label="subgroup, n unknown",
                details=details,
            )
            return
        if sample.n is None:
            message = (
                f"{figure}{read}: no sample size is given, so no margin of error can be "
                "attached (pass n= if you know it)."
            )
            self.add(
                "share",
                (fig.start, fig.end),
                [fig.value],
                message,
                label="n unknown",
                details=details,
            )
            return
        who = f" among {fig.subgroup}" if fig.subgroup else ""
        message = (
            f"{figure}{read}{who}: {_level(self.level)} confidence interval "
            f"{_pct(low)} to {_pct(high)}, a margin of error of ±{_pts(moe)} percentage "
            f"points ({self._sample_words(sample)})."
        )
        if fig.approximate and read:
            message = message[:-1] + "; the wording is approximate, so the figure is too."
        self.add(
            "share",
            (fig.start, fig.end),
            [fig.value],
            message,
            n=sample.n,
            moe=moe,
            low=low,
            high=high,
            label=f"±{_pts(moe)} pts, {_pct(low)}–{_pct(high)}",
            details=details,
        )

    # ---------------------------------------------------------------- changes, trends, leads
    def claims(self, figures):
        by_sentence = {}
        for fig in figures:
            by_sentence.setdefault(fig.sentence, []).append(fig)
        change_requests, trend_requests, lead_requests, amount_requests = [], [], [], []
        amounts_by_sentence = {}
        for amount in self.scan.amounts:
            amounts_by_sentence.setdefault(amount.sentence, []).append(amount)
        for index, figs in by_sentence.items():
            sentence = self.scan.sentences[index]
            used = set()
            changed = []
            sample = self.sample_at(figs[0].start)
            if sample.n is None:
                continue
            for c_start, c_end in _text.clauses(self.text, sentence):
                in_clause = [f for f in figs if c_start <= f.start < c_end]
                series = self.series(in_clause, c_start, c_end)
                if series:
                    used.update(id(f) for f in series)
                    for earlier, later in zip(series, series[1:], strict=False):
                        change_requests.append((index, earlier, later, sample))
                        changed.append(change_requests[-1])
                    if len(series) >= 3:
                        trend_requests.append((index, series, sample))
            amounts = [a for a in amounts_by_sentence.get(index, []) if a.direction != 0]
            if amounts:
                if changed:
                    for amount in amounts:
                        amount_requests.append(("check", amount, changed[-1]))
                else:
                    alone = [f for f in figs if id(f) not in used]
                    if alone:
                        amount = amounts[0]
                        target = min(alone, key=lambda f: abs(f.start - amount.start))
                        amount_requests.append(("infer", amount, (index, target, sample)))
            rest = [f for f in figs if id(f) not in used]
            if (
                len(rest) >= 2
                and rest[0].value + rest[1].value <= 1.0 + 1e-9
                and self.lead_cue(index, sentence, rest[0], rest[1])
            ):
                lead_requests.append((index, rest[0], rest[1], sample))
        self.change_findings(change_requests)
        self.trend_findings(trend_requests)
        self.lead_findings(lead_requests)
        self.amount_findings(amount_requests)

    def lead_cue(self, index, sentence, first, second):
        if _text.has_lead_cue(self.text, sentence.start, sentence.end):
            return True
        between = self.text[first.end : second.start]
        if between.strip().lower() in ("to", "-", "–", "vs", "vs."):
            return True
        return index in self.phrase_sentences

    def series(self, figs, start, end):
        """The figures of one clause as waves, earliest first, or [] when not a change."""
        if len(figs) < 2:
            return []
        years = {f.year for f in figs if f.year is not None}
        timed = (
            len(years) >= 2
            or any(f.when == "earlier" for f in figs)
            or (
                any(f.when == "later" for f in figs)
                and _text.has_change_verb(self.text, start, end)
            )
        )
        if not timed:
            return []
        top = max(years) if years else 0

        def key(item):
            position, fig = item
            if fig.year is not None:
                return (fig.year, position)
            if fig.when == "earlier":
                return (top + 0.5 if years else 0, position)
            return (top + 1 if years else 1, position)

        ordered = [f for _, f in sorted(enumerate(figs), key=key)]
        return ordered

    def _compare(self, pairs):
        from ..compare import compare_proportions

        p1 = [a for a, _, _ in pairs]
        p2 = [b for _, b, _ in pairs]
        n = [s.n for _, _, s in pairs]
        deff = [s.deff for _, _, s in pairs]
        return compare_proportions(
            p1, n, p2, n, confidence_level=self.level, deff1=deff, deff2=deff
        )

    def _change_words(self, earlier, later, r, sample, derived=""):
        d = float(r.estimate)
        direction = "fall" if d < 0 else ("rise" if d > 0 else "change")
        verdict = (
            "is statistically significant"
            if r.significant
            else "is within sampling error: no clear change"
        )
        return (
            f"The {direction} from {_pct(earlier)} to {_pct(later)}, {_pts(d)} percentage "
            f"points, {verdict} ({_level(self.level)} CI {_signed_pts(r.low)} to "
            f"{_signed_pts(r.high)} points; {_ptext(r.pvalue)}){derived}, treating the waves "
            f"as independent samples ({self._sample_words(sample)} each)."
        )

    def change_findings(self, requests):
        if not requests:
            return
        r = self._compare([(e.value, l.value, s) for _, e, l, s in requests])
        for i, (index, earlier, later, sample) in enumerate(requests):
            row = _row(r, i)
            start, end = min(earlier.start, later.start), max(earlier.end, later.end)
            message = self._change_words(earlier.value, later.value, row, sample)
            details = {
                "years": [earlier.year, later.year],
                "estimate": row.estimate,
                "ratio": row.ratio,
                "n_source": sample.source,
            }
            self.add(
                "change",
                (start, end),
                [earlier.value, later.value],
                message,
                n=sample.n,
                moe=(row.high - row.low) / 2.0,
                low=row.low,
                high=row.high,
                pvalue=row.pvalue,
                significant=row.significant,
                label=f"{_signed_pts(row.estimate)} pts, {_ptext(row.pvalue)}",
                details=details,
            )
            self.changes.setdefault(index, []).append(self.findings[-1])

    def trend_findings(self, requests):
        from ..trend import trend_test

        for _index, series, sample in requests:
            years = [f.year for f in series]
            scores = (
                years
                if all(y is not None for y in years) and len(set(years)) == len(years)
                else None
            )
            n_eff = sample.n / sample.deff
            r = trend_test(
                [f.value for f in series], n_eff, scores=scores, confidence_level=self.level
            )
            shown = ", ".join(
                f"{_pct(f.value)}" + (f" ({f.year})" if f.year else "") for f in series
            )
            slope = float(r.slope)
            way = "downward" if slope < 0 else "upward"
            if r.significant:
                verdict = f"shows a statistically significant {way} trend"
            else:
                verdict = "shows no statistically significant trend"
            message = (
                f"The series {shown} {verdict} (Cochran-Armitage test, "
                f"{_ptext(r.pvalue)}), treating the waves as independent samples "
                f"({self._sample_words(sample)} each)."
            )
            start = min(f.start for f in series)
            end = max(f.end for f in series)
            self.add(
                "trend",
                (start, end),
                [f.value for f in series],
                message,
                n=sample.n,
                pvalue=r.pvalue,
                significant=r.significant,
                label=f"trend {_ptext(r.pvalue)}",
                details={
                    "years": years,
                    "slope": slope,
                    "statistic": r.statistic,
                    "slope_per": "year" if scores else "wave",
                },
            )

    def lead_findings(self, requests):
        if not requests:
            return
        from ..shares import compare_shares

        r = compare_shares(
            [a.value for _, a, _, _ in requests],
            [b.value for _, _, b, _ in requests],
            [s.n for _, _, _, s in requests],
            confidence_level=self.level,
            deff=[s.deff for _, _, _, s in requests],
        )
        for i, (index, first, second, sample) in enumerate(requests):
            row = _row(r, i)
            gap = abs(float(row.estimate))
            if row.significant:
                verdict = f"the {_pts(gap)}-point lead is statistically significant"
            else:
                verdict = (
                    f"the {_pts(gap)}-point gap is within sampling error, so the two are about even"
                )
            message = (
                f"{first.text.strip()} vs {second.text.strip()} in the same poll: "
                f"{verdict} ({_level(self.level)} CI for the difference "
                f"{_signed_pts(row.low)} to {_signed_pts(row.high)} points; "
                f"{_ptext(row.pvalue)}; {self._sample_words(sample)})."
            )
            self.add(
                "lead",
                (first.start, second.end),
                [first.value, second.value],
                message,
                n=sample.n,
                moe=(row.high - row.low) / 2.0,
                low=row.low,
                high=row.high,
                pvalue=row.pvalue,
                significant=row.significant,
                label=f"gap {_pts(gap)} pts, {_ptext(row.pvalue)}",
                details={"estimate": row.estimate, "n_source": sample.source},
            )
            self.leads[index] = (self.findings[-1], sample)

    # ---------------------------------------------------------------- stated amounts
    def amount_findings(self, requests):
        inferred, readings = [], []
        for how, amount, target in requests:
            if how == "check":
                self.check_amount(amount, target)
                continue
            index, later, sample = target
            step = amount.direction * amount.amount / 100.0
            if amount.unit == "points":
                earlier = later.value - step
                if 0.0 <= earlier <= 1.0:
                    inferred.append((amount, later, sample, earlier))
            else:
                points = later.value - step
                relative = later.value / (1.0 + step) if step > -1.0 else math.nan
                readings.append((amount, later, sample, points, relative))
        if inferred:
            r = self._compare([(e, f.value, s) for _, f, s, e in inferred])
            for i, (amount, later, sample, earlier) in enumerate(inferred):
                row = _row(r, i)
                derived = (
                    f"; the earlier {_pct(earlier)} is worked out from "
                    f"\u201c{amount.text.strip()}\u201d"
                )
                message = self._change_words(earlier, later.value, row, sample, derived)
                start, end = min(amount.start, later.start), max(amount.end, later.end)
                self.add(
                    "change",
                    (start, end),
                    [earlier, later.value],
                    message,
                    n=sample.n,
                    moe=(row.high - row.low) / 2.0,
                    low=row.low,
                    high=row.high,
                    pvalue=row.pvalue,
                    significant=row.significant,
                    label=f"{_signed_pts(row.estimate)} pts, {_ptext(row.pvalue)}",
                    details={
                        "earlier_inferred": True,
                        "stated": amount.text,
                        "n_source": sample.source,
                    },
                )
        if readings:
            pairs = []
            for _amount, later, sample, points, relative in readings:
                pairs.append((points, later.value, sample))
                pairs.append((relative, later.value, sample))
            r = self._compare(pairs)
            for i, (amount, later, sample, points, relative) in enumerate(readings):
                self.ambiguous_amount(
                    amount, later, sample, points, relative, _row(r, 2 * i), _row(r, 2 * i + 1)
                )

    def ambiguous_amount(self, amount, later, sample, points, relative, r_points, r_rel):
        said = amount.text.strip()
        unit = f"{amount.amount:g}"

        def verdict(row, earlier):
            if not 0.0 <= earlier <= 1.0 or not math.isfinite(float(row.pvalue)):
                return "is impossible"
            return "is statistically significant" if row.significant else "is within sampling error"

        v_points = verdict(r_points, points)
        v_rel = verdict(r_rel, relative)
        same = v_points == v_rel
        message = (
            f"\u201c{said}\u201d is ambiguous without the earlier figure: read as "
            f"{unit} percentage points (from about {_pct(points)}) the change to "
            f"{later.text.strip()} {v_points} ({_ptext(r_points.pvalue)}); read as a "
            f"relative {unit}% (from about {_pct(relative)}) it {v_rel} "
            f"({_ptext(r_rel.pvalue)})"
            + ("." if same else "; the two readings lead to different verdicts.")
        )
        details = {
            "readings": [
                {
                    "reading": "percentage points",
                    "earlier": points,
                    "later": later.value,
                    "low": r_points.low,
                    "high": r_points.high,
                    "pvalue": r_points.pvalue,
                    "significant": bool(r_points.significant),
                },
                {
                    "reading": "relative",
                    "earlier": relative,
                    "later": later.value,
                    "low": r_rel.low,
                    "high": r_rel.high,
                    "pvalue": r_rel.pvalue,
                    "significant": bool(r_rel.significant),
                },
            ],
            "stated": said,
            "n_source": sample.source,
        }
        self.add(
            "wording",
            (amount.start, amount.end),
            [later.value],
            message,
            n=sample.n,
            label="ambiguous: points or percent?",
            details=details,
        )

    def check_amount(self, amount, target):
        index, earlier, later, sample = target
        change = self.changes.get(index, [None])[-1]
        if change is None:
            return
        d = change.details["estimate"]
        ratio = change.details["ratio"]
        points = 100.0 * abs(d)
        relative = 100.0 * abs(ratio - 1.0)
        fig_round = (earlier.half_unit + later.half_unit) * 100.0
        match_points = abs(amount.amount - points) <= amount.half_unit + fig_round + 1e-9
        match_rel = (
            abs(amount.amount - relative)
            <= amount.half_unit
            + 100.0 * (earlier.half_unit + later.half_unit) / max(earlier.value, 1e-12)
            + 1e-9
        )
        said = amount.text.strip()
        wrong_way = (d < 0 and amount.direction > 0) or (d > 0 and amount.direction < 0)
        facts = (
            f"{_pct(earlier.value)} to {_pct(later.value)} is {points:.1f} percentage "
            f"points, a relative change of {relative:.0f}%"
        )
        if wrong_way:
            message = f"\u201c{said}\u201d points the wrong way: {facts}."
        elif amount.unit == "percent" and match_points and not match_rel:
            message = (
                f"\u201c{said}\u201d describes a change of percentage points, not percent: {facts}."
            )
        elif amount.unit == "points" and match_rel and not match_points:
            message = (
                f"\u201c{said}\u201d describes a relative change, not percentage points: {facts}."
            )
        elif (amount.unit == "percent" and match_rel) or (amount.unit == "points" and match_points):
            return
        else:
            message = f"\u201c{said}\u201d does not match the figures: {facts}."
        self.add(
            "wording",
            (amount.start, amount.end),
            [earlier.value, later.value],
            message,
            n=sample.n,
            low=change.low,
            high=change.high,
            pvalue=change.pvalue,
            significant=change.significant,
            label="check the wording",
            details={"stated": said, "points": points, "relative_percent": relative},
        )

    # ---------------------------------------------------------------- closeness claims
    def closeness_phrases(self):
        for phrase in self.scan.phrases:
            sentence = self.scan.sentences[phrase.sentence]
            words = self.text[sentence.start : sentence.end]
            want = (
                ("lead",)
                if phrase.kind == "tie" or _LEAD_WORDS.search(words)
                else (("change",) if _CHANGE_WORDS.search(words) else ("lead", "change"))
            )
            claim = None
            for index in range(phrase.sentence, max(phrase.sentence - 10, -1), -1):
                if "lead" in want and index in self.leads:
                    claim = ("lead",) + self.leads[index]
                    break
                if "change" in want and self.changes.get(index):
                    claim = ("change", self.changes[index][-1], None)
                    break
                if len(want) == 2 and index <= phrase.sentence - 1:
                    break  # an unspecific claim refers to this or the last sentence
            if claim is None:
                continue
            what, found, sample = claim
            gap = abs(found.values[1] - found.values[0])
            if phrase.kind == "tie":
                if found.values[0] == found.values[1]:
                    continue
                if found.significant:
                    message = (
                        f"\u201c{phrase.text}\u201d does not fit: the {_pts(gap)}-point "
                        f"lead is statistically significant ({_ptext(found.pvalue)})."
                    )
                else:
                    message = (
                        f"The figures are not equal, but the {_pts(gap)}-point gap is "
                        f"within sampling error ({_ptext(found.pvalue)}): "
                        f"\u201cabout even\u201d says it more plainly than "
                        f"\u201c{phrase.text}\u201d."
                    )
                holds = not found.significant
            else:
                single = float(
                    margin_of_error(0.5, found.n, confidence_level=self.level, deff=self.deff)
                )
                noun = "lead" if what == "lead" else "change"
                within = phrase.kind == "within"
                holds = within != bool(found.significant)
                test = "statistically significant" if found.significant else "within sampling error"
                message = (
                    f"The {_pts(gap)}-point {noun} is {test} ({_ptext(found.pvalue)}); "
                    f"its own margin of error is ±{_pts(found.moe)} points, not the "
                    f"±{_pts(single)} quoted for a single figure, so "
                    f"\u201c{phrase.text}\u201d " + ("holds." if holds else "is wrong.")
                )
            self.add(
                "wording",
                (phrase.start, phrase.end),
                list(found.values),
                message,
                n=found.n,
                moe=found.moe,
                low=found.low,
                high=found.high,
                pvalue=found.pvalue,
                significant=found.significant,
                label="claim holds" if holds else "check the claim",
                details={"claim": phrase.kind, "claim_holds": holds, "about": what},
            )


class _Row:
    """One element of a vectorized result, as Python floats."""

    __slots__ = ("_columns", "_i")

    def __init__(self, columns, i):
        self._columns = columns
        self._i = i

    def __getattr__(self, name):
        return self._columns[name][self._i]


def _columns(result):
    """The array fields of a vectorized result as Python lists, converted once."""
    cache = getattr(result, "_annotate_columns", None)
    if cache is None:
        cache = {}
        for name in ("estimate", "low", "high", "pvalue", "significant", "ratio", "statistic"):
            if hasattr(result, name):
                cache[name] = np.atleast_1d(getattr(result, name)).tolist()
        object.__setattr__(result, "_annotate_columns", cache)
    return cache


def _row(result, i):
    return _Row(_columns(result), i)


def annotate(text, *, n=None, confidence_level=0.95, deff=1.0):
    """Find the poll figures and claims in English text and put uncertainty on each.

    Parameters
    ----------
    text : str
        A headline, a paragraph or a whole article (bytes are decoded as UTF-8).
        Any text is accepted: text without poll figures gives no share findings.
    n : float, optional
        Sample size to use when the text states none.  A size stated in the text wins
        (the nearest one before the figure, else the first after it).  Without either, an
        effective size implied by a stated margin of error is used.
    confidence_level : float
        Between 0 and 1, default 0.95.
    deff : float
        Design effect applied to stated (or given) sample sizes.

    Returns
    -------
    Annotation
        ``text``, ``findings`` (tuple of :class:`Finding`, in text order) and the
        renderers ``to_markdown()``, ``to_html()``, ``to_json()``.

    Examples
    --------
    >>> import surveystats as ss
    >>> a = ss.annotate("In a poll of 1,000 Ukrainians, 31.1% named nuclear weapons as the "
    ...                 "best guarantee, compared with 19.4% for NATO membership.")
    >>> [f.kind for f in a.findings]
    ['sample_size', 'share', 'lead', 'share']
    >>> print(a.of_kind("lead")[0].message)  # doctest: +NORMALIZE_WHITESPACE
    31.1% vs 19.4% in the same poll: the 11.7-point lead is statistically significant
    (95% CI for the difference −16.0 to −7.4 points; p < 0.001; n = 1,000).

    The press wrote NATO's fall as "a 10% drop" without the earlier figure; both readings:

    >>> a = ss.annotate("NATO membership was named by 19.4%, a 10% drop from last year.",
    ...                 n=1000)
    >>> print(a.of_kind("wording")[0].message)  # doctest: +NORMALIZE_WHITESPACE
    “a 10% drop” is ambiguous without the earlier figure: read as 10 percentage points
    (from about 29.4%) the change to 19.4% is statistically significant (p < 0.001); read
    as a relative 10% (from about 21.6%) it is within sampling error (p = 0.23); the two
    readings lead to different verdicts.
    """
    level = check_confidence_level(confidence_level)
    n = _check_n(n)
    deff = _check_deff(deff)
    text = _as_text(text)
    findings = _Annotator(text, n, level, deff).run()
    return Annotation(text, findings, level, n, deff)


# --------------------------------------------------------------------------- renderers
_CSS = """<style>
.ss-article{white-space:pre-wrap;font:16px/1.6 Georgia,serif;max-width:46em}
.ss-article mark{background:#fff3bf;border-bottom:2px solid #f59f00;padding:0 .1em}
.ss-article mark.ss-wording{background:#ffe3e3;border-bottom-color:#e03131}
.ss-article mark.ss-sample_size,.ss-article mark.ss-stated_moe{background:#e7f5ff;
border-bottom-color:#1c7ed6}
.ss-label{font:12px/1.2 system-ui,sans-serif;color:#495057;background:#f1f3f5;
border-radius:3px;padding:0 .3em;margin-left:.2em;white-space:nowrap}
.ss-ref{font:11px system-ui,sans-serif}
.ss-notes{font:14px/1.4 system-ui,sans-serif;max-width:46em;color:#212529}
.ss-notes li.ss-wording{color:#c92a2a}
</style>"""


class _Markdown:
    @staticmethod
    def text(s):
        return s

    @staticmethod
    def mark(quote, finding):
        return f"**{quote}**"

    @staticmethod
    def label(finding):
        return f" *({finding.label})*"

    @staticmethod
    def ref(k):
        return f"[^{k}]"

    @staticmethod
    def document(body, notes):
        if not notes:
            return body
        lines = [f"[^{k}]: **{f.kind.replace('_', ' ')}**: {f.message}" for k, f in notes]
        return body.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


class _Html:
    @staticmethod
    def text(s):
        return html.escape(s, quote=False)

    @staticmethod
    def mark(quote, finding):
        return (
            f'<mark class="ss-{finding.kind}" title="{html.escape(finding.message)}">'
            f"{html.escape(quote, quote=False)}</mark>"
        )

    @staticmethod
    def label(finding):
        return f'<span class="ss-label">{html.escape(finding.label, quote=False)}</span>'

    @staticmethod
    def ref(k):
        return f'<sup class="ss-ref"><a href="#ss-note-{k}" id="ss-ref-{k}">{k}</a></sup>'

    @staticmethod
    def document(body, notes):
        items = "".join(
            f'<li id="ss-note-{k}" class="ss-{f.kind}"><strong>{f.kind.replace("_", " ")}'
            f"</strong>: {html.escape(f.message, quote=False)} "
            f'<a href="#ss-ref-{k}">\u21a9</a></li>\n'
            for k, f in notes
        )
        listing = f'<ol class="ss-notes">\n{items}</ol>\n' if notes else ""
        return f'{_CSS}\n<div class="ss-article">{body}</div>\n{listing}'


_MARKDOWN, _HTML = _Markdown, _Html


def _render(annotation, style):
    """Walk the text once: marks around shares (and wording, size and margin spans that do
    not overlap a share), a short label after each share, numbered references after the
    other findings, and the notes at the end."""
    text = annotation.text
    marks, taken = [], []
    priority = {"share": 0, "wording": 1, "stated_moe": 2, "sample_size": 3}
    candidates = [f for f in annotation.findings if f.kind in priority]
    occupied = []  # sorted starts of taken spans, for bisection
    ends = {}
    for f in sorted(candidates, key=lambda f: (priority[f.kind], f.span)):
        start, end = f.span
        i = bisect.bisect_left(occupied, end)
        clash = (i > 0 and ends[occupied[i - 1]] > start) or (
            i < len(occupied) and occupied[i] < end
        )
        if start < end and not clash:
            bisect.insort(occupied, start)
            ends[start] = end
            taken.append((start, end))
            marks.append(f)
    marked = {id(f) for f in marks}
    notes = []
    inserts = {}  # position -> list of strings to put there
    for f in annotation.findings:
        if f.kind == "share" and id(f) in marked:
            inserts.setdefault(f.span[1], []).append((0, style.label(f)))
            continue
        notes.append((len(notes) + 1, f))
        position = f.span[1]
        i = bisect.bisect_left(occupied, position)
        if i > 0 and ends[occupied[i - 1]] > position:
            position = ends[occupied[i - 1]]  # never put a reference inside a marked span
        inserts.setdefault(position, []).append((1, style.ref(len(notes))))
    starts = {f.span[0]: f for f in marks}
    cuts = sorted(set(inserts) | set(starts) | {f.span[1] for f in marks})
    out, pos = [], 0
    for cut in cuts:
        if cut < pos:
            continue
        out.append(style.text(text[pos:cut]))
        pos = cut
        for _, insert in sorted(inserts.get(cut, ()), key=lambda item: item[0]):
            out.append(insert)
        mark = starts.get(cut)
        if mark is not None:
            out.append(style.mark(text[mark.span[0] : mark.span[1]], mark))
            pos = mark.span[1]
            for _, insert in sorted(inserts.get(pos, ()), key=lambda item: item[0]):
                out.append(insert)
            inserts.pop(pos, None)
    out.append(style.text(text[pos:]))
    return style.document("".join(out), notes)
