"""Speed of compare_shares and multinomial_ci (issue 3, item 3).

Measured side by side in one run (best of several repeats):

* ``compare_shares`` (wald and score) on 10^6 rows vs an inline-numpy floor (the same Wald
  formula written as bare numpy expressions, no validation) and vs statsmodels' ``mcnemar``
  (the score test of the same hypothesis; scalar only, so timed on a loop over 2,000 rows
  and given per row);
* ``multinomial_ci`` goodman on 10^5 questions x 5 answers vs an inline-numpy floor and vs a
  loop over statsmodels' ``multinomial_proportions_confint(method='goodman')``;
* ``multinomial_ci`` sison-glaz on 10^5 questions x 5 answers (n = 1000 each) vs a loop over
  statsmodels' ``multinomial_proportions_confint(method='sison-glaz')`` and a loop calling
  our own function one question at a time.

Writes ``benchmarks/results/shares.md``.  Run: ``.venv/bin/python benchmarks/bench_shares.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _timing import best
from scipy import special

import surveystats as ss

ROWS = 1_000_000
QUESTIONS = 100_000
LOOP = 2_000
SG_LOOP = 200  # our own function called once per question
SG_PEER_LOOP = 10  # statsmodels' scalar Sison-Glaz takes about half a second per question
RESULTS = Path(__file__).parent / "results" / "shares.md"


def inline_wald(p_a, p_b, n):
    d = p_b - p_a
    se = np.sqrt((p_a + p_b - d * d) / n)
    z = 1.959963984540054
    stat = d / se
    return d - z * se, d + z * se, stat, 2.0 * special.ndtr(-np.abs(stat))


def inline_goodman(counts):
    n = counts.sum(axis=-1, keepdims=True)
    a = special.chdtri(1.0, 0.05 / counts.shape[-1])
    root = np.sqrt(a * (a + 4.0 * counts * (n - counts) / n))
    return (a + 2.0 * counts - root) / (2.0 * (n + a)), (a + 2.0 * counts + root) / (2.0 * (n + a))


def main():
    from statsmodels.stats.contingency_tables import mcnemar
    from statsmodels.stats.proportion import multinomial_proportions_confint

    rng = np.random.default_rng(3)
    n = rng.integers(400, 2500, ROWS).astype(float)
    shares = rng.dirichlet([3, 2, 5], ROWS)
    x = np.round(shares * n[:, None])
    p_a, p_b = x[:, 0] / n, x[:, 1] / n

    rows = []  # (task, implementation, seconds, per-item µs, ratio text)

    t_floor, _ = best(lambda: inline_wald(p_a, p_b, n))
    t_wald, _ = best(lambda: ss.compare_shares(p_a, p_b, n))
    t_score, _ = best(lambda: ss.compare_shares(p_a, p_b, n, method="score"), repeat=2)

    def sm_loop():
        for i in range(LOOP):
            table = [[x[i, 2], x[i, 0]], [x[i, 1], 0.0]]
            mcnemar(table, exact=False, correction=False)

    t_sm = best(sm_loop, repeat=2)[0] / LOOP * ROWS
    rows += [
        ("compare_shares, 10^6 rows", "inline numpy floor (Wald)", t_floor, ""),
        ("", "surveystats wald", t_wald, f"{t_wald / t_floor:.2f}x floor"),
        (
            "",
            "surveystats score (Tango interval, root finding)",
            t_score,
            f"{t_score / t_floor:.1f}x floor",
        ),
        (
            "",
            f"statsmodels mcnemar loop (test only; {LOOP} rows, scaled)",
            t_sm,
            f"{t_sm / t_wald:.0f}x slower than wald, {t_sm / t_score:.0f}x slower than score",
        ),
    ]

    counts = rng.multinomial(1000, [0.31, 0.19, 0.2, 0.18, 0.12], QUESTIONS).astype(float)
    t_gfloor, _ = best(lambda: inline_goodman(counts))
    t_good, _ = best(lambda: ss.multinomial_ci(counts))

    def sm_goodman():
        for i in range(LOOP):
            multinomial_proportions_confint(counts[i], method="goodman")

    t_smg = best(sm_goodman, repeat=2)[0] / LOOP * QUESTIONS
    rows += [
        ("multinomial_ci goodman, 10^5 x 5", "inline numpy floor", t_gfloor, ""),
        ("", "surveystats goodman", t_good, f"{t_good / t_gfloor:.2f}x floor"),
        (
            "",
            f"statsmodels loop ({LOOP} questions, scaled)",
            t_smg,
            f"{t_smg / t_good:.0f}x slower",
        ),
    ]

    t_sg, _ = best(lambda: ss.multinomial_ci(counts, method="sison-glaz"), repeat=2)

    def sm_sg():
        for i in range(SG_PEER_LOOP):
            multinomial_proportions_confint(counts[i], method="sison-glaz")

    t_smsg = best(sm_sg, repeat=1)[0] / SG_PEER_LOOP * QUESTIONS

    def own_loop():
        for i in range(SG_LOOP):
            ss.multinomial_ci(counts[i], method="sison-glaz")

    t_own = best(own_loop, repeat=2)[0] / SG_LOOP * QUESTIONS
    rows += [
        ("multinomial_ci sison-glaz, 10^5 x 5", "surveystats sison-glaz (vectorized)", t_sg, ""),
        (
            "",
            f"surveystats, loop over questions ({SG_LOOP}, scaled)",
            t_own,
            f"{t_own / t_sg:.0f}x slower",
        ),
        (
            "",
            f"statsmodels loop ({SG_PEER_LOOP} questions, scaled)",
            t_smsg,
            f"{t_smsg / t_sg:.0f}x slower",
        ),
    ]

    items = {"compare_shares, 10^6 rows": ROWS}
    lines = [
        "# compare_shares and multinomial_ci",
        "",
        "Best of several runs, one process, numbers from `benchmarks/bench_shares.py`.",
        "Loops over statsmodels' scalar functions are timed on a subset and scaled.",
        "",
        "| task | implementation | seconds | µs per row/question | ratio |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    task_size = ROWS
    for task, impl, seconds, ratio in rows:
        if task:
            task_size = items.get(task, QUESTIONS)
        lines.append(
            f"| {task} | {impl} | {seconds:.3f} | {seconds / task_size * 1e6:.3f} | {ratio} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
