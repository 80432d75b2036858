"""Opening an input file as bytes, gzip-compressed or not, for the readers that stream large corpora.

Why: bulk inputs (``talkdown eval``, ``study analyze``) are often kept as ``.jsonl.gz``, and a compressed
file read as text failed with advice to re-encode it (TD103, "it looks like cp1252"). A file is gzip when it
starts with gzip's two magic bytes, whatever its name, and is decompressed as it is read, so memory stays flat.
A zip archive holds several files of its own; it and other binary files (Parquet, PDF, SQLite, anything with NUL
bytes) are refused with a plain word (``not_text``). What a gzip file unpacks to is counted as it is read, and past
``Settings.max_unpacked_mb`` the read stops with TD114 (:class:`_Capped`): a "gzip bomb" of a few kilobytes would
otherwise unpack to gigabytes, held in memory by the readers that take a file (or a line) whole. A line longer
than ``Settings.max_line_mb`` stops the line readers with TD115 (:func:`lines_of`) before the rest of it is read: a
file with no line breaks, plain or gzip, was otherwise held whole, up to the gzip limit or all of a plain file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BufferedIOBase, BufferedReader
from pathlib import Path, PurePath

from talkdown.errors import TalkdownError
from talkdown.settings import MAX_LINE_MB, MAX_UNPACKED_MB

GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_UTF16_32_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_NOT_TEXT = (
    (b"PAR1", "a Parquet file", "; study results open with 'talkdown study report' or pandas"),
    (b"SQLite format 3\x00", "an SQLite database", ""),
    (b"%PDF", "a PDF document", "; save its text as a file first"),
)
GZIP_SUFFIX = ".gz"
STREAM_ERRORS = (OSError, EOFError, zlib.error)
"""What reading a damaged gzip stream raises part-way (``gzip.BadGzipFile`` is an ``OSError``)."""


def not_text(head: bytes, *, option: str | None = None) -> str | None:
    """Why bytes that begin with ``head`` are not text to decode, or None: a reader that has them whole says so
    rather than guessing an encoding for compressed or binary bytes (TD103 would suggest re-encoding them).

    ``option`` is the reader's option that names an encoding (``--encoding``), when it has one: only then is
    it suggested for UTF-16 without a BOM (``talkdown eval`` and ``analyze -`` have none, as TD103 learnt)."""
    if head.startswith(GZIP_MAGIC):
        return "it is gzip-compressed: decompress it first; talkdown eval and study analyze read .gz as it is"
    if head.startswith(_ZIP_MAGIC):
        return "it is a zip archive; extract its files first"
    for magic, what, hint in _NOT_TEXT:
        if head.startswith(magic):
            return f"it is {what}, not a transcript{hint}"
    if b"\x00" in head[:4096] and not head.startswith(_UTF16_32_BOMS):  # no other text encoding writes NUL
        utf16 = f"pass {option} utf-16" if option else "save it as UTF-8"
        return f"it holds NUL bytes: binary data, not text (UTF-16 text without a BOM: {utf16})"
    return None


def plain_name(path: Path) -> str:
    """The name that tells the format: ``calls.jsonl.gz`` reads as ``calls.jsonl``."""
    return path.name[: -len(GZIP_SUFFIX)] if path.name.lower().endswith(GZIP_SUFFIX) else path.name


def plain_suffix(path: Path) -> str:
    """``.jsonl`` for ``calls.jsonl`` and ``calls.JSONL.gz`` alike: the extension that names the format."""
    return PurePath(plain_name(path)).suffix.lower()


class _Capped(io.RawIOBase):
    """A gzip stream that raises TD114 once it has given more than ``limit_mb`` MB; closing it closes the gzip reader
    (the file on disk stays open, as ``gzip.GzipFile`` leaves it)."""

    def __init__(self, inner: gzip.GzipFile, *, path: Path, limit_mb: int) -> None:
        super().__init__()
        self._inner, self._path, self._limit_mb = inner, path, limit_mb
        self._left = limit_mb * 2**20

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # io's own signature, in bytes
        n = self._inner.readinto(buffer)
        self._left -= n
        if self._left < 0:
            raise TalkdownError("TD114", file=str(self._path), limit=self._limit_mb)
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def unpacked(raw: BufferedReader, *, path: Path, max_unpacked_mb: int = MAX_UNPACKED_MB) -> BufferedIOBase:
    """``raw`` itself, or a gzip reader over it when it starts with gzip's magic bytes, which raises TD114 (naming
    ``path``) past ``max_unpacked_mb`` MB unpacked. Iterate it for lines; ``raw.tell()`` is how far the reading has
    come on disk (for a progress bar sized by ``stat().st_size``). Closing the gzip reader leaves ``raw`` open: close
    both (``with raw, unpacked(raw, path=path) as stream``)."""
    if raw.peek(2)[:2] != GZIP_MAGIC:
        return raw
    return io.BufferedReader(_Capped(gzip.GzipFile(fileobj=raw, mode="rb"), path=path, limit_mb=max_unpacked_mb))


@contextmanager
def lines_of(
    path: Path, *, max_unpacked_mb: int = MAX_UNPACKED_MB, max_line_mb: int = MAX_LINE_MB
) -> Iterator[tuple[Iterator[tuple[int, bytes]], BufferedReader]]:
    """The numbered lines of a file (gzip read through as it streams) and the file on disk, whose ``tell()`` is
    how far the reading has come. A file that cannot be opened is TD107; a damaged gzip stream, TD101; one that
    unpacks to more than ``max_unpacked_mb`` MB, TD114; a line longer than ``max_line_mb`` MB, TD115."""
    try:
        disk = path.open("rb")
    except OSError as exc:
        raise TalkdownError("TD107", file=str(path), problem=exc.strerror or str(exc)) from exc
    with disk, unpacked(disk, path=path, max_unpacked_mb=max_unpacked_mb) as stream:
        yield _numbered(path, stream, max_line_mb=max_line_mb), disk


def _numbered(path: Path, stream: BufferedIOBase, *, max_line_mb: int) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line) of ``stream``; a damaged gzip stream is TD101 on the line it breaks in.

    Each line is read with ``readline(limit + 1)``, so a line past the limit is TD115 once ``limit`` bytes of it
    are in memory, never more: iterating the stream read each line whole, however long."""
    limit = max_line_mb * 2**20
    number = 0
    try:
        while raw := stream.readline(limit + 1):
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                raise _too_long(path, number, raw, max_line_mb=max_line_mb)
            yield number, raw
    except STREAM_ERRORS as exc:
        problem = f"the compressed data is damaged ({exc or type(exc).__name__})"
        raise TalkdownError("TD101", file=str(path), line=number + 1, problem=problem) from exc


