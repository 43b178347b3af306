"""Stage 6, wording: one :class:`~surveystats.newsroom.annotator.Finding` per claim, with a
plain sentence for a reader.  Numbers are worded by :mod:`surveystats._display` only, so the
same change reads the same here, at the shell and on a chart.  No statistics here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

from .._display import count_text, level_text, pct, points, pvalue_text
from .finding import KINDS, Finding
from .records import Answer, Claim, Document

__all__ = ["word"]


def _pts(d: float | None, digits: int = 1) -> str:
    return points(d, digits, signed=False).replace("\u2212", "")


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _sample_words(claim: Claim, per_wave: bool = False) -> str:
    if claim.n_source == "subgroup assumed":
        return (
            f"the subgroup's size is not given: tested at {count_text(claim.n)}, half the poll; "
            "a smaller group would widen the interval"
        )
    if claim.n_source == "assumed":
        return f"the text gives no sample size: tested at a typical {count_text(claim.n)}" + (
            " a wave" if per_wave else ""
        )
    if claim.n_source == "stated margin":
        return f"an effective sample of about {count_text(claim.n)} implied by the stated margin of error"
    if claim.n_source.startswith("half the poll"):
        return f"sizes not given: {count_text(claim.n)} each assumed"
    words = f"n = {count_text(claim.n)}" + (" per wave" if per_wave else "")
    if claim.deff != 1.0:
        words += f", design effect {claim.deff:.2g}"
    return words


def _verdict(test: Answer) -> str:
    if test.significant is None:
        return "could not be tested"
    return "statistically significant" if test.significant else "within sampling error"


def _finding(
    doc: Document,
    claim: Claim,
    test: Answer,
    message: str,
    label: str = "",
    details: dict[str, Any] | None = None,
    values: Sequence[float] | None = None,
    n: float | Literal["claim"] | None = "claim",
    **fields: Any,
) -> Finding:
    """The Finding of ``claim``: ``n="claim"`` takes the claim's size (None where it was
    assumed), any other ``n`` is used as given; ``fields`` override the test's numbers."""
    start, end = claim.span
    out = dict(claim.details)
    for key in ("half_units", "full_deff", "shift", "lead", "moe", "half_unit", "modelled"):
        out.pop(key, None)
    out.update(details or {})
    out["n_source"] = claim.n_source
    if claim.n_source in ("assumed", "subgroup assumed"):
        out["assumed_n"] = claim.n
    if test.problem:
        out["problem"] = test.problem
    for key in ("holm_pvalue",):
        if key in test.extra:
            out[key] = test.extra[key]
    return Finding(
        claim.kind,
        (int(start), int(end)),
        tuple(float(v) for v in (claim.values if values is None else values)),
        (None if claim.n_source in ("assumed", "subgroup assumed") else _num(claim.n))
        if isinstance(n, str)
        else n,
        _num(fields.get("moe", test.moe)),
        _num(fields.get("low", test.low)),
        _num(fields.get("high", test.high)),
        _num(fields.get("pvalue", test.pvalue)),
        fields.get("significant", test.significant),
        message,
        doc.text[start:end],
        label,
        out,
    )


def _share(doc: Document, claim: Claim, test: Answer) -> Finding:
    fig = claim.figures[0]
    level = level_text(doc.options.confidence_level)
    figure = fig.text.strip()
    read = "" if fig.form in ("percent", "words") else f" (read as {pct(fig.value)})"
    group = claim.details.get("subgroup")
    if group is not None and claim.n is None:
        full = test.extra.get("full_sample_moe")
        wider = ""
        details = {}
        if full is not None and claim.details.get("full_n"):
            wider = (
                f"; its margin of error is larger than the ±{_pts(full)} points this figure would "
                f"have in the full sample of {count_text(claim.details['full_n'])}"
            )
            details["full_sample_moe"] = full
        message = (
            f"{figure}{read} among {group}: the subgroup's size is not given, so its margin of "
            f"error is unknown{wider}."
        )
        return _finding(doc, claim, test, message, "subgroup, n unknown", details)
    if claim.n is None:
        message = (
            f"{figure}{read}: no sample size is given, so no margin of error can be attached "
            "(pass n= if you know it)."
        )
        return _finding(doc, claim, test, message, "n unknown")
    if test.low is None:
        message = f"{figure}{read}: no interval could be computed ({test.problem})."
        return _finding(doc, claim, test, message, "not computed")
    who = f" among {group}" if group else ""
    message = (
        f"{figure}{read}{who}: {level} confidence interval {pct(test.low)} to {pct(test.high)}, "
        f"a margin of error of ±{_pts(test.moe)} percentage points ({_sample_words(claim)})."
    )
    if fig.approximate and read:
        message = message[:-1] + "; the wording is approximate, so the figure is too."
    label = f"±{_pts(test.moe)} pts, {pct(test.low)}–{pct(test.high)}"
    return _finding(doc, claim, test, message, label)


