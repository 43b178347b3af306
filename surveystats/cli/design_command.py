"""The ``surveystats design`` command: a design-based estimate from a respondent file.

Reads the file with :func:`surveystats.read_survey` (only the columns the command names),
builds one :class:`~surveystats.SurveyDesign` from ``--weights``, ``--strata``, ``--clusters``,
``--fpc`` and makes one estimator call: ``proportion`` when ``--level`` is given, else ``mean``
(or ``total`` with ``--total``), with ``--by`` domains.  A plain answer first, then details;
``--json`` / ``--csv`` print the result fields, one record per domain.  No statistics here.
"""

from __future__ import annotations

import argparse
import math
import numbers

from ._input import UsageError, parse_level

__all__ = ["register"]

EXAMPLES = """\
surveystats design apistrat.csv --weights pw --strata stype --fpc fpc --var sch.wide --level Yes
surveystats design apiclus1.csv --weights pw --clusters dnum --fpc fpc --var api00
surveystats design apiclus2.csv --clusters dnum,snum --fpc fpc1,fpc2 --var sch.wide --level Yes
surveystats design poll.sav --weights w --strata region --var q1 --level Yes --by sex --json"""


class _SplitNames(argparse.Action):
    """``--clusters a,b`` and ``--clusters a --clusters b`` both give ``["a", "b"]``."""

    def __call__(self, parser, namespace, values, option_string=None):
        names = list(getattr(namespace, self.dest, None) or [])
        parts = [part.strip() for part in values.split(",")]
        if not all(parts):
            raise UsageError(f"{option_string} {values!r}: an empty column name")
        setattr(namespace, self.dest, names + parts)


def register(command):
    """Add ``design`` through the subcommand factory ``command`` of :func:`main.build_parser`."""
    from .main import _add_level, _add_output

    p = command(
        "design",
        "Design-based estimate from a respondent file: a proportion, mean or total with its "
        "standard error, design effect and interval (strata, multistage clusters, weights, FPC).",
        EXAMPLES,
    )
    p.add_argument("file", help="respondent file: .csv, .parquet, .dta (Stata), .sav (SPSS)")
    p.add_argument("--var", required=True, metavar="COLUMN", help="the answer or variable")
    p.add_argument(
        "--level",
        default=None,
        metavar="ANSWER",
        help="estimate the share giving this answer (e.g. Yes, or 1); without it the mean",
    )
    p.add_argument(
        "--total", action="store_true", help="estimate the population total of --var instead"
    )
    p.add_argument("--weights", default=None, metavar="COLUMN", help="sampling weights")
    p.add_argument("--strata", default=None, action=_SplitNames, metavar="COLUMN")
    p.add_argument(
        "--clusters",
        default=None,
        action=_SplitNames,
        metavar="COLUMN[,COLUMN]",
        help="cluster (PSU) column; several (comma-separated or repeated) for multistage",
    )
    p.add_argument(
        "--fpc",
        default=None,
        action=_SplitNames,
        metavar="COLUMN[,COLUMN]",
        help="finite population correction per stage: sampling fractions (<= 1) or "
        "population sizes (> 1)",
    )
    p.add_argument(
        "--nest", action="store_true", help="cluster labels are unique only within strata"
    )
    p.add_argument(
        "--lonely-psu",
        default="fail",
        metavar="RULE",
        help="a stratum with one PSU: fail, remove, certainty, adjust or average (default fail)",
    )
    p.add_argument(
        "--by",
        default=None,
        action=_SplitNames,
        metavar="COLUMN[,COLUMN]",
        help="domains: one estimate per level (several columns: crossed)",
    )
    p.add_argument(
        "--method",
        default=None,
        metavar="METHOD",
        help="interval of a proportion: logit, likelihood, asin, beta, mean, xlogit, wilson "
        "(default logit)",
    )
    p.add_argument(
        "--format",
        default=None,
        metavar="FORMAT",
        help="file format when the extension does not say: csv, parquet, stata, spss",
    )
    _add_replicate_options(p)
    _add_level(p)
    _add_output(p, check=False)
    p.set_defaults(run=run_design)
    return p


