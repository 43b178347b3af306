"""Stage 4, claims: what the text asserts about its poll figures, one record per thing to
test (a share, a stated sample or margin, a change between waves, a trend, a lead within
one poll, a difference between subgroups, a claim in words about significance).

Pairing rules (issue 11): a change pairs figures of one clause (one measure) across waves;
a trend needs three or more waves; a lead pairs two whole-sample figures of one sentence
that the text sets against each other; a subgroup difference pairs two subgroups.  When the
poll's size is not given, changes, leads and differences are still tested, at a typical
1,000 a wave, and say so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from .link import NOT_POLL, clauses, is_poll_sentence
from .records import Claim, Document, Figure, LeadAmount, Mention, Phrase, Poll, Shift

__all__ = ["make_claims"]

_F = re.IGNORECASE
_CHANGE_VERB = re.compile(
    r"\b(?:drop|drops|dropped|fall|falls|fell|fallen|rise|rises|rose|risen|decline|declined|"
    r"declines|increase|increased|decrease|decreased|gain|gained|lost|slipped|slid|climbed|"
    r"climb|climbs|jumped|from|since|up|down|shift|change|changed|moved|went|reached)\b",
    _F,
)
_LEAD_CUE = re.compile(
    r"\b(?:compared\s+(?:with|to)|versus|vs\b\.?|against|ahead|behind|leads?|led|leading|"
    r"trails?|trailed|trailing|tops?|topped|(?:lower|higher)\s+than|above|below|over|second|third|"
    r"strongest|battle|outpac\w+|edges?|edged|gap|margin|advantage|race|tie|tied|"
    r"dead\s+heat|prefer\w*)\b",
    _F,
)
_JOINER = re.compile(r"\s*(?:to|-|\u2013|vs\.?|versus|against)\s*", _F)
_RANK_CUE = re.compile(
    r"\b(?:came|comes|finished|ranked|placed|was|were|is|are)\s+(?:a\s+(?:distant\s+|close\s+)?)?"
    r"(?:second|third)\b|\bin\s+(?:second|third)\s+place\b|\brunners?-up\b|\bnext\s+(?:came|was|"
    r"were)\b|\btrail(?:ed|s|ing)?\s+(?:at|on|with)\b",
    _F,
)
_EACH = re.compile(r"\s*(?:each|apiece)\b", _F)
_DIFFERENCE_CUE = re.compile(r"\b(?:than|but|compared|while|whereas|versus|vs|against)\b", _F)
_CHANGE_WORDS = re.compile(
    r"\b(?:shift|shifts|change|changes|rise|rose|fall|fell|drop|dropped|increase|decline|"
    r"moved|movement|gained|lost|swing)\b",
    _F,
)


#: Records with a character span, which :func:`_span` covers.
_Spanned = Figure | Shift | LeadAmount | Phrase

#: Adds a change, trend or lead claim about some mentions; returns its index among the claims.
_AddTested = Callable[
    [str, tuple[int, int], Sequence[float], Sequence[Mention], int, dict[str, Any]], int
]


def _sample(doc: Document, mention: Mention) -> tuple[float | None, float, str]:
    poll = doc.polls[mention.poll]
    if mention.subgroup is not None:
        if mention.subgroup_n:
            return mention.subgroup_n, poll.deff, "subgroup"
        return None, poll.deff, "subgroup unknown"
    return poll.n, poll.deff, poll.source


def _tested_n(doc: Document, n: float | None, source: str) -> tuple[float, float | None, str]:
    """The size a change or lead is tested at: the poll's, else a typical one (said so), with
    the design effect to use instead of the poll's when the size is assumed."""
    if n is None:
        return doc.options.typical_n, doc.options.deff, "assumed"
    return n, None, source


def _series(doc: Document, mentions: Sequence[Mention], start: int, end: int) -> list[Mention]:
    """The figures of one clause as waves, earliest first, or [] when they are not waves."""
    if len(mentions) < 2:
        return []
    years = [m.year for m in mentions if m.year is not None]
    distinct = set(years)
    if len(years) != len(distinct):
        return []  # two figures of one year: two measures, not two waves
    timed = (
        len(distinct) >= 2
        or any(m.when == "earlier" for m in mentions)
        or (any(m.when == "later" for m in mentions) and _CHANGE_VERB.search(doc.text, start, end))
    )
    if not timed:
        return []
    top = max(distinct) if distinct else 0
    # "41% now, against 49% a year ago and 57% in 2023": an undated earlier wave set against
    # an undated current one falls between the dated waves and now; alone, before the last year
    now = any(m.when != "earlier" and m.year is None for m in mentions)
    earlier_slot = top + 0.5 if now else top - 0.5

    def key(item: tuple[int, Mention]) -> tuple[float, int]:
        position, m = item
        if m.year is not None:
            return (m.year, position)
        if m.when == "earlier":
            return (earlier_slot if distinct else 0, position)
        return (top + 1 if distinct else 1, position)

    return [m for _, m in sorted(enumerate(mentions), key=key)]


