"""Speed of the newsroom annotator (issue 11): a 10,000-word article in under half a second,
with the time of each pipeline stage, and the text tools it was chosen against.

The article is examples/article.txt repeated until it has 10,000 words (each copy's figures
are real findings: shares, a lead, a stated margin, changes, a trend, wording checks).
Measured in one run, best of several repeats:

* ``annotate(text)`` and each stage of ``PIPELINE`` alone (segment, recognise, link, claims,
  statistics, wording), and the three renderers;
* a floor: one bare ``re.finditer`` pass for "number%" over the same text;
* a statsmodels peer for the statistics part (one call per figure, as a script would);
* the text tools considered (issue 11 asks the choice be measured):
  sentence splitting by our rules against pysbd and syntok (agreement with our sentences on
  the corpus, corpus score when the annotator runs on their sentences, and speed); number
  words by ``numwords.value`` against number-parser (accuracy on phrases from the corpus and
  speed); spaCy's blank English tokenizer (speed only: it tokenizes, it does not read
  figures, so it would add this time before any rule ran).  A tool that is not installed is
  reported as such.

Writes ``benchmarks/results/annotate.md``.  Run: ``.venv/bin/python benchmarks/bench_annotate.py``.
"""

from __future__ import annotations

import dataclasses
import platform
import re
from pathlib import Path

import score_annotator
from _timing import best

from surveystats.newsroom import PIPELINE, annotate, numwords
from surveystats.newsroom.annotator import run
from surveystats.newsroom.records import Document, Options, Sentence

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "annotate.md"
WORDS = 10_000

NUMBER_PHRASES = [  # (text, value): number words as the corpus and coverage write them
    ("Thirty-one", 31),
    ("Twenty", 20),
    ("twelve", 12),
    ("one thousand and one", 1001),
    ("one thousand", 1000),
    ("three point one", 3.1),
    ("two", 2),
    ("nine", 9),
    ("seven", 7),
    ("four", 4),
    ("thirteen", 13),
    ("seventy-two", 72),
    ("nine hundred", 900),
    ("two thousand five hundred and three", 2503),
    ("forty-eight", 48),
    ("one", 1),
    ("eleven", 11),
    ("six", 6),
    ("two point five", 2.5),
    ("a hundred", 100),
]


# Recorded, not computed: the second held-out set was scored once, blind, right after it was
# written and before any change was made in its light.  Two general fixes followed ("above the
# X%" is not an earlier wave; "far above" is a lead cue); the table above is after them.
BLIND_FIRST = (
    "First, blind score of the second held-out set (18 snippets, before any change made in its "
    "light): share recall 0.94 / precision 0.94, change 1.00 / 0.89, lead 0.75 / 1.00, "
    "sample_size, stated_moe and wording 1.00 / 1.00; all kinds 0.94 / 0.94.  The first "
    "held-out set was written before the pipeline, but the recogniser's output on it was "
    "printed once while debugging, so it is not fully blind; the second one is the honest "
    "estimate.  Its b04 expectation was later corrected from the pollster's release (the three "
    "figures are of the Democratic subsample, not of the whole poll), so its table above now "
    "reads 1.00."
)

BLIND_THIRD = """\
### Third held-out set (blind), first score

Written from the facts file of the Info Sapiens / New Europe Center poll (19 snippets, 79
expected findings, 3 new no-poll controls) in the styles of wire copy, local papers, pollster
releases, live blogs and tables pasted into copy; committed before the annotator was run on
it, then scored once with the annotator as landed at 40429a1:

| kind | expected | found | matched | recall | precision |
| --- | ---: | ---: | ---: | ---: | ---: |
| share | 35 | 33 | 30 | 0.86 | 0.91 |
| sample_size | 13 | 12 | 12 | 0.92 | 1.00 |
| stated_moe | 4 | 4 | 3 | 0.75 | 0.75 |
| change | 11 | 6 | 4 | 0.36 | 0.67 |
| trend | 3 | 1 | 1 | 0.33 | 1.00 |
| lead | 6 | 5 | 4 | 0.67 | 0.80 |
| subgroup_difference | 0 | 0 | 0 | – | – |
| wording | 7 | 5 | 5 | 0.71 | 1.00 |
| **all** | 79 | 66 | 59 | 0.75 | 0.89 |

Blind, 1 of the 22 controls (e20, electricity imports, with `n=1000` only) gave poll findings.
The causes, each fixed as a general rule (not per snippet): text with no poll word but "four in
ten Ukrainians now rule out" read as no poll; a bracket closing a glossed figure hid its wave
words; "fell to X in November from Y" read X as earlier; undated earlier waves ordered before
dated ones; "2023: 56.9%" list labels not read as years; a stated fall attached to the earlier
figure of an explicit change; a change stated 54 characters after the sentence's only figure;
"95% confidence level" and the ends of "between 28% and 34%" taken as shares; "1,000-person
survey" not a size; a lead stated in points never checked against its figures; a runner-up in
the next sentence not set against the leader; "Most ... :" claims longer than six words;
imports not a non-poll word.  The score after the fixes is the table above; it is no longer a
blind estimate.
"""


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

    def go():
        for f in annotation.findings:
            if f.kind == "share" and f.n:
                proportion_confint(round(f.values[0] * f.n), f.n, method="wilson")
            elif f.kind in ("change", "lead") and f.n:
                x1, x2 = round(f.values[0] * f.n), round(f.values[1] * f.n)
                test_proportions_2indep(x2, f.n, x1, f.n, method="score")
                confint_proportions_2indep(x2, f.n, x1, f.n, method="newcomb")

    return go


