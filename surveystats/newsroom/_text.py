"""Recognizers for poll figures in English prose, used by :mod:`surveystats.newsroom`.

Lives here: regular expressions and the small amount of bookkeeping that turns article text
into typed pieces with character offsets: shares (``19.4%``, ``19.4 per cent``, "nearly a
third", "two in five"), sample sizes ("1,000 respondents", "n = 800"), stated margins of
error ("±3.1 points"), stated changes and leads ("a 10% drop", "up 4 points", "a 5-point
lead"), subgroups ("among those under 30"), claims about closeness ("statistical tie",
"within the margin of error"), the years a figure belongs to, and sentence and clause limits.

Does not live here: any statistics (the core modules) or any wording of results
(``annotate.py``).  Every pattern is bounded (no nested unbounded repetition), so scanning
is linear in the length of the text, and nothing here raises on any string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["scan", "Scan", "Figure", "SampleSize", "StatedMargin", "Amount", "Phrase", "Sentence"]

_F = re.IGNORECASE

# A number as newsrooms write it; never glued to letters, other digits, currency or a
# minus sign ("COVID-19", "$19.4", "-3%", "Windows 10" all fail the look-behind or the unit).
_NUM = r"(?<![\w.,$€£¥\-\u2212+/])(\d{1,3}(?:\.\d+)?)(?![\d,]\d)"
_PCT_UNIT = r"(?:\s?%|\s?\uff05|\s?per\s?cent\b|\s?percent\b(?!age)|\s?pct\b)"
_PTS_UNIT = (
    r"(?:\s?-?\s?percentage[\s-]points?\b|\s?-?\s?percentage[\s-]pts?\b|\s?-?\s?points?\b"
    r"|\s?pts?\b\.?|\s?pp\b)"
)
_APPROX = (
    r"(?:(?:nearly|almost|about|roughly|around|approximately|some|over|under|just over|"
    r"just under|more than|less than|fewer than|close to|barely|only|exactly|at least|"
    r"well over|well under)\s+)"
)

_PERCENT_RE = re.compile(_NUM + _PCT_UNIT, _F)
_APPROX_BEFORE_RE = re.compile(r"\b" + _APPROX + r"$", _F)

_FRACTION_WORDS = {
    "half": 1 / 2,
    "third": 1 / 3,
    "quarter": 1 / 4,
    "fifth": 1 / 5,
    "tenth": 1 / 10,
    "sixth": 1 / 6,
    "eighth": 1 / 8,
}
_COUNT_WORDS = {
    "a": 1,
    "an": 1,
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
}
_POLL_VERBS = (
    r"(?:said|say|says|think|thinks|thought|believe|believes|believed|want|wants|"
    r"wanted|support|supports|supported|oppose|opposes|opposed|back|backs|backed|"
    r"favou?r|favou?rs|favou?red|agree|agrees|agreed|disagree|disagreed|named|chose|"
    r"picked|expect|expects|expected|would|are|were|approve|approves|approved|"
    r"disapprove|disapproved|trust|trusts|trusted|consider|considers|considered|"
    r"see|saw|view|viewed|rate|rated|feel|felt|prefer|preferred|described|called)"
)
_FRACTION_CORE_RE = re.compile(
    r"\b(half|halves|thirds?|quarters?|fifths?|tenths?|sixths?|eighths?)"
    r"(?=\s+(?:of\b|" + _POLL_VERBS + r"\b))",
    _F,
)
_FRACTION_LEAD_RE = re.compile(
    r"(?:\b(" + _APPROX + r"))?(?:\b(a|an|one|two|three|four|five|six|seven|eight|nine)[\s-]+)?$",
    _F,
)
_IN_CORE_RE = re.compile(
    r"(?<=\s)(?:in|out\s+of)\s+(two|three|four|five|six|seven|eight|nine|ten|[2-9]|10)\b"
    r"(?!\s+(?:years?|days?|weeks?|months?|hours?|minutes?|times?|cases?)\b)",
    _F,
)
_IN_LEAD_RE = re.compile(
    r"(?:\b(" + _APPROX + r"))?\b(one|two|three|four|five|six|seven|eight|"
    r"nine|[1-9])\s+$",
    _F,
)

# Stated changes and leads ("a 10% drop", "up 4 points", "a drop of 10 per cent").
_FALL = (
    r"drop|drops|dropped|fall|falls|fell|decline|declines|declined|decrease|decreases|"
    r"decreased|dip|dips|dipped|slide|slid|slump|slumped|plunge|plunged|tumble|tumbled|"
    r"slip|slipped|shrank|shrink|lost|loss|down"
)
_RISE = (
    r"rise|rises|rose|increase|increases|increased|gain|gains|gained|jump|jumps|jumped|"
    r"climb|climbs|climbed|growth|grew|grow|surge|surged|up"
)
_LEAD = r"lead|leads|led|leading|gap|advantage|edge|margin|ahead|behind|trails?|trailed|trailing"
_AMOUNT_WORD = r"(?:" + _FALL + r"|" + _RISE + r"|" + _LEAD + r")"
_AMOUNT_NUM = r"(\d{1,3}(?:\.\d+)?)(?![\d,]\d)"
_AMOUNT_UNIT = r"(" + _PCT_UNIT + r"|" + _PTS_UNIT + r")"
_AMOUNT_CORE_RE = re.compile(r"(?<![\w.,\-])" + _AMOUNT_NUM + _AMOUNT_UNIT, _F)
_AMOUNT_AFTER_RE = re.compile(
    r"\s*(?:(?:year-on-year|annual|overall|sharp|steep|significant|"
    r"big|small|slight|further)\s+)?(" + _AMOUNT_WORD + r")\b",
    _F,
)
_AMOUNT_LEAD_IN_RE = re.compile(r"\b(?:an?\s+)?(?:" + _APPROX + r")?$", _F)
_AMOUNT_BEFORE_RE = re.compile(r"\b(" + _AMOUNT_WORD + r")\s+(?:by\s+)?(?:" + _APPROX + r")?$", _F)
_AMOUNT_OF_RE = re.compile(r"\b(" + _AMOUNT_WORD + r")\s+of\s+(?:" + _APPROX + r")?$", _F)
_FALL_RE = re.compile(r"^(?:" + _FALL + r")$", _F)
_RISE_RE = re.compile(r"^(?:" + _RISE + r")$", _F)

# Percentages that are not shares of respondents: "10% more", "by 10%".
_NOT_SHARE_AFTER = re.compile(
    r"\s*(?:more|less|fewer|higher|lower|increase|decrease|rise|"
    r"fall|drop|cheaper|dearer|faster|slower)\b",
    _F,
)
_NOT_SHARE_BEFORE = re.compile(
    r"(?:\b(?:cut|raised?|reduced?|lowered|boosted|grew|grown|"
    r"increased?|decreased?|rose|risen|fell|fallen)\s+by|\bto\s+\+|"
    r"±|\+/-|plus or minus|plus/minus)\s*$",
    _F,
)

# Sample sizes.
_COUNT = r"(?<![\w.,$€£¥\-/])(\d{1,3}(?:,\d{3})+|\d{2,7})(?![\d]|[.,]\d|\s?%)"
_SIZE_RES = [
    re.compile(r"\bn\s*=\s*" + _COUNT, _F),
    re.compile(r"\bsample(?:\s+size)?\s+(?:of|was|is|:)\s+(?:" + _APPROX + r")?" + _COUNT, _F),
    re.compile(r"\b(?:poll|survey|study)\s+of\s+(?:" + _APPROX + r")?" + _COUNT, _F),
    re.compile(
        r"\b(?:surveyed|polled|interviewed|questioned|sampled)\s+(?:" + _APPROX + r")?" + _COUNT, _F
    ),
    re.compile(
        _COUNT + r"\s+(?:[A-Za-z][A-Za-z-]{0,20}\s+){0,3}?"
        r"(?:respondents|interviewees|adults|participants|interviews)\b",
        _F,
    ),
    re.compile(
        _COUNT + r"\s+(?:[A-Za-z][A-Za-z-]{0,20}\s+){0,3}?[A-Za-z]{3,20}\s+"
        r"(?:were\s+|was\s+|had\s+been\s+)?(?:surveyed|polled|interviewed|questioned|"
        r"sampled)\b",
        _F,
    ),
]
_YEARISH_BEFORE = re.compile(r"\b(?:in|since|by|until|from|to|of|and|or|the)\s+$", _F)

# Stated margins of error.
_MOE_NUM = r"(?<![\w.,])(\d{1,2}(?:\.\d+)?)(?![\d,]\d)"
_MOE_UNIT = r"(" + _PCT_UNIT + r"|" + _PTS_UNIT + r")?"
_PM = r"(?:±|\+/-|\+/\u2212|\+-|plus\s+or\s+minus|plus/minus|plus-or-minus)"
_MOE_RES = [
    re.compile(
        r"\b(?:margin\s+of\s+(?:sampling\s+)?error|sampling\s+error|MoE)\b"
        r"(?:\s+(?:for\s+the\s+(?:full|whole|entire)\s+sample|of\s+the\s+(?:poll|survey)))?"
        r"(?:\s*(?:is|was|of|at|:|=|stands at|is about|of about|of roughly))?"
        r"\s*(?:" + _PM + r"\s*)?" + _MOE_NUM + r"\s?" + _MOE_UNIT,
        _F,
    ),
    re.compile(_PM + r"\s*" + _MOE_NUM + r"\s?" + _MOE_UNIT, _F),
]

# Subgroups.
_AMONG_RE = re.compile(
    r"\bamong\s+(?!all\b|the\s+(?:full|whole|entire|general)\b|respondents\b|"
    r"those\s+(?:surveyed|polled|asked|questioned|interviewed)\b)"
    r"([^,.;:!?()\[\]\n]{3,80})",
    _F,
)
_OF_GROUP_RE = re.compile(
    r"\s*of\s+((?:the\s+)?(?:those|people|adults|voters|respondents|men|women|Democrats|"
    r"Republicans|independents|young\s+people|older\s+people|young\s+adults|older\s+adults)"
    r"(?:\s+(?:aged|under|over|between|who|with|without|living|from|in|above|below)\b"
    r"[^,.;:!?()\[\]\n]{0,60})?)",
    _F,
)
_WHOLE_SAMPLE_RE = re.compile(
    r"(?:the\s+|all\s+)*\d[\d,]*(?:\s+(?!(?:under|over|aged|between|"
    r"who|with|without|from|in|living)\b)[A-Za-z-]+){1,3}",
    _F,
)
_POLLED_RE = re.compile(r"\b(?:polled|surveyed|interviewed|questioned|sampled)\b", _F)
_GROUP_STOP_RE = re.compile(
    r"\s(?:" + _POLL_VERBS + r"|the\s+(?:figure|share|number)|and\s+\d)\b|\s\d{1,3}(?:\.\d+)?\s?%",
    _F,
)
_SUBGROUP_N_AFTER = re.compile(
    r"[^,.;()\[\]\d]{0,30}[(\[,]\s*n\s*=\s*(\d{1,3}(?:,\d{3})+|\d{2,7})\s*[)\]]?", _F
)

# Years and relative times tied to a figure.
_YEAR_AFTER = re.compile(
    r"^[\s,)]{0,3}(?:(?:in|during|for|as\s+of|by)\s+(?:late\s+|early\s+|mid-|the\s+)?"
    r"(?:(?:spring|summer|autumn|fall|winter|January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\s+(?:of\s+)?)?|\()((?:19|20)\d{2})\b",
    _F,
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|during|for|as\s+of|by)\s+(?:late\s+|early\s+|mid-)?"
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+)?((?:19|20)\d{2})\s*,?\s*(?:[A-Za-z']+\s+){0,4}$",
    _F,
)
_EARLIER_AFTER = re.compile(
    r"^[\s,]{0,3}(?:[a-z]+\s+){0,2}?(?:last\s+year|a\s+year\s+(?:earlier|"
    r"ago|before)|the\s+(?:previous|prior)\s+(?:year|wave|poll|survey)|"
    r"previously|before\s+the\s+war|earlier)\b",
    _F,
)
_LATER_AFTER = re.compile(r"^[\s,]{0,3}(?:this\s+year|now|today|currently)\b", _F)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:" + _APPROX + r")?$", _F)
_TO_BEFORE = re.compile(
    r"(?:\b(?:points?|percent|cent)|%)\s+to\s+(?:"
    + _APPROX
    + r")?$|(?:\b(?:"
    + _FALL
    + r"|"
    + _RISE
    + r"|changed?|moved|went|"
    r"sharply|slightly|further)\s+)to\s+(?:" + _APPROX + r")?$|"
    r"\bfrom\s+[^.;]{1,40}?\bto\s+(?:" + _APPROX + r")?$",
    _F,
)

# Claims about closeness.
_TIE_RE = re.compile(
    r"\b(?:statistical(?:ly)?\s+(?:tie|dead\s+heat|tied|even)|dead\s+heat|"
    r"neck\s+and\s+neck|too\s+close\s+to\s+call|virtual(?:ly)?\s+(?:tie|tied)|"
    r"(?:essentially|effectively|roughly)\s+tied|a\s+tie)\b",
    _F,
)
_MOE_CLAIM_RE = re.compile(
    r"\b(within|inside|outside|beyond|larger\s+than|greater\s+than|"
    r"exceeds?|exceeding|bigger\s+than|wider\s+than|smaller\s+than|"
    r"less\s+than)\s+(?:the\s+|its\s+|their\s+|the\s+poll's\s+|"
    r"the\s+survey's\s+)?margin\s+of\s+(?:sampling\s+)?error\b",
    _F,
)
_LEAD_CUE_RE = re.compile(
    r"\b(?:compared\s+(?:with|to)|versus|vs\b\.?|against|while|whereas|"
    r"ahead\s+of|behind|leads?|led|leading|trails?|trailed|trailing|"
    r"than|followed\s+by|next\s+came|second|outpaced?|edged?)\b",
    _F,
)
_CHANGE_VERB_RE = re.compile(r"\b(?:" + _FALL + r"|" + _RISE + r"|from|since)\b", _F)

# Words that show a percentage is not an answer share in a poll.
_NON_POLL_RE = re.compile(
    r"\b(?:inflation|interest\s+rates?|GDP|gross\s+domestic|economy\s+grew|growth\s+rate|"
    r"unemployment|jobless|tax(?:es)?|VAT|tariffs?|discount|prices?|yields?|stocks?|"
    r"bonds?|mortgage|battery|efficiency|accuracy|probability|chance|odds|APR|returns?|"
    r"dividend|turnover|revenue|profits?|sales|market\s+share|salary|wages?|pay\s+rise|"
    r"humidity|alcohol|fat|sugar)\b",
    _F,
)
_POLL_CONTEXT_RE = re.compile(
    r"\b(?:polls?|polled|polling|pollsters?|surveys?|surveyed|respondents?|margin\s+of\s+error|"
    r"sample\s+of|interviewed|questioned|fieldwork|opinion|approval\s+rating|"
    r"(?:said|say)\s+they)\b",
    _F,
)
_SENTENCE_END_RE = re.compile(
    r"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00C0-\u024F])|\n[ \t]*\n\s*"
)
_CLAUSE_SPLIT_RE = re.compile(
    r";|,\s*(?:while|whereas|but|and\s+(?=\w+\s+\w+\s+(?:fell|rose|"
    r"dropped|climbed|increased|decreased)))\b|\s(?:while|whereas)\s",
    _F,
)


# --------------------------------------------------------------------------- pieces
@dataclass
class Sentence:
    start: int
    end: int


@dataclass
class Figure:
    """A share: ``value`` in [0, 1] as written (a word fraction is its exact fraction)."""

    start: int
    end: int
    value: float
    text: str
    approximate: bool
    half_unit: float  # rounding of the figure as written, as a proportion
    sentence: int
    poll: bool = True  # False where the sentence is about prices, rates, ...
    year: int | None = None
    when: str | None = None  # 'earlier' or 'later' from "last year", "from", "to"
    subgroup: str | None = None
    subgroup_n: int | None = None
    label: str = ""


@dataclass
class SampleSize:
    start: int
    end: int
    n: int
    sentence: int
    subgroup: str | None = None


@dataclass
class StatedMargin:
    start: int
    end: int
    moe: float  # as a proportion (0.031 for 3.1 points)
    half_unit: float  # rounding of the stated figure, as a proportion
    sentence: int


@dataclass
class Amount:
    """A stated change or lead: ``amount`` in the unit written (10 for "10%")."""

    start: int
    end: int
    amount: float
    unit: str  # 'percent' or 'points'
    direction: int  # -1 fall, +1 rise, 0 lead/gap
    half_unit: float  # rounding of the stated amount, in the same unit
    text: str
    sentence: int


@dataclass
class Phrase:
    start: int
    end: int
    kind: str  # 'tie', 'within', 'outside'
    text: str
    sentence: int


@dataclass
class Scan:
    text: str
    sentences: list
    figures: list
    sizes: list
    margins: list
    amounts: list
    phrases: list
    poll_context: bool


# --------------------------------------------------------------------------- helpers
def _half_unit(number_text):
    decimals = len(number_text.split(".")[1]) if "." in number_text else 0
    return 0.5 * 10.0**-decimals


def _to_int(count_text):
    return int(count_text.replace(",", ""))


class _SpanSet:
    """A fixed set of spans answering "does [start, end) overlap any?" in O(log n)."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.max_end = []
        top = -1
        for _, e in spans:
            top = max(top, e)
            self.max_end.append(top)

    def overlaps(self, start, end):
        import bisect

        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.max_end[i - 1] > start


