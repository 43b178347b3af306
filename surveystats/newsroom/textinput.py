"""Article bytes to text for ``surveystats annotate``: byte-order marks are honoured, and
bytes that do not decode are refused with one clear line instead of becoming U+FFFD or
NUL-riddled text."""

from __future__ import annotations

import codecs

from ..exceptions import InvalidOptionError, InvalidValueError

__all__ = ["decode_article"]

_BOMS = (  # longest first: a UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)


def decode_article(raw: bytes, encoding: str | None = None) -> str:
    """Decode an article: with ``encoding`` if given, else by its byte-order mark, else UTF-8.

    >>> decode_article("19,4 %".encode("utf-16"))
    '19,4 %'
    >>> decode_article(b"caf\\xe9")
    Traceback (most recent call last):
    ...
    surveystats.exceptions.InvalidValueError: the text is not UTF-8 (byte 0xe9 at offset 3 does not decode); name its encoding with --encoding, for example --encoding latin-1
    """
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidOptionError(
                f"--encoding {encoding!r} is not a text encoding Python knows (try utf-8, "
                "utf-16, latin-1, cp1252)"
            ) from None
        try:
            text = raw.decode(name)
        except UnicodeDecodeError as error:
            raise InvalidValueError(
                f"the text is not {encoding} (byte 0x{raw[error.start]:02x} at offset "
                f"{error.start} does not decode)"
            ) from None
        return text[1:] if text.startswith("\ufeff") else text
    for mark, codec, label in _BOMS:
        if raw.startswith(mark):
            try:
                return raw[len(mark) :].decode(codec)
            except UnicodeDecodeError as error:
                raise InvalidValueError(
                    f"the text starts with a {label} byte-order mark but does not decode as "
                    f"{label} (offset {error.start + len(mark)})"
                ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        hint = "for example --encoding latin-1"
        if raw.count(0) * 4 > len(raw):
            hint = (
                "it looks like UTF-16 without a byte-order mark: --encoding utf-16-le or utf-16-be"
            )
        raise InvalidValueError(
            f"the text is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start} "
            f"does not decode); name its encoding with --encoding, {hint}"
        ) from None
