"""Streaming files: :func:`compare_waves_csv`, ``compare_waves`` over a CSV or Parquet file
larger than memory, read in chunks and written atomically.

Lives here: reading a file chunk by chunk (its header checked first, a row with more fields
than the header refused), cutting the chunks at question boundaries, the contiguity check,
and the one- or two-pass write.  Showing progress and reading ``-`` as standard input are
the command line's business: this module takes a path or a file object and an optional
``progress(stage, rows, fraction)`` callable.

Does not live here: statistics (each part goes through :func:`.waves.compare_table`).
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import lzma
import os
import pickle
import stat
import tempfile
import warnings
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._internal.validation import check_choice
from ..exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError
from ._checks import PercentEvidence, as_list
from ._columns import adjust_families, significance
from ._output import CsvWriter, atomic_output
from ._sequence import group_codes
from .waves import (
    checked_compare_options,
    compare_table,
    output_columns,
    refuse_by_clash,
    require_option_columns,
)

__all__ = ["compare_waves_csv", "BatchSummary"]

_EXTRA = "\x00extra field"  # name of the column that catches a field beyond the header


@dataclass(frozen=True)
class BatchSummary:
    """What :func:`compare_waves_csv` did: rows read, comparisons written, and so on."""

    rows: int
    comparisons: int
    significant: int
    problems: int
    chunks: int

    def __str__(self):
        return (
            f"{self.rows:,} rows, {self.comparisons:,} output rows, "
            f"{self.significant:,} significant, {self.problems:,} with a problem"
        )


# ============================================================================ reading
def _is_path(source):
    return isinstance(source, (str, os.PathLike))


def _regular_file_size(handle):
    """Bytes of a regular file (for the progress fraction); None for pipes and terminals."""
    try:
        info = os.fstat(handle.fileno())
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) and info.st_size else None


def _decompressed(raw, name):
    """A binary stream of the file's content, decompressed by the suffix of ``name``."""
    suffix = os.path.splitext(name.lower())[1]
    if suffix == ".gz":
        return gzip.GzipFile(fileobj=raw)
    if suffix == ".bz2":
        return bz2.BZ2File(raw)
    if suffix == ".xz":
        return lzma.LZMAFile(raw)
    if suffix == ".zip":
        archive = zipfile.ZipFile(raw)
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise InvalidOptionError(
                f"{name!r} holds {len(members)} files; a zip archive must hold exactly one CSV"
            )
        return archive.open(members[0])
    if suffix == ".zst":
        try:
            import zstandard
        except ImportError:
            raise InvalidOptionError(
                f"reading {name!r} needs the zstandard package; install it or decompress it"
            ) from None
        return zstandard.ZstdDecompressor().stream_reader(raw)
    return raw


def _not_text(error, encoding):
    return SurveyStatsError(
        f"the input is not {encoding} text ({error.reason}: byte "
        f"0x{error.object[error.start]:02x}); give its encoding, e.g. encoding='latin-1'"
    )