def _sentences(text):
    bounds, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        if m.start() > start:
            bounds.append(Sentence(start, m.start() + (1 if text[m.start()] in ".!?" else 0)))
        start = m.end()
    if start < len(text):
        bounds.append(Sentence(start, len(text)))
    return bounds


class _SentenceIndex:
    """Sentence number of a character offset, by bisection over sentence starts."""

    def __init__(self, sentences):
        self.starts = [s.start for s in sentences]

    def __call__(self, pos):
        import bisect

        return max(bisect.bisect_right(self.starts, pos) - 1, 0)


def _label_after(text, end, sentence_end):
    window = text[end : min(sentence_end, end + 80)]
    stop = re.search(r"[,.;:!?()\[\]\d\u2014]|\s(?:compared|while|whereas|versus|vs)\b", window)
    words = re.findall(r"[^\W\d_][\w'\-]*", window[: stop.start()] if stop else window)
    skip = {
        "of",
        "said",
        "say",
        "says",
        "named",
        "chose",
        "the",
        "were",
        "are",
        "think",
        "picked",
        "who",
        "that",
        "they",
        "want",
        "back",
        "backed",
        "support",
        "called",
        "consider",
        "considered",
        "see",
        "saw",
        "in",
        "on",
        "for",
        "as",
    }
    while words and words[0].lower() in skip | {"of"}:
        if words[0].lower() == "of" and len(words) > 1:
            words.pop(0)  # "of Ukrainians", "of respondents": who, not what
        words.pop(0)
    words = words[:4]
    while words and words[-1].lower() in {
        "of",
        "the",
        "a",
        "an",
        "for",
        "to",
        "and",
        "their",
        "its",
        "as",
        "in",
        "with",
        "would",
        "be",
    }:
        words.pop()
    return " ".join(words)


