"""The newsroom annotator: uncertainty on every poll figure and claim in English prose.

:func:`annotate` runs :data:`PIPELINE`, six named stages over typed frozen records
(:mod:`.records`), each testable alone on a hand-made :class:`~.records.Document`:

1. ``segment`` (:mod:`.segment`): paragraphs and sentences;
2. ``recognise`` (:mod:`.recognise`): figures (``19.4%``, "Thirty-one percent", "one in
   five", "52-45"), stated changes (``(+1)``, "up two", "a 10% drop"), stated leads ("a
   6 point lead"), sample sizes, stated margins, claims in words;
3. ``link`` (:mod:`.link`): which figures are poll shares, and each one's poll, subgroup and
   wave;
4. ``claims`` (:mod:`.claims`): shares, changes, trends, leads, subgroup differences and
   claims in words, one record each;
5. ``statistics`` (:mod:`.statistics`): one vectorized core call per claim kind;
6. ``wording`` (:mod:`.wording`): a :class:`Finding` with a plain sentence per claim.

Renderers (:mod:`.render`) turn the result into Markdown, HTML or JSON.  Statistics live in
the core modules only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .._internal.validation import check_confidence_level
from ..exceptions import InvalidValueError
from . import render
from .claims import make_claims
from .finding import KINDS, Finding, _plain
from .link import link
from .recognise import recognise
from .records import Document, Options
from .segment import segment
from .statistics import statistics
from .wording import word

__all__ = ["annotate", "Annotation", "Finding", "KINDS", "PIPELINE", "run"]

#: A stage of the pipeline: a function from a Document to a new Document.
Stage = Callable[[Document], Document]

#: The stages of :func:`annotate`, in order: (name, function from Document to Document).
PIPELINE: tuple[tuple[str, Stage], ...] = (
    ("segment", segment),
    ("recognise", recognise),
    ("link", link),
    ("claims", make_claims),
    ("statistics", statistics),
    ("wording", word),
)


@dataclass(frozen=True, eq=False)
class Annotation:
    """The text and what :func:`annotate` found in it.

    Attributes
    ----------
    text : str
        The text as given.
    findings : tuple of Finding
        Ordered by position in the text.
    confidence_level, n, deff
        The options of the call.
    """

    text: str
    findings: tuple[Finding, ...]
    confidence_level: float
    n: float | None
    deff: float

    def of_kind(self, kind: str) -> list[Finding]:
        """The findings of one kind, in text order.

        Parameters
        ----------
        kind : str
            A finding kind, such as ``"share"``, ``"change"``, ``"lead"`` or ``"trend"``.
        """
        return [f for f in self.findings if f.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """The annotation as JSON-ready Python values (its settings and every finding)."""
        return {
            "confidence_level": self.confidence_level,
            "n": _plain(self.n),
            "deff": self.deff,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The findings as JSON (no NaN or infinity: they become null).

        Parameters
        ----------
        indent : int or None
            Indentation of the JSON text, as ``json.dumps``.
        """
        return render.to_json(self, indent=indent)

    def to_markdown(self) -> str:
        """The text with each share's interval after it and numbered notes for the claims."""
        return render.to_markdown(self)

    def to_html(self) -> str:
        """A standalone HTML fragment: the text intact and escaped, figures marked with a
        tooltip and a short note, claims numbered with their notes listed below."""
        return render.to_html(self)


def _as_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        return bytes(text).decode("utf-8", errors="replace")
    raise InvalidValueError(f"text must be a str; got {type(text).__name__}")


def _check_n(n: object) -> float | None:
    if n is None:
        return None
    if isinstance(n, bool) or not isinstance(n, numbers.Real) or not math.isfinite(n) or n < 1:
        raise InvalidValueError(f"n={n!r} must be a number of respondents (at least 1) or None")
    return float(n)


def _check_deff(deff: object) -> float:
    if (
        isinstance(deff, bool)
        or not isinstance(deff, numbers.Real)
        or not math.isfinite(deff)
        or deff <= 0
    ):
        raise InvalidValueError(
            f"deff={deff!r} must be a positive number (1 for a simple random sample)"
        )
    return float(deff)


def run(text: str, options: Options, stages: Sequence[tuple[str, Stage]] = PIPELINE) -> Document:
    """Run ``stages`` over ``text``; the last document holds every stage's records."""
    doc = Document(text, options)
    for _, stage in stages:
        doc = stage(doc)
    return doc


def annotate(
    text: str | bytes,
    *,
    n: float | None = None,
    confidence_level: float = 0.95,
    deff: float = 1.0,
) -> Annotation:
    """Find the poll figures and claims in English text and put uncertainty on each.

    Parameters
    ----------
    text : str
        A headline, a paragraph or a whole article (bytes are decoded as UTF-8).
        Any text is accepted: text without poll figures gives no share findings.
    n : float, optional
        Sample size to use when the text states none.  Applies to poll figures only.  A size
        stated in the text wins (one in the figure's sentence, else the nearest before it,
        else the first after it); without either, the effective size implied by a stated
        margin of error.  A change or lead whose poll has no size is still tested, at a
        typical 1,000 a wave, and the finding says so.
    confidence_level : float
        Between 0 and 1, default 0.95.
    deff : float
        Design effect applied to stated (or given) sample sizes.  A stated margin wider than
        a simple random sample's carries the pollster's own design effect and is used instead.

    Returns
    -------
    Annotation
        ``text``, ``findings`` (tuple of :class:`Finding`, in text order) and the
        renderers ``to_markdown()``, ``to_html()``, ``to_json()``.

    Examples
    --------
    >>> import surveystats as ss
    >>> a = ss.annotate("In a poll of 1,000 Ukrainians, 31.1% named nuclear weapons as the "
    ...                 "best guarantee, compared with 19.4% for NATO membership.")
    >>> [f.kind for f in a.findings]
    ['sample_size', 'share', 'lead', 'share']
    >>> print(a.of_kind("lead")[0].message)  # doctest: +NORMALIZE_WHITESPACE
    31.1% vs 19.4% in the same poll: the 11.7-point lead is statistically significant
    (95% CI for the lead, leader minus trailer, +7.4 to +16.0 points; p < 0.001; n = 1,000).

    The press wrote NATO's fall as "a 10% drop" without the earlier figure; both readings:

    >>> a = ss.annotate("NATO membership was named by 19.4%, a 10% drop from last year.",
    ...                 n=1000)
    >>> print(a.of_kind("wording")[0].message)  # doctest: +NORMALIZE_WHITESPACE
    “a 10% drop” is ambiguous without the earlier figure: read as 10 percentage points
    (from about 29.4%) the change to 19.4% is statistically significant (p < 0.001); read
    as a relative 10% (from about 21.6%) it is within sampling error (p = 0.23); the two
    readings lead to different verdicts.
    """
    level = check_confidence_level(confidence_level)
    options = Options(_check_n(n), level, _check_deff(deff))
    text = _as_text(text)
    doc = run(text, options)
    return Annotation(text, doc.findings, level, options.n, options.deff)
