"""Numbers as English prose writes them: digits (``1,000``, ``19.4``) and words
(``Thirty-one``, ``one thousand and one``, ``three point one``, ``a``).

Lives here: one regular expression, :data:`NUMBER`, that matches a number either way, and
:func:`value` that reads a match.  Own code: number-parser, measured on the phrases of the corpus,
misses spoken decimals ("three point one") and "a hundred" (17 of 20 against 20 of 20) and is
about 700 times slower per phrase (``benchmarks/results/annotate.md``); text2num was not
measured.
"""

from __future__ import annotations

import re

__all__ = ["NUMBER", "DIGITS", "WORDS", "value", "decimals"]

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD_VALUE = {**_UNITS, **_TEENS, **_TENS}

_U = "(?:" + "|".join(_UNITS) + ")"
_SMALL = (
    "(?:(?:" + "|".join(_TENS) + r")(?:[-\s]" + _U + ")?|(?:" + "|".join(_TEENS) + ")|" + _U + ")"
)
_HUNDREDS = r"(?:(?:" + _SMALL + r"|a)\s+hundred(?:\s+(?:and\s+)?" + _SMALL + r")?)"
_THOUSANDS = (
    r"(?:(?:"
    + _HUNDREDS
    + "|"
    + _SMALL
    + r"|a)\s+thousand(?:\s+(?:and\s+)?(?:"
    + _HUNDREDS
    + "|"
    + _SMALL
    + r"))?)"
)
#: A number in words, with an optional spoken decimal ("three point one").
WORDS = (
    r"(?:\b(?:"
    + _THOUSANDS
    + "|"
    + _HUNDREDS
    + "|"
    + _SMALL
    + r")(?:\s+point(?:\s+"
    + _U
    + r")+)?\b)"
)
#: A number in digits: ``1,000``, ``1000``, ``19.4``, ``.5`` is not one.
DIGITS = r"(?:(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,]\d)|(?<![\w.,])\d+(?:\.\d+)?(?![\d]|[.,]\d))"
NUMBER = "(?:" + DIGITS + "|" + WORDS + ")"

_WORD_RE = re.compile(r"[a-z]+", re.IGNORECASE)


def value(text: str) -> float | None:
    """The value of a number written in digits or words; None if it is not one.

    >>> value("1,000"), value("Thirty-one"), value("one thousand and one"), value("three point one")
    (1000.0, 31.0, 1001.0, 3.1)
    >>> value("a"), value("twelve"), value("nine hundred"), value("many")
    (1.0, 12.0, 900.0, None)
    """
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if words in (["a"], ["an"]):
        return 1.0
    total, current, fraction, seen = 0.0, 0.0, "", False
    point = False
    for word in words:
        if point:
            if word not in _UNITS:
                return None
            fraction += str(_UNITS[word])
            continue
        if word in _WORD_VALUE:
            current += _WORD_VALUE[word]
            seen = True
        elif word == "a":
            current += 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0.0
        elif word == "and":
            continue
        elif word == "point":
            point = True
        else:
            return None
    if not seen and not ({"hundred", "thousand"} & set(words)):
        return None
    result = total + current
    return float(f"{result:g}.{fraction}") if fraction else float(result)


def decimals(text: str) -> int:
    """Digits after the decimal point as written (``'19.4'`` -> 1, ``'three point one'`` -> 1)."""
    text = text.strip()
    if text[:1].isdigit():
        return len(text.split(".")[1]) if "." in text else 0
    lower = text.lower()
    if " point " in lower:
        return len(lower.split(" point ", 1)[1].split())
    return 0
