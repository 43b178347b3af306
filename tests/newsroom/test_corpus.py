"""The newsroom corpus: its expected verdicts checked independently with scipy, and the
annotator scored on it with the targets of issue 11 (recall >= 0.9, precision >= 0.95 for
every kind) by ``benchmarks/score_annotator.py``."""

from __future__ import annotations

import math
import pathlib
import sys

import pytest
import yaml

import surveystats as ss

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "benchmarks"))

import _reference as ref  # noqa: E402
import score_annotator  # noqa: E402


def load(name):
    with open(HERE / "corpus" / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["snippets"]


DEV, HELD, HELD2, HELD3 = load("dev"), load("heldout"), load("heldout2"), load("heldout3")
CONTROLS = load("controls")


def _poll_n(snippet):
    sizes = [e["n"] for e in snippet["expect"] if e["kind"] == "sample_size"]
    return sizes[0] if sizes else snippet.get("n")


def test_corpus_size_and_constructions():
    assert len(DEV) >= 80 and len(CONTROLS) >= 15 and len(HELD) + len(HELD2) >= 20
    seen = {c for s in DEV for c in s["c"]}
    assert seen == set(range(1, 13))  # every construction of issue 11 is in the dev set
    ids = [s["id"] for s in DEV + HELD + HELD2 + HELD3 + CONTROLS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("snippet", DEV + HELD + HELD2 + HELD3, ids=lambda s: s["id"])
def test_listed_verdicts_agree_with_scipy(snippet):
    for expected in snippet["expect"]:
        want = ref.verdict(expected, _poll_n(snippet))
        if want is not None:
            assert expected["verdict"] == want, expected


def _table(snippets):
    table, misses, extras = score_annotator.score(snippets, ss.annotate)
    return table, misses, extras


@pytest.mark.parametrize(
    "name,snippets", [("dev", DEV), ("heldout", HELD), ("heldout2", HELD2), ("heldout3", HELD3)]
)
def test_recall_and_precision_by_kind(name, snippets):
    # heldout2 and heldout3 were scored blind first (benchmarks/results/annotate.md); here
    # they guard what was fixed in their light
    table, misses, extras = _table(snippets)
    for kind, (expected, found, matched) in table.items():
        if expected:
            assert matched / expected >= 0.9, (kind, misses)
        if found:
            assert matched / found >= 0.95, (kind, extras)


def test_no_poll_controls_give_no_poll_finding_with_and_without_n():
    controls = CONTROLS + [s for s in HELD + HELD2 + HELD3 if s.get("control")]
    assert score_annotator.controls(controls, ss.annotate) == []


def test_tests_match_the_textbook_formulas():
    # Every change, lead and trend the annotator finds on the dev set has the p-value of the
    # textbook formula (scipy), at the n the finding states (or the typical 1,000 it names).
    checked = 0
    for snippet in DEV:
        for f in ss.annotate(snippet["text"], n=snippet.get("n")).findings:
            n = f.n if f.n is not None else f.details.get("assumed_n")
            if f.kind == "change":
                want = ref.change_p(*f.values, n)
            elif f.kind == "lead":
                want = ref.lead_p(*f.values, n)
            elif f.kind == "trend":
                want = ref.trend_p(
                    list(f.values), n, f.details.get("years") or list(range(len(f.values)))
                )
            else:
                continue
            checked += 1
            assert math.isclose(f.pvalue, want, rel_tol=1e-9, abs_tol=1e-15), (snippet["id"], f)
    assert checked >= 60
