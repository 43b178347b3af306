"""The declared minimum versions (pyproject.toml) are the ones CI installs and tests.

``.ci/run`` installs ``.ci/min-versions.txt`` in a second venv and runs the core tests there;
this test keeps the pins equal to the floors of ``pyproject.toml`` and checks that the
versions in use are not below them.
"""

from __future__ import annotations

import pathlib
import re

import numpy
import pandas
import scipy

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE = ("numpy", "scipy", "pandas")


def _floors():
    # the `dependencies = [...]` list of [project] (tomllib is not in Python 3.10)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    requirements = re.findall(r'"([^"]+)"', block)
    floors = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)", requirement.strip())
        assert match, f"dependency {requirement!r} has no '>=' floor"
        floors[match.group(1).lower()] = match.group(2)
    assert floors, "no dependencies found in pyproject.toml"
    return floors


def _release(version):
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def test_ci_pins_the_declared_floors():
    pins = {}
    for line in (ROOT / ".ci" / "min-versions.txt").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([a-z]+)==([0-9.]+)\.\*", line.strip())
        if match:
            pins[match.group(1)] = match.group(2)
    floors = _floors()
    assert set(CORE) <= set(floors)
    assert pins == {name: floors[name] for name in CORE}


def test_installed_versions_meet_the_floors():
    floors = _floors()
    for module in (numpy, scipy, pandas):
        assert _release(module.__version__) >= _release(floors[module.__name__]), module
