"""``surveystats weight FILE --rake targets.csv [--trim-upper 5] -o weighted.csv``.

Reads a respondent file, weights it (rake, post-stratify or calibrate to a tidy targets CSV
with columns ``variable, level, target``; then optionally trim), writes the file with a weight
column added (atomically: a temporary file beside the output, then a rename) and prints the
diagnostics of ``weight_summary()``.  One library call per step; no statistics here.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

from ._input import UsageError

__all__ = ["register"]

EXAMPLES = (
    "surveystats weight poll.csv --rake targets.csv -o weighted.csv\n"
    "surveystats weight poll.csv --rake targets.csv --trim-upper 5 -o weighted.csv\n"
    "surveystats weight poll.csv --weights pw --calibrate totals.csv --method logit "
    "--bounds 0.5,2 -o out.csv"
)


def register(command):
    """Register the ``weight`` subcommand with ``command(name, help, examples)``."""
    p = command("weight", "Weight a respondent file to population targets.", EXAMPLES)
    p.add_argument(
        "file", help="respondent file (CSV, or any format read_survey reads; '-': CSV on stdin)"
    )
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--rake", metavar="TARGETS", help="rake to the margins of a targets CSV")
    how.add_argument(
        "--poststratify", metavar="TARGETS", help="post-stratify to one margin of a targets CSV"
    )
    how.add_argument(
        "--calibrate", metavar="TARGETS", help="calibrate to the margins and totals of a CSV"
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="where to write the weighted CSV ('-': standard output, diagnostics on stderr)",
    )
    p.add_argument(
        "--weights", default=None, metavar="COLUMN", help="starting weights (default: 1 each)"
    )
    p.add_argument(
        "--weight-name",
        default="weight",
        metavar="NAME",
        help="name of the weight column added (default weight)",
    )
    p.add_argument(
        "--total",
        default=None,
        metavar="N",
        help="targets are shares of N; when omitted and every margin adds up to 1, they are "
        "shares of the starting weight sum",
    )
    p.add_argument(
        "--method",
        default="linear",
        choices=["linear", "raking", "logit"],
        help="calibration distance (with --calibrate; default linear)",
    )
    p.add_argument(
        "--bounds", default=None, metavar="LO,HI", help="bounds on the g-weights (--calibrate)"
    )
    p.add_argument(
        "--max-iter", default=None, type=int, metavar="K", help="iterations before giving up"
    )
    p.add_argument(
        "--trim-lower", default=None, metavar="W", help="then trim weights below W (weight units)"
    )
    p.add_argument(
        "--trim-upper", default=None, metavar="W", help="then trim weights above W (weight units)"
    )
    p.add_argument(
        "--strict", action="store_true", help="repeat trimming until every weight is inside"
    )
    p.add_argument("--json", action="store_true", help="print the diagnostics as JSON")
    p.set_defaults(run=run_weight)
    return p


def _number(text, flag):
    from ._input import parse_positive

    return None if text is None else parse_positive(text, flag)


def _bounds(text):
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"--bounds {text!r} must be two numbers LO,HI, e.g. 0.5,2")
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise UsageError(f"--bounds {text!r} must be two numbers LO,HI, e.g. 0.5,2") from None


def _read(path):
    import pandas as pd

    if path == "-":
        return pd.read_csv(sys.stdin)
    if path.lower().endswith((".csv", ".txt")):
        return pd.read_csv(path)
    try:
        from ..design import read_survey
    except ImportError:  # pragma: no cover - the readers are part of the design layer
        return pd.read_csv(path)
    return read_survey(path)


def _shares_total(targets, start_sum):
    """The starting weight sum when every categorical margin of ``targets`` adds up to 1."""
    categorical = targets[targets["level"] != ""]
    if categorical.empty:
        return None
    sums = categorical.groupby("variable")["target"].sum()
    return start_sum if ((sums - 1.0).abs() < 1e-6).all() else None


def run_weight(args):
    import numpy as np

    from ..design import SurveyDesign
    from ..design.weighting import read_targets

    data = _read(args.file)
    if args.weight_name in data.columns:
        raise UsageError(
            f"the file already has a column {args.weight_name!r}; choose another with --weight-name"
        )
    design = SurveyDesign(data, weights=args.weights)
    path = args.rake or args.poststratify or args.calibrate
    targets = read_targets(path)
    total = _number(args.total, "--total")
    notes = []
    if total is None:
        total = _shares_total(targets, float(np.sum(design.weights)))
        if total is not None:
            notes.append(f"targets are shares: scaled to the starting weight sum {total:,.6g}")
    options = {} if args.max_iter is None else {"max_iter": args.max_iter}
    if args.rake:
        design = design.rake(targets, total=total, **options)
    elif args.poststratify:
        design = design.poststratify(targets, total=total)
    else:
        design = design.calibrate(
            targets, method=args.method, bounds=_bounds(args.bounds), total=total, **options
        )
    lower, upper = (
        _number(args.trim_lower, "--trim-lower"),
        _number(args.trim_upper, "--trim-upper"),
    )
    if lower is not None or upper is not None:
        design = design.trim_weights(lower=lower, upper=upper, strict=args.strict)
    summary = design.weight_summary()
    out = data.copy()
    out[args.weight_name] = design.weights
    _write_atomically(out, args.output)
    # with the CSV on standard output, the diagnostics go to standard error
    stream = sys.stderr if args.output == "-" else sys.stdout
    if args.json:
        record = {k: v for k, v in summary.to_dict().items()}
        record["steps"] = list(record["steps"])
        record["margins"] = summary.to_frame().to_dict("records")
        record["output"] = args.output
        print(json.dumps(record, default=float, indent=2), file=stream)
    else:
        print(_human(summary, args, notes), file=stream)
    return 0


def _write_atomically(frame, path):
    """Write a CSV next to ``path`` under a temporary name, then rename it into place."""
    if path == "-":
        frame.to_csv(sys.stdout, index=False)
        return
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".weighting-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            frame.to_csv(stream, index=False)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _human(summary, args, notes):
    from ._format import count_text

    lines = [
        f"Weighted {count_text(summary.n)} rows: weights {summary.weight_min:.4g} to "
        f"{summary.weight_max:.4g} (max/min {summary.weight_ratio:.3g}), Kish design effect "
        f"{summary.kish_deff:.3f}, effective n {summary.effective_n:,.1f}.",
    ]
    lines += [f"  {step}" for step in summary.steps]
    lines += [f"  note: {note}" for note in notes]
    margins = summary.to_frame()
    if not margins.empty:
        lines.append("")
        lines.append(
            f"  {'margin':<16} {'level':<12} {'target':>12} {'achieved':>12} {'ASMD before':>11} {'after':>7}"
        )
        for row in margins.itertuples(index=False):
            lines.append(
                f"  {str(row.margin):<16.16} {str(row.level):<12.12} {row.target:>12,.6g} "
                f"{row.achieved:>12,.6g} {row.asmd_before:>11.3f} {row.asmd_after:>7.3f}"
            )
    if args.output != "-":
        lines.append("")
        lines.append(f"Wrote {args.output} with the weights in column {args.weight_name!r}.")
    return "\n".join(lines)
