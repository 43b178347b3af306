"""Running the ``surveystats`` command in tests: in-process through ``main(argv)`` (fast, and
seen by coverage) or as the installed console script in a subprocess."""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from surveystats.cli.main import main

EXE = Path(sys.executable).with_name("surveystats")


def run(*args, stdin=None):
    """``main(args)`` in this process: its exit status and what it wrote to stdout/stderr."""
    out, err = io.StringIO(), io.StringIO()
    data = (stdin or "").encode("utf-8") if isinstance(stdin, (str, type(None))) else stdin
    fake_stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    saved = sys.stdin
    sys.stdin = fake_stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        sys.stdin = saved
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def run_process(*args, stdin=None):
    """The installed console script in a subprocess."""
    exe = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "surveystats"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        exe + [str(a) for a in args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=120,
    )


def assert_one_line_error(proc, *needles):
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("surveystats: error:")
    for needle in needles:
        assert needle in lines[0], lines[0]
