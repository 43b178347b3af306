"""Stage 3, mention linking: which figures are poll shares, and for each its poll (n,
stated margin), its subgroup, its wave (year, earlier or later) and any stated change.

Every decision looks at a bounded window around the figure or at its own sentence, so
linking is linear in the number of figures.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from ..proportion import margin_of_error, sample_size
from .recognise import POLL_WORDS
from .records import (
    Document,
    Figure,
    MarginStatement,
    Mention,
    Poll,
    SampleStatement,
    Sentence,
    Shift,
)

__all__ = ["link", "clauses", "is_poll_sentence", "NOT_POLL"]

_F = re.IGNORECASE
_APPROX = (
    r"(?:(?:nearly|almost|about|roughly|around|approximately|some|over|under|just\s+over|"
    r"just\s+under|more\s+than|less\s+than|fewer\s+than|close\s+to|barely|only|exactly|"
    r"well\s+over|well\s+under|just)\s+)"
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)"
)

#: Words that show a sentence's percentages are not answer shares of a poll.
NOT_POLL = re.compile(
    r"\b(?:inflation|interest\s+rates?|GDP|gross\s+domestic|growth|economists?|forecasts?|"
    r"unemployment|jobless|wages?|salar(?:y|ies)|prices?|yields?|index|stocks?|shares\s+of|"
    r"bonds?|mortgages?|battery|capacity|efficiency|effective|vaccine|trial|imports?|exports?|"
    r"shipments|industrial\s+output|"
    r"hospitali[sz]ation|precincts|turnout|(?:of\s+the\s+)?(?:national|popular)\s+vote|"
    r"of\s+the\s+vote|election\s+results?|seats|market|from\s+the\s+field|from\s+three|"
    r"third\s+downs|home\s+games|won|beat|serve|affordable|revenue|profits?|sales|tax(?:es)?|"
    r"tariffs?|discount|central\s+bank|quarter|APR|dividend|humidity|alcohol|(?:cut|raised|held|"
    r"lowered|hiked|kept)\s+(?:interest\s+)?rates?|base\s+rate|policy\s+rate|Bank\s+of\s+"
    r"(?:England|Canada|Japan|Korea)|Federal\s+Reserve|Reserve\s+Bank|ECB|bps|basis\s+points)\b",
    _F,
)
_OPINION = re.compile(
    r"\b(?:said|say|says|think|thinks|believe|believes|want|wants|support|supports|oppose|"
    r"opposes|back|backs|favou?r|favou?rs|agree|agrees|disagree|approve|approves|disapprove|"
    r"trust|trusts|prefer|prefers|would\s+vote|named|chose|told)\b",
    _F,
)
_NOT_SHARE_BEFORE = re.compile(
    r"(?:\bas\s+(?:high|low|much|many|few)\s+as|\bat\s+(?:least|most)|\bup\s+to|\bno\s+more\s+"
    r"than|\bthreshold\s+of|\bneeds?)\s*(?:" + _APPROX + r")?$",
    _F,
)
# "at the 95% confidence level", "95 percent of the time": a level, not an answer's share
_NOT_SHARE_AFTER = re.compile(
    r"\s*(?:confidence|credibility|credible)\s+(?:level|interval)|\s+of\s+the\s+time\b", _F
)
# "likely between 28% and 34%": the ends of a range (an interval), neither of them a share
_RANGE_START = re.compile(r"\bbetween\s+(?:" + _APPROX + r")?$", _F)
_RANGE_END = re.compile(
    r"\bbetween\s+(?:" + _APPROX + r")?\d{1,2}(?:\.\d+)?\s?(?:%|per\s?cent|percent)?\s+and\s+$",
    _F,
)
_REMAINDER = re.compile(
    r"\s*(?:(?:are|were|is|was|remain|remained|say\s+they\s+are|said\s+they\s+were)\s+)?"
    r"(?:still\s+)?(?:undecided|unsure|not\s+sure|don't\s+know|do\s+not\s+know|have\s+no\s+"
    r"opinion|had\s+no\s+opinion|no\s+opinion|would\s+not\s+say|refused|someone\s+else|"
    r"another\s+candidate|other\s+candidates|neither)\b",
    _F,
)
_OTHER_POLL = re.compile(
    r"\b(?:another|a\s+separate|a\s+different|a\s+second|a\s+rival|other)\s+(?:[\w-]+\s+){0,2}"
    r"(?:poll|survey)\b",
    _F,
)
_CLAUSE_SPLIT = re.compile(r";|,\s*(?:while|whereas|but|and)\b|\s(?:while|whereas)\s|\.\s", _F)

# Subgroups.
_QUALIFIER = (
    r"(?:aged|under|over|between|who|with|without|living|above|below|(?:in|from)\b"
    r"(?!\s+(?:the|a|an|its|this|that)\b))\b"
)
_GROUP_WORDS = (
    r"(?:(?:[A-Z][\w-]+\s+){0,2}(?:Democrats|Republicans|independents|Liberals|Tories|"
    r"Conservatives|Greens|Labour|Labor|supporters|voters\s+" + _QUALIFIER + r"[^,.;()%]{0,40})"
    r"|men|women|young\s+people|older\s+people|young\s+adults|older\s+adults|"
    r"(?:those|people|adults|respondents|voters)\s+" + _QUALIFIER + r"[^,.;()%]{0,40}|"
    r"under-\d\ds|over-\d\ds|(?:\d\d|[a-z]+)-to-\d\d-year-olds|"
    r"(?:\d{4}\s+)?(?:Conservative|Labour|Labor|Liberal|Democratic|Republican|Green|Reform)"
    r"\s+(?:voters|supporters|members))"
)
_OF_GROUP = re.compile(r"\s+of\s+(?:the\s+)?(" + _GROUP_WORDS + r")", 0)
_AMONG = re.compile(
    r"\b(?:among|of)\s+(?!all\b|the\s+(?:full|whole|entire|general)\b|respondents\b|"
    r"those\s+(?:surveyed|polled|asked|questioned|interviewed)\b)"
    r"((?:[^,.;:!?()\[\]\n%]|(?<=\d),(?=\d{3})){3,60})",
    _F,
)
_GROUP_STOP = re.compile(
    r"\s(?:said|say|says|think|would|are|were|is|was|back|backed|support|supported|want|"
    r"trust|approve|the\s+(?:figure|share|number)|and\s+\d|in\s+the\s+\w*\s*(?:poll|survey))"
    r"\b",
    _F,
)
_WHOLE = re.compile(
    r"(?:all\s+|the\s+)*(?:\d[\d,]*\s+)?(?:(?:likely|registered|decided|eligible|adult)\s+)?"
    r"(?:voters|adults|respondents|people|Americans|Canadians|Britons|Australians|Germans|"
    r"Ukrainians|Japanese|those\s+polled|those\s+surveyed)(?:\s+polled|\s+surveyed)?",
    _F,
)
_GROUP_BEFORE_PAREN = re.compile(r"\b(" + _GROUP_WORDS + r")\s*\(\s*$", 0)
_REGION = re.compile(r"\s*In\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?),", 0)
_NATIONAL = re.compile(
    r"\b(?:Americans|Canadians|Britons|Australians|Germans|Ukrainians|Japanese|Koreans|"
    r"Brazilians|Filipinos|New\s+Zealanders)\b",
    0,
)
_BRANDS = re.compile(
    r"\b(?:Gallup|YouGov|Ipsos|Quinnipiac|Pew|Opinium|Survation|Kantar|BMG|Redfield|Infratest|"
    r"Forsa|Allensbach|Yomiuri|Asahi|Nikkei|Mainichi|Kyodo|NHK|AP-NORC|SurveyUSA|Marist|Siena|"
    r"Monmouth|Emerson|Rasmussen|L[e\u00e9]ger|Nanos|Abacus|EKOS|Angus\s+Reid|Resolve|Essential|"
    r"Roy\s+Morgan|Datafolha|Quaest|Realmeter|Newspoll|Reuters|Curia|Ifop|Elabe|Savanta|"
    r"Deltapoll|ComRes|Morning\s+Consult|Info\s+Sapiens|Mainstreet|Forum\s+Research|Pulse\s+Asia|"
    r"Social\s+Weather\s+Stations|Gallup\s+Korea)\b"
)
_AMONG_START = re.compile(r"\b(?:among|of)\s", _F)
_PLACE_PEOPLE = re.compile(r"(?:[A-Z][a-z]+\s+){1,2}(?:voters|adults|residents)", 0)
_SUBGROUP_N = re.compile(r"\s*[(\[]\s*n\s*=\s*(\d{1,3}(?:,\d{3})+|\d{2,7})\s*[)\]]", _F)

# Waves.
_YEAR_AFTER = re.compile(
    r"\s*,?\s*(?:\(\s*((?:19|20)\d{2})\s*\)|(?:[\w']+\s+){0,6}?(?:in|during|for|of|since|by)\s+"
    r"(?:(?:late|early|mid-)\s*)?(?:" + _MONTHS + r"\s+)?((?:19|20)\d{2})\b)",
    _F,
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|from|since)\s+(?:" + _MONTHS + r"\s+)?((?:19|20)\d{2})\s*,?\s*(?:when\s+)?"
    r"(?:[\w']+\s+){0,3}$",
    _F,
)
# a year labelling a line or table row: "2023: 56.9%", "| 2023 | 56.9% |", "2023 \u2014 56.9%"
_YEAR_LABEL = re.compile(r"[ \t|]*((?:19|20)\d{2})[ \t]*[:|\u2013\u2014-]?[ \t|]*$")
_EARLIER_BEFORE = re.compile(
    r"(?:\b(?:from|since)\s+(?:the\s+)?|\bwhen\s+(?:[\w']+\s+){0,3}(?:had|was|were|said|stood|"
    r"recorded|at|on)\s+|\bfrom\s+(?:19|20)"
    r"\d\d,?\s+when\s+(?:[\w']+\s+){0,2}|\bprevious(?:ly)?\s+(?:at\s+)?|\bwas\s+|\bwere\s+|"
    r"\(\s*(?:previous|last|prior|earlier)\s+(?:poll|survey|wave|month|week|year)\s*:\s*)"
    r"(?:" + _APPROX + r")?$",
    _F,
)
_EARLIER_AFTER = re.compile(
    r"\s*,?\s*(?:(?:recorded|seen|found|registered)\s+)?(?:in|of|from|at)\s+(?:the\s+|an?\s+|"
    r"last\s+\w+'s\s+)?(?:(?:previous|prior|last|earlier|" + _MONTHS + r")\b[^,.;%]{0,25}?"
    r"\b(?:poll|survey|wave|month|year|week|study)|" + _MONTHS + r"\b(?!\s+(?:19|20)\d\d))|"
    r"\s*,?\s*(?:a\s+(?:year|month|week)\s+(?:earlier|ago|before)|last\s+(?:year|month|week)|"
    r"previously|earlier)\b",
    _F,
)
_LATER_BEFORE = re.compile(
    r"\bto\s+(?:" + _APPROX + r")?$|\b(?:now|currently|today)\s+(?:[\w']+\s+){0,3}$", _F
)
# "fell to 41.1% in November from 48.7%": a figure that a change moved *to* is the later one,
# whatever month follows it
_MOVED_TO_BEFORE = re.compile(
    r"\b(?:rose|risen|rises|rising|fell|fallen|falls|falling|dropped|drops|declined|declines|"
    r"climbed|climbs|slipped|slips|slid|increased|decreased|jumped|edged|ticked|grew|sank|"
    r"dipped|shrank|rebounded|recovered|down|up)\s+(?:[\w.-]+\s+){0,3}?to\s+(?:" + _APPROX + r")?$",
    _F,
)
_LATER_AFTER = re.compile(r"\s*,?\s*(?:this\s+(?:year|month|week|time)|now|today|currently)\b", _F)
_PREVIOUS_BEFORE = re.compile(r"\bwas\s+(?:" + _APPROX + r")?$|\bwere\s+(?:" + _APPROX + r")?$", _F)

# Stated changes attach to the figure they are about.
_SHIFT_TO_FIGURE = re.compile(
    r"\s*(?:(?:percentage\s+)?points?\s+)?(?:[\w'-]+\s+){0,4}?(?:to|on|at)\s+(?:"
    + _APPROX
    + r")?$",
    _F,
)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause limits inside one sentence: split at ';', ', while', ', and', ', but'..."""
    limits: list[tuple[int, int]] = []
    begin = start
    for m in _CLAUSE_SPLIT.finditer(text, start, end):
        limits.append((begin, m.start()))
        begin = m.end()
    limits.append((begin, end))
    return limits


