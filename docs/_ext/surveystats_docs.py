"""Sphinx directives of the surveystats documentation (no statistics here).

``exec-python``
    Runs a block of Python at build time and shows the code, what it printed and the value
    of its last expression (a matplotlib ``Axes`` or ``Figure`` is shown as a PNG).  The
    blocks of one page share a namespace, as the cells of a notebook.  An exception is a
    build warning, so ``sphinx-build -W`` fails on an example that does not run.
``shell``
    Runs shell commands at build time in a scratch folder holding copies of the example
    files and shows each command with its output.  ``:returncode:`` states the exit status
    expected (default 0); any other status is a build warning.  ``:script:`` runs the whole
    block as one bash script instead of line by line.
``cli-command``
    The reference entry of one subcommand (or, with no argument, of the top-level command),
    read from ``surveystats.cli.build_parser()``: usage, description, every argument with
    its default, and the examples of ``--help``.  Nothing is copied by hand.
"""

from __future__ import annotations

import argparse
import ast
import base64
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
#: Files copied into the scratch folder of the ``shell`` directive.
EXAMPLE_FILES = ("examples/waves.csv", "examples/article.txt", "surveystats/data/apiclus1.csv")


# --------------------------------------------------------------------------- exec-python
def _figure_of(value):
    """The matplotlib Figure behind ``value`` (an Axes or a Figure), else None."""
    try:
        from matplotlib.axes import Axes
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the docs extra installs matplotlib
        return None
    if isinstance(value, Axes):
        return value.figure
    if isinstance(value, Figure):
        return value
    return None


def _image_node(data, mime, alt):
    encoded = base64.b64encode(data).decode("ascii")
    html = f'<img class="exec-figure" alt="{alt}" src="data:{mime};base64,{encoded}"/>'
    return nodes.raw("", html, format="html")


def _png_node(figure, alt):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, facecolor="white")
    return _image_node(buffer.getvalue(), "image/png", alt)


IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