# --------------------------------------------------------------------------- recognizers
def _amounts(text, where):
    found = []
    for m in _AMOUNT_CORE_RE.finditer(text):
        number, unit = m.group(1), m.group(2)
        window = text[max(m.start() - 40, 0) : m.start()]
        after = _AMOUNT_AFTER_RE.match(text, m.end())
        before = (
            None if after else (_AMOUNT_BEFORE_RE.search(window) or _AMOUNT_OF_RE.search(window))
        )
        if after:
            word = after.group(1)
            lead_in = _AMOUNT_LEAD_IN_RE.search(window)
            start = m.start() - (len(window) - lead_in.start()) if lead_in else m.start()
            end = after.end()
        elif before:
            word = before.group(1)
            start, end = m.start() - (len(window) - before.start()), m.end()
        else:
            continue
        if found and start < found[-1].end:
            continue
        unit_kind = (
            "percent"
            if re.search(r"%|\uff05|cent|pct", unit, _F)
            and not re.search(r"point|pts?\b|pp\b", unit, _F)
            else "points"
        )
        word_l = word.lower()
        direction = -1 if _FALL_RE.match(word_l) else (1 if _RISE_RE.match(word_l) else 0)
        found.append(
            Amount(
                start,
                end,
                float(number),
                unit_kind,
                direction,
                _half_unit(number),
                text[start:end],
                where(start),
            )
        )
    return found


