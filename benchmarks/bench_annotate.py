"""Speed of the newsroom annotator (issue 6): a 10,000-word article in under half a second.

The article is examples/article.txt repeated (each copy's figures are real findings: shares,
a lead, a stated margin, changes, a trend and three wording checks) until it has 10,000
words.  Measured side by side in one run, best of several repeats:

* ``annotate(text)``: recognition plus every core call, and the three renderers;
* the recognizers alone (``surveystats.newsroom._text.scan``);
* a floor: one bare ``re.finditer`` pass for "number%" over the same text, the least any
  reader of prose pays;
* a statsmodels peer for the statistics part: the same shares, changes and leads computed
  one figure at a time with ``proportion_confint``, ``test_proportions_2indep`` and
  ``confint_proportions_2indep`` (statsmodels has no text reader; this is what a script
  calling it per figure would spend on the numbers alone).

Writes ``benchmarks/results/annotate.md``.  Run: ``.venv/bin/python benchmarks/bench_annotate.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from _timing import best

from surveystats import _text
from surveystats.newsroom.annotator import annotate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "annotate.md"
WORDS = 10_000


def article(words=WORDS):
    base = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
    copies = words // len(base.split()) + 1
    text = "\n\n".join([base] * copies)
    return " ".join(text.split(" ")[:words]) if len(text.split()) > words else text


def statsmodels_peer(annotation):
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        proportion_confint,
        test_proportions_2indep,
    )

    def run():
        for f in annotation.findings:
            if f.kind == "share" and f.n:
                proportion_confint(round(f.values[0] * f.n), f.n, method="wilson")
            elif f.kind in ("change", "lead") and f.n:
                x1, x2 = round(f.values[0] * f.n), round(f.values[1] * f.n)
                test_proportions_2indep(x2, f.n, x1, f.n, method="score")
                confint_proportions_2indep(x2, f.n, x1, f.n, method="newcomb")

    return run


def main():
    text = article()
    n_words = len(text.split())
    annotation = annotate(text)
    counts = {}
    for f in annotation.findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    floor_re = re.compile(r"\d{1,3}(?:\.\d+)?\s?%")
    t_floor, _ = best(lambda: sum(1 for _ in floor_re.finditer(text)), repeat=5)
    t_scan, _ = best(lambda: _text.scan(text), repeat=5)
    t_annotate, _ = best(lambda: annotate(text), repeat=5)
    t_render, _ = best(
        lambda: (annotation.to_markdown(), annotation.to_html(), annotation.to_json()), repeat=5
    )
    t_peer, _ = best(statsmodels_peer(annotation), repeat=3)
    rows = [
        ("annotate(text), recognition + statistics", t_annotate),
        ("recognizers only (_text.scan)", t_scan),
        ("markdown + html + json renderers", t_render),
        ("floor: one bare regex pass for 'number%'", t_floor),
        ("statsmodels, statistics only, one call per figure", t_peer),
    ]
    lines = [
        "# annotate: 10,000-word article",
        "",
        f"Text: examples/article.txt repeated, {n_words:,} words, {len(text):,} characters; "
        f"{len(annotation.findings)} findings ("
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + ").",
        "",
        "| step | time (ms) | vs annotate |",
        "| --- | ---: | ---: |",
    ]
    for name, t in rows:
        lines.append(f"| {name} | {1000 * t:.1f} | {t / t_annotate:.2f}x |")
    lines += [
        "",
        f"Target: under 500 ms for 10,000 words; measured {1000 * t_annotate:.0f} ms.",
        "Best of 5 runs (statsmodels: best of 3).",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
