"""The main job on the bundled example poll (``surveystats demo``).

The example is a real poll: Info Sapiens for the New Europe Center, Kyiv, fieldwork
5-26 November 2025, 1,000 adults per wave (``surveystats/data/ukraine_security_2025.csv``).
This module only reads the file, calls the library and words the answers; no statistics.

>>> from surveystats.cli.demo import demo_results
>>> results = demo_results()
>>> [round(r["moe"], 4) for r in results["figures"]][:2]
[0.0287, 0.0245]
"""

from __future__ import annotations

import csv
from importlib import resources

__all__ = ["load_example", "demo_results", "run_demo"]

_SOURCE = (
    "Info Sapiens for the New Europe Center (Kyiv), fieldwork 5-26 November 2025, "
    "about 1,000 adults in each yearly wave"
)


def load_example():
    """Rows of the bundled example poll as dicts (question, answer, wave, p, n)."""
    text = (
        resources.files("surveystats")
        .joinpath("data/ukraine_security_2025.csv")
        .read_text(encoding="utf-8")
    )
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        row["wave"] = int(row["wave"])
        row["p"] = float(row["p"])
        row["n"] = float(row["n"])
    return rows


def demo_results(confidence_level=0.95):
    """Every figure's interval, the lead within the poll, the changes, the trend, adjusted."""
    import numpy as np

    from .. import adjust_pvalues, compare_proportions, compare_shares, proportion_ci, trend_test

    rows = load_example()
    figures = []
    for row in rows:
        r = proportion_ci(row["p"], row["n"], confidence_level=confidence_level)
        figures.append(
            dict(question=row["question"], answer=row["answer"], wave=row["wave"], **r.to_dict())
        )

    guarantee = [r for r in rows if r["question"] == "security_guarantee"]
    first, second = sorted(guarantee, key=lambda r: -r["p"])
    lead = compare_shares(first["p"], second["p"], first["n"], confidence_level=confidence_level)
    lead_record = dict(answer_a=first["answer"], answer_b=second["answer"], **lead.to_dict())

    series = sorted(
        (r for r in rows if r["question"] == "nato_concession_unacceptable"),
        key=lambda r: r["wave"],
    )
    pairs = list(zip(series[:-1], series[1:], strict=False)) + [(series[0], series[-1])]
    p1 = np.array([a["p"] for a, _ in pairs])
    n1 = np.array([a["n"] for a, _ in pairs])
    p2 = np.array([b["p"] for _, b in pairs])
    n2 = np.array([b["n"] for _, b in pairs])
    change = compare_proportions(p1, n1, p2, n2, confidence_level=confidence_level)
    trend = trend_test(
        np.array([r["p"] for r in series]),
        np.array([r["n"] for r in series]),
        confidence_level=confidence_level,
    )

    # The family: the lead, the three changes and the trend, adjusted together (Holm).
    family = np.concatenate([[lead.pvalue], change.pvalue, [trend.pvalue]])
    adjusted = adjust_pvalues(family, method="holm")
    alpha = 1 - confidence_level
    changes = []
    for i, (a, b) in enumerate(pairs):
        record = {
            k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in change.to_dict().items()
        }
        record.update(
            wave_from=a["wave"],
            wave_to=b["wave"],
            pvalue_adjusted=float(adjusted[1 + i]),
            significant_adjusted=bool(adjusted[1 + i] < alpha),
        )
        changes.append(record)
    lead_record.update(
        pvalue_adjusted=float(adjusted[0]), significant_adjusted=bool(adjusted[0] < alpha)
    )
    trend_record = dict(
        waves=[r["wave"] for r in series],
        p=[r["p"] for r in series],
        **trend.to_dict(),
        pvalue_adjusted=float(adjusted[-1]),
        significant_adjusted=bool(adjusted[-1] < alpha),
    )
    return dict(
        source=_SOURCE,
        confidence_level=confidence_level,
        figures=figures,
        lead=lead_record,
        changes=changes,
        trend=trend_record,
        adjustment="holm over the lead, the three changes and the trend",
    )


def run_demo(as_json=False, confidence_level=0.95):
    """The demo report as text (or JSON)."""
    from ._format import count_text, level_text, pct, plain, points, pvalue_text

    res = demo_results(confidence_level)
    if as_json:
        import json

        def clean(obj):
            if isinstance(obj, dict):
                return {k: clean(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [clean(v) for v in obj]
            return plain(obj)

        return json.dumps(clean(res), indent=2, allow_nan=False)

    level = level_text(confidence_level)
    out = [
        "Example poll: " + res["source"],
        "",
        f"Each figure with its {level} interval (Wilson) and margin of error:",
    ]
    for f in res["figures"]:
        label = f"{f['question'].replace('_', ' ')} / {f['answer']} ({f['wave']})"
        out.append(
            f"  {label:<62} {pct(f['estimate']):>6} \u00b1{points(f['moe'], signed=False)}"
            f" pts  [{pct(f['low'])}, {pct(f['high'])}]  n = {count_text(f['n'])}"
        )

    lead = res["lead"]
    gap, low, high = -lead["estimate"], -lead["high"], -lead["low"]
    verdict = "a real lead" if lead["significant"] else "about even"
    out += [
        "",
        "Lead within the poll (same single-choice question, same sample):",
        f"  {lead['answer_a']} {pct(lead['p_a'])} vs {lead['answer_b']} {pct(lead['p_b'])}: "
        f"{verdict}, gap {points(gap)} points, CI {points(low)} to {points(high)}, "
        f"{pvalue_text(lead['pvalue'])} (adjusted {pvalue_text(lead['pvalue_adjusted'])[2:]})",
    ]

    out += [
        "",
        "'Giving up NATO aspirations is completely unacceptable', wave to wave "
        "(independent samples):",
    ]
    for c in res["changes"]:
        verdict = "a real change" if c["significant_adjusted"] else "no clear change"
        out.append(
            f"  {c['wave_from']} \u2192 {c['wave_to']}: {pct(c['p1'])} \u2192 "
            f"{pct(c['p2'])}: {verdict}, {points(c['estimate'])} points, CI "
            f"{points(c['low'])} to {points(c['high'])}, {pvalue_text(c['pvalue'])} "
            f"(adjusted {pvalue_text(c['pvalue_adjusted'])[2:]})"
        )
    t = res["trend"]
    verdict = "a real trend" if t["significant_adjusted"] else "no clear trend"
    arrow = " \u2192 "
    out.append(
        f"  trend {arrow.join(pct(p) for p in t['p'])}: {verdict}, "
        f"{points(t['slope'])} points a year, {pvalue_text(t['pvalue'])} "
        f"(adjusted {pvalue_text(t['pvalue_adjusted'])[2:]}; Cochran-Armitage)"
    )
    out += [
        "",
        f"Adjusted p-values: {res['adjustment']}; verdicts use the adjusted values "
        f"at the {level} level.",
    ]
    return "\n".join(out)