def stage_times(text, repeat=5):
    """Best time of each stage, each run on the output of the stages before it."""
    doc = Document(text, Options())
    rows = []
    for name, stage in PIPELINE:
        seconds, out = best(lambda d=doc, s=stage: s(d), repeat=repeat)
        rows.append((name, seconds))
        doc = out
    return rows


def _splitter_stage(split):
    """A segment stage from a splitter that returns sentence strings in order."""

    def segment(doc):
        text, sentences, pos, paragraph = doc.text, [], 0, 0
        for block in re.split(r"(\n[ \t]*\n\s*)", text):
            if not block.strip() or re.fullmatch(r"\n[ \t]*\n\s*", block):
                pos += len(block)
                if block.strip() == "" and "\n" in block:
                    paragraph += 1
                continue
            for piece in split(block):
                piece = piece.strip()
                start = text.find(piece, pos) if piece else -1
                if start < 0:
                    continue
                sentences.append(Sentence(len(sentences), start, start + len(piece), paragraph))
                pos = start + len(piece)
        return dataclasses.replace(
            doc, sentences=tuple(sentences) or (Sentence(0, 0, len(text), 0),)
        )

    return segment


def splitters():
    out = [("own rules (segment.py)", None)]
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        out.append(("pysbd 0.3", seg.segment))
    except ImportError:
        out.append(("pysbd (not installed)", False))
    try:
        from syntok import segmenter

        def syntok_split(block):
            return [
                "".join(t.spacing + t.value for t in s).strip()
                for p in segmenter.analyze(block)
                for s in p
            ]

        out.append(("syntok", syntok_split))
    except ImportError:
        out.append(("syntok (not installed)", False))
    return out


def corpus_score(annotate_fn):
    snippets = (
        score_annotator.load("dev")
        + score_annotator.load("heldout")
        + score_annotator.load("heldout2")
        + score_annotator.load("heldout3")
    )
    table, _, _ = score_annotator.score(snippets, annotate_fn)
    e = sum(v[0] for v in table.values())
    f = sum(v[1] for v in table.values())
    m = sum(v[2] for v in table.values())
    return m / e, m / max(f, 1)


def splitter_rows(text):
    rows = []
    own = run(text, Options(), PIPELINE[:1]).sentences
    own_set = {(s.start, s.end) for s in own}
    for name, split in splitters():
        if split is False:
            rows.append((name, None, None, None, None))
            continue
        stages = (
            PIPELINE if split is None else (("segment", _splitter_stage(split)),) + PIPELINE[1:]
        )

        def annotate_with(t, n=None, stages=stages):
            doc = run(t, Options(n=None if n is None else float(n)), stages)
            return dataclasses.replace(doc)  # has .findings

        seconds, doc = best(lambda st=stages: run(text, Options(), st[:1]), repeat=3)
        found = {(s.start, s.end) for s in doc.sentences}
        agree = len(found & own_set) / max(len(own_set | found), 1)
        recall, precision = corpus_score(annotate_with)
        rows.append((name, seconds, agree, recall, precision))
    return rows


def number_rows():
    rows = []
    ours = sum(numwords.value(t) == v for t, v in NUMBER_PHRASES)
    t_ours, _ = best(lambda: [numwords.value(t) for t, _ in NUMBER_PHRASES], repeat=20)
    rows.append(("numwords.value (own)", ours, t_ours))
    try:
        from number_parser import parse_number

        theirs = sum(_same(parse_number(t), v) for t, v in NUMBER_PHRASES)
        t_theirs, _ = best(lambda: [parse_number(t) for t, _ in NUMBER_PHRASES], repeat=5)
        rows.append(("number-parser 0.3 parse_number", theirs, t_theirs))
    except ImportError:
        rows.append(("number-parser (not installed)", None, None))
    return rows


def _same(got, want):
    try:
        return got is not None and abs(float(got) - want) < 1e-9
    except (TypeError, ValueError):
        return False


def spacy_row(text):
    try:
        import spacy
    except ImportError:
        return None
    nlp = spacy.blank("en")
    seconds, doc = best(lambda: nlp.make_doc(text), repeat=3)
    return seconds, len(doc), spacy.__version__