def _score_lines(text: str, mentions: Sequence[Mention]) -> list[tuple[Mention, Mention]]:
    """The bare score lines of a sentence ("48-41"), as (first, second) figure pairs."""
    lines = []
    k = 0
    while k + 1 < len(mentions):
        a, b = mentions[k], mentions[k + 1]
        if (
            a.figure.form == "pair"
            and b.figure.form == "pair"
            and a.subgroup == b.subgroup
            and re.fullmatch(r"\s?[-\u2013]\s?", text[a.figure.end : b.figure.start])
        ):
            lines.append((a, b))
            k += 2
        else:
            k += 1
    return lines


def _score_line_waves(
    lines: list[tuple[Mention, Mention]],
    sentence: int,
    used: set[int],
    tested_claim: _AddTested,
    leads_of: dict[int, list[int]],
) -> None:
    """Two score lines of one sentence, one of them dated earlier ("leads 48-41, up from
    46-37 in March"): each is a lead within its poll, and each side's move is a change."""
    if len(lines) < 2:
        return

    def wave(line: tuple[Mention, Mention]) -> tuple[float, str | None]:
        year = line[0].year or line[1].year
        when = "earlier" if "earlier" in (line[0].when, line[1].when) else None
        return (year if year is not None else (-0.5 if when == "earlier" else 0.0)), when

    waves = [wave(line) for line in lines]
    if len({w for w, _ in waves}) < 2:
        return  # two races of one poll ("Biden 48-41, Harris 47-45"), not two waves
    ordered = [line for _, line in sorted(zip(waves, lines, strict=True), key=lambda x: x[0][0])]
    for line in ordered:
        a, b = line
        leader, trailer = (a, b) if a.figure.value >= b.figure.value else (b, a)
        i = tested_claim(
            "lead",
            _span(a.figure, b.figure),
            (leader.figure.value, trailer.figure.value),
            [a, b],
            sentence,
            {"assumed_split": False, "named_first": a.figure.text},
        )
        leads_of.setdefault(sentence, []).append(i)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        for side in (0, 1):
            e, lt = earlier[side], later[side]
            tested_claim(
                "change",
                _span(e.figure, lt.figure),
                (e.figure.value, lt.figure.value),
                [e, lt],
                sentence,
                {
                    "years": [y for y in (e.year, lt.year) if y],
                    "earlier_inferred": False,
                    "half_units": (e.figure.half_unit, lt.figure.half_unit),
                },
            )
    used.update(id(m) for line in lines for m in line)


def _span(*pieces: _Spanned) -> tuple[int, int]:
    return (min(p.start for p in pieces), max(p.end for p in pieces))