class _CsvReader:
    """A CSV source: its header read at once, then its rows in chunks.

    The header is read here (not by pandas) so that the rows can be read with one column
    more than the header has: a row with an extra field lands in it instead of silently
    making pandas use its first column as the index and shift every column.  An extra
    field that is empty (a trailing comma) is dropped; one with a value is refused.
    """

    def __init__(self, source, encoding, stack):
        self.encoding = encoding
        self.raw = self.total = None
        name = os.fspath(source) if _is_path(source) else getattr(source, "name", "")
        if _is_path(source):
            self.raw = stack.enter_context(open(source, "rb"))
            stream = stack.enter_context(_decompressed(self.raw, str(name)))
        else:
            stream = source
            with contextlib.suppress(AttributeError, OSError, io.UnsupportedOperation):
                self.raw = source.buffer if hasattr(source, "buffer") else source
        self.total = _regular_file_size(self.raw) if self.raw is not None else None
        is_text = isinstance(stream.read(0), str)
        utf8 = codecs.lookup(encoding).name == "utf-8"
        if is_text or utf8:
            self.handle = stream  # pandas reads bytes as UTF-8 fastest
        else:
            self.handle = stack.enter_context(
                io.TextIOWrapper(stream, encoding=encoding, newline="")
            )
        line = self.handle.readline()
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise _not_text(error, encoding) from None
        if not line.strip():
            raise SurveyStatsError("the input is empty (no header line)")
        names = next(csv.reader([line.lstrip("\ufeff")]))
        names = [name if name else f"Unnamed: {i}" for i, name in enumerate(names)]
        repeated = sorted({c for c in names if names.count(c) > 1})
        if repeated:
            raise SurveyStatsError(f"the header names column(s) {repeated!r} more than once")
        self.columns = names

    def chunks(self, chunksize, text_columns):
        """Yield ``(chunk, fraction read or None)``; key columns and waves are read as text."""
        reader = pd.read_csv(
            self.handle,
            header=None,
            names=self.columns + [_EXTRA],
            index_col=False,
            chunksize=chunksize,
            dtype={col: str for col in text_columns},
            encoding=self.encoding,
        )
        try:
            with reader, warnings.catch_warnings():
                # pandas drops the fields of a row longer than the names, with only a warning
                warnings.simplefilter("error", pd.errors.ParserWarning)
                for chunk in reader:
                    _refuse_extra_fields(chunk.pop(_EXTRA), len(self.columns))
                    yield chunk, self._fraction()
        except pd.errors.ParserWarning:
            raise SurveyStatsError(
                f"malformed CSV: a row has more fields than the {len(self.columns)} columns "
                f"of the header"
            ) from None
        except UnicodeDecodeError as error:
            raise _not_text(error, self.encoding) from None
        except pd.errors.ParserError as error:
            raise _malformed(error, len(self.columns)) from None

    def _fraction(self):
        if not self.total:
            return None
        with contextlib.suppress(OSError, ValueError):
            return min(self.raw.tell() / self.total, 1.0)
        return None


def _refuse_extra_fields(extra, header_fields):
    filled = extra.notna().to_numpy()
    if filled.any():
        line = int(extra.index[filled][0]) + 2  # index 0 is the row after the header
        raise SurveyStatsError(
            f"malformed CSV: line {line} has a field beyond the {header_fields} columns of "
            f"the header ({str(extra[filled].iloc[0])!r}); every row needs one field per column"
        )


def _malformed(error, header_fields):
    import re

    found = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(error))
    if found:
        line, saw = int(found.group(1)) + 1, int(found.group(2))  # + 1: the header line
        return SurveyStatsError(
            f"malformed CSV: line {line} has {saw} fields, the header has {header_fields}"
        )
    return SurveyStatsError(f"malformed CSV: {' '.join(str(error).split())}")


class _ParquetReader:
    """A Parquet source read in record batches (needs pyarrow)."""

    def __init__(self, source, stack):
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise InvalidOptionError(
                "reading Parquet needs pyarrow; install it or pass a CSV"
            ) from None
        self.file = pq.ParquetFile(source)
        stack.callback(self.file.close)
        self.columns = list(self.file.schema_arrow.names)

    def chunks(self, chunksize, text_columns):
        done, total = 0, max(self.file.metadata.num_rows, 1)
        for batch in self.file.iter_batches(batch_size=chunksize):
            chunk = batch.to_pandas()
            for col in text_columns:
                if col in chunk.columns:
                    chunk[col] = (
                        chunk[col].astype("string").astype(object).where(chunk[col].notna(), None)
                    )
            done += batch.num_rows
            yield chunk, done / total


def _is_parquet(source, format):
    if format is not None:
        return check_choice("format", format, ("csv", "parquet")) == "parquet"
    return _is_path(source) and str(source).lower().endswith((".parquet", ".pq"))


