"""Test-suite settings.

Under CI (the ``CI`` environment variable set, as ``.ci/run`` is run) hypothesis draws the same
examples on every run (``derandomize``), so that a landing is judged on a reproducible suite;
a property that can fail still fails on every run rather than on one in a hundred.  Locally the
draws stay random, which is how new counterexamples are found.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# tests/reference/ holds the scripts that made the reference files (R, and Python run by hand
# against scipy); pytest's --doctest-modules must not import them, or a full run would rerun
# them and rewrite the committed references.
collect_ignore = ["reference"]
