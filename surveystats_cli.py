"""The ``surveystats`` console script, kept outside the package on purpose.

Importing ``surveystats`` loads numpy and scipy (about a quarter of a second); Ctrl-C in that
time would end in a traceback printed before any code of the package could catch it.  This
module imports nothing but ``sys``, so the import itself runs inside the ``try`` below and
an interrupt there ends, like one later, with one line and exit status 130.
"""

import sys


def main():
    try:
        from surveystats.cli.main import main as run
    except KeyboardInterrupt:
        sys.stderr.write("surveystats: interrupted\n")
        return 130
    return run()