def _one_or_list(names):
    if not names:
        return None
    return names[0] if len(names) == 1 else list(names)


def _answer(column, text):
    """The value of ``column`` that ``--level TEXT`` names: a label, a code or a number.

    The text is matched to the values that occur, so ``--level 1`` finds the integer 1 and
    ``--level Yes`` a label; a text that matches nothing goes to the library as it is, which
    names the levels that do occur.
    """
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        values = list(column.cat.categories)
    else:
        values = list(pd.unique(column.dropna()))
    for value in values:
        if str(value) == text:
            return value
    try:
        number = float(text)
    except ValueError:
        return text
    for value in values:
        if isinstance(value, numbers.Number) and not isinstance(value, bool) and value == number:
            return value
    return text


def _add_replicate_options(p):
    """``--replicate-weights`` / ``--type`` and their settings (#12 item 5)."""
    p.add_argument(
        "--replicate-weights",
        default=None,
        metavar="REGEX",
        help="replicate weight columns, a regular expression such as 'repw[0-9]+' (needs "
        "--weights and --type): the variance comes from them",
    )
    p.add_argument(
        "--type",
        default=None,
        metavar="TYPE",
        help="replicates: jk1, jkn, brr, fay, bootstrap or sdr; with --replicate-weights how "
        "they were made, without it the replicates made from the design",
    )
    p.add_argument("--rho", type=float, default=None, help="Fay's coefficient (--type fay)")
    p.add_argument(
        "--scale", type=float, default=None, help="replicate scale (jk1, jkn, bootstrap weights)"
    )
    p.add_argument(
        "--rscales",
        default=None,
        metavar="X[,X...]",
        help="per-replicate multipliers of --replicate-weights: one number or one per replicate",
    )
    p.add_argument(
        "--replicates", type=int, default=None, help="replicates to make (bootstrap, sdr)"
    )
    p.add_argument("--seed", type=int, default=None, help="seed of the bootstrap replicates")
    p.add_argument(
        "--mse", action="store_true", help="centre the replicates on the full-sample estimate"
    )


def _replicate_design(args, read_survey):
    """A ReplicateDesign from the file's replicate weight columns."""
    from ..design import ReplicateDesign

    if args.type is None:
        raise UsageError("--replicate-weights needs --type (jk1, jkn, brr, fay, bootstrap, sdr)")
    if args.weights is None:
        raise UsageError("--replicate-weights needs --weights (the full-sample weight column)")
    if args.strata or args.clusters or args.fpc:
        raise UsageError("--replicate-weights replaces --strata, --clusters and --fpc")
    rscales = None
    if args.rscales is not None:
        try:
            rscales = [float(x) for x in args.rscales.split(",")]
        except ValueError:
            raise UsageError(f"--rscales {args.rscales!r}: numbers separated by commas") from None
        rscales = rscales[0] if len(rscales) == 1 else rscales
    # the pattern is matched against every column name, so the whole file is read
    frame = read_survey(args.file, format=args.format)
    design = ReplicateDesign(
        frame,
        weights=args.weights,
        replicate_weights=args.replicate_weights,
        type=args.type,
        scale=args.scale,
        rscales=rscales,
        rho=args.rho,
        mse=args.mse,
    )
    return frame, design


