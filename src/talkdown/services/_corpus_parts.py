"""Reading inputs as a stream, and the parts folder that makes bulk analysis resumable.

Why a parts folder and a final merge rather than appending to one Parquet file: a Parquet file is only
readable once its footer is written, so a run killed half-way would leave nothing usable. Parts are small
complete files renamed into place when finished, ``done.txt`` records them (fsynced), and the merge writes
the final files to a temporary name and renames them, so a reader sees the previous result or the new
one, never half of either.

``manifest.json`` records what the run was started for (inputs with size and modification time, chunk
size, label families, output format); ``--resume`` refuses a different set of inputs or options (TD323)
and redoes any single input that changed since.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from talkdown.errors import TalkdownError
from talkdown.services._corpus_rows import ChunkResult, conversation_schema, utterance_schema
from talkdown.services.formats import FORMATS, Transcript, decode, detect_format, parse
from talkdown.services.formats.csvfmt import FORMULA
from talkdown.services.streams import STREAM_ERRORS, cannot_write, lines_of, plain_name, plain_suffix, read_all

MANIFEST_VERSION = 1
ROW_GROUP = 65_536
"""Rows per row group of the merged Parquet file, about: a row group per 500-row part made writing it 2.5 times
slower, and every reader pays for tiny row groups too. The merge holds at most about this many rows."""


def transcripts_of(path: Path, *, encoding: str | None = None) -> Iterator[Transcript]:
    """The conversations of one file. JSONL is read a line at a time (memory flat in the file's size);
    the single-conversation formats (text, WebVTT, SubRip, CSV) are parsed whole. ``encoding``: how to read
    text that is not valid UTF-8 (``study analyze --encoding``)."""
    if plain_suffix(path) in FORMATS["jsonl"].extensions:
        yield from _jsonl(path, encoding=encoding)
        return
    try:
        raw = read_all(path)
    except STREAM_ERRORS as exc:
        raise TalkdownError("TD107", file=str(path), problem=getattr(exc, "strerror", None) or str(exc)) from exc
    text = _text(raw, file=str(path), encoding=encoding)
    yield from parse(text, fmt=detect_format(plain_name(path), text), file=str(path))


def _jsonl(path: Path, *, encoding: str | None = None) -> Iterator[Transcript]:
    seen = False
    with lines_of(path) as (lines, _):
        for number, raw in lines:
            if not raw.strip():
                continue
            try:
                line = _text(raw, file=str(path), encoding=encoding)
                found = parse(line, fmt="jsonl", file=str(path))
            except TalkdownError as exc:  # the parser saw one line: put the file's line number back
                if exc.code in ("TD101", "TD103"):
                    problem = exc.fields.get("problem") or f"not valid UTF-8 (byte {exc.fields.get('offset')})"
                    raise TalkdownError("TD101", file=str(path), line=number, problem=problem) from exc
                raise
            seen = True
            yield from found
    if not seen:
        raise TalkdownError("TD102", file=str(path), problem="the file holds no conversation")


def _text(raw: bytes, *, file: str, encoding: str | None) -> str:
    """UTF-8 first, ``encoding`` only for bytes that are not UTF-8. Why a fallback and not an override: a corpus
    mixes old Windows exports with UTF-8 files, and cp1252 would turn every UTF-8 "é" into "Ã©"; bytes that are
    cp1252 with any accent in them are almost never valid UTF-8. It also makes TD103's advice safe to follow with
    ``--resume``: the files already done were UTF-8 and read the same either way."""
    try:
        return decode(raw, file=file, option="--encoding")
    except TalkdownError as exc:
        if exc.code != "TD103" or encoding is None:
            raise
    return decode(raw, file=file, encoding=encoding)


def _fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


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
        if out.exists():  # without a parts folder: a finished run, which --resume would have redone and replaced
            raise TalkdownError("TD324" if resume else "TD322", path=str(out))
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
        if old.get("fast", False) != manifest["fast"]:  # rules alone and rules with models label differently
            raise TalkdownError("TD323", path=str(out), problem="--fast differs")
        for key in ("version", "format", "chunk_size", "families"):
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
        for prefix, table in (("u", result.utterances), ("c", result.conversations)):
            target = self.folder / f"{prefix}-{result.chunk_id}.parquet"
            tmp = target.with_suffix(".tmp")
            pq.write_table(table, tmp)
            os.replace(tmp, target)
        self.done_chunks.add(result.chunk_id)
        self._record(f"C:{result.chunk_id}")

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
                for chunk_id in ids:
                    table = pq.read_table(self.folder / f"{prefix}-{chunk_id}.parquet")
                    writer.write_table(_flatten(table))
                    rows += table.num_rows
        else:
            with pq.ParquetWriter(str(tmp), schema) as writer:
                held: list[pa.Table] = []
                for chunk_id in ids:
                    table = pq.read_table(self.folder / f"{prefix}-{chunk_id}.parquet", schema=schema)
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
