"""The import rules of docs/DESIGN.md ("Layout"), read from the source with ``ast``.

- the core (top-level statistics modules and ``design/``) never imports a presentation layer
  (``cli``, ``newsroom``, ``batch``, ``plot``, ``_display``);
- ``_internal`` imports nothing from surveystats but ``exceptions`` (and itself);
- ``newsroom`` and ``batch`` do not import each other;
- presentation layers may import the core and ``_display``; nothing imports ``cli`` but ``cli``
  (and ``__main__``).
"""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "surveystats"
PRESENTATION = {"cli", "newsroom", "batch", "plot", "_display"}


def _layer(path: pathlib.Path) -> str:
    """The first component under surveystats/ (a subpackage or a module name)."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_layers(path: pathlib.Path) -> set[str]:
    """Top-level surveystats components imported by one file, relative or absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "surveystats" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                parts = base + (node.module.split(".") if node.module else [])
            else:
                parts = (node.module or "").split(".")
            if not parts or parts[0] != "surveystats":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:  # from surveystats import x / from .. import x: x may be a module
                found.update(a.name for a in node.names)
    return found


FILES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_the_package_has_the_layers_of_the_design():
    layers = {_layer(p) for p in FILES}
    assert {"cli", "newsroom", "batch", "_internal", "plot", "exceptions"} <= layers


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_downward(path):
    layer = _layer(path)
    imported = _imported_layers(path) - {layer}
    if layer == "_internal":
        allowed_here = {"exceptions"}
        assert imported <= allowed_here, f"_internal imports {sorted(imported - allowed_here)}"
    elif layer in ("__init__", "__main__"):
        return
    elif layer in PRESENTATION:
        others = {"newsroom": {"batch"}, "batch": {"newsroom"}}.get(layer, set())
        assert not imported & (others | {"cli"}), f"{layer} imports {sorted(imported & others)}"
    else:  # the core
        assert not imported & PRESENTATION, f"core module imports {sorted(imported & PRESENTATION)}"


def test_the_checker_sees_relative_imports():
    # a check that can fail: the CLI's main module does import the core through `..`
    assert "proportion" in _imported_layers(PACKAGE / "cli" / "main.py")