def is_poll_sentence(text: str, sentence: Sentence, poll_doc: bool, n_given: bool) -> bool:
    """May the figures of ``sentence`` be poll shares?  Not where it speaks of prices, rates or
    results and names no poll; otherwise when the text speaks of a poll or ``n`` is given."""
    words = text[sentence.start : sentence.end]
    if NOT_POLL.search(words) and not POLL_WORDS.search(words):
        return False
    return poll_doc or n_given


def _polls(doc: Document) -> list[Poll]:
    """One poll per stated sample size (subgroup sizes excluded), with its stated margin."""
    options = doc.options
    level = options.confidence_level
    sizes = [s for s in doc.sizes if s.subgroup is None]
    sentence_of_size: dict[int, int] = {}
    for i, s in enumerate(sizes):
        sentence_of_size.setdefault(s.sentence, i)
    margin_of: dict[int, MarginStatement] = {}
    loose: list[MarginStatement] = []
    starts = [s.start for s in sizes]
    for g in doc.margins:
        if g.sentence in sentence_of_size:
            i = sentence_of_size[g.sentence]
        else:
            i = bisect.bisect_right(starts, g.start) - 1
            if (
                i < 0
                or doc.sentences[g.sentence].paragraph != doc.sentences[sizes[i].sentence].paragraph
            ):
                i = 0 if sizes and g.sentence + 1 >= sizes[0].sentence else -1
        if i >= 0 and i not in margin_of:
            margin_of[i] = g
        else:
            loose.append(g)
    with_margin = sorted(margin_of)
    implied: dict[int, float] = {}
    if doc.margins:
        values = np.atleast_1d(
            sample_size([g.moe for g in doc.margins], p=0.5, confidence_level=level)
        )
        implied = {id(g): float(v) for g, v in zip(doc.margins, values, strict=True)}
    srs: dict[int, float] = {}
    if with_margin:
        values = np.atleast_1d(
            margin_of_error(0.5, [sizes[i].n for i in with_margin], confidence_level=level)
        )
        srs = {i: float(v) for i, v in zip(with_margin, values, strict=True)}
    polls: list[Poll] = []
    for i, s in enumerate(sizes):
        margin = margin_of.get(i)
        deff = options.deff
        if margin is not None and margin.moe > srs[i] + margin.half_unit + 1e-12:
            # the stated margin carries the pollster's design effect
            deff = s.n / implied[id(margin)]
        polls.append(Poll(i, s.n, deff, "text", s, margin))
    for g in loose:
        polls.append(Poll(len(polls), implied[id(g)], 1.0, "stated margin", None, g))
    default: Poll | None
    if options.n is not None:
        default = Poll(len(polls), options.n, options.deff, "argument")
    elif polls:
        default = None
    else:
        default = Poll(len(polls), None, options.deff, "unknown")
    if default is not None:
        polls.append(default)
    return polls


