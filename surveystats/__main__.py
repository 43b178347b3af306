"""``python -m surveystats``: the same as the ``surveystats`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
