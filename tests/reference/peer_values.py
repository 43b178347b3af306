"""The peers' own reference values, mapped onto surveystats' conventions.

Run from the repository root with the peers' repositories cloned (bare or not) at the commits
named below:

    python tests/reference/peer_values.py STATSMODELS_GIT_DIR SCIPY_GIT_DIR

(statsmodels 82c59e378bdfb5ae324006c477954879ad3e24be and scipy
3dbf660a919b1479cdf30d533176053b428d08d3 were used; the files are read with ``git show``, the
numbers are taken from them as they stand, nothing is recomputed).  Writes
tests/reference/peer_values.csv, one expected number a row, with columns

    family, case, method, alternative, x1, n1, x2, n2, position, input, quantity, expected,
    rtol, atol, source

- family 'proportion_ci': statsmodels ``results_proportion.py`` ``res_binom`` (R
  ``binom::binom.confint(x, n, tol = 1e-8)``, 95%), used by ``test_proportion.py::
  test_confint_proportion``.  binom's method -> ours: agresti-coull -> agresti-coull,
  asymptotic -> wald, cloglog -> cloglog, exact -> clopper-pearson, logit -> logit, probit ->
  probit, lrt -> likelihood, prop.test -> wilson-cc, wilson -> wilson.  Not mapped: 'bayes'
  (binom's default is the highest-density interval; ours is the central one) and 'profile'
  (the profile likelihood of a glm fit, a second, less precise computation of 'lrt').
  Also R ``binom.test(51, 235)``'s Clopper-Pearson intervals (two-sided and one-sided) from
  ``test_proportion.py::test_binom_test``.
- family 'adjust_pvalues': statsmodels ``test_multi.py`` (R ``multtest::mt.rawp2adjp``:
  arrays res_multtest1, res_multtest2, res_multtest3, res0_large; columns Bonferroni, Holm,
  Hochberg, SidakSS -> sidak, SidakSD -> holm-sidak, BH -> bh, BY -> by) and
  ``test_hommel`` (R ``p.adjust(method = "hommel")``).  Not mapped: multtest's ABH and TSBH
  (other estimators of the null share than ours, Storey's) and column 8 of res_multtest1
  (local fdr).
- family 'mcnemar': statsmodels ``results/contingency_table_r_results.csv`` row 0, the table
  [[23, 15], [19, 31]] of ``test_contingency_tables.py::test_mcnemar`` (R
  ``mcnemar.test`` with and without correction; binomial test of b vs b + c).
- family 'barnard' / 'boschloo': scipy ``stats/tests/test_hypotests.py`` ``TestBarnardExact``
  (R ``Barnard::barnard.test(dp = 1e-6)``) and ``TestBoschlooExact`` (R ``Exact::exact.test(
  method = "Boschloo", tsmethod = "central", beta = 1e-8)``).  scipy's table [[a, b], [c, d]]
  has the samples as columns: x1 = a of n1 = a + c, x2 = b of n2 = b + d; its alternatives are
  about p1 - p2 (the 'alternative' column keeps scipy's; the test mirrors it for
  ``compare_proportions``, whose difference is p2 - p1).  Barnard's statistic is scipy's z of
  p1 - p2.  Not mapped: the tables with an empty column (n = 0 is not a sample here).
"""

import ast
import csv
import io
import re
import subprocess
import sys

import numpy as np

SM_COMMIT = "82c59e378bdfb5ae324006c477954879ad3e24be"
SP_COMMIT = "3dbf660a919b1479cdf30d533176053b428d08d3"
rows = []


def show(git_dir, commit, path):
    return subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def add(
    family,
    case,
    method,
    quantity,
    expected,
    rtol,
    atol,
    source,
    alternative="two-sided",
    x1="",
    n1="",
    x2="",
    n2="",
    position="",
    value="",
):
    rows.append(
        dict(
            family=family,
            case=case,
            method=method,
            alternative=alternative,
            x1=x1,
            n1=n1,
            x2=x2,
            n2=n2,
            position=position,
            input=value,
            quantity=quantity,
            expected=repr(float(expected)),
            rtol=rtol,
            atol=atol,
            source=source,
        )
    )


