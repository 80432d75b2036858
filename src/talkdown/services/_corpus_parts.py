"""Reading inputs as a stream, and the parts folder that makes bulk analysis resumable.

Why a parts folder and a final merge rather than appending to one Parquet file: a Parquet file is only
readable once its footer is written, so a run killed half-way would leave nothing usable. Parts are small
complete files renamed into place when finished, ``done.txt`` records them (fsynced), and the merge writes
the final files to a temporary name and renames them, so a reader sees the previous result or the new
one, never half of either.

``manifest.json`` records what the run was started for (inputs with size and modification time, chunk
size, label families, output format); ``--resume`` refuses a different set of inputs or options (TD323)
and redoes any single input that changed since. Its ``version`` is the layout of the folder: parts are Arrow
IPC files since version 2 (Parquet before), and a folder of another layout is refused (TD323) rather than
half read.

A JSONL file is read twice by the client, and parsed by neither read: :func:`plan_jsonl` counts each line's
turns with a plain ``json.loads`` (a fifth of a full check) to size the progress bar and cut the chunks, and
:func:`jsonl_blocks` then hands each chunk's lines on as bytes; the workers check them against the format.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from talkdown.errors import TalkdownError
from talkdown.services._corpus_rows import ChunkResult, conversation_schema, decoded, jsonl_line, utterance_schema
from talkdown.services.formats import FORMATS, Transcript, detect_format, parse
from talkdown.services.formats.csvfmt import FORMULA
from talkdown.services.streams import STREAM_ERRORS, cannot_write, lines_of, plain_name, plain_suffix, read_all
from talkdown.settings import MAX_LINE_MB, MAX_UNPACKED_MB

MANIFEST_VERSION = 2
"""1: Parquet parts. 2: Arrow IPC parts (``u-<chunk>.arrow``), written by the workers."""
ROW_GROUP = 65_536
"""Rows per row group of the merged Parquet file, about: a row group per 500-row part made writing it 2.5 times
slower, and every reader pays for tiny row groups too. The merge holds at most about this many rows."""


def is_jsonl(path: Path) -> bool:
    return plain_suffix(path) in FORMATS["jsonl"].extensions


def transcripts_of(
    path: Path, *, encoding: str | None = None, max_unpacked_mb: int = MAX_UNPACKED_MB
) -> list[Transcript]:
    """The conversations of a file in a single-conversation format (text, WebVTT, SubRip, CSV), parsed whole:
    such files are small. JSONL, the big-corpus format, is streamed by :func:`plan_jsonl` and
    :func:`jsonl_blocks` instead. ``encoding``: how to read text that is not valid UTF-8 (``--encoding``)."""
    try:
        raw = read_all(path, max_unpacked_mb=max_unpacked_mb)
    except STREAM_ERRORS as exc:
        raise TalkdownError("TD107", file=str(path), problem=getattr(exc, "strerror", None) or str(exc)) from exc
    text = decoded(raw, file=str(path), encoding=encoding)
    return parse(text, fmt=detect_format(plain_name(path), text), file=str(path))


@dataclass(frozen=True)
class Cut:
    """One chunk of a JSONL file as planned: up to which line, and the conversations and utterances in it."""

    last_line: int
    conversations: int
    utterances: int


def plan_jsonl(
    path: Path,
    *,
    chunk_size: int,
    encoding: str | None = None,
    max_unpacked_mb: int = MAX_UNPACKED_MB,
    max_line_mb: int = MAX_LINE_MB,
) -> list[Cut]:
    """Where the chunks of a JSONL file end: after the conversation that brings a chunk to ``chunk_size``
    utterances, as when the client parsed every conversation (so chunk ids, and ``--resume``, are unchanged).

    A line is counted with a plain ``json.loads``; the line it cannot count (not JSON, not UTF-8, no list of
    turns) is read by the full parser, which either raises the error naming the line, as it always did, or
    counts it (a line in ``--encoding``). A line that is JSON but breaks the format is left to the worker."""
    cuts: list[Cut] = []
    conversations = utterances = number = 0
    seen = False
    with lines_of(path, max_unpacked_mb=max_unpacked_mb, max_line_mb=max_line_mb) as (lines, _):
        for number, raw in lines:
            if not raw.strip():
                continue
            seen = True
            turns = _turns_in(raw)
            if turns is None:
                found = jsonl_line(raw, file=str(path), number=number, encoding=encoding)
                turns = sum(len(t.turns) for t in found)
            conversations += 1
            utterances += turns
            if utterances >= chunk_size:
                cuts.append(Cut(number, conversations, utterances))
                conversations = utterances = 0
    if not seen:
        raise TalkdownError("TD102", file=str(path), problem="the file holds no conversation")
    if conversations:
        cuts.append(Cut(number, conversations, utterances))
    return cuts


def _turns_in(raw: bytes) -> int | None:
    try:
        found = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    turns = found.get("turns") if isinstance(found, dict) else None
    return len(turns) if isinstance(turns, list) and turns else None


def jsonl_blocks(
    path: Path, cuts: Iterable[Cut], *, max_unpacked_mb: int = MAX_UNPACKED_MB, max_line_mb: int = MAX_LINE_MB
) -> Iterator[tuple[int, bytes]]:
    """Each planned chunk's lines as bytes, with the number of its first line. A file that ends before its
    plan does was cut short since it was counted: TD107 rather than its last chunk silently left out."""
    with lines_of(path, max_unpacked_mb=max_unpacked_mb, max_line_mb=max_line_mb) as (lines, _):
        first, block = 1, bytearray()
        ends = iter(cuts)
        end = next(ends, None)
        for number, raw in lines:
            if end is None:
                break
            block += raw
            if number == end.last_line:
                yield first, bytes(block)
                first, block, end = number + 1, bytearray(), next(ends, None)
    if end is not None:
        raise TalkdownError("TD107", file=str(path), problem="it was cut short while it was being analysed")


def _fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def conversations_path(out: Path) -> Path:
    """``results.parquet`` → ``results.conversations.parquet`` (same folder, same format): the per-conversation file
    written beside the per-utterance one."""
    return out.with_name(f"{out.stem}.conversations{out.suffix}")


@dataclass
class PartStore:
    """The ``<out>.parts`` folder: finished chunks, which files are complete, and what the run is for."""

    folder: Path
    families: tuple[str, ...]
    csv: bool
    done_chunks: set[str] = field(default_factory=set)
    done_files: set[int] = field(default_factory=set)
    fresh: bool = False
    """This run created the folder (not ``--resume``): nothing in it is older than the run."""

    @classmethod
    def open(
        cls,
        out: Path,
        *,
        files: Sequence[Path],
        families: tuple[str, ...],
        chunk_size: int,
        csv: bool,
        resume: bool,
        fast: bool = False,
        speakers: Sequence[tuple[str, str]] = (),
    ) -> PartStore:
        folder = out.with_name(out.name + ".parts")
        manifest = {
            "version": MANIFEST_VERSION,
            "format": "csv" if csv else "parquet",
            "chunk_size": chunk_size,
            "families": list(families),
            "fast": fast,
            "speakers": sorted([name.strip().lower(), side] for name, side in speakers),
            "inputs": [_fingerprint(p) for p in files],
        }
        store = cls(folder=folder, families=families, csv=csv)
        if out.is_dir():
            raise TalkdownError(
                "TD110", file=str(out), problem=f"it is a folder; name a file in it, e.g. {out / 'results.parquet'}"
            )
        if folder.exists():
            if not resume:
                raise TalkdownError("TD322", path=str(out))
            store._resume(manifest, out)
            return store
        # Without a parts folder: a finished run's, --resume or not (its per-conversation file alone too: the other
        # file may have been moved away). TD322 told a finished run to continue with --resume, which TD324 refused.
        for done in (out, conversations_path(out)):
            if done.exists():
                raise TalkdownError("TD324", path=str(done))
        try:
            folder.mkdir(parents=True)
            store.fresh = True
            (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            (folder / "done.txt").touch()
        except OSError as exc:
            store.remove()
            raise cannot_write(out, exc) from exc
        return store

    def _resume(self, manifest: dict[str, Any], out: Path) -> None:
        try:
            old = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
            lines = (self.folder / "done.txt").read_text(encoding="utf-8").split()
        except (OSError, ValueError) as exc:
            raise TalkdownError("TD323", path=str(out), problem=f"its parts folder is unreadable: {exc}") from exc
        if old.get("version") != MANIFEST_VERSION:  # another layout of parts: reading it would fail half-way
            problem = f"its parts were written by another talkdown (layout {old.get('version')}, this one reads "
            raise TalkdownError("TD323", path=str(out), problem=problem + f"{MANIFEST_VERSION}); start it again")
        if old.get("fast", False) != manifest["fast"]:  # rules alone and rules with models label differently
            raise TalkdownError("TD323", path=str(out), problem="--fast differs")
        for key in ("format", "chunk_size", "families"):
            if old.get(key) != manifest[key]:
                raise TalkdownError("TD323", path=str(out), problem=f"{key} differs")
        # The names decide each turn's side, and so which turns the skill rules score: rows read with other names
        # would sit beside the first ones in one table. A parts folder from before this check recorded none.
        if old.get("speakers", []) != manifest["speakers"]:
            raise TalkdownError("TD323", path=str(out), problem="the --negotiator/--subject names differ")
        if [i["path"] for i in old.get("inputs", [])] != [i["path"] for i in manifest["inputs"]]:
            raise TalkdownError("TD323", path=str(out), problem="the input files differ")
        changed = {n for n, (a, b) in enumerate(zip(old["inputs"], manifest["inputs"], strict=True)) if a != b}
        for entry in lines:
            kind, _, ref = entry.partition(":")
            if kind == "C" and int(ref[:5]) not in changed:
                self.done_chunks.add(ref)
            elif kind == "F" and int(ref) not in changed:
                self.done_files.add(int(ref))
        (self.folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")

    def is_chunk_done(self, chunk_id: str) -> bool:
        return chunk_id in self.done_chunks

    def is_file_done(self, index: int) -> bool:
        return index in self.done_files

    def _record(self, entry: str) -> None:
        with (self.folder / "done.txt").open("a", encoding="utf-8") as fh:
            fh.write(entry + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def mark_file_done(self, index: int) -> None:
        if index not in self.done_files:
            self.done_files.add(index)
            self._record(f"F:{index}")

    def write(self, result: ChunkResult) -> None:
        for prefix, data in (("u", result.utterances), ("c", result.conversations)):
            target = self._part(prefix, result.chunk_id)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        self.done_chunks.add(result.chunk_id)
        self._record(f"C:{result.chunk_id}")

    def _part(self, prefix: str, chunk_id: str) -> Path:
        return self.folder / f"{prefix}-{chunk_id}.arrow"

    def _tables(self, prefix: str, ids: list[str]) -> Iterator[pa.Table]:
        for chunk_id in ids:
            with pa.memory_map(str(self._part(prefix, chunk_id))) as source:
                yield pa.ipc.open_file(source).read_all()

    def merge(self, out: Path, conversations_out: Path, *, exclude_files: set[int]) -> tuple[int, int]:
        """Assemble the finished chunks (in input order) into the two outputs; returns their row counts."""
        ids = sorted(c for c in self.done_chunks if int(c[:5]) not in exclude_files)
        n_utt = self._merge_one("u", ids, out, utterance_schema(self.families))
        n_conv = self._merge_one("c", ids, conversations_out, conversation_schema())
        return n_utt, n_conv

    def _merge_one(self, prefix: str, ids: list[str], target: Path, schema: pa.Schema) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        rows = 0
        if self.csv:
            with pacsv.CSVWriter(str(tmp), _csv_schema(schema)) as writer:
                for table in self._tables(prefix, ids):
                    writer.write_table(_flatten(table))
                    rows += table.num_rows
        else:
            with pq.ParquetWriter(str(tmp), schema) as writer:
                held: list[pa.Table] = []
                for table in self._tables(prefix, ids):
                    held.append(table)
                    rows += table.num_rows
                    if sum(t.num_rows for t in held) >= ROW_GROUP:
                        writer.write_table(pa.concat_tables(held))  # one row group of what is held
                        held = []
                if held:
                    writer.write_table(pa.concat_tables(held))
        os.replace(tmp, target)
        return rows

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_list(f.type) else f for f in schema])


def _flatten(table: pa.Table) -> pa.Table:
    """CSV has no lists: labels and scores become ``|``-joined cells, gold labels ``family:label`` pairs. Text
    cells a spreadsheet would run as a formula get csvfmt's apostrophe (what was said, or a file's meta)."""
    columns = []
    for col in table.columns:
        if pa.types.is_list(col.type):
            cells = [None if v is None else "|".join(_cell(x) for x in v) for v in col.to_pylist()]
            columns.append(_guarded(pa.array(cells, type=pa.string())))
        elif pa.types.is_string(col.type):
            columns.append(_guarded(col))
        else:
            columns.append(col)
    return pa.table(columns, names=table.column_names)


def _guarded(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``csvfmt.guard`` over a column at Arrow speed (a study may write millions of rows)."""
    runs = pc.and_(pc.match_substring_regex(col, FORMULA.pattern), pc.not_equal(col, "-"))
    return pc.if_else(pc.fill_null(runs, False), pc.binary_join_element_wise("'", col, ""), col)


def _cell(value: object) -> str:
    if isinstance(value, dict):
        return f"{value.get('family')}:{value.get('label')}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
