"""Reading respondent files: CSV, Parquet, Stata and SPSS into one pandas DataFrame.

:func:`read_survey` picks the reader from the file's extension (or ``format=``) and hands back a
plain DataFrame that :class:`~surveystats.design.SurveyDesign` takes as it is.  Value labels of
Stata and SPSS files become pandas categories, so an answer is asked for by its label
(``level="Yes"``) whatever number the file stores.  Variable labels, where the file has them,
are kept in ``frame.attrs["variable_labels"]``.

Parquet needs ``pyarrow`` (the ``parquet`` extra) and SPSS ``pyreadstat`` (the ``spss`` extra);
CSV and Stata need only pandas.  No statistics here, and nothing about sampling designs.
"""

from __future__ import annotations

import errno
import importlib.util
import os
from collections.abc import Callable, Sequence

import pandas as pd

from ..exceptions import InvalidOptionError, SurveyStatsError

__all__ = ["read_survey", "FORMATS", "EXTENSIONS"]

#: file extension (lower case) -> format name
EXTENSIONS = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".csv.bz2": "csv",
    ".csv.xz": "csv",
    ".csv.zip": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".dta": "stata",
    ".sav": "spss",
    ".zsav": "spss",
}

#: optional dependency of a format -> (module to import, extra that installs it)
_NEEDS = {"parquet": ("pyarrow", "parquet"), "spss": ("pyreadstat", "spss")}


def read_survey(
    path: str | os.PathLike,
    *,
    format: str | None = None,
    columns: Sequence[str] | None = None,
    **options,
) -> pd.DataFrame:
    """Read a respondent file into a DataFrame, value labels kept as categories.

    Parameters
    ----------
    path : str or path-like
        The file.  Its extension chooses the reader: ``.csv`` (also ``.csv.gz``, ``.csv.bz2``,
        ``.csv.xz``, ``.csv.zip``), ``.parquet`` / ``.pq``, ``.dta`` (Stata), ``.sav`` /
        ``.zsav`` (SPSS).
    format : {"csv", "parquet", "stata", "spss"}, optional
        The format, for a file whose extension says nothing (``survey.txt``).
    columns : sequence of str, optional
        Read only these columns (every format reads only what is asked for).  A name that is
        not in the file raises and lists the columns that are.
    **options
        Passed on to the underlying reader: ``pandas.read_csv``, ``pandas.read_parquet``,
        ``pandas.read_stata`` or ``pyreadstat.read_sav`` (for example ``sep=";"`` or
        ``encoding="latin-1"``).

    Returns
    -------
    pandas.DataFrame
        One row per respondent.  In Stata and SPSS files a column with value labels is a
        categorical of its labels (values without a label keep their number as the category);
        SPSS user-missing codes and Stata's ``.``, ``.a`` ... ``.z`` are missing (NaN).

    Raises
    ------
    FileNotFoundError
        There is no file at ``path``.
    InvalidOptionError
        The extension (or ``format``) is not one of those above, or a name in ``columns`` is not
        in the file.
    SurveyStatsError
        The format needs an optional dependency that is not installed; the message names the
        extra to install (``pip install 'surveystats[parquet]'``).

    Examples
    --------
    A Stata file whose answers are stored as 1/2 with the labels "Yes"/"No":

    >>> import os, tempfile
    >>> import pandas as pd
    >>> import surveystats as ss
    >>> answers = pd.DataFrame({"support": [1, 2, 1, 1], "weight": [1.0, 2.0, 1.5, 0.5]})
    >>> path = os.path.join(tempfile.mkdtemp(), "poll.dta")
    >>> answers.to_stata(path, write_index=False, value_labels={"support": {1: "Yes", 2: "No"}})
    >>> frame = ss.read_survey(path)
    >>> frame["support"].tolist()
    ['Yes', 'No', 'Yes', 'Yes']
    >>> list(frame["support"].cat.categories)
    ['Yes', 'No']
    """
    path = os.fspath(path)
    name = _format_of(path, format)
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, "no such survey file", path)
    _require(name)
    if columns is not None:
        columns = _column_list(columns)
        _check_columns(columns, _COLUMN_NAMES[name](path, options), path)
    return READERS[name](path, columns, options)