def make_claims(doc: Document) -> Document:
    """Fill ``doc.claims`` in text order of what they are about (wording claims last)."""
    text = doc.text
    claims: list[Claim] = []
    add = claims.append
    for s in doc.sizes:
        add(
            Claim(
                "sample_size",
                (s.start, s.end),
                (),
                s.n,
                doc.options.deff,
                "text",
                s.sentence,
                details={"subgroup": s.subgroup},
            )
        )
    poll_of_margin = {id(p.margin): p for p in doc.polls if p.margin is not None}
    for g in doc.margins:
        poll = poll_of_margin.get(id(g))
        n = poll.size.n if poll is not None and poll.size is not None else None
        add(
            Claim(
                "stated_moe",
                (g.start, g.end),
                (),
                n,
                1.0,
                "text" if n else "unknown",
                g.sentence,
                details={"moe": g.moe, "half_unit": g.half_unit, "modelled": g.modelled},
            )
        )
    for m in doc.mentions:
        n, deff, source = _sample(doc, m)
        full = doc.polls[m.poll].n if m.subgroup is not None else None
        add(
            Claim(
                "share",
                (m.figure.start, m.figure.end),
                (m.figure.value,),
                n,
                deff,
                source,
                m.figure.sentence,
                (m.figure,),
                details={
                    "approximate": m.figure.approximate,
                    "subgroup": m.subgroup,
                    "year": m.year,
                    "form": m.figure.form,
                    "full_n": full,
                    "full_deff": doc.polls[m.poll].deff,
                },
            )
        )

    by_sentence: dict[int, list] = {}
    for m in doc.mentions:
        by_sentence.setdefault(m.figure.sentence, []).append(m)
    used: set[int] = set()
    tested: dict[int, list[int]] = {}  # sentence -> indices of change/lead/trend claims
    leads_of: dict[int, list[int]] = {}

    def tested_claim(
        kind: str,
        span: tuple[int, int],
        values: Sequence[float],
        mentions: Sequence[Mention],
        sentence: int,
        details: dict[str, Any],
    ) -> int:
        m0 = mentions[0]
        n, deff, source = _sample(doc, m0)
        n, assumed_deff, source = _tested_n(doc, n, source)
        add(
            Claim(
                kind,
                span,
                tuple(values),
                n,
                assumed_deff or deff,
                source,
                sentence,
                tuple(x.figure for x in mentions),
                details=details,
            )
        )
        tested.setdefault(sentence, []).append(len(claims) - 1)
        return len(claims) - 1

    # stated amounts resolved after all changes and leads exist: with the index of the change
    # claim to check the amount against, or with the lone figure to read both ways
    wording_pending: list[tuple[Shift, int | Mention]] = []
    for index, mentions in by_sentence.items():
        sentence = doc.sentences[index]
        series_of_clause = []
        lines = _score_lines(text, mentions)
        in_lines = {id(m) for line in lines for m in line}
        _score_line_waves(lines, index, used, tested_claim, leads_of)
        for c_start, c_end in clauses(text, sentence.start, sentence.end):
            inside = [
                m
                for m in mentions
                if c_start <= m.figure.start < c_end and m.shift is None and id(m) not in in_lines
            ]
            by_group: dict[str | None, list[Mention]] = {}
            for m in inside:
                by_group.setdefault(m.subgroup, []).append(m)
            for group, members in by_group.items():
                if group is not None and not all(x.subgroup_n for x in members):
                    continue  # waves of a subgroup of unknown size: shares only
                series = _series(doc, members, c_start, c_end)
                if not series:
                    continue
                used.update(id(x) for x in series)
                changes = []
                for earlier, later in zip(series, series[1:], strict=False):
                    years = [earlier.year, later.year]
                    changes.append(
                        tested_claim(
                            "change",
                            _span(earlier.figure, later.figure),
                            (earlier.figure.value, later.figure.value),
                            [earlier, later],
                            index,
                            {
                                "years": years if None not in years else [y for y in years if y],
                                "earlier_inferred": False,
                                "half_units": (earlier.figure.half_unit, later.figure.half_unit),
                            },
                        )
                    )
                if len(series) >= 3:
                    years = [x.year for x in series]
                    tested_claim(
                        "trend",
                        _span(*(x.figure for x in series)),
                        [x.figure.value for x in series],
                        series,
                        index,
                        {"years": years if None not in years else None},
                    )
                series_of_clause.append((c_start, c_end, changes))
        # stated changes of one figure: "38% (+1)", "up two to 44%"
        for m in mentions:
            shift = m.shift
            if shift is None or id(m) in used:
                continue
            earlier = m.figure.value - shift.amount / 100
            if not -1e-9 <= earlier <= 1 + 1e-9:
                continue
            earlier = min(max(earlier, 0.0), 1.0)
            used.add(id(m))
            tested_claim(
                "change",
                _span(m.figure, shift),
                (earlier, m.figure.value),
                [m],
                index,
                {
                    "years": [],
                    "earlier_inferred": True,
                    "stated": shift.text,
                    "half_units": (m.figure.half_unit, m.figure.half_unit),
                },
            )
        # stated amounts checked against the clause's explicit change, or read both ways
        for shift in doc.shifts:
            if shift.sentence != index or shift.form in ("bracket", "steady"):
                continue
            if any(m.shift is shift for m in mentions):
                continue
            target = None
            for c_start, c_end, changes in series_of_clause:
                if c_start <= shift.start < c_end and changes:
                    target = changes[-1]
            if target is not None:
                if shift.amount != 0:
                    wording_pending.append((shift, target))
            elif shift.unit == "percent":
                clause = next(
                    (
                        c
                        for c in clauses(text, sentence.start, sentence.end)
                        if c[0] <= shift.start < c[1] + 1
                    ),
                    (sentence.start, sentence.end),
                )
                alone = [
                    m
                    for m in mentions
                    if id(m) not in used
                    and m.subgroup is None
                    and clause[0] <= m.figure.start < clause[1] + 1
                ]
                if alone and not NOT_POLL.search(text, clause[0], clause[1]):
                    near = min(alone, key=lambda m: abs(m.figure.start - shift.start))
                    wording_pending.append((shift, near))
        # leads within one poll
        eligible = [m for m in mentions if id(m) not in used and m.subgroup is None]
        lead_pairs = []
        for a, b in zip(eligible, eligible[1:], strict=False):
            between = text[a.figure.end : b.figure.start]
            if (
                a.figure.form == "pair"
                or _JOINER.fullmatch(between)
                or (re.fullmatch(r"\s*(?:per\s?cent|percent|%)?\s*(?:to|-|\u2013)\s*", between, _F))
            ):
                lead_pairs.append((a, b))
        for m in eligible:
            each = _EACH.match(text, m.figure.end)
            if each and id(m) not in used:
                # "tied at 43 percent each": two candidates on one figure
                used.add(id(m))
                i = tested_claim(
                    "lead",
                    (m.figure.start, each.end()),
                    (m.figure.value, m.figure.value),
                    [m],
                    index,
                    {"assumed_split": False, "named_first": m.figure.text},
                )
                leads_of.setdefault(index, []).append(i)
        eligible = [m for m in eligible if id(m) not in used]
        if (
            not lead_pairs
            and len(eligible) >= 2
            and _LEAD_CUE.search(text, sentence.start, sentence.end)
        ):
            lead_pairs.append((eligible[0], eligible[1]))
        for a, b in lead_pairs:
            if id(a) in used or id(b) in used or a.figure.value + b.figure.value > 1 + 1e-9:
                continue
            used.update((id(a), id(b)))
            leader, trailer = (a, b) if a.figure.value >= b.figure.value else (b, a)
            i = tested_claim(
                "lead",
                _span(a.figure, b.figure),
                (leader.figure.value, trailer.figure.value),
                [a, b],
                index,
                {"assumed_split": False, "named_first": a.figure.text},
            )
            leads_of.setdefault(index, []).append(i)
        # leads within one subgroup: "Harris leads among women 53% to 41%"
        in_groups = [m for m in mentions if m.subgroup is not None and id(m) not in used]
        for a, b in zip(in_groups, in_groups[1:], strict=False):
            if a.subgroup != b.subgroup or id(a) in used or id(b) in used:
                continue
            if not _JOINER.fullmatch(text[a.figure.end : b.figure.start]):
                continue
            if a.figure.value + b.figure.value > 1 + 1e-9:
                continue
            poll = doc.polls[a.poll]
            n = a.subgroup_n or (poll.n or doc.options.typical_n) / 2
            source = "subgroup" if a.subgroup_n else "subgroup assumed"
            leader, trailer = (a, b) if a.figure.value >= b.figure.value else (b, a)
            add(
                Claim(
                    "lead",
                    _span(a.figure, b.figure),
                    (leader.figure.value, trailer.figure.value),
                    n,
                    poll.deff,
                    source,
                    index,
                    (a.figure, b.figure),
                    details={
                        "assumed_split": False,
                        "named_first": a.figure.text,
                        "subgroup": a.subgroup,
                    },
                )
            )
            tested.setdefault(index, []).append(len(claims) - 1)
            leads_of.setdefault(index, []).append(len(claims) - 1)
            used.update((id(a), id(b)))
        # subgroup differences
        in_groups = [m for m in mentions if m.subgroup is not None and id(m) not in used]
        if len(in_groups) >= 2 and in_groups[0].subgroup != in_groups[1].subgroup:
            a, b = in_groups[0], in_groups[1]
            if _DIFFERENCE_CUE.search(
                text, a.figure.end, b.figure.start + 1
            ) or _DIFFERENCE_CUE.search(text, sentence.start, a.figure.start):
                poll = doc.polls[a.poll]
                if poll.n is not None:
                    n, source = poll.n / 2, "half the poll each (sizes not given)"
                else:
                    n, source = doc.options.typical_n / 2, "assumed"
                add(
                    Claim(
                        "subgroup_difference",
                        _span(a.figure, b.figure),
                        (a.figure.value, b.figure.value),
                        n,
                        poll.deff,
                        source,
                        index,
                        (a.figure, b.figure),
                        details={"groups": [a.subgroup, b.subgroup]},
                    )
                )
                tested.setdefault(index, []).append(len(claims) - 1)
                used.update((id(a), id(b)))
    # a ranking across sentences: "... found 31.1% picked that option. NATO membership came
    # second at 19.4%." sets the runner-up against the last figure of the sentence before
    for index, mentions in by_sentence.items():
        alone = [m for m in mentions if id(m) not in used and m.subgroup is None]
        sentence = doc.sentences[index]
        if len(alone) != 1 or not _RANK_CUE.search(text, sentence.start, sentence.end):
            continue
        before = [
            m
            for m in by_sentence.get(index - 1, [])
            if id(m) not in used
            and m.subgroup is None
            and m.poll == alone[0].poll
            and doc.sentences[index - 1].paragraph == sentence.paragraph
        ]
        if not before:
            continue
        a, b = before[-1], alone[0]
        if a.figure.value < b.figure.value or a.figure.value + b.figure.value > 1 + 1e-9:
            continue
        used.update((id(a), id(b)))
        i = tested_claim(
            "lead",
            _span(a.figure, b.figure),
            (a.figure.value, b.figure.value),
            [a, b],
            index,
            {"assumed_split": False, "named_first": a.figure.text},
        )
        leads_of.setdefault(index, []).append(i)
    # leads stated in points: checked against the lead of the two figures they describe, or,
    # stated alone ("a 13-point lead"), tested at the split that gives the widest interval
    figure_leads = {i for ids in leads_of.values() for i in ids}
    lead_checks: list[tuple[LeadAmount, int]] = []
    for amount in doc.leads:
        index = amount.sentence
        paragraph = doc.sentences[index].paragraph
        near = [k for k in (index, index - 1, index + 1) if 0 <= k < len(doc.sentences)]
        near = [k for k in near if doc.sentences[k].paragraph == paragraph]
        if any(k in leads_of for k in near):
            # "a seven-point lead. Reform is on 31%, Labour on 24%": the same lead
            described = [i for k in near for i in leads_of.get(k, []) if i in figure_leads]
            if described:
                lead_checks.append((amount, described[0]))
            continue
        mentions = by_sentence.get(index, [])
        if not is_poll_sentence(
            doc.text, doc.sentences[index], doc.poll_text, doc.options.n is not None
        ):
            continue
        polls = [p for p in doc.polls if p.size is not None and p.size.sentence == index]
        poll = polls[0] if polls else _poll_before(doc, amount.start)
        n, deff, source = (
            (poll.n, poll.deff, poll.source)
            if poll is not None
            else (None, doc.options.deff, "unknown")
        )
        n, assumed_deff, source = _tested_n(doc, n, source)
        d = min(amount.points, 1.0)
        add(
            Claim(
                "lead",
                (amount.start, amount.end),
                (0.5 + d / 2, 0.5 - d / 2),
                n,
                assumed_deff or deff,
                source,
                index,
                details={"assumed_split": True, "stated": amount.text},
            )
        )
        tested.setdefault(index, []).append(len(claims) - 1)
        leads_of.setdefault(index, []).append(len(claims) - 1)
        del mentions
    for amount, described_lead in lead_checks:
        add(
            Claim(
                "wording",
                (amount.start, amount.end),
                (),
                None,
                1.0,
                "text",
                amount.sentence,
                details={"claim": "amount", "lead": amount},
                about=described_lead,
            )
        )
    # claims in words, checked against the test they are about
    for shift, subject in wording_pending:
        if isinstance(subject, int):
            add(
                Claim(
                    "wording",
                    (shift.start, shift.end),
                    (),
                    None,
                    1.0,
                    "text",
                    shift.sentence,
                    details={"claim": "amount", "shift": shift},
                    about=subject,
                )
            )
        else:
            n, deff, source = _sample(doc, subject)
            n, assumed_deff, source = _tested_n(doc, n, source)
            add(
                Claim(
                    "wording",
                    (shift.start, shift.end),
                    (subject.figure.value,),
                    n,
                    assumed_deff or deff,
                    source,
                    shift.sentence,
                    (subject.figure,),
                    details={"claim": "readings", "shift": shift},
                )
            )
    figure_starts = {m.figure.start: m for m in doc.mentions}
    for phrase in doc.phrases:
        if phrase.claim == "majority":
            after = _figure_after(figure_starts, phrase.end)
            if after is not None:
                add(
                    Claim(
                        "wording",
                        (phrase.start, phrase.end),
                        (after.figure.value,),
                        None,
                        1.0,
                        "text",
                        phrase.sentence,
                        (after.figure,),
                        details={"claim": "majority", "text": phrase.text},
                    )
                )
            continue
        about = _target(doc, claims, tested, phrase)
        if about is None:
            about = _lead_in_scope(doc, by_sentence, used, phrase, tested_claim)

        if about is None:
            continue
        add(
            Claim(
                "wording",
                (phrase.start, phrase.end),
                claims[about].values,
                claims[about].n,
                claims[about].deff,
                claims[about].n_source,
                phrase.sentence,
                details={"claim": phrase.claim, "text": phrase.text},
                about=about,
            )
        )
    return dataclasses.replace(doc, claims=tuple(claims))


