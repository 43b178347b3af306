"""The documentation site covers the whole public surface.

Every name in ``surveystats.__all__`` must have an entry in an autosummary table of the API
reference (``docs/reference/api.rst``), and every subcommand of the ``surveystats`` command an
entry in the command-line reference (``docs/reference/cli.md``).  The source files are read
directly, so these tests need neither Sphinx nor a build.  When Sphinx is installed (the
``docs`` extra, also pulled in by ``dev``) the directives are tested and the whole site is
built with warnings as errors, so a docstring that breaks the site fails the test suite
before it can fail CI.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import surveystats
from surveystats.cli import build_parser

DOCS = Path(__file__).resolve().parents[1] / "docs"
API = DOCS / "reference" / "api.rst"
CLI = DOCS / "reference" / "cli.md"


def documented_names(rst_text):
    """Full names of the autosummary entries of an .rst file, with their current module."""
    names, module, in_table = [], None, False
    for line in rst_text.splitlines():
        found = re.match(r"\.\. currentmodule:: (\S+)", line)
        if found:
            module, in_table = found.group(1), False
            continue
        if line.startswith(".. autosummary::"):
            in_table = True
            continue
        if in_table:
            if line and not line.startswith(" "):
                in_table = False
            elif line.strip() and not line.strip().startswith(":"):
                names.append(f"{module}.{line.strip()}")
    return names


def documented_commands(markdown_text):
    return re.findall(r"^```\{cli-command\} (\S+)\s*$", markdown_text, flags=re.MULTILINE)


def subcommand_names():
    parser = build_parser()
    (action,) = (a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return list(action.choices)


def test_the_reader_finds_autosummary_entries():
    text = (
        ".. currentmodule:: surveystats\n\n.. autosummary::\n   :toctree: generated\n\n"
        "   proportion_ci\n   ConfidenceInterval\n\nProse\n-----\n\n"
        ".. currentmodule:: surveystats.plot\n\n.. autosummary::\n\n   chart\n"
    )
    assert documented_names(text) == [
        "surveystats.proportion_ci",
        "surveystats.ConfidenceInterval",
        "surveystats.plot.chart",
    ]


def test_every_public_name_has_a_reference_entry():
    documented = set(documented_names(API.read_text(encoding="utf-8")))
    missing = sorted(f"surveystats.{name}" for name in surveystats.__all__)
    missing = [name for name in missing if name not in documented]
    assert not missing, (
        f"add these names of surveystats.__all__ to an autosummary table in {API}: {missing}"
    )


def test_every_reference_entry_exists_and_appears_once():
    import importlib

    names = documented_names(API.read_text(encoding="utf-8"))
    assert len(names) == len(set(names)), "an entry is listed twice"
    for full in names:
        module, _, attribute = full.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), full


def test_every_subcommand_has_a_reference_entry():
    documented = documented_commands(CLI.read_text(encoding="utf-8"))
    commands = subcommand_names()
    missing = [name for name in commands if name not in documented]
    assert not missing, f"add a ```{{cli-command}} NAME``` block to {CLI} for: {missing}"
    assert sorted(documented) == sorted(commands), "the reference names a command that is gone"


# --------------------------------------------------------------------------- the directives
@pytest.fixture(scope="module")
def extension():
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import surveystats_docs
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return surveystats_docs


def test_cli_reference_lists_every_option_of_every_command(extension):
    parser = build_parser()
    for name, sub in extension.subcommands(parser).items():
        shown = " ".join(row[0] for row in extension._argument_rows(sub))
        for action in sub._actions:
            if action.help == "==SUPPRESS==" or action.__class__.__name__ == "_HelpAction":
                continue
            for option in action.option_strings or [action.metavar or action.dest]:
                assert option in shown, f"{name}: {option} missing from its reference entry"


def test_examples_report_what_they_print_and_their_last_value(extension):
    namespace = {}
    printed, value = extension.run_python("x = 2\nprint(x + 1)\nx * 10", namespace)
    assert printed == "3\n" and value == 20
    # blocks of one page share a namespace, as notebook cells do
    assert extension.run_python("x + 1", namespace) == ("", 3)


def test_an_example_that_raises_is_not_swallowed(extension):
    with pytest.raises(ZeroDivisionError):
        extension.run_python("1 / 0", {})


def test_shell_commands_run_the_installed_command(extension, tmp_path):
    status, output = extension.run_shell("surveystats ci 19.4% --n 1000", tmp_path)
    assert status == 0 and output.startswith("19.4% ± 2.4 points")
    status, output = extension.run_shell("surveystats ci 19.4 --n 1000", tmp_path)
    assert status == 2 and "ambiguous" in output


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    """The CI build (``.ci/run``): every cross-reference resolves, every example runs."""
    if os.environ.get("SURVEYSTATS_DOCS_BUILT") == "1":
        pytest.skip(".ci/run built the site with the same command just before the tests")
    for module in ("sphinx", "numpydoc", "myst_parser", "pydata_sphinx_theme"):
        pytest.importorskip(module)
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html"]
    command += ["-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"the documentation does not build:\n{done.stderr[-6000:]}"
    assert (tmp_path / "html" / "reference" / "cli.html").is_file()