class _WaveKinds:
    """Waves read from a CSV as text become numbers (whole ones: Int64) when they are, so that
    2023 sorts before 2024 and is written back as 2023.  A file whose waves mix numbers and
    other text is refused, whatever the chunk that shows it (see ``check_wave_kinds``)."""

    def __init__(self, wave):
        self.wave = wave
        self.number = self.text = None  # an example of each kind seen so far

    def __call__(self, chunk):
        column = chunk[self.wave]
        as_numbers = pd.to_numeric(column, errors="coerce")
        given = column.notna().to_numpy()
        is_number = as_numbers.notna().to_numpy()
        if is_number.any() and self.number is None:
            self.number = column[is_number].iloc[0]
        if (given & ~is_number).any() and self.text is None:
            self.text = column[given & ~is_number].iloc[0]
        if self.number is not None and self.text is not None:
            raise InvalidValueError(
                f"column {self.wave!r} mixes numbers and text (e.g. {self.number!r} and "
                f"{self.text!r}), which do not sort in time order together; make every wave "
                f"a number or every wave text"
            )
        if is_number.any():
            whole = as_numbers[is_number]
            # Int64 only where exact: beyond 2**53 a float is no longer a count of years
            if (whole == np.round(whole)).all() and (whole.abs() < 2.0**53).all():
                as_numbers = as_numbers.round().astype("Int64")
            chunk[self.wave] = as_numbers
        return chunk


# ============================================================================ questions whole
class _ContiguityCheck:
    """Raises if a question (with its ``by`` keys) turns up again after its rows ended.

    Within a part, the rows of each key must form one run; across parts, the keys of the
    finished parts are kept as sorted arrays of 64-bit hashes (8 bytes per question) in
    levels of doubling size, as a log-structured merge: each part costs O(q log Q) for its
    q questions, not O(Q) for all Q questions seen so far.
    """

    def __init__(self, keys):
        self.keys = keys
        self.levels = []  # sorted uint64 arrays, sizes decreasing

    def __call__(self, part, codes):
        present = codes >= 0
        valid = codes[present]
        if not valid.size:
            return
        starts = np.flatnonzero(np.r_[True, valid[1:] != valid[:-1]])
        rows = np.flatnonzero(present)[starts]
        firsts = part.iloc[rows][self.keys]
        if starts.size != int(valid.max()) + 1:  # a key with two runs in this part
            again = pd.Series(valid[starts]).duplicated().to_numpy()
            self._raise(firsts[again])
        hashes = pd.util.hash_pandas_object(firsts, index=False).to_numpy()
        for level in self.levels:
            position = np.searchsorted(level, hashes).clip(max=level.size - 1)
            again = level[position] == hashes
            if again.any():
                self._raise(firsts[again])
        self._add(np.sort(hashes))

    def _add(self, new):
        while self.levels and self.levels[-1].size <= new.size:
            new = np.sort(np.concatenate([self.levels.pop(), new]), kind="mergesort")
        self.levels.append(new)

    def _raise(self, rows):
        shown = rows.head(3).to_dict("records")
        raise SurveyStatsError(
            f"rows of {shown} are not contiguous in the file: compare_waves_csv reads in "
            f"chunks and needs all rows of a question next to each other (sort the file "
            f"by {', '.join(self.keys)} first)"
        )


def _whole_questions(chunks, keys, check):
    """Parts of the file that hold whole questions: a chunk's trailing question is carried
    over to the next chunk, so each question is compared whole."""
    carry = None
    for chunk in chunks:
        if carry is not None and len(carry):
            chunk = pd.concat([carry, chunk], ignore_index=True)
        if not len(chunk):
            continue
        codes, _ = group_codes(chunk, keys)
        differs = np.flatnonzero(codes != codes[-1])
        start = differs[-1] + 1 if differs.size else 0
        if start:
            check(chunk.iloc[:start], codes[:start])
            yield chunk.iloc[:start]
        carry = chunk.iloc[start:]
    if carry is not None and len(carry):
        codes, _ = group_codes(carry, keys)
        check(carry, codes)
        yield carry


@dataclass
class _Tally:
    rows: int = 0
    chunks: int = 0
    baseline_seen: bool = False


def _counted(chunks, tally, progress):
    for chunk, fraction in chunks:
        tally.rows += len(chunk)
        tally.chunks += 1
        if progress is not None:
            progress("reading", tally.rows, fraction)
        yield chunk


