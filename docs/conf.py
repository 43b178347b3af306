"""Sphinx configuration of the surveystats documentation.

Build:  .venv/bin/sphinx-build -W --keep-going -n -b html docs docs/_build/html
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import surveystats  # noqa: E402

project = "surveystats"
author = "the surveystats developers"
copyright = "the surveystats developers, MIT licence"
release = version = surveystats.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "surveystats_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**/generated/*.md"]
templates_path = ["_templates"]

# Every cross-reference must resolve (sphinx-build -n): a broken one fails the build.
nitpicky = True
# Plain-text type words of numpydoc parameter lists ("float or array_like") are not links.
numpydoc_xref_param_type = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Docstring checks that fail the build: a public object without a docstring (GL08) and a
# documented parameter the signature does not have (PR02, always a mistake).  Parameters left
# undocumented (PR01) are not enforced: several modules document families of keywords
# together ("As in compare_waves"), and the docs must not block work in progress.
numpydoc_validation_checks = {"GL08", "PR02"}
# numpydoc's validator cannot find the source line of a property made by a factory from a
# lambda (it raises StopIteration); these read-only effect sizes have one-line docstrings.
numpydoc_validation_exclude = {r"\.ComparisonResult\.(ratio|odds_ratio|cohens_h)"}

autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc sections state the types; no unresolvable hint links
autodoc_member_order = "bysource"

myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist"]
myst_heading_anchors = 3
suppress_warnings = []

html_theme = "pydata_sphinx_theme"
html_title = "surveystats"
html_static_path = ["_static"]
html_css_files = ["surveystats.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"index": []}
html_show_sourcelink = False