def _margins(text, where):
    found, numbers_seen = [], set()
    for pattern in _MOE_RES:
        for m in pattern.finditer(text):
            number = m.group(1)
            value = float(number)
            if not 0.0 < value < 25.0 or m.start(1) in numbers_seen:
                continue
            numbers_seen.add(m.start(1))
            found.append(
                StatedMargin(
                    m.start(), m.end(), value / 100.0, _half_unit(number) / 100.0, where(m.start())
                )
            )
    found.sort(key=lambda g: g.start)
    return found


def _percent_figures(text, where, blocked):
    figures = []
    for m in _PERCENT_RE.finditer(text):
        number = m.group(1)
        value = float(number)
        if value > 100.0 or blocked.overlaps(m.start(1), m.end()):
            continue
        window = text[max(m.start() - 24, 0) : m.start()]
        if _NOT_SHARE_AFTER.match(text, m.end()) or _NOT_SHARE_BEFORE.search(window):
            continue
        approx = _APPROX_BEFORE_RE.search(window)
        start = m.start() - (len(window) - approx.start()) if approx else m.start()
        figures.append(
            Figure(
                start,
                m.end(),
                value / 100.0,
                text[start : m.end()],
                approx is not None,
                _half_unit(number) / 100.0,
                where(start),
            )
        )
    return figures