def _poll_for(
    fig: Figure,
    by_sentence: dict[int, list[tuple[Poll, SampleStatement]]],
    starts: Sequence[int],
    other_poll_sentences: dict[int, int],
    fallback: int,
) -> int:
    """The poll of a figure: the nearest size stated in its sentence, a poll the sentence calls
    another one, the last size stated before it, else ``fallback``."""
    here = by_sentence.get(fig.sentence)
    if here:
        return min(here, key=lambda ps: abs(ps[1].start - fig.start))[0].index
    if fig.sentence in other_poll_sentences:
        return other_poll_sentences[fig.sentence]
    i = bisect.bisect_right(starts, fig.start) - 1
    if i >= 0:
        return i
    return fallback


def _subgroup(
    text: str, fig: Figure, sentence: Sentence, population: str
) -> tuple[str | None, float | None]:
    """The subgroup a figure speaks of and its stated size, or None for the whole sample."""
    after = _OF_GROUP.match(text, fig.end)
    if after:
        return after.group(1).strip(), None
    before = text[max(sentence.start, fig.start - 60) : fig.start]
    m = _GROUP_BEFORE_PAREN.search(before)
    if m:
        return m.group(1).strip(), None
    for c_start, c_end in clauses(text, sentence.start, sentence.end):
        if not c_start <= fig.start < c_end + 1:
            continue
        candidates: list[tuple[int, str, float | None]] = []
        stop_at = min(c_end, fig.end + 40)
        for start in _AMONG_START.finditer(text, max(c_start, fig.start - 80), stop_at):
            g = _AMONG.match(text, start.start(), c_end)
            if g is None:
                continue
            name = g.group(1)
            stop = _GROUP_STOP.search(name)
            if stop:
                name = name[: stop.start()]
            elif re.match(r"\s*(?:%|per\s?cent|percent)", text[g.end(1) : g.end(1) + 9], _F):
                name = re.sub(r"\s+\d{1,3}(?:\.\d+)?\s*$", "", name)  # "among women 53%"
            name = " ".join(name.split()[:8]).strip()
            count = re.match(r"(?:the\s+)?(\d{1,3}(?:,\d{3})+|\d{2,7})\s+", name)
            if count and _WHOLE.fullmatch(name):
                continue  # "among 800 likely voters polled": the sample itself
            stated = float(count.group(1).replace(",", "")) if count else None
            if count:
                name = name[count.end() :]
            if not name or g.start() > fig.end + 30 or fig.start <= g.start() < fig.end:
                continue
            if g.start() >= fig.end and re.search(r"[,;]", text[fig.end : g.start()]):
                continue
            if (
                g.start() < fig.start
                and g.group(0).lower().startswith("of")
                and g.start() != c_start
            ):
                if not re.match(r"\s*(?:Of|of)\s+those\b", g.group(0)):
                    continue  # "of" before a figure is a subgroup only as "Of those ..."
            if g.start() >= fig.end and g.group(0).lower().startswith("of"):
                continue
            if _WHOLE.fullmatch(name) or (population and _same_people(name, population)):
                continue
            if _PLACE_PEOPLE.fullmatch(name) and not (population and _NATIONAL.search(population)):
                continue  # "among New Jersey voters" in a state poll: the sample itself
            candidates.append((abs(g.start() - fig.start), name, stated))
        if candidates:
            _, name, stated = min(candidates)
            return name, stated
        region = _REGION.match(text, c_start) if c_start == sentence.start else None
        if region and population and _NATIONAL.search(population):
            return region.group(1), None
    return None, None