def _compared(parts, tally, options):
    """``compare_table`` on each part; notes in ``tally`` whether the baseline wave occurs."""
    baseline, wave = options["baseline"], options["wave"]
    for part in parts:
        if baseline is not None and not tally.baseline_seen:
            tally.baseline_seen = bool((part[wave] == baseline).fillna(False).any())
        yield compare_table(part, **options)


# ============================================================================ writing
def _write_adjusted(parts, writer, adjust, level, progress):
    """Two passes for one family over the file: the parts are spilled to a temporary file
    (their p-values kept, 8 bytes per comparison), then adjusted together and written."""
    pvalues = []
    with tempfile.TemporaryFile() as spill:
        for part in parts:
            pvalues.append(part["pvalue"].to_numpy())
            pickle.dump(part, spill, protocol=pickle.HIGHEST_PROTOCOL)
        adjusted = adjust_families(
            np.concatenate(pvalues) if pvalues else np.zeros(0), None, adjust
        )
        spill.seek(0)
        start = 0
        for _ in pvalues:
            part = pickle.load(spill)
            stop = start + len(part)
            part["pvalue_adjusted"] = adjusted[start:stop]
            part["significant"] = significance(adjusted[start:stop], level)
            writer.write(part)
            start = stop
            if progress is not None:
                progress("writing", writer.rows, stop / max(adjusted.size, 1))


