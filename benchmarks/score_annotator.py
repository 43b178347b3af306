"""Recall and precision of ``surveystats.annotate`` by kind on the newsroom corpus.

    python benchmarks/score_annotator.py            # development and held-out sets, controls
    python benchmarks/score_annotator.py --misses   # also list what was missed or extra

The corpus is ``tests/newsroom/corpus/*.yaml``: snippets written in our own words around
published figures, each listing what a statistics desk would flag (kind, values, n,
verdict).  A finding matches an expected one when the kind is the same, the values agree
to 1e-6 (a lead and a subgroup difference in either order), the n agrees (None: the text
gives none) and the verdict agrees where one is listed: significance for changes, trends,
leads and differences (computed independently with scipy by
``tests/newsroom/test_corpus.py``); ``verdict`` of a stated margin; the claim and whether it
holds for a claim in words.  Controls must give no finding at all except sample sizes,
with and without ``n=``.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "newsroom" / "corpus"
SCORED = (
    "share",
    "sample_size",
    "stated_moe",
    "change",
    "trend",
    "lead",
    "subgroup_difference",
    "wording",
)
POLL_KINDS = ("share", "stated_moe", "change", "trend", "lead", "subgroup_difference", "wording")


def load(name):
    with open(CORPUS / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["snippets"]


def _close(a, b, tol=1e-6):
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def matches(expected, finding):
    kind = expected["kind"]
    if finding.kind != kind:
        return False
    if (
        "values" in expected
        and kind != "wording"
        or (kind == "wording" and expected.get("claim") == "majority")
    ):
        want = [float(v) for v in expected.get("values", [])]
        got = list(finding.values)
        if kind in ("lead", "subgroup_difference"):
            if not (_close(sorted(want), sorted(got))):
                return False
        elif not _close(want, got):
            return False
    if "n" in expected and kind not in ("wording", "subgroup_difference"):
        want_n = expected["n"]
        if want_n is None:
            if finding.n is not None:
                return False
        elif finding.n is None or abs(finding.n - want_n) > 0.5:
            return False
    if kind == "stated_moe":
        if (
            abs(finding.moe - expected["moe"]) > 1e-9
            or finding.details.get("verdict") != expected["verdict"]
        ):
            return False
    if kind in ("change", "trend", "lead", "subgroup_difference") and "verdict" in expected:
        if finding.significant != (expected["verdict"] == "sig"):
            return False
    if kind == "wording":
        if finding.details.get("claim") != expected["claim"]:
            return False
        if "verdict" in expected and finding.details.get("verdict") != expected["verdict"]:
            return False
    return True


def score(snippets, annotate):
    """Per kind: [expected, found, matched]; and the list of misses and extras."""
    table = {k: [0, 0, 0] for k in SCORED}
    misses, extras = [], []
    for snippet in snippets:
        if snippet.get("control"):
            continue
        found = list(annotate(snippet["text"], n=snippet.get("n")).findings)
        found = [f for f in found if f.kind in SCORED]
        free = list(found)
        for expected in snippet.get("expect", []):
            table[expected["kind"]][0] += 1
            hit = next((f for f in free if matches(expected, f)), None)
            if hit is None:
                misses.append((snippet["id"], expected))
            else:
                table[expected["kind"]][2] += 1
                free.remove(hit)
        for f in found:
            table[f.kind][1] += 1
        extras += [(snippet["id"], f) for f in free]
    return table, misses, extras


def controls(snippets, annotate):
    """Snippets of the controls that gave a poll finding, without and with n=1000."""
    bad = []
    for snippet in snippets:
        for n in (None, 1000):
            kinds = [
                f.kind for f in annotate(snippet["text"], n=n).findings if f.kind in POLL_KINDS
            ]
            if kinds:
                bad.append((snippet["id"], n, kinds))
    return bad


def table_text(title, table):
    lines = [
        f"{title}",
        "| kind | expected | found | matched | recall | precision |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = [0, 0, 0]
    for kind, (e, f, m) in table.items():
        totals = [totals[0] + e, totals[1] + f, totals[2] + m]
        recall = f"{m / e:.2f}" if e else "–"
        precision = f"{m / f:.2f}" if f else "–"
        lines.append(f"| {kind} | {e} | {f} | {m} | {recall} | {precision} |")
    e, f, m = totals
    lines.append(f"| **all** | {e} | {f} | {m} | {m / e:.2f} | {m / max(f, 1):.2f} |")
    return "\n".join(lines)


def main(argv=None):
    import surveystats as ss

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and extra findings")
    args = parser.parse_args(argv)
    dev, held, held2, held3 = load("dev"), load("heldout"), load("heldout2"), load("heldout3")
    sets = (
        ("development set", dev),
        ("held-out set", held),
        ("second held-out set", held2),
        ("third held-out set", held3),
    )
    for title, snippets in sets:
        table, misses, extras = score(snippets, ss.annotate)
        scored = [s for s in snippets if not s.get("control")]
        print(table_text(f"\n{title} ({len(scored)} snippets)", table))
        if args.misses:
            for sid, e in misses:
                print("  MISS", sid, e)
            for sid, f in extras:
                print(
                    "  EXTRA",
                    sid,
                    f.kind,
                    [round(v, 4) for v in f.values],
                    f.n,
                    f.significant,
                    f.details.get("claim"),
                    f.details.get("verdict"),
                    repr(f.quote),
                )
    control_snippets = load("controls") + [s for s in held + held2 + held3 if s.get("control")]

    bad = controls(control_snippets, ss.annotate)
    print(
        f"\nno-poll controls: {len(control_snippets)} snippets x (no n, n=1000): "
        f"{len(bad)} gave a poll finding"
    )
    for item in bad:
        print("  ", item)
    return 0


if __name__ == "__main__":
    sys.exit(main())