def _sample_size(doc: Document, claim: Claim, test: Answer) -> Finding:
    level = level_text(doc.options.confidence_level)
    design = f" and a design effect of {claim.deff:g}" if claim.deff != 1.0 else ""
    group = claim.details.get("subgroup")
    if group is not None:
        message = (
            f"The subgroup ({group}) has {count_text(claim.n)} respondents: its figures have a "
            f"margin of error of up to ±{_pts(test.moe)} percentage points ({level} confidence"
            f"{design})."
        )
    else:
        message = (
            f"A sample of {count_text(claim.n)} gives a margin of error of up to "
            f"±{_pts(test.moe)} percentage points for a figure near 50% ({level} confidence"
            f"{design})."
        )
    return _finding(doc, claim, test, message, f"±{_pts(test.moe)} pts at 50%", n=_num(claim.n))


def _stated_moe(doc: Document, claim: Claim, test: Answer) -> Finding:
    level = level_text(doc.options.confidence_level)
    moe, half = claim.details["moe"], claim.details["half_unit"]
    said = f"±{_pts(moe, 2 if half < 0.0005 else 1)}"
    implied = test.extra.get("implied_effective_n")
    srs = test.extra.get("simple_random_sample_moe")
    details = {"implied_effective_n": implied, "stated_n": claim.n}
    if claim.details["modelled"]:
        verdict = "modelled"
        message = (
            f"The stated credibility interval of {said} points is a modelled figure for an "
            "opt-in online panel, not a sampling margin of error: it rests on the pollster's "
            "model, not on random selection"
            + (
                f" (a random sample of {count_text(claim.n)} would give ±{_pts(srs)})."
                if srs
                else "."
            )
        )
    elif claim.n is None or srs is None or implied is None:
        verdict = "implied"
        message = (
            f"The stated margin of {said} points implies an effective sample of about "
            f"{count_text(implied)} respondents ({level} confidence, figure near 50%)."
        )
    else:
        details.update({"simple_random_sample_moe": srs, "implied_deff": claim.n / implied})
        if abs(moe - srs) <= half + 1e-9:
            verdict = "matches"
            message = (
                f"The stated margin of {said} points matches a sample of {count_text(claim.n)} "
                f"(±{_pts(srs)} points at {level} confidence)."
            )
        elif moe > srs:
            verdict = "larger"
            message = (
                f"The stated margin of {said} points is larger than the ±{_pts(srs)} of a simple "
                f"random sample of {count_text(claim.n)}: it implies a design effect of about "
                f"{claim.n / implied:.1f}, and the figures of this poll use the stated margin."
            )
        else:
            verdict = "smaller"
            message = (
                f"The stated margin of {said} points is smaller than a sample of "
                f"{count_text(claim.n)} can give (±{_pts(srs)} points at {level} confidence); "
                "check the figures."
            )
    details["verdict"] = verdict
    label = f"n ≈ {count_text(implied)}" if verdict == "implied" else verdict
    return _finding(doc, claim, test, message, label, details, moe=moe, n=_num(claim.n))


def _change(doc: Document, claim: Claim, test: Answer) -> Finding:
    level = level_text(doc.options.confidence_level)
    earlier, later = claim.values
    d = later - earlier
    if test.pvalue is None:
        message = (
            f"The change from {pct(earlier)} to {pct(later)} could not be tested ({test.problem})."
        )
        return _finding(doc, claim, test, message, "not tested")
    if abs(d) < 1e-12:
        head = f"No change at {pct(later)}"
    else:
        head = f"A {'fall' if d < 0 else 'rise'} from {pct(earlier)} to {pct(later)}, {_pts(d)} percentage points,"
    verdict = (
        "is statistically significant"
        if test.significant
        else "is within sampling error: no clear change"
    )
    derived = ""
    if claim.details.get("earlier_inferred"):
        derived = f" The earlier figure, {pct(earlier)}, is worked out from \u201c{claim.details['stated']}\u201d."
    message = (
        f"{head} {verdict} ({level} CI for the change {points(test.low)} to {points(test.high)} "
        f"points; {pvalue_text(test.pvalue)}; {_sample_words(claim, per_wave=True)}, independent "
        f"samples).{derived}"
    )
    details = {"estimate": test.estimate, "ratio": test.extra.get("ratio")}
    return _finding(
        doc, claim, test, message, "significant" if test.significant else "no clear change", details
    )


