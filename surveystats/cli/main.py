"""The ``surveystats`` command: significance checks a person or a script runs in one line.

A thin layer over the library (after sqlite-utils): each subcommand parses flags that map
one-to-one onto library keywords, makes one library call, and formats the result — a short
human answer first, then details; ``--json`` / ``--csv`` for machines; ``--check`` turns the
verdict into the exit status (0 significant, 1 not).  A user's mistake (a usage error, a bad
number, a file that cannot be read) prints one line on stderr and exits with status 2; an
unexpected exception is a bug: one line that says so and exits with status 70 (``--debug``
shows the traceback); Ctrl-C exits with status 130.  No statistics here, and nothing is
imported before a subcommand needs it, so one-figure checks start fast.

Subcommands of other modules (``COMMAND_MODULES``) register themselves with
``register(command)``, where ``command(name, help, example)`` returns their parser.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from ._input import UsageError, parse_count, parse_level, parse_moe, parse_positive, parse_share

__all__ = ["main"]

EXIT_SIGNIFICANT, EXIT_NOT_SIGNIFICANT, EXIT_USAGE = 0, 1, 2
EXIT_BUG = 70  # EX_SOFTWARE of BSD sysexits.h: an internal software error
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C

# Modules of this package that add subcommands: each has ``register(command)``.  They must
# import nothing heavy (pandas, scipy) at module level, so that one-figure checks stay fast.
COMMAND_MODULES: tuple[str, ...] = ("design_command", "weight_command")

# A value typed with a leading minus (-5%, -0.1) is a value, not an option: argparse would
# otherwise read "-5%" as an unknown flag.  No option of this command starts with a digit.
_NEGATIVE_VALUE = re.compile(r"^[-\u2212][.,]?\d")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # argparse consults this pattern to tell negative numbers from options
        self._negative_number_matcher = _NEGATIVE_VALUE

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _examples(text):
    return "examples:\n" + "\n".join(f"  {line}" for line in text.strip().splitlines())


# --------------------------------------------------------------------------- option groups
def _add_output(parser, check=True):
    out = parser.add_argument_group("output")
    fmt = out.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the result fields as JSON")
    fmt.add_argument("--csv", action="store_true", help="print the result fields as CSV")
    _add_formula_option(out)
    if check:
        out.add_argument(
            "--check",
            action="store_true",
            help="exit status is the verdict: 0 significant, 1 not significant",
        )


def _add_formula_option(group):
    group.add_argument(
        "--no-escape-formulas",
        dest="escape_formulas",
        action="store_false",
        help="in CSV output, write text cells starting with = + - @ tab or CR as they are "
        "(by default they get a leading ' so that spreadsheets do not run them as formulas)",
    )


def _add_level(parser):
    parser.add_argument(
        "--confidence",
        default="95",
        metavar="LEVEL",
        help="confidence level, e.g. 95 or 0.95 (default 95)",
    )


def _add_population(parser):
    parser.add_argument(
        "--population",
        default=None,
        metavar="N",
        help="population size for the finite population correction",
    )


def _add_design(parser, two=False):
    parser.add_argument(
        "--deff",
        default="1",
        metavar="D",
        help="design effect: the effective sample is n / D (default 1)",
    )
    if two:
        parser.add_argument(
            "--deff2",
            default=None,
            metavar="D",
            help="design effect of the second sample (default: --deff)",
        )


def _n_option(
    parser: argparse.ArgumentParser,
    required: bool = True,
    nargs: str | None = None,
    help: str = "sample size (respondents), e.g. 1000 or 1,000",
) -> None:
    parser.add_argument("--n", required=required, nargs=nargs, metavar="N", help=help)


def _n2_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--n2", default=None, metavar="N", help=help)


def _two_shares(parser: argparse.ArgumentParser, first: str, second: str) -> None:
    """The positional ``first`` and ``second`` shares of a two-share command."""
    parser.add_argument("first", help=first)
    parser.add_argument("second", help=second)


def _method_option(
    parser: argparse.ArgumentParser, default: str, help: str, choices: list[str] | None = None
) -> None:
    parser.add_argument("--method", default=default, choices=choices, metavar="METHOD", help=help)


def _encoding_option(
    parser: argparse.ArgumentParser, default: str | None, help: str, metavar: str | None = None
) -> None:
    parser.add_argument("--encoding", default=default, metavar=metavar, help=help)


def _column_options(parser: argparse.ArgumentParser, **columns: str) -> None:
    """``--NAME`` options naming the input's columns: ``NAME="what it holds"``."""
    for name, what in columns.items():
        parser.add_argument(f"--{name}", default=name, help=f"{what} column (default {name})")


