"""Stage 2, recognition: the figures, stated changes, stated leads, sample sizes, stated
margins and claims of a text, as typed records with character offsets.

Regular expressions over the whole text, each bounded (no nested unbounded repetition), so
recognition is linear in the length of the text; nothing here raises on any string.  Which
figures are poll shares, and which poll each belongs to, is the next stage's job
(:mod:`.link`).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Sequence

from . import numwords
from .records import (
    Document,
    Figure,
    LeadAmount,
    MarginStatement,
    Phrase,
    SampleStatement,
    Sentence,
    Shift,
)

__all__ = ["recognise", "POLL_WORDS"]

_F = re.IGNORECASE
_N = numwords.NUMBER
_APPROX = (
    r"(?:(?:nearly|almost|about|roughly|around|approximately|some|over|under|just\s+over|"
    r"just\s+under|more\s+than|less\s+than|fewer\s+than|close\s+to|barely|only|exactly|"
    r"well\s+over|well\s+under|just)\s+)"
)
_PCT = r"(?:\s?%|\s?\uff05|\s?per\s?cent\b|\s?percent\b(?!age)|\s?pct\b)"
_PTS = r"(?:[\s-]+(?:percentage[\s-]+)?(?:points?|pts?)\b|\s?pp\b)"
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b"
)

_PERCENT_RE = re.compile(r"(?P<num>" + _N + r")" + _PCT, _F)
_APPROX_BEFORE_RE = re.compile(r"\b" + _APPROX + r"$", _F)
# "54 to 36 percent", "46-42 percent", "from 27 to 71 percent": the first number shares the unit
_PAIR_UNIT_RE = re.compile(
    r"(?<![\w.,\-\u2013/])(?P<a>\d{1,2}(?:\.\d)?)\s*(?:-|\u2013|to|and)\s*(?=(?P<b>\d{1,2}(?:\.\d)?)"
    + _PCT
    + ")",
    _F,
)
# "leads 52-45", "53-47 to Labor": a bare pair needs a lead or preference word before it
_PAIR_BARE_RE = re.compile(
    r"(?<![\w.,\-])(?P<a>\d{1,2})\s?[-\u2013]\s?(?P<b>\d{1,2})(?![\d.]|\s?%|\s?per\s?cent|\s?percent)",
    _F,
)
_PAIR_CUE_RE = re.compile(
    r"\b(?:lead|leads|led|leading|trails?|trailing|trailed|tops|topped|ahead|behind|"
    r"margin\s+of|prefers?|preferred|favou?rs?|favou?red|backs?|backed|split|edges?|edged|"
    r"over|say|said|approve|disapprove)\b[^.;:!?\d]{0,30}$",
    _F,
)
_EARLIER_SCORE_BEFORE = re.compile(
    r"\b(?:from|against|compared\s+(?:with|to)|versus|vs\.?|than|was|were|had)\s+$", _F
)
_EARLIER_SCORE_AFTER = re.compile(
    r"\s+(?:in\s+" + _MONTHS + r"|last\s+(?:month|week|year|time)|a\s+(?:month|week|year)\s+"
    r"(?:earlier|ago|before)|in\s+(?:the\s+)?(?:previous|last|prior|earlier)\b)",
    _F,
)
_NOT_PAIR_AFTER_RE = re.compile(r"^\s*(?:" + _MONTHS + r"|years?\b|minutes?\b|days?\b)", _F)
_FRACTION_WORDS = {
    "half": 1 / 2,
    "third": 1 / 3,
    "quarter": 1 / 4,
    "fifth": 1 / 5,
    "tenth": 1 / 10,
    "sixth": 1 / 6,
    "eighth": 1 / 8,
}
_FRACTION_RE = re.compile(
    r"(?P<approx>\b" + _APPROX + r")?(?:\b(?P<count>a|an|one|two|three|four|five|six|seven|eight|"
    r"nine)[\s-]+)?\b(?P<part>half|halves|thirds?|quarters?|fifths?|tenths?|sixths?|eighths?)\b"
    r"(?=\s+(?:of\b(?!\s+" + _MONTHS + r")|said\b|say\b|says\b|think|believe|want|support|"
    r"oppose|back|favou?r|agree|disagree|named|chose|would|approve|disapprove|were\b|are\b))",
    _F,
)
_RATIO_RE = re.compile(
    r"(?P<approx>\b" + _APPROX + r")?\b(?P<top>one|two|three|four|five|six|seven|eight|nine|"
    r"[1-9])\s+(?:in|out\s+of)\s+(?P<bottom>two|three|four|five|six|seven|eight|nine|ten|"
    r"[2-9]|10|100)\b(?!\s+(?:years?|days?|weeks?|months?|hours?|minutes?|times?|cases?|"
    r"seats?|games?|matches|chances?|attempts?|shots?|races?|states?|districts?|ridings?|"
    r"constituencies|elections?)\b)",
    _F,
)
_SMALL_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
}

# Stated changes.
_UP = (
    r"up|gained|gains|gaining|gain|rose|rises|risen|rising|climbed|climbs|climb|climbing|"
    r"increased|increases|added|adds|jumped|jumps|edged\s+up|ticked\s+up|improved|grew|"
    r"more|higher|above|rise|increase|jump|surge|surged"
)
_DOWN = (
    r"down|lost|loses|losing|lose|dropped|drops|dropping|fell|falls|fallen|falling|slipped|"
    r"slips|slip|declined|declines|decreased|decreases|shed|sheds|slid|slides|dipped|dips|"
    r"edged\s+down|ticked\s+down|sank|slumped|tumbled|less|lower|fewer|below|drop|fall|"
    r"decline|decrease|dip|slide|loss|slump"
)
_DIR = r"(?P<dir>" + _UP + "|" + _DOWN + ")"
_UP_RE = re.compile(r"^(?:" + _UP + r")$", _F)
_UNIT = r"(?P<unit>" + _PTS + "|" + _PCT + ")"
_SHIFT_BEFORE_RE = re.compile(
    r"\b(?P<dir>up|down|gained|gains|gaining|gain|lost|loses|losing|lose|dropped|drops|"
    r"dropping|fell|falls|fallen|falling|rose|rises|risen|rising|climbed|climbs|climb|"
    r"climbing|slipped|slips|slip|declined|declines|decline|increased|increases|decreased|"
    r"decreases|added|adds|shed|sheds|jumped|jumps|slid|slides|dipped|dips|edged\s+up|"
    r"edged\s+down|ticked\s+up|ticked\s+down|sank|slumped|tumbled|grew|surged)"
    r"(?:\s+by)?\s+(?P<num>" + _N + r"|a)" + _UNIT + r"?(?![\w%])",
    _F,
)
_SHIFT_NOUN_RE = re.compile(
    r"\b(?:an?\s+)?(?P<dir>drop|fall|decline|rise|increase|gain|jump|dip|slide|loss|slump|"
    r"surge)\s+of\s+(?:" + _APPROX + r")?(?P<num>" + _N + r"|a)" + _UNIT,
    _F,
)
_SHIFT_ADJ_RE = re.compile(
    r"\b(?:an?\s+)?(?:" + _APPROX + r")?(?P<num>" + _N + r"|a)" + _UNIT + r"\s+(?:(?:year-on-year|"
    r"annual|overall|sharp|steep|significant|big|small|slight|further)\s+)?(?P<dir>drop|fall|"
    r"decline|rise|increase|gain|jump|dip|slide|loss|slump|surge|more|less|fewer|higher|"
    r"lower|below|above|down|up)\b",
    _F,
)
_STEADY_RE = re.compile(
    r"\b(?:held\s+steady|steady|unchanged|unmoved|flat|stable|remained)\s+(?:on|at)\s+"
    r"(?=(?:" + _APPROX + r")?" + _N + _PCT + ")",
    _F,
)
_BRACKET_RE = re.compile(
    r"\s?\(\s*(?:(?P<sign>[+\-\u2212\u2013])\s?(?P<num>\d{1,2}(?:\.\d)?)|(?P<nc>nc|n/c|"
    r"unch(?:anged)?\.?|=|0|\u00b10|steady|no\s+change))\s*\)",
    _F,
)

# Leads stated in points.
_LEAD_RES = [
    re.compile(
        r"\b(?P<num>" + _N + r")" + _PTS + r"\s+(?:[\w'-]+\s+)?(?:lead|advantage|edge|gap)\b", _F
    ),
    re.compile(
        r"\b(?:lead|advantage|edge|gap)\s+(?:of|to)\s+(?P<approx>"
        + _APPROX
        + r")?(?P<num>"
        + _N
        + r")"
        + _PTS,
        _F,
    ),
    re.compile(
        r"\b(?:ahead|leads?|led|leading|up)\s+by\s+(?P<approx>"
        + _APPROX
        + r")?(?P<num>"
        + _N
        + r")(?:"
        + _PTS
        + r")?(?!\s*(?:%|per\s?cent|percent)|\w)",
        _F,
    ),
    # "Nuclear weapons lead NATO membership by 9 points": the trailer named in between
    re.compile(
        # the lookahead lets the engine skip most word starts cheaply (14x faster on the
        # 10,000-word benchmark article)
        r"\b(?=[ltbo])(?:leads?|led|leading|tops?|topped|beats?|beat|outpaces?|outpaced)\s+"
        r"(?:[\w'.-]+\s+){1,4}?by\s+(?P<approx>" + _APPROX + r")?(?P<num>" + _N + r")" + _PTS,
        _F,
    ),
    re.compile(r"\b(?P<num>" + _N + r")" + _PTS + r"\s+(?:ahead|clear)\b", _F),
]

# Sample sizes.
_COUNT = (
    r"(?P<n>(?<![\w.,$\u20ac\u00a3\u00a5/-])(?:\d{1,3}(?:,\d{3})+|\d{2,7})(?![\d]|[.,]\d|\s?%)"
    r"|" + numwords.WORDS + r")"
)
_PEOPLE = (
    r"(?:respondents|interviewees|adults|participants|interviews|voters|residents|people|"
    r"Americans|Canadians|Britons|Australians|Germans|Ukrainians|Japanese|Koreans|"
    r"Brazilians|Filipinos|New\s+Zealanders|Democrats|Republicans|citizens|households)\b"
)
_SIZE_RES = [
    (re.compile(r"\bn\s*=\s*" + _COUNT, _F), True),
    (
        re.compile(
            r"\b(?:\w*poll|survey|study|canvass)s?\s+of\s+(?:" + _APPROX + r")?" + _COUNT, _F
        ),
        True,
    ),
    (
        re.compile(r"\bsample(?:\s+size)?\s+(?:of|was|is|:)\s+(?:" + _APPROX + r")?" + _COUNT, _F),
        True,
    ),
    (
        re.compile(
            r"\b(?:surveyed|polled|interviewed|questioned|sampled|asked|contacted)\s+"
            r"(?:a\s+(?:representative\s+)?sample\s+of\s+)?(?:" + _APPROX + r")?" + _COUNT,
            _F,
        ),
        False,
    ),
    (re.compile(_COUNT + r"\s+(?:(?:[A-Za-z-]+|(?:[A-Z]\.)+)[ \t]+){0,3}?" + _PEOPLE, _F), False),
    (  # "its 1,000-person survey", "a 2,010-respondent online poll"
        re.compile(  # digits only: a number in words before "-person" is rare, and costly
            r"(?<![\w.,$\u20ac\u00a3\u00a5/-])(?P<n>\d{1,3}(?:,\d{3})+|\d{2,7})[-\u2010\u2011]"
            r"(?:person|people|respondent|adult|voter|member|household)"
            r"\s+(?:[A-Za-z-]+\s+){0,2}?(?:\w*poll|survey|sample|study|panel)s?\b",
            _F,
        ),
        True,
    ),
    (
        re.compile(
            _COUNT + r"\s+(?:[A-Za-z-]+\s+){0,3}?[A-Za-z]{3,20}\s+(?:were\s+|was\s+)?"
            r"(?:surveyed|polled|interviewed|questioned|sampled)\b",
            _F,
        ),
        False,
    ),
]
_POPULATION_RE = re.compile(r"\s+((?:[A-Za-z][\w-]*\s+){0,2}?" + _PEOPLE + ")", _F)

# Stated margins.
_PM = r"(?:\u00b1|\+/-|\+/\u2212|\+-|plus\s+or\s+minus|plus/minus|plus-or-minus)"
_MNUM = r"(?P<m>(?<![\w.,])\d{1,2}(?:\.\d+)?(?![\d,]\d)|" + numwords.WORDS + ")"
_MUNIT = (
    r"(?:\s?(?:%|per\s?cent\b|percent(?:age)?(?:\s+points?)?\b|points?\b|pts?\b|pp\b|"
    r"percentage\s+points?\b))?"
)
_MARGIN_RES = [
    re.compile(
        r"\b(?P<what>margin\s+of\s+(?:sampling\s+)?error|sampling\s+error|MoE|credibility\s+"
        r"interval)\b(?:\s+(?:for|of|on)\s+(?:[\w',-]+\s+){0,6}?)?[\s,:=]*"
        r"(?:(?:is|was|of|at|stands\s+at|within|about|roughly|around|would\s+be|would\s+have"
        r"\s+been|estimated\s+at|be)\s+){0,3}(?:" + _PM + r"\s*)?" + _MNUM + _MUNIT,
        _F,
    ),
    re.compile(
        r"\b(?:an?\s+)?" + _MNUM + r"[\s-]*(?:percentage[\s-]+)?(?:points?|%|per\s?cent|percent)"
        r"\s+(?P<what>margin\s+of\s+(?:sampling\s+)?error|credibility\s+interval)",
        _F,
    ),
    re.compile(r"(?P<what>)" + _PM + r"\s*" + _MNUM + _MUNIT, _F),
]

# Claims about significance.
_PHRASE_RES = [
    (
        "tie",
        re.compile(
            r"\b(?:statistical(?:ly)?\s+(?:tie|tied|dead\s+heat|deadlock|even)|(?:virtual|technical|"
            r"effective)(?:ly)?\s+(?:tie|tied|dead\s+heat|deadlock)|dead\s+heat|neck\s+and\s+neck|"
            r"too\s+close\s+to\s+call|(?:essentially|effectively|roughly|virtually)\s+(?:tied|"
            r"even)|a\s+tie|all\s+square)\b",
            _F,
        ),
    ),
    (
        "double",
        re.compile(r"\b(?:double|twice)\s+(?:the\s+)?margin\s+of\s+(?:sampling\s+)?error\b", _F),
    ),
    (
        "within",
        re.compile(
            r"\b(?:within|inside|smaller\s+than|less\s+than)\s+(?:the\s+|its\s+|their\s+|the\s+"
            r"poll's\s+|the\s+survey's\s+)?(?:margin\s+of\s+(?:sampling\s+)?error|credibility\s+"
            r"interval)\b|\b(?:not|neither|nor)\b[^.;]{0,40}\bstatistically\s+significant\b",
            _F,
        ),
    ),
    (
        "outside",
        re.compile(
            r"\b(?:outside|beyond|larger\s+than|greater\s+than|bigger\s+than|wider\s+than|"
            r"exceeds?|exceeding|exceeded)\s+(?:(?:the|its|their|poll's|survey's|far|well|"
            r"several\s+times\s+over)\s+)*(?:margin\s+of\s+(?:sampling\s+)?error|credibility\s+"
            r"interval)\b",
            _F,
        ),
    ),
    (
        "overlap",
        re.compile(
            r"\b(?:intervals?|margins?\s+of\s+error|ranges)\s+(?:\w+\s+){0,2}overlap\w*|"
            r"\boverlapping\s+(?:confidence\s+)?(?:intervals|margins)",
            _F,
        ),
    ),
    (
        "significant",
        re.compile(
            r"(?<!not\s)(?<!n't\s)\b(?:statistically\s+)?significant\s+(?:\w+[\s-]+point\s+)?"
            r"(?:lead|gap|advantage|rise|fall|drop|increase|decline|change|shift|jump|lead)\b",
            _F,
        ),
    ),
    (
        "majority",
        re.compile(
            # "the most common answer (31.1%)" is a superlative, not a claim of a majority
            r"(?<!the\s)(?<!at\s)\b(?:most|(?:the|a)\s+majority)\b(?:\s+of)?(?:\s+[\w'.-]+){0,10}?"
            r"\s*(?:\(|,|:|\u2014)"
            r"\s*(?=(?:" + _APPROX + r")?" + _N + _PCT + ")",
            _F,
        ),
    ),
]

#: Words that show a text speaks of a poll (pollster names included).
POLL_WORDS = re.compile(
    r"\b(?:\w*polls?|polled|polling|pollsters?|surveys?|surveyed|respondents?|margin\s+of\s+"
    r"(?:sampling\s+)?error|credibility\s+interval|interviewed|questioned|fieldwork|"
    r"approval|disapproval|voting\s+intention|Gallup|YouGov|Ipsos|Quinnipiac|Pew|Opinium|"
    r"Survation|Kantar|BMG|Redfield|Infratest|Forsa|Allensbach|Yomiuri|Asahi|Nikkei|"
    r"AP-NORC|SurveyUSA|Marist|Siena|Monmouth|Emerson|Rasmussen|Leger|Nanos|Abacus|EKOS|"
    r"Angus\s+Reid|Resolve|Essential|Morgan|Datafolha|Quaest|Realmeter|Pulse\s+Asia|"
    r"Social\s+Weather|Curia|Talbot|Ifop|Elabe|Savanta|Deltapoll|ComRes|Morning\s+Consult)\b",
    _F,
)


#: A share of people holding a view ("41.1% of Ukrainians say", "four in ten voters (41%) now
#: rule out", "a plurality of Britons, 31 per cent, chose"): how opinion polls are reported,
#: so a text written this way speaks of a poll even when it names none.
OPINION_OF_PEOPLE = re.compile(
    r"(?:\d{1,2}(?:\.\d)?\s?(?:%|per\s?cent\b|percent\b)|\b(?:one|two|three|four|five|six|seven|"
    r"eight|nine)\s+in\s+(?:three|four|five|ten)\b|\b(?:a\s+)?(?:plurality|majority)\b|\bmost\b|"
    r"\bhalf\b|\ba\s+(?:third|quarter|fifth)\b)"
    r"(?:\s*\([^()]{1,24}\))?(?:\s+of)?(?:\s+the)?(?:\s+[\w-]+){0,2}?\s+" + _PEOPLE + r"(?:\s*\("
    r"[^()]{1,24}\)|\s*,\s*[^,;()]{1,24},)?\s+(?:(?:now|still|also|generally|would|do|did|mostly|largely)\s+)?"
    r"(?:say|said|says|think|thought|believe|believed|want|wanted|support|supported|oppose|"
    r"opposed|back|backed|favou?r|favou?red|agree|agreed|disagree|approve|approved|disapprove|"
    r"trust|prefer|preferred|chose|choose|picked|named|rule\s+out|ruled\s+out|reject|rejected|"
    r"refuse|refused|expect|expected|fear|feared|see|saw|consider|considered|call|called)\b",
    _F,
)


# --------------------------------------------------------------------------- helpers
def _half_unit(number_text: str) -> float:
    return 0.5 * 10.0 ** -numwords.decimals(number_text)


class _Where:
    """Sentence number of a character offset, by bisection over sentence starts."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.starts = [s.start for s in sentences]

    def __call__(self, pos: int) -> int:
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)