def _same_people(name: str, population: str) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", name)} - {"the", "all"}
    return bool(words) and words <= {w.lower() for w in re.findall(r"[A-Za-z]+", population)}


def _wave(
    text: str, sentence: Sentence, fig: Figure, cursor: int, next_start: int
) -> tuple[int | None, str | None]:
    """(year, when) of a figure: 'earlier', 'later' or None."""
    limit = min(sentence.end, next_start, fig.end + 60)
    # "four in ten (41.1%) now ...": the bracket around a glossed figure does not end its phrase
    after = re.sub(r"^\s*[)\]]", "", text[fig.end : limit])
    before = text[max(cursor, fig.start - 60) : fig.start]
    year = None
    m = _YEAR_AFTER.match(after)
    if m and not re.search(r"%|\bper\s?cent|\bpercent", after[: m.end()], _F):
        year = int(m.group(1) or m.group(2))
    else:
        b = _YEAR_BEFORE.search(before)
        label = _YEAR_LABEL.match(text, text.rfind("\n", 0, fig.start) + 1, fig.start)
        if b:
            year = int(b.group(1))
        elif label:
            year = int(label.group(1))
    when = None
    if _MOVED_TO_BEFORE.search(before):
        when = "later"
    elif _EARLIER_BEFORE.search(before) and not _PREVIOUS_BEFORE.search(before):
        when = "earlier"
    elif _EARLIER_AFTER.match(after):
        when = "earlier"
    elif _LATER_BEFORE.search(before) or _LATER_AFTER.match(after):
        when = "later"
    if when is None and _PREVIOUS_BEFORE.search(before) and _EARLIER_AFTER.match(after):
        when = "earlier"
    return year, when


