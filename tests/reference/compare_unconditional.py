"""Reference p-values of Barnard's and Boschloo's exact unconditional tests, from scipy.

Run from the repository root:  python tests/reference/compare_unconditional.py
(scipy 1.17.1 was used.)  Writes tests/reference/compare_unconditional.csv with columns
x1, n1, x2, n2, alternative, barnard, barnard_statistic, boschloo, boschloo_statistic where
  barnard   = scipy.stats.barnard_exact([[x1, x2], [n1 - x1, n2 - x2]], alt, pooled=True)
  boschloo  = scipy.stats.boschloo_exact([[x1, x2], [n1 - x1, n2 - x2]], alt)
and `alternative` is surveystats' (about p2 - p1), so scipy is called with the mirrored one
(scipy's is about p1 - p2): less <-> greater.  scipy maximizes over the nuisance parameter
with shgo (n = 32 Sobol points, its default).
"""

import csv

import numpy as np
import scipy
from scipy import stats

MIRRORED = {"two-sided": "two-sided", "less": "greater", "greater": "less"}
rng = np.random.default_rng(20261201)
tables = [(7, 15, 12, 15), (74, 117, 31, 63), (0, 5, 0, 5), (5, 5, 0, 5), (0, 1, 1, 1),
          (3, 10, 3, 10), (1, 20, 9, 20), (40, 100, 55, 100), (2, 3, 7, 40)]
for _ in range(30):
    n1, n2 = rng.integers(1, 60, 2)
    tables.append((int(rng.integers(0, n1 + 1)), int(n1), int(rng.integers(0, n2 + 1)), int(n2)))
with open("tests/reference/compare_unconditional.csv", "w", newline="") as fh:
    out = csv.writer(fh)
    out.writerow(["x1", "n1", "x2", "n2", "alternative", "barnard", "barnard_statistic",
                  "boschloo", "boschloo_statistic"])
    for x1, n1, x2, n2 in tables:
        table = [[x1, x2], [n1 - x1, n2 - x2]]
        for alt in ("two-sided", "less", "greater"):
            b = stats.barnard_exact(table, MIRRORED[alt], pooled=True)
            s = stats.boschloo_exact(table, MIRRORED[alt])
            out.writerow([x1, n1, x2, n2, alt, repr(float(b.pvalue)), repr(float(b.statistic)),
                          repr(float(s.pvalue)), repr(float(s.statistic))])
print("scipy", scipy.__version__)