def _word_figures(text, where, blocked):
    figures = []
    for m in _FRACTION_CORE_RE.finditer(text):
        window = text[max(m.start() - 40, 0) : m.start()]
        lead = _FRACTION_LEAD_RE.search(window)
        count_word = lead.group(2) if lead else None
        part = m.group(1).lower()
        base = "half" if part == "halves" else (part[:-1] if part.endswith("s") else part)
        count = _COUNT_WORDS.get((count_word or "one").lower(), 1)
        if count_word is None and base != "half":
            continue  # "third of October": needs "a"/"one"/"two"
        start = m.start() - (len(window) - lead.start()) if lead and lead.group(0) else m.start()
        value = count * _FRACTION_WORDS[base]
        if not 0.0 < value <= 1.0 or blocked.overlaps(start, m.end()):
            continue
        figures.append(
            Figure(start, m.end(), value, text[start : m.end()], True, 0.0, where(start))
        )
    for m in _IN_CORE_RE.finditer(text):
        window = text[max(m.start() - 40, 0) : m.start()]
        lead = _IN_LEAD_RE.search(window)
        if not lead:
            continue
        top = lead.group(2).lower()
        bottom = m.group(1).lower()
        top_n = int(top) if top.isdigit() else _COUNT_WORDS[top]
        bottom_n = int(bottom) if bottom.isdigit() else _COUNT_WORDS[bottom]
        start = m.start() - (len(window) - lead.start())
        if not 0 < top_n < bottom_n or blocked.overlaps(start, m.end()):
            continue
        figures.append(
            Figure(
                start,
                m.end(),
                top_n / bottom_n,
                text[start : m.end()],
                lead.group(1) is not None,
                0.0,
                where(start),
            )
        )
    return figures


