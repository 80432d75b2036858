"""Turning an uploaded file's bytes into text, or refusing to guess.

Why refuse: a transcript may end up as evidence. Decoding a Latin-1 file as UTF-8 with replacement characters,
or a UTF-8 file as Latin-1, silently changes what someone said ("José" becomes "JosÃ©"). So bytes that are not
UTF-8 raise TD103 with the byte offset and a likely encoding, and the user re-runs with that encoding named.
"""

from __future__ import annotations

import codecs

from talkdown.errors import TalkdownError
from talkdown.services.streams import not_text

# Bytes 0x80-0x9F are C1 control characters in Latin-1, never typed on purpose, but curly quotes, dashes and
# the euro sign in Windows-1252: their presence is the usual tell of a file saved on Windows.
_CP1252_ONLY = frozenset(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def decode(raw: bytes, *, file: str, encoding: str | None = None, option: str | None = None) -> str:
    """Text of a file, UTF-8 (a BOM is dropped) unless ``encoding`` names another; line ends become ``\\n``.

    ``offset`` in TD103 is the 0-based byte offset of the first byte that is not UTF-8. ``option`` is the
    command's option that names another encoding (``--encoding``), when it has one: TD103 then suggests it.
    Without it TD103 only says to re-save the file, because advice to pass an option the command refuses
    (``cases import``, ``--map-file``, a ConvoKit corpus) sends the user round in a circle.
    """
    if encoding is None:
        packed = not_text(raw[:4096], option=option)
        if packed is not None:  # no encoding would make these bytes text: say what they are instead
            raise TalkdownError("TD107", file=file, problem=packed)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            guess = _guess(raw)
            hint = f"or pass {option} {guess}" if option else ""
            raise TalkdownError("TD103", file=file, offset=error.start, guess=guess, hint=hint) from None
    else:
        try:
            codecs.lookup(encoding)
            text = raw.decode(encoding)
        except LookupError:
            raise TalkdownError("TD107", file=file, problem=f"unknown encoding '{encoding}'") from None
        except UnicodeDecodeError as error:
            raise TalkdownError(
                "TD107", file=file, problem=f"byte {error.start} is not valid {encoding}: {error.reason}"
            ) from None
        text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess(raw: bytes) -> str:
    """The encoding to suggest: UTF-16 when it has its BOM, else Windows-1252 or Latin-1."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "cp1252" if any(byte in _CP1252_ONLY for byte in raw) else "latin-1"