def _trend(doc: Document, claim: Claim, test: Answer) -> Finding:
    waves = " → ".join(pct(v) for v in claim.values)
    if test.pvalue is None:
        message = f"The series {waves} could not be tested for a trend ({test.problem})."
        return _finding(doc, claim, test, message, "not tested", {"slope": None})
    years = claim.details.get("years")
    per = "year" if years else "wave"
    slope = test.extra.get("slope")
    message = (
        f"{len(claim.values)} waves, {waves}: the linear trend (Cochran-Armitage) is "
        f"{_verdict(test)} ({pvalue_text(test.pvalue)}; about {points(slope)} points per {per}; "
        f"{_sample_words(claim, per_wave=True)})."
    )
    return _finding(doc, claim, test, message, _verdict(test), {"slope": slope})


def _lead(doc: Document, claim: Claim, test: Answer) -> Finding:
    level = level_text(doc.options.confidence_level)
    leader, trailer = claim.values
    if test.pvalue is None:
        message = (
            f"The lead of {pct(leader)} over {pct(trailer)} could not be tested ({test.problem})."
        )
        return _finding(doc, claim, test, message, "not tested")
    gap = _pts(leader - trailer)
    ci = (
        f"{level} CI for the lead, leader minus trailer, {points(test.low)} to {points(test.high)} "
        f"points; {pvalue_text(test.pvalue)}; {_sample_words(claim)}"
    )
    if claim.details.get("assumed_split"):
        message = (
            f"A {gap}-point lead stated without the two shares is {_verdict(test)} if the two "
            f"stand near 50% ({pct(leader)} against {pct(trailer)}, the split that gives the "
            f"widest interval; {ci})."
        )
    else:
        where = (
            f"among {claim.details['subgroup']}"
            if claim.details.get("subgroup")
            else "in the same poll"
        )
        message = f"{pct(leader)} vs {pct(trailer)} {where}: the {gap}-point lead is {_verdict(test)} ({ci})."
    details = {"estimate": test.estimate, "difference": "leader minus trailer"}
    return _finding(
        doc,
        claim,
        test,
        message,
        "lead significant" if test.significant else "lead within error",
        details,
    )


def _difference(doc: Document, claim: Claim, test: Answer) -> Finding:
    level = level_text(doc.options.confidence_level)
    a, b = claim.values
    ga, gb = claim.details["groups"]
    if test.pvalue is None:
        message = f"The difference between {ga} and {gb} could not be tested ({test.problem})."
        return _finding(doc, claim, test, message, "not tested")
    message = (
        f"{pct(a)} among {ga} against {pct(b)} among {gb}: the {_pts(a - b)}-point difference "
        f"between these independent groups is {_verdict(test)} ({level} CI {points(test.low)} to "
        f"{points(test.high)} points; {pvalue_text(test.pvalue)}). The subgroups' sizes are not "
        f"given, so each is taken as {count_text(claim.n)}; smaller groups would widen the interval."
    )
    return _finding(doc, claim, test, message, _verdict(test), {"estimate": test.estimate}, n=None)