def _attach_shifts(text: str, doc: Document, figures: Sequence[Figure]) -> dict[int, Shift]:
    """Each stated change of points to the figure it is about (or none), by figure index."""
    attached: dict[int, Shift] = {}
    starts = [f.start for f in figures]
    for shift in doc.shifts:
        if shift.unit != "points":
            continue
        i = bisect.bisect_left(starts, shift.end)
        target = None
        if shift.form == "bracket":
            j = bisect.bisect_right(starts, shift.start) - 1
            target = j if j >= 0 and figures[j].end <= shift.start <= figures[j].end + 2 else None
        elif shift.form == "steady":
            target = i if i < len(figures) and figures[i].start - shift.end <= 12 else None
        else:
            if (
                shift.form == "before"
                and i < len(figures)
                and figures[i].sentence == shift.sentence
                and figures[i].start - shift.end <= 45
                and _SHIFT_TO_FIGURE.fullmatch(text[shift.end : figures[i].start])
            ):
                target = i
            else:
                j = bisect.bisect_right(starts, shift.start) - 1
                # the sentence's only figure may sit further back: "Just 41.1% now say a
                # concession is unacceptable, down 7.6 points from 2024"
                alone = j >= 0 and (
                    (j == 0 or figures[j - 1].sentence != shift.sentence)
                    and (j + 1 == len(figures) or figures[j + 1].sentence != shift.sentence)
                )
                if (
                    j >= 0
                    and figures[j].sentence == shift.sentence
                    and shift.start - figures[j].end <= (90 if alone else 45)
                    and ";" not in text[figures[j].end : shift.start]
                ):
                    target = j
        if target is not None and target not in attached:
            attached[target] = shift
    return attached