# --------------------------------------------------------------------------- choosing a reader
def _format_of(path: str, format: str | None) -> str:
    if format is not None:
        if format not in READERS:
            raise InvalidOptionError(
                f"format={format!r} is not a survey file format; use one of "
                + ", ".join(repr(f) for f in READERS)
            )
        return format
    lower = os.path.basename(path).lower()
    # longest match first, so that "x.csv.gz" is CSV and not an unknown ".gz"
    for extension in sorted(EXTENSIONS, key=len, reverse=True):
        if lower.endswith(extension):
            return EXTENSIONS[extension]
    extension = os.path.splitext(lower)[1] or "(none)"
    raise InvalidOptionError(
        f"cannot tell the format of {path!r} from its extension {extension}; the extensions "
        f"read are {', '.join(EXTENSIONS)} (or pass format= one of "
        + ", ".join(repr(f) for f in READERS)
        + ")"
    )


def _require(name: str) -> None:
    """Raise, naming the extra, when the optional dependency of a format is missing."""
    if name not in _NEEDS:
        return
    module, extra = _NEEDS[name]
    if importlib.util.find_spec(module) is None:
        raise SurveyStatsError(
            f"reading {name} files needs the {module} package, which is not installed: "
            f"pip install 'surveystats[{extra}]'"
        )


def _column_list(columns) -> list[str]:
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def _check_columns(wanted: list[str], found: list[str], path: str) -> None:
    missing = [c for c in wanted if c not in found]
    if missing:
        shown = ", ".join(map(repr, found[:30])) + (" ..." if len(found) > 30 else "")
        raise InvalidOptionError(
            f"columns: {', '.join(map(repr, missing))} not in {path!r}; its columns are {shown}"
        )


# --------------------------------------------------------------------------- one reader per format
def _read_csv(path: str, columns, options) -> pd.DataFrame:
    """Plain text: ``pandas.read_csv`` (compression from the extension)."""
    return pd.read_csv(path, usecols=columns, **options)


def _read_parquet(path: str, columns, options) -> pd.DataFrame:
    """Parquet through pyarrow; dictionary-encoded columns come back as categories."""
    return pd.read_parquet(path, engine="pyarrow", columns=columns, **options)


def _read_stata(path: str, columns, options) -> pd.DataFrame:
    """Stata ``.dta``: ``pandas.read_stata`` with value labels as (ordered) categories."""
    options = {"convert_categoricals": True, **options}
    with pd.read_stata(path, columns=columns, iterator=True, **options) as reader:
        frame = reader.read()
        labels = reader.variable_labels()
    frame.attrs["variable_labels"] = {k: v for k, v in labels.items() if v and k in frame}
    return frame


def _read_spss(path: str, columns, options) -> pd.DataFrame:
    """SPSS ``.sav`` / ``.zsav`` through pyreadstat: value labels applied as categories,
    user-missing codes read as missing (pyreadstat's ``user_missing=False``)."""
    import pyreadstat

    options = {"apply_value_formats": True, "formats_as_category": True, **options}
    frame, meta = pyreadstat.read_sav(path, usecols=columns, **options)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=False))
    frame.attrs["variable_labels"] = {k: v for k, v in labels.items() if v and k in frame}
    return frame


def _csv_columns(path: str, options) -> list[str]:
    header_options = {k: v for k, v in options.items() if k in ("sep", "delimiter", "encoding")}
    return list(pd.read_csv(path, nrows=0, **header_options).columns)


def _parquet_columns(path: str, options) -> list[str]:
    import pyarrow.parquet

    return list(pyarrow.parquet.read_schema(path).names)


def _stata_columns(path: str, options) -> list[str]:
    with pd.read_stata(path, iterator=True) as reader:
        return list(reader.variable_labels())


def _spss_columns(path: str, options) -> list[str]:
    import pyreadstat

    _, meta = pyreadstat.read_sav(path, metadataonly=True)
    return list(meta.column_names)


#: format name -> reader(path, columns, options)
READERS: dict[str, Callable[[str, list | None, dict], pd.DataFrame]] = {
    "csv": _read_csv,
    "parquet": _read_parquet,
    "stata": _read_stata,
    "spss": _read_spss,
}
FORMATS = tuple(READERS)

_COLUMN_NAMES = {
    "csv": _csv_columns,
    "parquet": _parquet_columns,
    "stata": _stata_columns,
    "spss": _spss_columns,
}