def run_design(args):
    from ..design import SurveyDesign
    from ..design.readers import read_survey
    from .main import _emit

    confidence = parse_level(args.confidence)
    if args.level is not None and args.total:
        raise UsageError("--total estimates a total of --var; it does not take --level")
    if args.method is not None and args.level is None:
        raise UsageError("--method is the interval of a proportion: give --level too")
    by = list(args.by or [])
    wanted = [args.var, args.weights, *(args.strata or []), *(args.clusters or [])]
    wanted += [*(args.fpc or []), *by]
    columns = list(dict.fromkeys(c for c in wanted if c is not None))
    if args.replicate_weights is not None:
        frame, design = _replicate_design(args, read_survey)
    else:
        frame = read_survey(args.file, format=args.format, columns=columns)
        design = SurveyDesign(
            frame,
            weights=args.weights,
            strata=_one_or_list(args.strata),
            clusters=_one_or_list(args.clusters),
            fpc=_one_or_list(args.fpc),
            nest=args.nest,
            lonely_psu=args.lonely_psu,
        )
        if args.type is not None:
            design = design.replicate(
                args.type, replicates=args.replicates, rho=args.rho, seed=args.seed, mse=args.mse
            )
    by_option = _one_or_list(by)
    if args.level is not None:
        result = design.proportion(
            args.var,
            level=_answer(frame[args.var], args.level),
            by=by_option,
            method=args.method or "logit",
            confidence_level=confidence,
        )
    elif args.total:
        result = design.total(args.var, by=by_option, confidence_level=confidence)
    else:
        result = design.mean(args.var, by=by_option, confidence_level=confidence)
    table = result.to_frame()
    records = table.to_dict("records")
    _emit(args, records, _human(result, table, args, confidence, by))
    return 0


# --------------------------------------------------------------------------- wording
def _what(args):
    if args.level is not None:
        return f"{args.var} = {args.level}"
    return f"{'total' if args.total else 'mean'} of {args.var}"


def _value(x, se, share):
    """A share in percent, or a number rounded to two significant digits of its SE."""
    from ._format import pct

    if share:
        return pct(x)
    if x is None or not math.isfinite(x):
        return "n/a"
    digits = 0
    if se is not None and math.isfinite(se) and se > 0:
        digits = max(0, 1 - math.floor(math.log10(se)))
    return f"{x:,.{digits}f}"


def _se_text(se, share):
    from ._format import points

    if share:
        return f"SE {points(se, signed=False)} points"
    return f"SE {_value(se, se, False)}"


def _line(record, args, share):
    from ._format import count_text

    estimate, se = record["estimate"], record["se"]
    text = (
        f"{_value(estimate, se, share)} (CI {_value(record['low'], se, share)} to "
        f"{_value(record['high'], se, share)}), {_se_text(se, share)}, "
        f"n = {count_text(record['n'])}"
    )
    problem = record.get("problem")
    if isinstance(problem, str) and problem:
        text += f" [{problem}]"
    return text


def _details(record):
    from ._format import count_text

    deff = record["deff"]
    parts = []
    if deff is not None and math.isfinite(deff) and deff > 0:
        parts.append(
            f"design effect {deff:.2f} (effective sample {count_text(record['n'] / deff)})"
        )
    parts.append(f"{record['df']:g} degrees of freedom")
    if record.get("n_missing"):
        parts.append(f"{count_text(record['n_missing'])} without an answer left out")
    return "; ".join(parts)


def _domain_text(label, by):
    if not isinstance(label, tuple):
        label = (label,)
    return ", ".join(f"{name}={value}" for name, value in zip(by, label, strict=False))


def _human(result, table, args, confidence, by):
    from ._format import level_text

    share = args.level is not None
    records = table.to_dict("records")
    method = records[0]["method"]
    head = f"{_what(args)}: "
    if not by:
        record = records[0]
        return (
            head
            + _line(record, args, share).replace("(CI", f"({level_text(confidence)} CI", 1)
            + f"\n  {_details(record)}; {method} interval"
        )
    lines = [f"{_what(args)} by {', '.join(by)} ({level_text(confidence)} CI, {method}):"]
    for record in records:
        lines.append(f"  {_domain_text(record['domain'], by)}: {_line(record, args, share)}")
        lines.append(f"    {_details(record)}")
    return "\n".join(lines)
