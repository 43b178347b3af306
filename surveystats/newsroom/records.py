"""The typed records that flow through the annotator's pipeline.

Every stage of :data:`surveystats.newsroom.annotator.PIPELINE` takes a :class:`Document` and
returns a new one with its own field filled in; every record is a small frozen dataclass
with character offsets into the text, so a stage can be tested alone on a hand-made record.

segment     -> ``sentences``
recognise   -> ``figures``, ``shifts``, ``leads``, ``sizes``, ``margins``, ``phrases``
link        -> ``polls``, ``mentions``
claims      -> ``claims``
statistics  -> ``tests`` (one per claim, same order)
wording     -> ``findings``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .finding import Finding

__all__ = [
    "Options",
    "Sentence",
    "Figure",
    "Shift",
    "LeadAmount",
    "SampleStatement",
    "MarginStatement",
    "Phrase",
    "Poll",
    "Mention",
    "Claim",
    "Answer",
    "Document",
]


@dataclass(frozen=True)
class Options:
    """The options of one :func:`~surveystats.annotate` call."""

    n: float | None = None
    confidence_level: float = 0.95
    deff: float = 1.0
    #: the per-wave size assumed for a change, lead or difference whose poll states none
    typical_n: float = 1000.0


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Figure:
    """A share as written: ``19.4%``, ``Thirty-one percent``, ``one in five``, ``52`` of "52-45"."""

    start: int
    end: int
    value: float  # a proportion in [0, 1]
    text: str
    sentence: int
    form: str  # 'percent', 'words', 'fraction', 'ratio', 'pair'
    approximate: bool = False
    half_unit: float = 0.0005  # rounding of the figure as written, as a proportion


@dataclass(frozen=True)
class Shift:
    """A stated change of one figure: ``(+1)``, ``(nc)``, "up two", "down 7.6 points",
    "steady on", "a 10% drop" (``unit='percent'``)."""

    start: int
    end: int
    amount: float  # signed, in the unit written (points or percent), 0 for "steady"
    unit: str  # 'points', 'percent'
    sentence: int
    text: str
    form: str  # 'bracket', 'before', 'after', 'steady'
    half_unit: float = 0.5


@dataclass(frozen=True)
class LeadAmount:
    """A lead stated in points: "a 6 point lead", "ahead by 4", "a 13-point lead"."""

    start: int
    end: int
    points: float
    sentence: int
    text: str
    #: rounding of the amount as written, in points: 0.5 for "9", 1 for "almost 12"
    half_unit: float = 0.5


@dataclass(frozen=True)
class SampleStatement:
    start: int
    end: int
    n: float
    sentence: int
    population: str = ""  # the words after the number ("likely voters", "Canadians")
    subgroup: str | None = None


@dataclass(frozen=True)
class MarginStatement:
    start: int
    end: int
    moe: float  # a proportion: 0.031 for 3.1 points
    half_unit: float
    sentence: int
    modelled: bool = False  # a "credibility interval" of an opt-in panel


@dataclass(frozen=True)
class Phrase:
    """A claim about significance: 'tie', 'within', 'outside', 'double', 'overlap',
    'significant', 'majority'."""

    start: int
    end: int
    claim: str
    text: str
    sentence: int


@dataclass(frozen=True)
class Poll:
    """The sample behind some figures."""

    index: int
    n: float | None
    deff: float
    source: str  # 'text', 'argument', 'stated margin', 'unknown'
    size: SampleStatement | None = None
    margin: MarginStatement | None = None


@dataclass(frozen=True)
class Mention:
    """A poll figure with what the text says about it."""

    figure: Figure
    poll: int  # index into Document.polls
    subgroup: str | None = None
    subgroup_n: float | None = None
    year: int | None = None
    when: str | None = None  # 'earlier', 'later'
    shift: Shift | None = None


@dataclass(frozen=True)
class Claim:
    """One thing to test.  ``kind`` is a Finding kind; ``values`` are proportions (a change:
    earlier, later; a lead: leader, trailer); ``n`` per wave or group, ``assumed`` when the
    text gives none and a typical size is used."""

    kind: str
    span: tuple[int, int]
    values: tuple[float, ...]
    n: float | None
    deff: float
    n_source: str
    sentence: int
    figures: tuple[Figure, ...] = ()
    details: dict[str, Any] = field(default_factory=dict, compare=False)
    about: int | None = None  # a wording claim: index of the claim it is about


@dataclass(frozen=True)
class Answer:
    """What the core said about one claim (NaN fields where it could not answer)."""

    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    moe: float | None = None
    pvalue: float | None = None
    significant: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    problem: str = ""


@dataclass(frozen=True)
class Document:
    text: str
    options: Options
    sentences: tuple[Sentence, ...] = ()
    figures: tuple[Figure, ...] = ()
    shifts: tuple[Shift, ...] = ()
    leads: tuple[LeadAmount, ...] = ()
    sizes: tuple[SampleStatement, ...] = ()
    margins: tuple[MarginStatement, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    poll_text: bool = False  # does the text speak of a poll at all?
    polls: tuple[Poll, ...] = ()
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    tests: tuple[Answer, ...] = ()
    findings: tuple[Finding, ...] = ()