def main(STATSMODELS, SCIPY):  # noqa: N803 (the two repositories, as given)
    # ---------------------------------------------------------------- statsmodels res_binom
    path = "statsmodels/stats/tests/results/results_proportion.py"
    text = show(STATSMODELS, SM_COMMIT, path)
    namespace = {}
    exec(
        text.replace(
            "from statsmodels.tools.testing import Holder",  # noqa: S102
            "class Holder:\n    pass",
        ),
        namespace,
    )
    res_binom, binom_methods = namespace["res_binom"], namespace["res_binom_methods"]
    MAP = {
        "agresti-coull": "agresti-coull",
        "asymptotic": "wald",
        "cloglog": "cloglog",
        "exact": "clopper-pearson",
        "logit": "logit",
        "probit": "probit",
        "lrt": "likelihood",
        "prop.test": "wilson-cc",
        "wilson": "wilson",
    }
    for (x, n), holder in res_binom.items():
        # the cases printed with 15 digits carry R's tol = 1e-8; those printed with 7 decimals
        # (n = 30) are rounded to 5e-8
        atol = 1e-8 if n != 30 else 6e-8
        for k, theirs in enumerate(binom_methods):
            if theirs not in MAP:
                continue
            for quantity, values in (("low", holder.ci_low), ("high", holder.ci_upp)):
                add(
                    "proportion_ci",
                    f"binom.confint({x}, {n})",
                    MAP[theirs],
                    quantity,
                    values[k],
                    0,
                    atol,
                    f"statsmodels@{SM_COMMIT[:7]} {path} res_binom[({x}, {n})] "
                    f"method {theirs!r} (R binom.confint tol=1e-8)",
                    x1=x,
                    n1=n,
                )

    # R binom.test(51, 235, 1/6) in test_proportion.py::test_binom_test: its Clopper-Pearson
    # intervals, two-sided and one-sided ('less': [0, high], 'greater': [low, 1]), 95%
    path = "statsmodels/stats/tests/test_proportion.py"
    text = show(STATSMODELS, SM_COMMIT, path)
    for side, alternative in (
        ("2sided", "two-sided"),
        ("less", "less"),
        ("greater", "greater"),
    ):
        match = re.search(rf"binom_test_{side}\.conf_int = \[([^\]]+)\]", text)
        low, high = (float(v) for v in match.group(1).split(","))
        for quantity, value in (("low", low), ("high", high)):
            add(
                "proportion_ci",
                "binom.test(51, 235)",
                "clopper-pearson",
                quantity,
                value,
                0,
                1e-13,
                f"statsmodels@{SM_COMMIT[:7]} {path}::test_binom_test binom_test_{side}"
                ".conf_int (R binom.test)",
                alternative,
                x1=51,
                n1=235,
            )

    # ---------------------------------------------------------------- statsmodels test_multi
    path = "statsmodels/stats/tests/test_multi.py"
    text = show(STATSMODELS, SM_COMMIT, path)
    tree = ast.parse(text)
    arrays = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("res_multtest1", "res_multtest2", "res_multtest3", "res0_large"):
                arrays[name] = eval(
                    compile(ast.Expression(node.value), path, "eval"),  # noqa: S307
                    {"np": np, "NA": np.nan},
                )
    COLUMNS = {
        1: "bonferroni",
        2: "holm",
        3: "hochberg",
        4: "sidak",
        5: "holm-sidak",
        6: "bh",
        7: "by",
    }
    for name, table in arrays.items():
        for column, method in COLUMNS.items():
            for position in range(table.shape[0]):
                add(
                    "adjust_pvalues",
                    name,
                    method,
                    "adjusted",
                    table[position, column],
                    1e-12,
                    1e-15,
                    f"statsmodels@{SM_COMMIT[:7]} {path} {name}[:, {column}] "
                    "(R multtest mt.rawp2adjp), test_multi_pvalcorrection_rmethods",
                    position=position,
                    value=repr(float(table[position, 0])),
                )
    hommel = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "test_hommel"
    )
    found = {}
    for node in ast.walk(hommel):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = eval(  # noqa: S307
                compile(ast.Expression(node.value), path, "eval"), {"np": np}
            )
    for position, (raw, adjusted) in enumerate(
        zip(found["pval0"], found["result_ho"], strict=True)
    ):
        add(
            "adjust_pvalues",
            "test_hommel",
            "hommel",
            "adjusted",
            adjusted,
            1e-12,
            1e-15,
            f"statsmodels@{SM_COMMIT[:7]} {path} test_hommel (R p.adjust hommel)",
            position=position,
            value=repr(float(raw)),
        )

    # ---------------------------------------------------------------- statsmodels mcnemar
    path = "statsmodels/stats/tests/results/contingency_table_r_results.csv"
    first = next(csv.DictReader(io.StringIO(show(STATSMODELS, SM_COMMIT, path))))
    source = (
        f"statsmodels@{SM_COMMIT[:7]} {path} row 0 (table [[23, 15], [19, 31]] of "
        "test_contingency_tables.py::test_mcnemar)"
    )
    # b = 15 yes-then-no, c = 19 no-then-yes
    add(
        "mcnemar",
        "[[23, 15], [19, 31]]",
        "chi2",
        "statistic",
        first["homog_stat"],
        1e-12,
        0,
        source + ", homog_stat (uncorrected chi-square)",
        x1=15,
        x2=19,
    )
    add(
        "mcnemar",
        "[[23, 15], [19, 31]]",
        "chi2-cc",
        "pvalue",
        first["homog_cont_p"],
        1e-12,
        0,
        source + ", homog_cont_p (R mcnemar.test)",
        x1=15,
        x2=19,
    )
    add(
        "mcnemar",
        "[[23, 15], [19, 31]]",
        "exact",
        "pvalue",
        first["homog_binom_p"],
        1e-12,
        0,
        source + ", homog_binom_p (binomial test)",
        x1=15,
        x2=19,
    )

    # ---------------------------------------------------------------- scipy barnard / boschloo
    path = "scipy/stats/tests/test_hypotests.py"
    tree = ast.parse(show(SCIPY, SP_COMMIT, path))
    GROUPS = {
        ("TestBarnardExact", "test_precise"): ("barnard", "pooled", ["two-sided"], 1e-8, 0),
        ("TestBarnardExact", "test_pooled_param"): (
            "barnard",
            "unpooled",
            ["two-sided"],
            1e-8,
            0,
        ),
        ("TestBarnardExact", "test_less_greater"): (
            "barnard",
            "pooled",
            ["less", "greater"],
            0,
            1e-7,
        ),
        ("TestBarnardExact", "test_edge_cases"): ("barnard", "pooled", ["two-sided"], 0, 0),
        ("TestBoschlooExact", "test_less"): ("boschloo", "", ["less"], 0, 1e-7),
        ("TestBoschlooExact", "test_greater"): ("boschloo", "", ["greater"], 0, 1e-7),
        ("TestBoschlooExact", "test_two_sided"): ("boschloo", "", ["two-sided"], 0, 1e-7),
    }
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for func in cls.body:
            key = (cls.name, getattr(func, "name", None))
            if key not in GROUPS:
                continue
            family, method, alternatives, rtol, atol = GROUPS[key]
            for deco in func.decorator_list:
                if not (
                    isinstance(deco, ast.Call)
                    and ast.literal_eval(deco.args[0]) == "input_sample,expected"
                ):
                    continue
                for table, expected in ast.literal_eval(deco.args[1]):
                    # test_edge_cases lists (pvalue, statistic), the others (statistic, pvalue)
                    statistic, pvalue = (
                        expected[::-1] if func.name == "test_edge_cases" else expected
                    )
                    (a, b), (c, d) = table
                    if a + c == 0 or b + d == 0:
                        continue
                    for alternative in alternatives:
                        # scipy's test_less_greater: 'greater' on the table with its columns
                        # swapped, statistic negated, same p-value
                        x1, n1, x2, n2 = a, a + c, b, b + d
                        stat = statistic
                        if key[1] == "test_less_greater" and alternative == "greater":
                            x1, n1, x2, n2, stat = b, b + d, a, a + c, -statistic
                        source = f"scipy@{SP_COMMIT[:7]} {path}::{cls.name}::{func.name} {table}"
                        add(
                            family,
                            str(table),
                            method,
                            "pvalue",
                            pvalue,
                            rtol,
                            atol,
                            source,
                            alternative,
                            x1,
                            n1,
                            x2,
                            n2,
                        )
                        # Barnard's z to 12 digits; Exact's Fisher p-values to 7
                        stat_atol = 1e-9 if family == "barnard" else 1e-7
                        add(
                            family,
                            str(table),
                            method,
                            "statistic",
                            stat,
                            0,
                            stat_atol,
                            source,
                            alternative,
                            x1,
                            n1,
                            x2,
                            n2,
                        )

    with open("tests/reference/peer_values.csv", "w", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    print(len(rows), "rows")


if __name__ == "__main__":  # importing this file (pytest --doctest-modules) runs nothing
    main(sys.argv[1], sys.argv[2])