def _sizes(text, where, blocked):
    found, numbers_seen = [], set()
    for pattern in _SIZE_RES:
        for m in pattern.finditer(text):
            number = m.group(1)
            n = _to_int(number)
            if n < 10 or blocked.overlaps(m.start(1), m.end(1)) or m.start(1) in numbers_seen:
                continue
            numbers_seen.add(m.start(1))
            if (
                1900 <= n <= 2100
                and "," not in number
                and _YEARISH_BEFORE.search(text[max(m.start(1) - 8, 0) : m.start(1)])
            ):
                continue
            found.append(SampleSize(m.start(), m.end(), n, where(m.start())))
    found.sort(key=lambda s: s.start)
    return found


def _phrases(text, where):
    found = [
        Phrase(m.start(), m.end(), "tie", m.group(0), where(m.start()))
        for m in _TIE_RE.finditer(text)
    ]
    for m in _MOE_CLAIM_RE.finditer(text):
        kind = (
            "within"
            if m.group(1).lower() in ("within", "inside")
            or m.group(1).lower().startswith(("smaller", "less"))
            else "outside"
        )
        found.append(Phrase(m.start(), m.end(), kind, m.group(0), where(m.start())))
    found.sort(key=lambda p: p.start)
    return found


def _subgroups(text, sentences, figures, sizes):
    """Tie figures (and sample sizes) to the subgroup their sentence names."""
    groups = []  # (start, end, name, sentence)
    for m in _AMONG_RE.finditer(text):
        phrase = m.group(1)
        stop = _GROUP_STOP_RE.search(phrase)
        if stop:
            phrase = phrase[: stop.start()]
        phrase = " ".join(phrase.split()[:8]).strip()
        if _WHOLE_SAMPLE_RE.fullmatch(phrase) or _POLLED_RE.search(phrase):
            continue  # "among 800 likely voters", "among those polled"
        if phrase:
            start = m.start()
            groups.append((start, m.start(1) + len(m.group(1).rstrip()), phrase, None))
    index = _SentenceIndex(sentences)
    groups_in = {}
    for g_start, g_end, name, _ in groups:
        groups_in.setdefault(index(g_start), []).append((g_start, g_end, name))
    sizes_in = {}
    for size in sizes:
        sizes_in.setdefault(size.sentence, []).append(size)
        for g_start, g_end, name in groups_in.get(size.sentence, ()):
            if g_start <= size.start < g_end + 2:
                size.subgroup = name
        if size.subgroup is None and re.search(
            r"^\s*(?:of\s+them|of\s+whom)\b", text[size.end : size.end + 15], _F
        ):
            size.subgroup = "of them"
    for fig in figures:
        after = _OF_GROUP_RE.match(text, fig.end)
        if after:
            name = after.group(1)
            stop = _GROUP_STOP_RE.search(name)
            if stop:
                name = name[: stop.start()]
            name = " ".join(name.split()[:8])
            if not re.fullmatch(r"(?:the\s+)?(?:respondents|adults|people|voters)", name, _F):
                fig.subgroup = name
        if fig.subgroup is None:
            best = None
            for g_start, g_end, name in groups_in.get(fig.sentence, ()):
                if g_end <= fig.start:
                    best = (g_start, g_end, name)  # the nearest preceding "among ..."
                elif (
                    g_start >= fig.end
                    and g_start - fig.end <= 30
                    and not re.search(r"[,;]", text[fig.end : g_start])
                ):
                    best = (g_start, g_end, name)  # "45% among voters under 30"
                    break
            if best is not None:
                fig.subgroup = best[2]
                for size in sizes_in.get(fig.sentence, ()):
                    if size.subgroup == best[2] and best[0] <= size.start < best[1] + 2:
                        fig.subgroup_n = size.n
        m = _SUBGROUP_N_AFTER.match(text, fig.end)
        if m and fig.subgroup is not None:
            fig.subgroup_n = _to_int(m.group(1))
            for size in sizes_in.get(fig.sentence, ()):
                if fig.end <= size.start <= m.end():
                    size.subgroup = fig.subgroup
    return figures