# ============================================================================ public API
def compare_waves_csv(
    source,
    destination,
    *,
    chunksize=200_000,
    progress=None,
    question="question",
    wave="wave",
    p="p",
    n="n",
    deff=None,
    by=None,
    baseline=None,
    method="newcombe",
    test="z-pooled",
    confidence_level=0.95,
    alternative="two-sided",
    adjust="holm",
    family="all",
    scale="proportion",
    format=None,
    encoding="utf-8",
    escape_formulas=True,
):
    """:func:`compare_waves` over a CSV (or Parquet) file larger than memory, in chunks.

    Parameters
    ----------
    source : str, path or file object
        CSV file (compressed ones too: ``.gz``, ``.bz2``, ``.xz``, ``.zip``, ``.zst``) or
        Parquet file (``.parquet``, needs pyarrow); a file object (binary or text, e.g.
        ``sys.stdin.buffer``) is read as CSV.  The rows of each question (with its ``by``
        keys) must be contiguous; waves within a question may come in any order.  A
        violation raises.  A row with a field beyond the header's columns raises (one empty
        trailing field, a trailing comma, is dropped).
    destination : str, path or file object
        Output CSV with the columns of :func:`compare_waves`.  Written atomically: to a
        temporary file beside a path, renamed over it only when the run succeeds; to a file
        object only at the end of a successful run.  A failed or interrupted run leaves an
        existing file as it was.
    chunksize : int
        Rows read at a time; memory grows with it, not with the file.
    progress : callable, optional
        Called as ``progress(stage, rows, fraction)`` after each chunk (``stage`` is
        ``'reading'`` or ``'writing'``, ``fraction`` the share of the file done, or None
        where it cannot be known, e.g. on a pipe).  The command line shows it on stderr.
    format : {'csv', 'parquet'}, optional
        Input format; default from the file name.
    encoding : str
        Text encoding of a CSV (default UTF-8, a byte-order mark allowed).
    escape_formulas : bool
        Make text cells that a spreadsheet would run as formulas inert (default True):
        a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
        ``'``, as OWASP recommends against CSV injection.  Numbers, and text cells that are
        plain numbers such as ``-5``, are left as they are.  Pass False to write text as is.
    question, wave, p, n, deff, by, baseline
        As in :func:`compare_waves`.  The question and ``by`` columns are read as text;
        waves that are all numbers are read as numbers, and a wave column that mixes
        numbers with other text is refused.
    method, test, confidence_level, alternative, adjust, family, scale
        As in :func:`compare_waves`.

    Returns
    -------
    BatchSummary
        Counts of rows read, output rows, significant changes and rows with a problem.

    Notes
    -----
    A chunk may end in the middle of a question; its trailing question is carried over to
    the next chunk, so each question is compared whole.  Memory is one chunk (plus the
    largest question) and a sorted 8-byte hash per question for the contiguity check.
    The "looks like percentages" rule is applied to the share column of the whole file
    (its evidence adds up over the chunks), so the outcome does not depend on ``chunksize``.

    With ``family='all'`` (the default) the adjustment needs every p-value of the file, so
    the work takes two passes: the first computes the comparisons chunk by chunk, keeps
    the p-values (8 bytes per comparison) and spills the chunks of results to a temporary
    file; the second adjusts the p-values together and writes the output.  The output is
    then the same as :func:`compare_waves` on the whole table.  With ``family='question'``
    or ``adjust=None`` one pass suffices.

    The output holds unrounded numbers, each as Python's ``repr`` (the shortest text that
    reads back to the same float), as pandas' ``DataFrame.to_csv`` writes them.  Where
    pyarrow is installed the rows are made by its string kernels, byte for byte the same
    text and several times faster (writing was most of the time of a large file).

    Examples
    --------
    >>> import io, surveystats as ss
    >>> text = "question,wave,p,n\\nnato,2023,0.569,1000\\nnato,2024,0.487,1000\\nnato,2025,0.411,1000\\n"
    >>> out = io.StringIO()
    >>> print(ss.compare_waves_csv(io.StringIO(text), out, chunksize=2))
    3 rows, 2 output rows, 2 significant, 0 with a problem
    >>> print(out.getvalue().splitlines()[1][:36])
    nato,2023,2024,0.569,0.487,1000,1000
    """
    options = checked_compare_options(locals())
    level, adjust, family = options["confidence_level"], options["adjust"], options["family"]
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise InvalidOptionError(f"chunksize={chunksize!r} must be a whole number >= 1")
    if progress is not None and not callable(progress):
        raise InvalidOptionError(
            f"progress={progress!r} must be a callable progress(stage, rows, fraction) or None"
        )
    if isinstance(destination, str) and destination == "-":
        raise InvalidOptionError(
            "destination='-' is a file name here; pass sys.stdout to write to standard output"
        )
    codecs_name = _checked_encoding(encoding)
    options["by"] = by = as_list(by, "by")
    keys = by + [question]
    refuse_by_clash(by)
    evidence = PercentEvidence() if options["scale"] == "proportion" else None
    # parts are compared without adjustment, unless per question: the file is adjusted whole
    options.update(
        adjust=adjust if family == "question" else None,
        strict_baseline=False,
        evidence=evidence,
    )
    tally = _Tally()
    parquet = _is_parquet(source, format)
    with contextlib.ExitStack() as stack:
        reader = (
            _ParquetReader(source, stack) if parquet else _CsvReader(source, codecs_name, stack)
        )
        require_option_columns(reader.columns, options)
        chunks = _counted(reader.chunks(chunksize, keys + [wave]), tally, progress)
        if not parquet:
            chunks = map(_WaveKinds(wave), chunks)
        parts = _compared(_whole_questions(chunks, keys, _ContiguityCheck(keys)), tally, options)
        out = stack.enter_context(atomic_output(destination))
        writer = CsvWriter(out, output_columns(by), escape_formulas)
        if adjust is None or family == "question":
            for part in parts:
                writer.write(part)
        else:
            _write_adjusted(parts, writer, adjust, level, progress)
        # judged on the whole file, before the output is committed
        if evidence is not None:
            evidence.refuse_if_percent(p)
        if baseline is not None and tally.rows and not tally.baseline_seen:
            raise InvalidOptionError(f"baseline={baseline!r} is not a wave of the file")
    return BatchSummary(
        rows=tally.rows,
        comparisons=writer.rows,
        significant=writer.significant,
        problems=writer.problems,
        chunks=tally.chunks,
    )


def _checked_encoding(encoding):
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise InvalidOptionError(
            f"encoding={encoding!r} is not a text encoding Python knows (e.g. 'utf-8', "
            f"'latin-1', 'cp1252')"
        ) from None