class _Taken:
    """Spans already claimed by another recognizer, for an O(log n) overlap test."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        top = -1
        for _, e in ordered:
            top = max(top, e)
            self.max_end.append(top)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.max_end[i - 1] > start


def _direction(word: str) -> int:
    return 1 if _UP_RE.match(word.lower().strip()) else -1


def _unit(unit: str | None) -> str:
    if (
        unit
        and re.search(r"%|\uff05|cent|pct", unit, _F)
        and not re.search(r"point|pts?|pp", unit, _F)
    ):
        return "percent"
    return "points"


# --------------------------------------------------------------------------- recognizers
def _shifts(text: str, where: _Where) -> list[Shift]:
    found: list[Shift] = []
    for pattern, form in (
        (_SHIFT_BEFORE_RE, "before"),
        (_SHIFT_NOUN_RE, "after"),
        (_SHIFT_ADJ_RE, "after"),
    ):
        for m in pattern.finditer(text):
            number = m.group("num")
            amount: float | None = 1.0
            if number.lower() in ("a", "an"):
                if not m.group("unit"):
                    continue
            else:
                amount = numwords.value(number)
            if amount is None or not 0 < amount <= 60:
                continue
            unit = m.group("unit")
            if unit is None:
                # "up two to 44%", "down one on disapproval": a bare number needs what follows
                after = text[m.end() : m.end() + 12]
                if not re.match(r"\s+(?:on|to|at|in|from|since|points?)\b|\s*[,.;)]", after, _F):
                    continue
                if amount > 30 or "." in number:
                    continue
            sign = _direction(m.group("dir"))
            found.append(
                Shift(
                    m.start(),
                    m.end(),
                    sign * amount,
                    _unit(unit),
                    where(m.start()),
                    text[m.start() : m.end()],
                    form,
                    _half_unit(number) if number[:1].isdigit() else 0.5,
                )
            )
    for m in _STEADY_RE.finditer(text):
        found.append(
            Shift(m.start(), m.end(), 0.0, "points", where(m.start()), m.group(0), "steady", 0.5)
        )
    found.sort(key=lambda s: (s.start, -s.end))
    kept: list[Shift] = []
    for shift in found:
        if kept and shift.start < kept[-1].end:
            continue
        kept.append(shift)
    return kept


def _brackets(text: str, figures: Sequence[Figure]) -> list[Shift]:
    """Signed changes in brackets right after a percentage: ``38% (+1)``, ``36% (nc)``."""
    found: list[Shift] = []
    for fig in figures:
        m = _BRACKET_RE.match(text, fig.end)
        if not m:
            continue
        if m.group("nc"):
            amount = 0.0
        else:
            amount = float(m.group("num")) * (1 if m.group("sign") == "+" else -1)
        found.append(
            Shift(m.start(), m.end(), amount, "points", fig.sentence, m.group(0).strip(), "bracket")
        )
    return found


def _lead_amounts(text: str, where: _Where, taken: _Taken) -> list[LeadAmount]:
    found: list[LeadAmount] = []
    for pattern in _LEAD_RES:
        for m in pattern.finditer(text):
            points = numwords.value(m.group("num"))
            if points is None or not 0 < points <= 60 or taken.overlaps(m.start(), m.end()):
                continue
            approximate = "approx" in pattern.groupindex and m.group("approx")
            half = 1.0 if approximate else _half_unit(m.group("num"))
            found.append(
                LeadAmount(m.start(), m.end(), points / 100, where(m.start()), m.group(0), half)
            )
    found.sort(key=lambda a: a.start)
    kept: list[LeadAmount] = []
    for amount in found:
        if kept and amount.start < kept[-1].end:
            continue
        kept.append(amount)
    return kept


def _margins(text: str, where: _Where, sentences: Sequence[Sentence]) -> list[MarginStatement]:
    found: list[MarginStatement] = []
    seen: set[int] = set()
    for pattern in _MARGIN_RES:
        for m in pattern.finditer(text):
            if m.start("m") in seen:
                continue
            value = numwords.value(m.group("m"))
            if value is None or not 0 < value < 25:
                continue
            seen.add(m.start("m"))
            sentence = where(m.start())
            s = sentences[sentence]
            modelled = "credib" in (m.group("what") or "").lower() or bool(
                re.search(r"credibility", text[s.start : s.end], _F)
            )
            found.append(
                MarginStatement(
                    m.start(),
                    m.end(),
                    value / 100,
                    _half_unit(m.group("m")) / 100,
                    sentence,
                    modelled,
                )
            )
    found.sort(key=lambda g: g.start)
    return found


def _sizes(text: str, where: _Where, taken: _Taken) -> list[SampleStatement]:
    found: list[SampleStatement] = []
    seen: set[int] = set()
    for pattern, strong in _SIZE_RES:
        for m in pattern.finditer(text):
            number = m.group("n")
            n = numwords.value(number)
            if (
                n is None
                or n < 10
                or m.start("n") in seen
                or taken.overlaps(m.start("n"), m.end("n"))
            ):
                continue
            if 1900 <= n <= 2100 and "," not in number and not strong:
                continue
            if (
                1900 <= n <= 2100
                and "," not in number
                and re.search(
                    r"\b(?:in|since|by|until|from|to|and|or|the)\s+$",
                    text[max(m.start("n") - 8, 0) : m.start("n")],
                    _F,
                )
            ):
                continue
            seen.add(m.start("n"))
            population = _POPULATION_RE.match(text, m.end("n"))
            found.append(
                SampleStatement(
                    m.start(),
                    m.end(),
                    float(n),
                    where(m.start()),
                    population.group(1) if population else "",
                )
            )
    found.sort(key=lambda s: s.start)
    kept: list[SampleStatement] = []
    for size in found:
        if kept and size.start < kept[-1].end and size.n == kept[-1].n:
            continue
        kept.append(size)
    return kept


def _percent_figures(text: str, where: _Where, taken: _Taken) -> list[Figure]:
    figures: list[Figure] = []
    for m in _PERCENT_RE.finditer(text):
        number = m.group("num")
        start = m.start()
        before = text[start - 1] if start else ""
        if (
            before
            and before in "-\u2212+"
            and (start < 2 or not (text[start - 2] == "%" or text[start - 2].isdigit()))
        ):
            continue  # "-3%", "COVID-19%"; "51%-30%" and "46-42 percent" keep the second figure
        if before and before in "$\u20ac\u00a3\u00a5":
            continue
        value = numwords.value(number)
        if value is None or value > 100 or taken.overlaps(m.start(), m.end()):
            continue
        window = text[max(start - 24, 0) : start]
        approx = _APPROX_BEFORE_RE.search(window)
        if approx:
            start -= len(window) - approx.start()
        figures.append(
            Figure(
                start,
                m.end(),
                value / 100,
                text[start : m.end()],
                where(start),
                "percent" if number[:1].isdigit() else "words",
                approx is not None,
                _half_unit(number) / 100,
            )
        )
    return figures


def _pair_figures(text: str, where: _Where, taken: _Taken) -> list[Figure]:
    figures: list[Figure] = []
    for m in _PAIR_UNIT_RE.finditer(text):
        if taken.overlaps(m.start("a"), m.end("a")):
            continue
        if re.search(
            r"\bbetween\s+$|" + _MONTHS + r"\s*$", text[max(m.start() - 10, 0) : m.start()], _F
        ):
            continue  # "between 15-20%": a range
        figures.append(
            Figure(
                m.start("a"),
                m.end("a"),
                float(m.group("a")) / 100,
                m.group("a"),
                where(m.start()),
                "pair",
                False,
                _half_unit(m.group("a")) / 100,
            )
        )
    scored: set[int] = set()  # sentences with a score line read by its cue
    for m in _PAIR_BARE_RE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if not (0 < a and 0 < b and a + b <= 100) or taken.overlaps(m.start(), m.end()):
            continue
        s = where(m.start())
        if _PAIR_CUE_RE.search(text[max(m.start() - 40, 0) : m.start()]):
            scored.add(s)
        elif not (
            s in scored
            and (
                _EARLIER_SCORE_BEFORE.search(text[max(m.start() - 20, 0) : m.start()])
                or _EARLIER_SCORE_AFTER.match(text, m.end())
            )
        ):
            continue  # "leads 48-41, up from 46-37 in March": a second score line, a wave
        if _NOT_PAIR_AFTER_RE.match(text[m.end() : m.end() + 12]):
            continue
        figures.append(
            Figure(m.start("a"), m.end("a"), a / 100, m.group("a"), s, "pair", False, 0.005)
        )
        figures.append(
            Figure(m.start("b"), m.end("b"), b / 100, m.group("b"), s, "pair", False, 0.005)
        )
    return figures


def _word_figures(text: str, where: _Where, taken: _Taken) -> list[Figure]:
    figures: list[Figure] = []
    for m in _FRACTION_RE.finditer(text):
        part = m.group("part").lower()
        base = "half" if part == "halves" else (part[:-1] if part.endswith("s") else part)
        count_word = m.group("count")
        if count_word is None and base != "half":
            continue  # "third of October" needs "a"/"one"/"two"
        value = _SMALL_WORDS.get((count_word or "one").lower(), 1) * _FRACTION_WORDS[base]
        start = (
            m.start("approx")
            if m.group("approx")
            else (m.start("count") if count_word else m.start("part"))
        )
        if not 0 < value <= 1 or taken.overlaps(start, m.end()):
            continue
        figures.append(
            Figure(
                start, m.end(), value, text[start : m.end()], where(start), "fraction", True, 0.0
            )
        )
    for m in _RATIO_RE.finditer(text):
        top = m.group("top").lower()
        bottom = m.group("bottom").lower()
        top_n = int(top) if top.isdigit() else _SMALL_WORDS[top]
        bottom_n = int(bottom) if bottom.isdigit() else _SMALL_WORDS[bottom]
        start = m.start("approx") if m.group("approx") else m.start("top")
        if not 0 < top_n < bottom_n or taken.overlaps(start, m.end()):
            continue
        figures.append(
            Figure(
                start,
                m.end(),
                top_n / bottom_n,
                text[start : m.end()],
                where(start),
                "ratio",
                m.group("approx") is not None,
                0.0,
            )
        )
    return figures


def _drop_glosses(text: str, figures: Sequence[Figure]) -> list[Figure]:
    """ "About a third of voters (35 percent)" is one figure: keep the precise one."""
    kept: list[Figure] = []
    for i, fig in enumerate(figures):
        following = figures[i + 1] if i + 1 < len(figures) else None
        if (
            fig.form in ("fraction", "ratio")
            and following is not None
            and following.form in ("percent", "words")
            and following.start - fig.end <= 45
            and following.sentence == fig.sentence
            and re.fullmatch(
                r"[^;()%\d]*(?:\(|\s[-\u2013\u2014]|\u2014|,|:)\s*", text[fig.end : following.start]
            )
        ):
            continue
        kept.append(fig)
    return kept


def _phrases(text: str, where: _Where) -> list[Phrase]:
    found: list[Phrase] = []
    for claim, pattern in _PHRASE_RES:
        for m in pattern.finditer(text):
            found.append(
                Phrase(m.start(), m.end(), claim, m.group(0).strip(" ,(:\u2014"), where(m.start()))
            )
    found.sort(key=lambda p: (p.start, -p.end))
    kept: list[Phrase] = []
    for phrase in found:
        if kept and phrase.start < kept[-1].end:
            continue
        kept.append(phrase)
    # "since the intervals overlap, the race is effectively even" is one claim, about overlap
    overlap = {p.sentence for p in kept if p.claim == "overlap"}
    return [p for p in kept if not (p.claim == "tie" and p.sentence in overlap)]


def recognise(doc: Document) -> Document:
    """Fill the recognized pieces of ``doc`` (figures, shifts, leads, sizes, margins, phrases)."""
    text = doc.text
    where = _Where(doc.sentences)
    margins = _margins(text, where, doc.sentences)
    shifts = _shifts(text, where)
    percent_shifts = [(s.start, s.end) for s in shifts if s.unit == "percent"]
    blocked = _Taken([(g.start, g.end) for g in margins] + percent_shifts)
    figures = _percent_figures(text, where, blocked)
    taken = _Taken(
        [(g.start, g.end) for g in margins] + percent_shifts + [(f.start, f.end) for f in figures]
    )
    figures += _pair_figures(text, where, taken)
    taken = _Taken(
        [(g.start, g.end) for g in margins] + percent_shifts + [(f.start, f.end) for f in figures]
    )
    figures += _word_figures(text, where, taken)
    figures.sort(key=lambda f: f.start)
    figures = _drop_glosses(text, figures)
    shifts = sorted(shifts + _brackets(text, figures), key=lambda s: s.start)

    spans = [(f.start, f.end) for f in figures] + [(g.start, g.end) for g in margins]
    leads = _lead_amounts(text, where, _Taken(spans + [(s.start, s.end) for s in shifts]))
    sizes = _sizes(text, where, _Taken([(f.start, f.end) for f in figures]))
    return dataclasses.replace(
        doc,
        figures=tuple(figures),
        shifts=tuple(shifts),
        leads=tuple(leads),
        sizes=tuple(sizes),
        margins=tuple(margins),
        phrases=tuple(_phrases(text, where)),
        poll_text=bool(sizes or margins)
        or POLL_WORDS.search(text) is not None
        or OPINION_OF_PEOPLE.search(text) is not None,
    )
