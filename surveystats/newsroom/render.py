"""Renderers of an :class:`~surveystats.newsroom.annotator.Annotation`: Markdown, HTML and
JSON.  They place the findings' labels and notes in the text and nothing else: the wording
comes from :mod:`.wording`, the numbers from the core.
"""

from __future__ import annotations

import bisect
import html
import json
from typing import TYPE_CHECKING

from .finding import Finding

if TYPE_CHECKING:  # the annotator imports this module: no import cycle at run time
    from .annotator import Annotation

__all__ = ["to_markdown", "to_html", "to_json"]

#: Numbered notes: (note number, finding).
_Notes = list[tuple[int, Finding]]


def to_markdown(annotation: Annotation) -> str:
    """The text with each share's interval after it and numbered notes for the claims."""
    return _render(annotation, _Markdown)


def to_html(annotation: Annotation) -> str:
    """A standalone HTML fragment: the text intact and escaped, figures marked with a tooltip
    and a short note, claims numbered with their notes listed below."""
    return _render(annotation, _Html)


def to_json(annotation: Annotation, indent: int | None = 2) -> str:
    """The findings as JSON (no NaN or infinity: they become null)."""
    return json.dumps(annotation.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


_CSS = """<style>
.ss-article{white-space:pre-wrap;font:16px/1.6 Georgia,serif;max-width:46em}
.ss-article mark{background:#fff3bf;border-bottom:2px solid #f59f00;padding:0 .1em}
.ss-article mark.ss-wording{background:#ffe3e3;border-bottom-color:#e03131}
.ss-article mark.ss-sample_size,.ss-article mark.ss-stated_moe{background:#e7f5ff;
border-bottom-color:#1c7ed6}
.ss-label{font:12px/1.2 system-ui,sans-serif;color:#495057;background:#f1f3f5;
border-radius:3px;padding:0 .3em;margin-left:.2em;white-space:nowrap}
.ss-ref{font:11px system-ui,sans-serif}
.ss-notes{font:14px/1.4 system-ui,sans-serif;max-width:46em;color:#212529}
.ss-notes li.ss-wording{color:#c92a2a}
</style>"""


class _Markdown:
    @staticmethod
    def text(s: str) -> str:
        return s

    @staticmethod
    def mark(quote: str, finding: Finding) -> str:
        return f"**{quote}**"

    @staticmethod
    def label(finding: Finding) -> str:
        return f" *({finding.label})*"

    @staticmethod
    def ref(k: int) -> str:
        return f"[^{k}]"

    @staticmethod
    def document(body: str, notes: _Notes) -> str:
        if not notes:
            return body
        lines = [f"[^{k}]: **{f.kind.replace('_', ' ')}**: {f.message}" for k, f in notes]
        return body.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


class _Html:
    @staticmethod
    def text(s: str) -> str:
        return html.escape(s, quote=False)

    @staticmethod
    def mark(quote: str, finding: Finding) -> str:
        return (
            f'<mark class="ss-{finding.kind}" title="{html.escape(finding.message)}">'
            f"{html.escape(quote, quote=False)}</mark>"
        )

    @staticmethod
    def label(finding: Finding) -> str:
        return f'<span class="ss-label">{html.escape(finding.label, quote=False)}</span>'

    @staticmethod
    def ref(k: int) -> str:
        return f'<sup class="ss-ref"><a href="#ss-note-{k}" id="ss-ref-{k}">{k}</a></sup>'

    @staticmethod
    def document(body: str, notes: _Notes) -> str:
        items = "".join(
            f'<li id="ss-note-{k}" class="ss-{f.kind}"><strong>{f.kind.replace("_", " ")}'
            f"</strong>: {html.escape(f.message, quote=False)} "
            f'<a href="#ss-ref-{k}">\u21a9</a></li>\n'
            for k, f in notes
        )
        listing = f'<ol class="ss-notes">\n{items}</ol>\n' if notes else ""
        return f'{_CSS}\n<div class="ss-article">{body}</div>\n{listing}'


def _render(annotation: Annotation, style: type[_Markdown] | type[_Html]) -> str:
    """Walk the text once: marks around shares (and wording, size and margin spans that do
    not overlap a share), a short label after each share, numbered references after the
    other findings, and the notes at the end."""
    text = annotation.text
    marks: list[Finding] = []
    priority = {"share": 0, "wording": 1, "stated_moe": 2, "sample_size": 3}
    candidates = [f for f in annotation.findings if f.kind in priority]
    occupied: list[int] = []  # sorted starts of taken spans, for bisection
    ends: dict[int, int] = {}
    for f in sorted(candidates, key=lambda f: (priority[f.kind], f.span)):
        start, end = f.span
        i = bisect.bisect_left(occupied, end)
        clash = (i > 0 and ends[occupied[i - 1]] > start) or (
            i < len(occupied) and occupied[i] < end
        )
        if start < end and not clash:
            bisect.insort(occupied, start)
            ends[start] = end
            marks.append(f)
    marked = {id(f) for f in marks}
    notes: _Notes = []
    inserts: dict[int, list[tuple[int, str]]] = {}  # position -> (order, string) to put there

    for f in annotation.findings:
        if f.kind == "share" and id(f) in marked:
            inserts.setdefault(f.span[1], []).append((0, style.label(f)))
            continue
        notes.append((len(notes) + 1, f))
        position = f.span[1]
        i = bisect.bisect_left(occupied, position)
        if i > 0 and ends[occupied[i - 1]] > position:
            position = ends[occupied[i - 1]]  # never put a reference inside a marked span
        inserts.setdefault(position, []).append((1, style.ref(len(notes))))
    starts = {f.span[0]: f for f in marks}
    cuts = sorted(set(inserts) | set(starts) | {f.span[1] for f in marks})
    out, pos = [], 0
    for cut in cuts:
        if cut < pos:
            continue
        out.append(style.text(text[pos:cut]))
        pos = cut
        for _, insert in sorted(inserts.get(cut, ()), key=lambda item: item[0]):
            out.append(insert)
        mark = starts.get(cut)
        if mark is not None:
            out.append(style.mark(text[mark.span[0] : mark.span[1]], mark))
            pos = mark.span[1]
            for _, insert in sorted(inserts.get(pos, ()), key=lambda item: item[0]):
                out.append(insert)
            inserts.pop(pos, None)
    out.append(style.text(text[pos:]))
    return style.document("".join(out), notes)