def _wording(doc: Document, claim: Claim, test: Answer, claims: Sequence[Claim]) -> Finding | None:
    kind = claim.details["claim"]
    if kind == "majority":
        share = claim.values[0]
        holds = share > 0.5
        said = claim.details["text"]
        if holds:
            message = f"\u201c{said}\u201d fits: {pct(share)} is more than half."
        else:
            message = (
                f"\u201c{said}\u201d is wrong for {pct(share)}: that is not a majority (at most the "
                "largest answer, a plurality)."
            )
        return _finding(
            doc,
            claim,
            test,
            message,
            "claim holds" if holds else "check the claim",
            {"claim_holds": holds, "verdict": "holds" if holds else "wrong"},
            n=None,
            low=None,
            high=None,
            pvalue=None,
            significant=None,
            moe=None,
        )
    if kind == "readings":
        return _readings(doc, claim, test)
    if kind == "amount":
        return _amount(doc, claim, test, claims)
    target = claims[_about(claim)]
    what = target.kind
    noun = {"lead": "lead", "subgroup_difference": "difference"}.get(what, "change")
    values = target.values
    gap = _pts(abs(values[0] - values[-1]))
    said = claim.details["text"]
    if test.significant is None:
        return None
    p = pvalue_text(test.pvalue)
    if kind == "tie":
        holds = not test.significant
        if test.significant:
            message = f"\u201c{said}\u201d does not fit: the {gap}-point {noun} is statistically significant ({p})."
        elif values[0] == values[-1]:
            message = f"\u201c{said}\u201d fits: the figures are equal ({p})."
        else:
            message = (
                f"The figures are not equal, but the {gap}-point gap is within sampling error ({p}): "
                f"\u201cabout even\u201d says it more plainly than \u201c{said}\u201d."
            )
    elif kind == "overlap":
        holds = not test.significant
        message = (
            f"Whether two intervals overlap is not the test of a {noun}: the test of the {gap}-point "
            f"{noun} itself finds it {_verdict(test)} ({p}), so \u201c{said}\u201d "
            + ("leads to the right verdict here." if holds else "leads to the wrong verdict.")
        )
    else:
        within = kind == "within"
        holds = within != bool(test.significant)
        single = test.extra.get("single_moe")
        own = f"its own margin of error is ±{_pts(test.moe)} points" if test.moe is not None else ""
        if single is not None and own:
            own += f", not the ±{_pts(single)} quoted for a single figure"
        message = (
            f"The {gap}-point {noun} is {_verdict(test)} ({p}); "
            + (own + ", so " if own else "")
            + f"\u201c{said}\u201d "
            + ("holds." if holds else "is wrong.")
        )
    details = {"claim_holds": holds, "about": what, "verdict": "holds" if holds else "wrong"}
    return _finding(
        doc, claim, test, message, "claim holds" if holds else "check the claim", details
    )


def _about(claim: Claim) -> int:
    """The index of the claim a claim in words is about (the claims stage always sets one)."""
    if claim.about is None:
        raise ValueError(f"the claim in words at {claim.span} names no claim it is about")
    return claim.about


def _lead_amount(
    doc: Document, claim: Claim, test: Answer, claims: Sequence[Claim]
) -> Finding | None:
    """A lead stated in points ("leads by 9 points") against the two figures it describes;
    a finding only when the two disagree beyond the rounding of all three as written."""
    stated = claim.details["lead"]
    target = claims[_about(claim)]
    leader, trailer = target.values
    gap = 100 * (leader - trailer)
    rounding = 100 * sum(f.half_unit for f in target.figures)
    if abs(100 * stated.points - gap) <= stated.half_unit + rounding + 1e-9:
        return None
    said = stated.text.strip()
    message = (
        f"\u201c{said}\u201d does not match the figures: {pct(leader)} against {pct(trailer)} "
        f"is a lead of {gap:.1f} percentage points."
    )
    details = {
        "stated": said,
        "points": gap,
        "claim": "amount",
        "about": "lead",
        "verdict": "wrong",
        "claim_holds": False,
    }
    return _finding(
        doc,
        claim,
        test,
        message,
        "check the wording",
        details,
        values=(leader, trailer),
        n=_num(target.n) if target.n_source != "assumed" else None,
        moe=None,
    )


