"""The command-line interface: argument parsing, output formats, exit codes and the demo.
No statistics live here; each command makes one library call."""

from .main import build_parser, main

__all__ = ["main", "build_parser"]