# --------------------------------------------------------------------------- helpers
def _population_value(args: argparse.Namespace) -> float | None:
    if args.population is None:
        return None
    return parse_positive(args.population, "--population")


def _shares(texts, name="share"):
    return [parse_share(t, name) for t in texts]


def _sample_size_for(share, n_text, name="--n"):
    """The n of a share: from ``--n`` or from ``x/n`` notation; both must agree."""
    if n_text is not None:
        n = parse_count(n_text, name)
        if share.n is not None and share.n != n:
            raise UsageError(f"{share.text!r} says n = {share.n:g} but {name} says {n:g}")
        return n
    if share.n is not None:
        return share.n
    raise UsageError(
        f"the sample size is missing: add {name} N (e.g. {name} 1000) or write the share as count/n"
    )


def _one_sample_size(first, second, n_text):
    """The n of two answers from one sample (a lead): every n given must be the same."""
    n = _sample_size_for(first if first.n is not None or second.n is None else second, n_text)
    for share in (first, second):
        if share.n is not None and share.n != n:
            raise UsageError(
                f"both answers of a lead come from one sample, but {share.text!r} says "
                f"n = {share.n:g} and the other n is {n:g}; for two samples use "
                f"'surveystats change'"
            )
    return n


def _emit(args, records, human):
    from ._format import to_csv, to_json

    if getattr(args, "json", False):
        print(to_json(records))
    elif getattr(args, "csv", False):
        print(to_csv(records, escape_formulas=getattr(args, "escape_formulas", True)))
    else:
        print(human)


def _verdict_exit(args, significant):
    if getattr(args, "check", False):
        return EXIT_SIGNIFICANT if significant else EXIT_NOT_SIGNIFICANT
    return 0


# --------------------------------------------------------------------------- commands
def _cmd_ci(args):
    from .. import proportion_ci
    from ._format import count_text, level_text, pct, points

    shares = _shares(args.share)
    level = parse_level(args.confidence)
    deff = parse_positive(args.deff, "--deff")
    population = _population_value(args)
    lines, records = [], []
    for share in shares:
        n = _sample_size_for(share, args.n)
        r = proportion_ci(
            share.p, n, method=args.method, confidence_level=level, deff=deff, population=population
        )
        records.append(r.to_dict())
        lines.append(
            f"{pct(r.estimate)} \u00b1 {points(r.moe, signed=False)} points "
            f"({level_text(level)} CI {pct(r.low)} to {pct(r.high)}), n = {count_text(n)}"
        )
        detail = (
            f"  method {r.method}; {points(r.moe_below, signed=False)} points below, "
            f"{points(r.moe_above, signed=False)} above"
        )
        if r.n_effective != n:
            detail += f"; effective sample {count_text(r.n_effective)}"
        lines.append(detail)
    _emit(args, records, "\n".join(lines))
    return 0


def _change_sentence(r, level):
    from ._format import level_text, points, pvalue_text

    verdict = "a real change" if r.significant else "no clear change"
    return (
        f"{verdict}: {points(r.estimate)} points, {level_text(level)} CI "
        f"{points(r.low)} to {points(r.high)}, {pvalue_text(r.pvalue)}"
    )


def _cmd_change(args):
    from .. import compare_proportions
    from ._format import count_text, pct

    first, second = _shares([args.first, args.second])
    n1 = _sample_size_for(first, args.n)
    n2 = _sample_size_for(
        second,
        args.n2 if args.n2 is not None else (None if second.n is not None else args.n),
        "--n2",
    )
    level = parse_level(args.confidence)
    deff1 = parse_positive(args.deff, "--deff")
    deff2 = deff1 if args.deff2 is None else parse_positive(args.deff2, "--deff2")
    r = compare_proportions(
        first.p,
        n1,
        second.p,
        n2,
        method=args.method,
        test=args.test,
        confidence_level=level,
        deff1=deff1,
        deff2=deff2,
    )
    lines = [
        _change_sentence(r, level),
        f"  {pct(r.p1)} (n = {count_text(n1)}) \u2192 {pct(r.p2)} (n = {count_text(n2)}); "
        f"relative change {_relative(r.ratio)} (ratio {r.ratio:.3f}, CI {r.ratio_low:.3f} "
        f"to {r.ratio_high:.3f})",
        f"  interval {r.method}, test {r.test} (statistic {r.statistic:.3f}); "
        f"Cohen's h {r.cohens_h:.3f}",
    ]
    _emit(args, [r.to_dict()], "\n".join(lines))
    return _verdict_exit(args, r.significant)