def _poll_before(doc: Document, pos: int) -> Poll | None:
    """The last poll whose size is stated before ``pos``, else the first sized or last poll."""
    best = None
    for p in doc.polls:
        if p.size is not None and p.size.start <= pos:
            best = p
    if best is None:
        sized = [p for p in doc.polls if p.size is not None]
        best = sized[0] if sized else (doc.polls[-1] if doc.polls else None)
    return best


def _figure_after(figure_starts: dict[int, Mention], pos: int) -> Mention | None:
    for k in range(0, 25):
        m = figure_starts.get(pos + k)
        if m is not None:
            return m
    return None


def _scope(doc: Document, sentence: int) -> list[int]:
    """Sentences a claim in words may speak of: its own, the earlier ones of its paragraph
    (nearest first, up to three), the next one in the paragraph."""
    here = doc.sentences[sentence]
    out = [sentence]
    for k in range(sentence - 1, max(sentence - 4, -1), -1):
        if doc.sentences[k].paragraph != here.paragraph:
            break
        out.append(k)
    if (
        sentence + 1 < len(doc.sentences)
        and doc.sentences[sentence + 1].paragraph == here.paragraph
    ):
        out.append(sentence + 1)
    return out


def _target(
    doc: Document, claims: Sequence[Claim], tested: dict[int, list[int]], phrase: Phrase
) -> int | None:
    """The change, trend, lead or difference a claim in words is about (an index of claims)."""
    words = doc.text[doc.sentences[phrase.sentence].start : doc.sentences[phrase.sentence].end]
    prefer = ("change", "trend", "lead", "subgroup_difference")
    if phrase.claim in ("tie", "overlap") or not _CHANGE_WORDS.search(words):
        prefer = ("lead", "subgroup_difference", "change", "trend")
    scope = _scope(doc, phrase.sentence)
    if phrase.claim in ("tie", "within", "outside"):
        scope += [k for k in range(phrase.sentence - 4, max(phrase.sentence - 11, -1), -1)]
    for kind in prefer[:2]:
        for k in scope:
            for i in reversed(tested.get(k, [])):
                if claims[i].kind == kind:
                    return i
    for k in scope[:1]:
        for i in reversed(tested.get(k, [])):
            return i
    return None


def _lead_in_scope(
    doc: Document,
    by_sentence: dict[int, list[Mention]],
    used: set[int],
    phrase: Phrase,
    tested_claim: _AddTested,
) -> int | None:
    """A claim of a tie or a significant gap about two figures the text did not yet set
    against each other ("31.1% ... and 19.4% .... the two options as statistically tied")."""
    for k in _scope(doc, phrase.sentence):
        eligible = [m for m in by_sentence.get(k, []) if id(m) not in used and m.subgroup is None]
        if len(eligible) >= 2 and eligible[0].figure.value + eligible[1].figure.value <= 1 + 1e-9:
            a, b = eligible[0], eligible[1]
            used.update((id(a), id(b)))
            leader, trailer = (a, b) if a.figure.value >= b.figure.value else (b, a)
            return tested_claim(
                "lead",
                _span(a.figure, b.figure),
                (leader.figure.value, trailer.figure.value),
                [a, b],
                k,
                {"assumed_split": False, "named_first": a.figure.text},
            )
    return None