def _too_long(path: Path, number: int, head: bytes, *, max_line_mb: int) -> TalkdownError:
    """TD115 for line ``number``, whose first bytes are ``head``; the likely reason is said when they show it."""
    if b"\r" in head:
        why = "its lines end with CR alone (an old Mac file), so it reads as one line: convert them to LF"
    else:
        why = "a file with no line breaks (one JSON document, an array of conversations) reads as one line"
    return TalkdownError("TD115", file=str(path), line=number, limit=max_line_mb, why=why)


def read_all(path: Path, *, max_unpacked_mb: int = MAX_UNPACKED_MB) -> bytes:
    """The whole content, decompressed when gzip (TD114 past ``max_unpacked_mb`` MB). Raises ``OSError``,
    ``EOFError`` or ``zlib.error``."""
    with path.open("rb") as raw, unpacked(raw, path=path, max_unpacked_mb=max_unpacked_mb) as stream:
        return stream.read()


def cannot_write(path: Path, exc: OSError) -> TalkdownError:
    """TD110 for an output path the OS refused (a missing or read-only folder, a file where a folder should be):
    the user chose the path, so it is their input to fix, not an internal error."""
    return TalkdownError("TD110", file=str(path), problem=exc.strerror or str(exc))


def refuse_to_replace(*paths: Path | None, force: bool) -> None:
    """TD110 for the first of ``paths`` (the files a command was told to write) that already holds something,
    unless ``force``: checked before any work, so a refused command has written nothing.

    Why: ``export -o``, ``report --html``, ``study report`` and ``import-convokit --jsonl`` replaced an
    existing file without a word (last week's report, a converted corpus), while ``export-convokit`` refused a
    folder that holds files and ``db backup`` refuses any existing file. Only a regular file with bytes in it
    is refused: an empty one (``mktemp``) loses nothing, a folder fails when written (TD110 as the OS puts it),
    and a device or pipe (``/dev/stdout``, ``<(...)``) is not a file anyone keeps."""
    if force:
        return
    for path in paths:
        if path is None:
            continue
        try:
            held = os.stat(path)
        except OSError:
            continue  # absent, or one the write will name (TD110)
        if stat.S_ISREG(held.st_mode) and held.st_size > 0 and not str(os.path.abspath(path)).startswith("/dev/"):
            problem = f"it already exists ({held.st_size} bytes); add --force to replace it"
            raise TalkdownError("TD110", file=str(path), problem=problem)
