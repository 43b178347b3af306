"""Writing the batch layer's CSV output: atomically, and safe to open in a spreadsheet.

Lives here: :func:`atomic_output` (write beside the target, rename on success, so that a
failing or interrupted run never empties or truncates an existing file) and
:class:`CsvWriter` (a header, then parts of a result table, with text cells that a
spreadsheet would run as formulas neutralised as OWASP recommends).  The rows are written
by ``_csvtext.write_rows`` (pyarrow, several times faster) where it writes the very bytes
that pandas' ``to_csv`` would, and by ``to_csv`` otherwise.
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import shutil
import tempfile

import numpy as np
import pandas as pd

from .._display import FORMULA_TRIGGERS, PLAIN_NUMBER
from ._csvtext import write_rows


def _is_path(destination):
    return isinstance(destination, (str, os.PathLike))


@contextlib.contextmanager
def atomic_output(destination):
    """A text handle whose content reaches ``destination`` only if the block succeeds.

    A path: the handle is a new file beside it (same directory, so the final
    :func:`os.replace` is atomic and keeps the target's file system); on success it replaces
    the target, on any exception (Ctrl-C included) it is removed and the target is left as
    it was.  A file-like destination (standard output): the text is spooled to a temporary
    file and copied over on success, so a failed run writes nothing to it.
    """
    if not _is_path(destination):
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as spool:
            yield spool
            spool.seek(0)
            shutil.copyfileobj(spool, destination)
            destination.flush()
        return
    target = os.fspath(destination)
    directory, name = os.path.split(os.path.abspath(target))
    while True:
        temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.part")
        try:
            # "x": created new, with the permissions of an ordinary new file (umask)
            handle = open(temp, "x", newline="", encoding="utf-8")
            break
        except FileExistsError:
            continue
        except OSError as error:  # name the file the user asked for, not the temporary one
            raise type(error)(error.errno, error.strerror, target) from None
    try:
        with handle:
            yield handle
        if os.path.exists(target):
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def is_text(column):
    """Whether a column may hold text cells (object or a pandas string dtype)."""
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)


def neutralise_formulas(column):
    """Text cells of ``column`` that a spreadsheet would read as a formula, made inert.

    OWASP "CSV Injection": a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return is run as a formula by Excel, LibreOffice and Google Sheets; a leading single
    quote makes it text.  Cells that are plain numbers (``-5``, ``+0.3``) stay as they are, so
    that they still read as numbers; non-text cells are not touched.
    """
    if not is_text(column):
        return column
    try:
        starts = column.str.match(FORMULA_TRIGGERS, na=False).to_numpy(dtype=bool)
    except AttributeError:  # no text at all in the column
        return column
    if not starts.any():
        return column
    rows = np.flatnonzero(starts)
    text = column.iloc[rows]
    risky = ~text.str.fullmatch(PLAIN_NUMBER, na=False).to_numpy(dtype=bool)
    if not risky.any():
        return column
    values = column.to_numpy(dtype=object, copy=True)
    values[rows[risky]] = "'" + text[risky].to_numpy(dtype=object)
    return pd.Series(values, index=column.index, dtype=object)


def _quoting(part):
    """QUOTE_MINIMAL, or QUOTE_NONNUMERIC for a part with a carriage return in a text cell:
    the csv module quotes only the characters of the line terminator (a line feed), and a
    lone carriage return left bare ends the row for most readers."""
    for col in part.columns:
        if not is_text(part[col]):
            continue
        try:
            if part[col].str.contains("\r", regex=False, na=False).any():
                return csv.QUOTE_NONNUMERIC
        except AttributeError:  # an object column without text (.str refuses it)
            continue
    return csv.QUOTE_MINIMAL


class CsvWriter:
    """A CSV header, then parts of a result table with the same columns, and their counts."""

    def __init__(self, handle, columns, escape_formulas=True):
        self.handle = handle
        self.columns = list(columns)
        self.escape_formulas = escape_formulas
        self.rows = self.significant = self.problems = 0
        header = pd.DataFrame(columns=self.columns)
        if escape_formulas:  # column names are text cells too
            header.columns = neutralise_formulas(pd.Series(self.columns, dtype=object)).tolist()
        header.to_csv(handle, index=False)

    def write(self, part):
        if not len(part):
            return
        self.rows += len(part)
        self.significant += int(part["significant"].sum())
        self.problems += int((part["problem"] != "").sum())
        if self.escape_formulas:
            text = {
                col: neutralise_formulas(part[col]) for col in part.columns if is_text(part[col])
            }
            part = part.assign(**text)
        quoting = _quoting(part)
        # pyarrow's kernels where they write the same bytes, else pandas (see _csvtext)
        if quoting == csv.QUOTE_MINIMAL and write_rows(self.handle, part):
            return
        part.to_csv(self.handle, header=False, index=False, quoting=quoting)