def link(doc: Document) -> Document:
    """Fill ``doc.polls`` and ``doc.mentions`` (the poll figures, in text order)."""
    text = doc.text
    doc = dataclasses.replace(doc, sizes=tuple(_mark_subgroup(text, s) for s in doc.sizes))
    polls = _polls(doc)
    sized = [(p, p.size) for p in polls if p.size is not None]
    by_sentence: dict[int, list[tuple[Poll, SampleStatement]]] = {}
    for p, stated_size in sized:
        by_sentence.setdefault(stated_size.sentence, []).append((p, stated_size))
    starts = [s.start for _, s in sized]

    fallback = polls[-1].index
    if polls[-1].source not in ("argument", "unknown"):
        fallback = 0  # no figure precedes every poll: the first one stated
    other: dict[int, int] = {}
    sentence_starts = [s.start for s in doc.sentences]
    for m in _OTHER_POLL.finditer(text):
        k = max(bisect.bisect_right(sentence_starts, m.start()) - 1, 0)
        if k not in by_sentence and k not in other:
            other[k] = len(polls)
            polls.append(Poll(len(polls), None, doc.options.deff, "other poll"))
    n_given = doc.options.n is not None
    # sentence -> its clauses, where it has non-poll words and no poll word
    mixed: dict[int, list[tuple[int, int]] | None] = {}
    figures: list[Figure] = []
    for fig in doc.figures:
        if not (doc.poll_text or n_given):
            break
        sentence = doc.sentences[fig.sentence]
        if fig.sentence not in mixed:
            words = text[sentence.start : sentence.end]
            is_mixed = NOT_POLL.search(words) and not POLL_WORDS.search(words)
            mixed[fig.sentence] = clauses(text, sentence.start, sentence.end) if is_mixed else None
        parts = mixed[fig.sentence]
        if parts is not None:
            # "Gas prices rose 4%, and 62% of voters say ...": the clause decides
            here = next((c for c in parts if c[0] <= fig.start < c[1] + 1), parts[-1])
            clause = text[here[0] : here[1]]
            if NOT_POLL.search(clause) or not _OPINION.search(clause):
                continue
        before = text[max(fig.start - 30, 0) : fig.start]
        if _NOT_SHARE_BEFORE.search(before) or _NOT_SHARE_AFTER.match(text, fig.end):
            continue
        if _RANGE_START.search(before) or _RANGE_END.search(before):
            continue
        figures.append(fig)
    shifts = _attach_shifts(text, doc, figures)
    by_sentence_brands: dict[int, set[str]] = {}
    by_paragraph_brands: dict[int, set[str]] = {}
    for m in _BRANDS.finditer(text):
        k = max(bisect.bisect_right(sentence_starts, m.start()) - 1, 0)
        name = m.group(0).lower()
        by_sentence_brands.setdefault(k, set()).add(name)
        by_paragraph_brands.setdefault(doc.sentences[k].paragraph, set()).add(name)

    def brands(k: int) -> set[str]:
        return by_sentence_brands.get(k) or by_paragraph_brands.get(
            doc.sentences[k].paragraph, set()
        )

    brand_polls: dict[frozenset[str], int] = {}
    mentions: list[Mention] = []
    cursor_sentence, cursor = -1, 0
    for k, fig in enumerate(figures):
        sentence = doc.sentences[fig.sentence]
        if fig.sentence != cursor_sentence:
            cursor_sentence, cursor = fig.sentence, sentence.start
        poll = _poll_for(fig, by_sentence, starts, other, fallback)
        chosen = polls[poll]
        if chosen.size is not None and chosen.size.sentence != fig.sentence:
            mine, theirs = brands(fig.sentence), brands(chosen.size.sentence)
            if mine and theirs and mine.isdisjoint(theirs):
                # a Yomiuri figure never borrows the n of a Monmouth poll
                key = frozenset(mine)
                if key not in brand_polls:
                    n = doc.options.n
                    brand_polls[key] = len(polls)
                    polls.append(
                        Poll(len(polls), n, doc.options.deff, "argument" if n else "other poll")
                    )
                poll = brand_polls[key]
        size = polls[poll].size
        population = size.population if size is not None else ""
        subgroup, subgroup_n = _subgroup(text, fig, sentence, population)
        previous = mentions[-1] if mentions else None
        if (
            subgroup is None
            and previous is not None
            and previous.subgroup is not None
            and previous.figure.sentence == fig.sentence
            and _REMAINDER.match(text, fig.end, min(sentence.end, fig.end + 40))
        ):
            # "Biden has 8 percent among Democratic primary voters, while 12 percent are
            # undecided": the rest of a distribution has the base of its other answers
            subgroup, subgroup_n = previous.subgroup, previous.subgroup_n
        if subgroup is not None and subgroup_n is None:
            stated = _SUBGROUP_N.match(text, fig.end)
            if stated:
                subgroup_n = float(stated.group(1).replace(",", ""))
        next_start = figures[k + 1].start if k + 1 < len(figures) else sentence.end
        year, when = _wave(text, sentence, fig, cursor, next_start)
        shift = shifts.get(k)
        if shift is not None and when == "earlier" and shift.form != "bracket":
            # "slipped to 41.1% from 48.7%, a fall of 7.6pp": the amount describes the change
            # the sentence states, never a move *to* its earlier figure
            shift = None
        mentions.append(Mention(fig, poll, subgroup, subgroup_n, year, when, shift))
        cursor = fig.end
    return dataclasses.replace(doc, polls=tuple(polls), mentions=tuple(mentions))


_AMONG_BEFORE = re.compile(r"\bamong\s+(?:the\s+)?$", _F)
_QUALIFIED = re.compile(r"\s+(" + _QUALIFIER + r"[^,.;()%]{0,40})", _F)


def _mark_subgroup(text: str, size: SampleStatement) -> SampleStatement:
    """ "among the 212 respondents under 30": a subgroup's size, not the poll's."""
    if _AMONG_BEFORE.search(text[max(size.start - 12, 0) : size.start]):
        q = _QUALIFIED.match(text, size.end)
        if q and not re.match(
            r"\s+(?:in|from)\s+the\s+\w*\s*(?:poll|survey)", text[size.end :], _F
        ):
            name = f"{size.population} {q.group(1).strip()}".strip()
            return dataclasses.replace(size, subgroup=name, end=q.end())
    if re.match(r"\s*,?\s*(?:of\s+them|of\s+whom)\b", text[size.end : size.end + 15], _F):
        return dataclasses.replace(size, subgroup="of them")
    return size
