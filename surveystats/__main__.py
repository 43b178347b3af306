"""``python -m surveystats``: the same as the ``surveystats`` command."""

import sys

from .cli.main import main

if __name__ == "__main__":
    sys.exit(main())