def _times(text, sentences, figures):
    """Years ("48.7% in 2024", "In 2023, 56.9%") and relative times ("from", "last year")."""
    cursor = -1
    previous_sentence = -1
    for fig in figures:
        sentence = sentences[fig.sentence]
        if fig.sentence != previous_sentence:
            cursor = sentence.start
            previous_sentence = fig.sentence
        after_text = text[fig.end : min(fig.end + 40, sentence.end)]
        m = _YEAR_AFTER.match(after_text)
        before_text = text[max(cursor, fig.start - 60) : fig.start]
        if m:
            fig.year = int(m.group(1))
            tag_end = fig.end + m.end()
        else:
            b = _YEAR_BEFORE.search(before_text)
            if b:
                fig.year = int(b.group(1))
            tag_end = fig.end
        if _FROM_BEFORE.search(before_text[-30:]):
            fig.when = "earlier"
        elif _EARLIER_AFTER.match(after_text):
            fig.when = "earlier"
        elif _TO_BEFORE.search(
            text[max(sentence.start, fig.start - 60) : fig.start]
        ) or _LATER_AFTER.match(after_text):
            fig.when = "later"
        cursor = tag_end


def scan(text):
    """Split ``text`` into typed pieces with character offsets (see the module docstring)."""
    sentences = _sentences(text) or [Sentence(0, len(text))]
    where = _SentenceIndex(sentences)
    amounts = _amounts(text, where)
    margins = _margins(text, where)
    blocked = [(a.start, a.end) for a in amounts] + [(g.start, g.end) for g in margins]
    figures = _percent_figures(text, where, _SpanSet(blocked))
    figures += _word_figures(text, where, _SpanSet(blocked + [(f.start, f.end) for f in figures]))
    figures.sort(key=lambda f: f.start)
    sizes = _sizes(text, where, _SpanSet(blocked + [(f.start, f.end) for f in figures]))
    phrases = _phrases(text, where)
    for fig in figures:
        sentence = sentences[fig.sentence]
        fig.poll = not _NON_POLL_RE.search(text, sentence.start, sentence.end)
        fig.label = _label_after(text, fig.end, sentence.end)
    _subgroups(text, sentences, figures, sizes)
    _times(text, sentences, figures)
    poll_context = bool(sizes or margins) or _POLL_CONTEXT_RE.search(text) is not None
    return Scan(text, sentences, figures, sizes, margins, amounts, phrases, poll_context)


def clauses(text, sentence):
    """Clause limits inside one sentence (split at ';', ', while', ', whereas', ', but')."""
    limits, start = [], sentence.start
    for m in _CLAUSE_SPLIT_RE.finditer(text, sentence.start, sentence.end):
        limits.append((start, m.start()))
        start = m.end()
    limits.append((start, sentence.end))
    return limits


def has_lead_cue(text, start, end):
    return _LEAD_CUE_RE.search(text, start, end) is not None


def has_change_verb(text, start, end):
    return _CHANGE_VERB_RE.search(text, start, end) is not None