def _amount(doc: Document, claim: Claim, test: Answer, claims: Sequence[Claim]) -> Finding | None:
    if "lead" in claim.details:
        return _lead_amount(doc, claim, test, claims)
    shift = claim.details["shift"]
    target = claims[_about(claim)]
    earlier, later = target.values
    d = later - earlier
    pts = 100 * abs(d)
    relative = 100 * abs(later / earlier - 1) if earlier > 0 else math.inf
    half_e, half_l = target.details.get("half_units", (0.0005, 0.0005))
    fig_round = (half_e + half_l) * 100
    stated = abs(shift.amount)
    match_points = abs(stated - pts) <= shift.half_unit + fig_round + 1e-9
    match_rel = (
        abs(stated - relative)
        <= shift.half_unit + 100 * (half_e + half_l) / max(earlier, 1e-12) + 1e-9
    )
    said = shift.text.strip()
    wrong_way = (d < 0 < shift.amount) or (shift.amount < 0 < d)
    facts = f"{pct(earlier)} to {pct(later)} is {pts:.1f} percentage points, a relative change of {relative:.0f}%"
    if wrong_way:
        message = f"\u201c{said}\u201d points the wrong way: {facts}."
    elif shift.unit == "percent" and match_points and not match_rel:
        message = (
            f"\u201c{said}\u201d describes a change of percentage points, not percent: {facts}."
        )
    elif shift.unit == "points" and match_rel and not match_points:
        message = f"\u201c{said}\u201d describes a relative change, not percentage points: {facts}."
    elif (shift.unit == "percent" and match_rel) or (shift.unit == "points" and match_points):
        return None
    else:
        message = f"\u201c{said}\u201d does not match the figures: {facts}."
    details = {
        "stated": said,
        "points": pts,
        "relative_percent": relative,
        "claim": "amount",
        "verdict": "wrong",
        "claim_holds": False,
    }
    return _finding(
        doc,
        claim,
        test,
        message,
        "check the wording",
        details,
        values=(earlier, later),
        n=_num(target.n) if target.n_source != "assumed" else None,
        moe=None,
    )


def _readings(doc: Document, claim: Claim, test: Answer) -> Finding:
    shift = claim.details["shift"]
    (e_points, t_points), (e_rel, t_rel) = test.extra["readings"]
    later = claim.values[0]
    said = shift.text.strip()
    unit = f"{abs(shift.amount):g}"

    def verdict(t: Answer) -> str:
        return "is statistically significant" if t.significant else "is within sampling error"

    same = t_points.significant == t_rel.significant
    message = (
        f"\u201c{said}\u201d is ambiguous without the earlier figure: read as {unit} percentage "
        f"points (from about {pct(e_points)}) the change to {pct(later)} {verdict(t_points)} "
        f"({pvalue_text(t_points.pvalue)}); read as a relative {unit}% (from about {pct(e_rel)}) it "
        f"{verdict(t_rel)} ({pvalue_text(t_rel.pvalue)})"
        + ("." if same else "; the two readings lead to different verdicts.")
    )

    def reading(name: str, e: float, t: Answer) -> dict[str, Any]:
        return {
            "reading": name,
            "earlier": e,
            "later": later,
            "low": t.low,
            "high": t.high,
            "pvalue": t.pvalue,
            "significant": t.significant,
        }

    details = {
        "readings": [
            reading("percentage points", e_points, t_points),
            reading("relative", e_rel, t_rel),
        ],
        "stated": said,
        "claim": "readings",
        "verdict": "ambiguous" if not same else ("holds" if t_points.significant else "wrong"),
    }
    return _finding(
        doc,
        claim,
        test,
        message,
        "ambiguous: points or percent?",
        details,
        moe=None,
        low=None,
        high=None,
        pvalue=None,
        significant=None,
    )


_WORDERS: dict[str, Callable[[Document, Claim, Answer], Finding]] = {
    "share": _share,
    "sample_size": _sample_size,
    "stated_moe": _stated_moe,
    "change": _change,
    "trend": _trend,
    "lead": _lead,
    "subgroup_difference": _difference,
}


def word(doc: Document) -> Document:
    """Fill ``doc.findings``, one per claim that has something to say, in text order."""
    findings: list[Finding] = []
    for claim, test in zip(doc.claims, doc.tests, strict=True):
        found: Finding | None

        try:
            if claim.kind == "wording":
                found = _wording(doc, claim, test, doc.claims)
            else:
                found = _WORDERS[claim.kind](doc, claim, test)
        except Exception as error:  # noqa: BLE001 - one bad finding never sinks the document
            found = _finding(
                doc,
                claim,
                test,
                f"This {claim.kind.replace('_', ' ')} could not be "
                f"worded ({type(error).__name__}: {error}).",
                "not worded",
                values=(),
            )
        if found is not None:
            findings.append(found)
    order = {k: i for i, k in enumerate(KINDS)}
    findings.sort(key=lambda f: (f.span[0], order.get(f.kind, 99), f.span[1]))
    return dataclasses.replace(doc, findings=tuple(findings))