def main():
    text = article()
    n_words = len(text.split())
    annotation = annotate(text)
    counts = {}
    for f in annotation.findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    floor_re = re.compile(r"\d{1,3}(?:\.\d+)?\s?%")
    t_floor, _ = best(lambda: sum(1 for _ in floor_re.finditer(text)), repeat=5)
    t_annotate, _ = best(lambda: annotate(text), repeat=5)
    stages = stage_times(text)
    t_render, _ = best(
        lambda: (annotation.to_markdown(), annotation.to_html(), annotation.to_json()), repeat=5
    )
    t_peer, _ = best(statsmodels_peer(annotation), repeat=3)
    t_table, _ = best(lambda: annotate("1%" * 5000), repeat=3)
    t_table2, _ = best(lambda: annotate("1%" * 10000), repeat=3)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    lines = [
        "# annotate: 10,000-word article, time per stage, text tools",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; 2 cores shared with "
        "up to 8 engineers' jobs, so times are best of several runs.",
        "",
        f"Text: examples/article.txt repeated, {n_words:,} words, {len(text):,} characters; "
        f"{len(annotation.findings)} findings ({kinds}).",
        "",
        "| step | time (ms) | vs annotate |",
        "| --- | ---: | ---: |",
        f"| annotate(text), all stages | {1e3 * t_annotate:.1f} | 1.00x |",
    ]
    for name, seconds in stages:
        lines.append(f"| stage `{name}` | {1e3 * seconds:.1f} | {seconds / t_annotate:.2f}x |")
    lines += [
        f"| markdown + html + json renderers | {1e3 * t_render:.1f} | {t_render / t_annotate:.2f}x |",
        f"| floor: one bare regex pass for 'number%' | {1e3 * t_floor:.1f} | {t_floor / t_annotate:.2f}x |",
        f"| statsmodels, statistics only, one call per figure | {1e3 * t_peer:.1f} | {t_peer / t_annotate:.2f}x |",
        "",
        f"Target: under 500 ms for 10,000 words; measured {1e3 * t_annotate:.0f} ms.",
        "",
        f"A pasted table (issue 15 item 1): `'1%' * 5000` annotates in {1e3 * t_table:.0f} ms, "
        f"`'1%' * 10000` in {1e3 * t_table2:.0f} ms (ratio {t_table2 / t_table:.2f}; linear is 2).",
        "",
        "## Sentence splitters (corpus: dev + the three held-out sets)",
        "",
        "| splitter | time on the article (ms) | sentences agreeing with ours | corpus recall | corpus precision |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, seconds, agree, recall, precision in splitter_rows(text):
        if seconds is None:
            lines.append(f"| {name} | – | – | – | – |")
        else:
            lines.append(
                f"| {name} | {1e3 * seconds:.1f} | {agree:.3f} | {recall:.3f} | {precision:.3f} |"
            )
    lines += [
        "",
        f"## Number words ({len(NUMBER_PHRASES)} phrases as the corpus writes them)",
        "",
        "| parser | correct | time for all phrases (ms) |",
        "| --- | ---: | ---: |",
    ]
    for name, correct, seconds in number_rows():
        if correct is None:
            lines.append(f"| {name} | – | – |")
        else:
            lines.append(f"| {name} | {correct}/{len(NUMBER_PHRASES)} | {1e3 * seconds:.2f} |")
    spacy = spacy_row(text)
    lines += ["", "## spaCy"]
    if spacy is None:
        lines.append("spaCy is not installed here; not measured.")
    else:
        seconds, tokens, version = spacy
        lines.append(
            f"spaCy {version} `spacy.blank('en')` tokenizer alone: {1e3 * seconds:.1f} ms for the "
            f"article ({tokens:,} tokens), {seconds / t_annotate:.2f}x the whole annotator; a "
            "Matcher would run on top of it."
        )
    lines += ["", "## Recall and precision on the corpus (benchmarks/score_annotator.py)", ""]
    import surveystats as ss

    sets = (
        ("development set", "dev"),
        ("held-out set", "heldout"),
        ("second held-out set", "heldout2"),
        ("third held-out set, after the fixes made in its light", "heldout3"),
    )
    for title, name in sets:
        snippets = [s for s in score_annotator.load(name) if not s.get("control")]
        table, _, _ = score_annotator.score(snippets, ss.annotate)
        lines += [score_annotator.table_text(f"{title} ({len(snippets)} snippets)", table), ""]
    lines += [BLIND_FIRST, "", BLIND_THIRD]
    controls = score_annotator.load("controls") + [
        s
        for name in ("heldout", "heldout2", "heldout3")
        for s in score_annotator.load(name)
        if s.get("control")
    ]
    bad = score_annotator.controls(controls, ss.annotate)
    lines += [
        "",
        f"No-poll controls: {len(controls)} snippets (sports, economics, election returns, market "
        f"shares, finance, health, energy), each annotated without n and with n=1000: {len(bad)} gave a "
        "poll finding.",
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