def _relative(ratio):
    import math

    if not math.isfinite(ratio):
        return "n/a"
    return f"{100 * (ratio - 1):+.1f}%".replace("-", "\u2212")


def _cmd_lead(args):
    from .. import compare_shares
    from ._format import count_text, level_text, pct, points, pvalue_text

    first, second = _shares([args.first, args.second])
    n = _one_sample_size(first, second, args.n)
    level = parse_level(args.confidence)
    deff = parse_positive(args.deff, "--deff")
    r = compare_shares(first.p, second.p, n, confidence_level=level, deff=deff)
    lead, low, high = -r.estimate, -r.high, -r.low
    if r.significant:
        leader = "first" if lead > 0 else "second"
        verdict = f"a real lead for the {leader} answer"
    else:
        verdict = "about even (no clear lead)"
    lines = [
        f"{verdict}: {pct(r.p_a)} vs {pct(r.p_b)}, a gap of {points(lead)} points, "
        f"{level_text(level)} CI {points(low)} to {points(high)}, {pvalue_text(r.pvalue)}",
        f"  both answers from one sample of n = {count_text(n)} (the gap's margin allows for "
        f"their negative covariance); statistic {r.statistic:.3f}",
    ]
    _emit(args, [r.to_dict()], "\n".join(lines))
    return _verdict_exit(args, r.significant)


def _cmd_trend(args):
    import numpy as np

    from .. import trend_test
    from ._format import pct, points, pvalue_text

    shares = _shares(args.share)
    if len(shares) < 3:
        raise UsageError("trend needs three or more shares, one per wave, oldest first")
    n_texts = args.n if args.n is not None else [None]
    if len(n_texts) not in (1, len(shares)):
        raise UsageError(
            f"--n takes one sample size or one per wave ({len(shares)}), got {len(n_texts)}"
        )
    if len(n_texts) == 1:
        n_texts = n_texts * len(shares)
    ns = [_sample_size_for(s, t) for s, t in zip(shares, n_texts, strict=False)]
    level = parse_level(args.confidence)
    r = trend_test(np.array([s.p for s in shares]), np.array(ns), confidence_level=level)
    verdict = "a real trend" if r.significant else "no clear trend"
    series = " \u2192 ".join(pct(s.p) for s in shares)
    lines = [
        f"{verdict}: {series}, {points(r.slope)} points per wave, {pvalue_text(r.pvalue)} "
        f"(Cochran-Armitage)",
        f"  chi-square {r.statistic:.3f} on {r.df:g} df; waves differ at all: chi-square "
        f"{r.homogeneity_statistic:.3f} on {r.homogeneity_df:g} df, "
        f"{pvalue_text(r.homogeneity_pvalue)}",
    ]
    _emit(args, [r.to_dict()], "\n".join(lines))
    return _verdict_exit(args, r.significant)


def _cmd_sample_size(args):
    from .. import sample_size
    from ._format import count_text, level_text, pct, points

    moe = parse_moe(args.moe)
    p = parse_share(args.p, "--p").p
    level = parse_level(args.confidence)
    deff = parse_positive(args.deff, "--deff")
    population = _population_value(args)
    n = sample_size(moe, p=p, confidence_level=level, deff=deff, population=population)
    record = dict(n=n, moe=moe, p=p, confidence_level=level, deff=deff, population=population)
    human = (
        f"{count_text(n)} respondents for a margin of error of \u00b1"
        f"{points(moe, signed=False)} points at {level_text(level)} confidence "
        f"(share {pct(p, 0)}"
        + (f", design effect {deff:g}" if deff != 1 else "")
        + (f", population {count_text(population)}" if population else "")
        + ")"
    )
    _emit(args, [record], human)
    return 0