def run_python(source, namespace, cwd=ROOT):
    """Execute ``source`` in ``namespace`` with ``cwd`` as the working folder.

    Returns (printed text, value of the last statement if it is an expression, else None).
    Raises whatever the code raises.
    """
    tree = ast.parse(source, mode="exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    printed = io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(tree, "<docs>", "exec"), namespace)
            value = eval(compile(last, "<docs>", "eval"), namespace) if last is not None else None
    finally:
        os.chdir(before)
    return printed.getvalue(), value


class ExecPython(SphinxDirective):
    """Run the block; show code, printed text and the last expression's value.

    The value is shown as a picture when it is a matplotlib Axes or Figure, or the path of a
    .png/.svg file; as a table when it is a pandas DataFrame; as HTML when the block has the
    ``:output-html:`` option (then the value must be a string); otherwise as its repr.
    """

    has_content = True
    option_spec = {
        "hide-code": directives.flag,
        "alt": directives.unchanged,
        "output-html": directives.flag,
    }

    def run(self):
        source = "\n".join(self.content)
        spaces = self.env.temp_data.setdefault("exec_python_namespaces", {})
        namespace = spaces.setdefault(self.env.docname, {"__name__": "__docs__"})
        out = []
        if "hide-code" not in self.options:
            out.append(nodes.literal_block(source, source, language="python"))
        try:
            printed, value = run_python(source, namespace)
        except Exception:
            logger.warning(
                "exec-python: the example raised:\n%s",
                traceback.format_exc(limit=-3),
                location=(self.env.docname, self.lineno),
            )
            return out
        shown = self._value_nodes(value)
        if shown is None:
            printed += repr(value) + "\n"
            shown = []
        if printed:
            block = nodes.literal_block(printed, printed.rstrip("\n"), language="text")
            block["classes"].append("exec-output")
            out.append(block)
        return out + shown

    def _value_nodes(self, value):
        """Nodes that show ``value``, [] for None, or None when its repr should be printed."""
        alt = self.options.get("alt", "chart")
        if value is None:
            return []
        if "output-html" in self.options:
            html = f'<div class="exec-html">{value}</div>'
            return [nodes.raw("", html, format="html")]
        figure = _figure_of(value)
        if figure is not None:
            return [_png_node(figure, alt)]
        if isinstance(value, (str, os.PathLike)) and Path(value).suffix.lower() in IMAGE_TYPES:
            path = Path(ROOT, value)
            if path.is_file():
                return [_image_node(path.read_bytes(), IMAGE_TYPES[path.suffix.lower()], alt)]
        to_html = getattr(value, "to_html", None)
        if type(value).__name__ == "DataFrame" and callable(to_html):
            html = to_html(
                border=0, classes="exec-table", max_rows=30, float_format="{:.6g}".format
            )
            return [nodes.raw("", f'<div class="exec-table">{html}</div>', format="html")]
        return None


# --------------------------------------------------------------------------- shell
def _scratch_folder(env):
    folder = env.temp_data.get("shell_scratch")
    if folder is None:
        folder = tempfile.mkdtemp(prefix="surveystats-docs-")
        for name in EXAMPLE_FILES:
            shutil.copy(ROOT / name, folder)
        env.temp_data["shell_scratch"] = folder
    return folder


def run_shell(command, cwd):
    """Run ``command`` with bash in ``cwd``, the build's ``surveystats`` first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "92"  # argparse wraps --help to this width
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


class Shell(SphinxDirective):
    has_content = True
    option_spec = {"returncode": directives.nonnegative_int, "script": directives.flag}

    def run(self):
        cwd = _scratch_folder(self.env)
        expected = self.options.get("returncode", 0)
        if "script" in self.options:
            script = "\n".join(self.content)
            status, output = self._run(script, cwd, expected)
            output += f"(exit status {status})\n"
            shown = nodes.literal_block(output, output.rstrip("\n"), language="text")
            shown["classes"].append("exec-output")
            return [nodes.literal_block(script, script, language="bash"), shown]
        parts = []
        for command in (line for line in self.content if line.strip()):
            status, output = self._run(command, cwd, expected)
            parts.append(f"$ {command}" + ("\n" + output.rstrip("\n") if output.strip() else ""))
        text = "\n".join(parts)
        block = nodes.literal_block(text, text, language="console")
        block["classes"].append("shell-session")
        return [block]

    def _run(self, command, cwd, expected):
        status, output = run_shell(command, cwd)
        if status != expected:
            logger.warning(
                "shell: %r exited %d (expected %d):\n%s",
                command,
                status,
                expected,
                output,
                location=(self.env.docname, self.lineno),
            )
        return status, output


# --------------------------------------------------------------------------- cli-command
def subcommands(parser):
    """The subcommand parsers of ``parser``, by name, in the order they were added."""
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _argument_rows(parser):
    rows = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                metavar = action.metavar or action.dest.upper()
                name += f" {metavar}" + (" ..." if action.nargs in ("+", "*") else "")
        else:
            name = action.metavar or action.dest
            if action.nargs in ("+", "*"):
                name += " ..."
        text = (action.help or "") % {"default": action.default, "prog": parser.prog}
        choices = [str(c) for c in action.choices or ()]
        if choices and not all(c in text for c in choices):
            text += " (one of: " + ", ".join(choices) + ")"
        if action.required and action.option_strings:
            text += " (required)"
        rows.append((name, text))
    return rows


def _table(rows, headings=("argument", "meaning")):
    table = nodes.table(classes=["cli-arguments"])
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=30)
    group += nodes.colspec(colwidth=70)
    head = nodes.thead()
    group += head
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=t)) for t in headings))
    body = nodes.tbody()
    group += body
    for name, text in rows:
        body += nodes.row(
            "",
            nodes.entry("", nodes.paragraph("", "", nodes.literal(text=name))),
            nodes.entry("", nodes.paragraph(text=text)),
        )
    return table


class CliCommand(SphinxDirective):
    optional_arguments = 1

    def run(self):
        from surveystats.cli import build_parser

        parser = build_parser()
        if self.arguments:
            name = self.arguments[0]
            commands = subcommands(parser)
            if name not in commands:
                logger.warning(
                    "cli-command: no subcommand %r (there are: %s)",
                    name,
                    ", ".join(commands),
                    location=(self.env.docname, self.lineno),
                )
                return []
            parser = commands[name]
        out = []
        usage = parser.format_usage().removeprefix("usage: ").strip()
        out.append(nodes.literal_block(usage, usage, language="text"))
        if parser.description:
            out.append(nodes.paragraph(text=parser.description))
        if not self.arguments:
            rows = [(n, p.description or "") for n, p in subcommands(parser).items()]
            out.append(_table(rows, ("command", "what it answers")))
        out.append(_table(_argument_rows(parser)))
        if parser.epilog:
            examples = parser.epilog.removeprefix("examples:\n")
            examples = "\n".join(line.strip() for line in examples.splitlines())
            out.append(nodes.rubric(text="Examples"))
            out.append(nodes.literal_block(examples, examples, language="console"))
        return out


# --------------------------------------------------------------------------- API pages
def _defining_module(member):
    """The module that wrote ``member`` (a function, property or cached_property), or ''."""
    for inner in (member, getattr(member, "fget", None), getattr(member, "func", None)):
        module = getattr(inner, "__module__", None)
        if isinstance(module, str) and callable(inner):
            return module
    return ""


def skip_member(app, what, name, member, skip, options):
    """Class pages list the methods and properties surveystats wrote, not dataclass fields.

    Fields are described in each class's Attributes section; members inherited from Python
    (``ValueError.args`` ...) and private names are left out.
    """
    if what != "class":
        return None
    if name.startswith("_"):
        return True
    return not _defining_module(member).startswith("surveystats")


def resolve_public_name(app, env, node, contnode):
    """Resolve ``surveystats.submodule.name`` to the documented ``surveystats.name``.

    Docstrings cite objects where they are defined (``surveystats.compare.compare_proportions``);
    the reference documents what ``surveystats`` exports.  Only names in
    ``surveystats.__all__`` are rewritten, so a reference to anything else still fails.
    """
    import surveystats

    if node.get("refdomain") != "py":
        return None
    parts = node["reftarget"].split(".")
    if len(parts) < 3 or parts[0] != "surveystats":
        return None
    domain = env.get_domain("py")
    for start in range(2, len(parts)):
        if parts[start] in surveystats.__all__:
            target = ".".join(["surveystats", *parts[start:]])
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], target, node, contnode
            )
    return None


def describe_registry(app, what, name, obj, options, lines):
    """A method registry without a docstring of its own gets one made from its entries.

    ``INTERVAL_METHODS`` and its kin are dicts from a method name to a private function whose
    docstring cites the method's source; the page lists each name with that docstring's first
    paragraph, so the list cannot fall out of date.
    """
    # numpydoc leaves a comment (".. !! processed by numpydoc !!") in an empty docstring
    text = [line for line in lines if line.strip() and not line.lstrip().startswith("..")]
    text = [line for line in text if "processed by numpydoc" not in line]
    if what != "data" or text or not isinstance(obj, dict):
        return
    if not obj or not all(callable(value) for value in obj.values()):
        return
    made = ["The methods, by the name ``method=`` takes (the keys of this dict):", ""]
    for key, function in obj.items():
        summary = (function.__doc__ or "").strip().split("\n\n")[0]
        made += [f"``{key}``", f"    {' '.join(summary.split()) or '(no description)'}", ""]
    lines[0:0] = made


def setup(app):
    app.connect("autodoc-process-docstring", describe_registry)
    app.connect("autodoc-skip-member", skip_member)
    app.connect("missing-reference", resolve_public_name)
    app.add_directive("exec-python", ExecPython)
    app.add_directive("shell", Shell)
    app.add_directive("cli-command", CliCommand)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