def _cmd_power(args):
    from ._format import count_text, level_text, pct, points

    shares = _shares(args.share)
    level = parse_level(args.confidence)
    if len(shares) == 1:
        from .. import detectable_change

        n1 = _sample_size_for(shares[0], args.n)
        n2 = n1 if args.n2 is None else parse_count(args.n2, "--n2")
        power = _power_value(args.power)
        r = detectable_change(shares[0].p, n1, n2, power=power, confidence_level=level)
        human = (
            f"from {pct(r.p)}, samples of {count_text(n1)} and {count_text(n2)} detect "
            f"a fall of {points(r.decrease, signed=False)} points or a rise of "
            f"{points(r.increase, signed=False)} points with {power:.0%} power "
            f"({level_text(level)} confidence, two-sided)"
        )
        _emit(args, [r.to_dict()], human)
        return 0
    if len(shares) != 2:
        raise UsageError(
            "power takes one share (smallest detectable change) or two "
            "(power to detect the change between them)"
        )
    first, second = shares
    if args.n is None and first.n is None:
        from .. import sample_size_two_proportions

        power = _power_value(args.power)
        r = sample_size_two_proportions(first.p, second.p, power=power, confidence_level=level)
        human = (
            f"{count_text(r.n_required)} respondents in each wave to detect "
            f"{pct(first.p)} \u2192 {pct(second.p)} ({points(second.p - first.p)} points) "
            f"with {power:.0%} power at {level_text(level)} confidence"
        )
        _emit(args, [r.to_dict()], human)
        return 0
    from .. import power_two_proportions

    n1 = _sample_size_for(first, args.n)
    n2 = n1 if args.n2 is None else parse_count(args.n2, "--n2")
    r = power_two_proportions(first.p, second.p, n1, n2=n2, confidence_level=level)
    human = (
        f"power {r.power:.1%} to detect {pct(first.p)} \u2192 {pct(second.p)} "
        f"({points(second.p - first.p)} points) with n = {count_text(n1)} and "
        f"{count_text(n2)} at {level_text(level)} confidence"
    )
    _emit(args, [r.to_dict()], human)
    return 0


def _power_value(text):
    value = parse_level(text, "--power")
    return value


def _cmd_batch(args):
    from ..batch import compare_waves_csv
    from ._progress import Progress

    level = parse_level(args.confidence)
    # '-' is standard input / output: bytes in (pandas reads them fastest), text out
    source = sys.stdin.buffer if args.input == "-" else args.input
    destination = sys.stdout if args.output == "-" else args.output
    progress = Progress()
    try:
        summary = compare_waves_csv(
            source,
            destination,
            question=args.question,
            wave=args.wave,
            p=args.p,
            n=args.n,
            method=args.method,
            confidence_level=level,
            adjust=args.adjust,
            scale=args.scale,
            chunksize=args.chunksize,
            encoding=args.encoding,
            escape_formulas=args.escape_formulas,
            progress=progress if progress.enabled else None,
        )
    finally:
        progress.close()
    if args.output != "-":
        print(f"wrote {args.output}: {summary}", file=sys.stderr)
    return 0


def _cmd_annotate(args):
    from ..newsroom.annotator import annotate
    from ..newsroom.textinput import decode_article

    if args.file == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(args.file, "rb") as handle:
            raw = handle.read()
    text = decode_article(raw, args.encoding)  # byte-order marks honoured; refuses bad bytes

    n = None if args.n is None else parse_count(args.n)
    result = annotate(
        text,
        n=n,
        confidence_level=parse_level(args.confidence),
        deff=parse_positive(args.deff, "--deff"),
    )
    fmt = "json" if args.json else args.format
    rendered = {"markdown": result.to_markdown, "html": result.to_html, "json": result.to_json}[
        fmt
    ]()
    print(rendered)
    if args.chart:
        from ..plot import chart

        chart(result, args.chart)
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


def _cmd_demo(args):
    from .demo import run_demo

    print(run_demo(as_json=args.json))
    return 0


# --------------------------------------------------------------------------- parser
def build_parser():
    """The argument parser (exposed for tests and documentation)."""
    from ..proportion import INTERVAL_METHODS

    parser = _Parser(
        prog="surveystats",
        description="Honest uncertainty for survey numbers: margins of error, changes, leads, "
        "trends and sample sizes in one line.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_examples("""
surveystats ci 19.4% --n 1000
surveystats change 48.7% 41.1% --n 1000
surveystats lead 31.1% 19.4% --n 1000
surveystats trend 56.9% 48.7% 41.1% --n 1000
surveystats sample-size --moe 3pp
surveystats demo"""),
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name, help_text, example):
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_examples(example),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
        return p

    p = command(
        "ci",
        "Margin of error and confidence interval of one or more shares.",
        "surveystats ci 19.4% --n 1000\n"
        "surveystats ci 31.1% 19.4% --n 1000 --deff 1.5 --json\n"
        "surveystats ci 194/1000 --method clopper-pearson",
    )
    p.add_argument("share", nargs="+", help="share(s): 19.4%%, 0.194 or 194/1000")
    _n_option(p, required=False)
    _method_option(
        p,
        "wilson",
        "interval method: " + ", ".join(INTERVAL_METHODS) + " (default wilson)",
        choices=list(INTERVAL_METHODS),
    )
    _add_level(p)
    _add_design(p)
    _add_population(p)
    _add_output(p, check=False)
    p.set_defaults(run=_cmd_ci)

    p = command(
        "change",
        "Did a share change between two independent waves?",
        "surveystats change 48.7% 41.1% --n 1000\n"
        "surveystats change 56.9% 41.1% --n 1000 --n2 1012 --check",
    )
    _two_shares(p, "earlier share, e.g. 48.7%%", "later share, e.g. 41.1%%")
    _n_option(p, required=False)
    _n2_option(p, "sample size of the second wave (default: --n)")
    _method_option(p, "newcombe", "interval for the difference (default newcombe)")
    p.add_argument(
        "--test", default="z-pooled", metavar="TEST", help="significance test (default z-pooled)"
    )
    _add_level(p)
    _add_design(p, two=True)
    _add_output(p)
    p.set_defaults(run=_cmd_change)

    p = command(
        "lead",
        "Is one answer really ahead of another in the same poll?",
        "surveystats lead 31.1% 19.4% --n 1000\n"
        "surveystats lead 48% 46% --n 1200 --deff 1.3 --check",
    )
    _two_shares(
        p, "share of the first answer, e.g. 31.1%%", "share of the second answer, e.g. 19.4%%"
    )
    _n_option(p, required=False)
    _add_level(p)
    _add_design(p)
    _add_output(p)
    p.set_defaults(run=_cmd_lead)

    p = command(
        "trend",
        "Is there a trend across three or more waves (Cochran-Armitage)?",
        "surveystats trend 56.9% 48.7% 41.1% --n 1000\n"
        "surveystats trend 56.9% 48.7% 41.1% --n 1000 1000 1012 --json",
    )
    p.add_argument("share", nargs="+", help="one share per wave, oldest first")
    _n_option(p, required=False, nargs="+")
    _add_level(p)
    _add_output(p)
    p.set_defaults(run=_cmd_trend)

    p = command(
        "sample-size",
        "Respondents needed for a margin of error.",
        "surveystats sample-size --moe 3pp\n"
        "surveystats sample-size --moe 2.5pp --deff 1.5 --population 50000",
    )
    p.add_argument("--moe", required=True, metavar="MOE", help="margin of error: 3pp, 3%% or 0.03")
    p.add_argument(
        "--p",
        default="50%",
        metavar="SHARE",
        help="expected share (default 50%%, the most conservative)",
    )
    _add_level(p)
    _add_design(p)
    _add_population(p)
    _add_output(p, check=False)
    p.set_defaults(run=_cmd_sample_size)

    p = command(
        "power",
        "Power to detect a change, the n it needs, or the smallest detectable change.",
        "surveystats power 48.7% 41.1% --n 1000      # power of this design\n"
        "surveystats power 48.7% 45% --power 80      # n per wave for 80% power\n"
        "surveystats power 48.7% --n 1000            # smallest detectable change",
    )
    p.add_argument("share", nargs="+", help="baseline share, and optionally the later share")
    _n_option(p, required=False)
    _n2_option(p, "second sample size (default --n)")
    p.add_argument(
        "--power", default="80", metavar="POWER", help="target power, e.g. 80 or 0.8 (default 80)"
    )
    _add_level(p)
    _add_output(p, check=False)
    p.set_defaults(run=_cmd_power)

    p = command(
        "batch",
        "Every wave-to-wave change of a CSV of questions x waves.",
        "surveystats batch waves.csv -o changes.csv\n"
        "surveystats batch waves.csv -o - --adjust bh --scale percent",
    )
    p.add_argument(
        "input", help="CSV with columns question, wave, p, n (names via flags); '-': stdin"
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="output CSV ('-' for standard output)"
    )
    _column_options(p, question="question", wave="wave", p="share", n="sample size")
    _method_option(p, "newcombe", "interval method (default newcombe)")
    p.add_argument("--adjust", default="holm", help="p-value adjustment (default holm)")
    p.add_argument(
        "--scale",
        default="proportion",
        choices=["proportion", "percent"],
        help="shares as proportions (0.194) or percent (19.4)",
    )
    p.add_argument("--chunksize", type=int, default=200_000, help="rows read at a time")
    _encoding_option(p, "utf-8", "text encoding of the input (default utf-8)")
    _add_formula_option(p)
    _add_level(p)
    p.set_defaults(run=_cmd_batch)

    p = command(
        "annotate",
        "Put uncertainty on the poll figures and claims in article text.",
        "surveystats annotate article.txt\n"
        "surveystats annotate article.txt --n 1000 --format html > article.html\n"
        "surveystats annotate article.txt --chart shares.png",
    )
    p.add_argument("file", help="text file ('-' for standard input)")
    _n_option(p, required=False, help="sample size when the text does not state one")
    p.add_argument(
        "--format",
        default="markdown",
        choices=["markdown", "html", "json"],
        help="output format (default markdown)",
    )
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument("--chart", default=None, metavar="PATH", help="also draw a chart (.png/.svg)")
    _encoding_option(
        p,
        None,
        "text encoding of the file (default: its byte-order mark, else UTF-8)",
        metavar="NAME",
    )
    _add_level(p)
    _add_design(p)
    p.set_defaults(run=_cmd_annotate)

    p = command(
        "demo",
        "Run the main job on the bundled example poll.",
        "surveystats demo\nsurveystats demo --json",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(run=_cmd_demo)

    for module_name in COMMAND_MODULES:
        importlib.import_module(f".{module_name}", __package__).register(command)
    return parser


def main(argv=None):
    """Entry point of the ``surveystats`` console script; returns the exit status.

    0 or 1 (the verdict with ``--check``), 2 for a user's mistake, 70 for a bug, 130 for
    Ctrl-C.  Every failure is one line on stderr; ``--debug`` shows the traceback instead.
    """
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        return args.run(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`surveystats ... | head`): not an error
        _quiet_stdout()
        return 0
    except SystemExit as stop:  # argparse after --help
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    except Exception as error:
        if debug:
            raise
        mistake = _user_mistake(error)
        if mistake is not None:
            _say(f"error: {mistake}")
            return EXIT_USAGE
        detail = " ".join(f"{type(error).__name__}: {error}".split())
        _say(
            f"internal error (a bug in surveystats; please report it): {detail}; "
            f"run again with --debug to see the traceback"
        )
        return EXIT_BUG


def _say(text):
    print(f"surveystats: {text}", file=sys.stderr)


def _quiet_stdout():
    """Point stdout at /dev/null so that flushing it at exit does not raise again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _user_mistake(error):
    """The one-line message for an error that is the user's to fix; None for a bug."""
    from ..exceptions import SurveyStatsError

    if isinstance(error, (UsageError, SurveyStatsError)):
        text = str(error)
    elif isinstance(error, UnicodeDecodeError):
        text = (
            f"the input is not {error.encoding} text ({error.reason}); give its encoding "
            f"with --encoding, e.g. --encoding latin-1"
        )
    elif isinstance(error, UnicodeError):  # e.g. the utf-16 codec on a file without a BOM
        text = (
            f"the input cannot be read as text ({error}); give its encoding with --encoding, "
            "e.g. utf-16-le or utf-16-be for UTF-16 without a byte-order mark"
        )
    elif type(error).__name__ == "EmptyDataError":  # pandas
        text = "the input file is empty (no header line)"
    elif isinstance(error, FileNotFoundError):
        text = f"no such file: {error.filename}"
    elif isinstance(error, IsADirectoryError):
        text = f"{error.filename} is a directory, not a file"
    elif isinstance(error, OSError):
        text = f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
    else:
        return None
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
