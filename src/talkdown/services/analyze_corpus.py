"""Bulk analysis for STUDY: many transcript files in, one row per utterance and per conversation out.

Design, and the alternatives rejected:

- **One code path, any executor.** The client streams the inputs, cuts them into chunks of whole
  conversations (about ``chunk_size`` utterances) and hands each to a ``concurrent.futures.Executor``: inline
  for one worker, a process pool on local cores (the default: no extra needed), or a Dask cluster through
  ``distributed.Client.get_executor()`` with ``--scheduler``. Workers return Arrow tables (as IPC bytes) and
  the client writes them, so a cluster needs no shared file system. Dask is imported only for ``--scheduler``.
- **The workers do the work.** The client shares the machine's cores with the workers, so it only counts
  and cuts: a JSONL chunk goes out as the raw bytes of its lines (counted with a plain ``json.loads``), and
  the worker checks it against the format, analyses it and serialises the tables; a bad line comes back as
  that file's failure, naming the line. Parsing and Parquet parts in the client had two workers on two cores
  barely faster than one (``_corpus_rows``'s docstring has the figures).
- **Flat memory.** At most ``2 × workers`` chunks are in flight; JSONL (the big-corpus format) is read line
  by line; the final files are assembled part by part. Memory depends on the chunk size, not the corpus.
- **Interruptible, resumable.** Each finished chunk is written to ``<out>.parts/`` (atomic rename) and
  recorded in ``done.txt``. When the run ends, or Ctrl-C stops it (chunks already running are finished
  and kept, queued ones cancelled), the finished chunks are merged into ``<out>`` and
  ``<stem>.conversations<suffix>``, so the output is complete and readable for what was done. A kill signal
  (SIGTERM, SIGKILL) ends the process with no merge; the parts stay, and ``--resume`` keeps them.
  ``resume=True`` skips recorded chunks; a file whose size or modification time changed is redone. The parts
  folder is removed once every file succeeded.
- **A bad file is skipped, not fatal.** A file that cannot be read or parsed is reported (its code, message
  and the error's fields, its line among them, in ``StudyRun.failures``) and left out entirely; the rest goes on.

This use case reads files only, so unlike the others it takes no ``App``: workers must not open the database.
"""

from __future__ import annotations

import codecs
import glob
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from talkdown.analysis.runtime import Runtime, current
from talkdown.errors import TalkdownError
from talkdown.services._corpus_parts import (
    Cut,
    PartStore,
    conversations_path,
    is_jsonl,
    jsonl_blocks,
    plan_jsonl,
    transcripts_of,
)
from talkdown.services._corpus_rows import (
    Chunk,
    ChunkResult,
    FieldValue,
    analyze_chunk,
    families_of,
    pipeline,
    plain_fields,
)
from talkdown.services.formats import EXTENSIONS
from talkdown.services.streams import plain_suffix
from talkdown.settings import MAX_LINE_MB, MAX_UNPACKED_MB

CHUNK_SIZE = 500
T = TypeVar("T")


class Progress(Protocol):
    """Long-job progress in utterances (the CLI draws a Rich bar with rate and time left)."""

    def start(self, total: int) -> None: ...
    def advance(self, n: int) -> None: ...


@dataclass(frozen=True)
class FileFailure:
    """Why a file was left out: its code and message, and the error's template fields (``line``, ``problem``,
    ...) so that ``--json`` gives a script the line as a number rather than inside the message's prose."""

    file: str
    code: str
    message: str
    fields: Mapping[str, FieldValue] = field(default_factory=dict)

    @property
    def line(self) -> int | None:
        """The file's 1-based line the failure is about, or None when it is about the whole file."""
        line = self.fields.get("line")
        return line if isinstance(line, int) and not isinstance(line, bool) else None


@dataclass(frozen=True)
class ChunkOptions:
    """What every chunk of a run carries besides its conversations."""

    families: tuple[str, ...]
    chunk_size: int
    speakers: tuple[tuple[str, str], ...]
    runtime: Runtime
    fast: bool = False
    encoding: str | None = None
    """How to read an input that is not UTF-8 (``--encoding``); workers decode the JSONL lines they get."""


@dataclass(frozen=True)
class StudyRun:
    """What a run produced: output paths, counts, failures, and whether it was cut short."""

    out: Path
    conversations_out: Path
    files: int
    files_done: int
    utterances: int
    conversations: int
    failures: tuple[FileFailure, ...] = ()
    interrupted: bool = False
    skipped_chunks: int = 0
    fast: bool = False
    """Rules only: no learned model labelled these rows."""


@dataclass
class _FileState:
    emitted: int = 0
    finished: int = 0
    streamed: bool = False
    failed: bool = False
    cuts: list[Cut] | None = None
    """A JSONL file's chunks as planned while counting."""
    failed_at: int = -1
    """The chunk whose failure is reported (-1: the client's own reading): the first, as one worker would."""


@dataclass
class _Run:
    parts: PartStore
    files: list[Path]
    progress: Progress | None
    encoding: str | None = None
    max_unpacked_mb: int = MAX_UNPACKED_MB
    max_line_mb: int = MAX_LINE_MB
    state: dict[int, _FileState] = field(default_factory=dict)
    failed: dict[int, FileFailure] = field(default_factory=dict)
    skipped: int = 0

    def fail(
        self, index: int, code: str, message: str, fields: Mapping[str, FieldValue] | None = None, *, chunk: int = -1
    ) -> None:
        """Fail the file; of several failing chunks, running at once, the earliest in the file is reported."""
        st = self.state[index]
        if not st.failed or chunk < st.failed_at:
            st.failed, st.failed_at = True, chunk
            self.failed[index] = FileFailure(str(self.files[index]), code, message, dict(fields or {}))

    @property
    def failures(self) -> tuple[FileFailure, ...]:
        """In input order, as when the client found every failure itself, not in the order workers finished."""
        return tuple(self.failed[index] for index in sorted(self.failed))

    def finished(self, index: int) -> None:
        st = self.state[index]
        if st.streamed and not st.failed and st.finished == st.emitted:
            self.parts.mark_file_done(index)


class _Inline(Executor):
    """Run tasks in the calling thread: one worker needs no process, and tests see plain tracebacks."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        fut: Future[T] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # a task failure is reported per file, like any executor's
            fut.set_exception(exc)
        return fut


def resolve_inputs(inputs: Sequence[str], *, outputs: Sequence[Path] = ()) -> list[Path]:
    """Files, folders (searched recursively for known extensions) and globs, sorted and without repeats.

    A folder or glob never yields one of ``outputs`` (the study's own two files) nor a file in a study's parts
    folder (``results.parquet.parts/done.txt``): with ``--out calls/results.csv --csv`` the first run left both
    in ``calls/``, and the documented "fix the file and run the same command with --resume" then found them as
    new inputs and was refused (TD323, the input files differ); a new run read them as transcripts."""
    own = {out.resolve() for out in outputs}

    def ours(found: Path) -> bool:
        parent = found.parent
        return found.resolve() in own or (parent.name.endswith(".parts") and (parent / "manifest.json").is_file())

    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_file():
            matches = [path]
        elif path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.is_file() and plain_suffix(p) in EXTENSIONS)
        else:
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
        if not path.is_file():
            matches = [m for m in matches if not ours(m)]
        if not matches:
            raise TalkdownError("TD121", pattern=item)
        found.extend(matches)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p.resolve(), None)
    return list(unique)


def _check_out_suffix(out: Path, *, csv: bool) -> None:
    """Refuse an ``--out`` whose name says the other format (TD105). The format follows ``--csv`` alone, so
    ``--out results.csv`` without it wrote Parquet bytes a spreadsheet showed as garbage, and ``--csv --out
    results.parquet`` wrote CSV that ``study report`` then called corrupt. Guessing the format from the name
    instead would make ``--resume`` depend on two things that can disagree; a name without either suffix is
    left as given."""
    suffix = out.suffix.lower()
    if suffix == ".csv" and not csv:
        problem = "it names a CSV file but the results are Parquet: add --csv, or name it .parquet"
    elif suffix == ".parquet" and csv:
        problem = "it names a Parquet file but --csv writes CSV: name it .csv, or leave out --csv"
    else:
        return
    raise TalkdownError("TD105", value=str(out), what="--out", problem=problem)


def analyze_corpus(
    inputs: Sequence[str],
    *,
    out: Path,
    csv: bool = False,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    speakers: dict[str, str] | None = None,
    progress: Progress | None = None,
    fast: bool = False,
    encoding: str | None = None,
    max_unpacked_mb: int = MAX_UNPACKED_MB,
    max_line_mb: int = MAX_LINE_MB,
) -> StudyRun:
    """Analyse every utterance of the inputs; see the module docstring for the guarantees. ``fast``: the rules
    alone in every worker (``talkdown analyze --fast``), several times the throughput on an old machine.
    ``encoding``: how to read an input that is not valid UTF-8 (e.g. ``cp1252``); UTF-8 inputs are unaffected.
    ``max_unpacked_mb``: what a gzip-compressed input may unpack to (``Settings.max_unpacked_mb``; more is TD114,
    that file's failure); ``max_line_mb``: how long a JSONL line may be (``Settings.max_line_mb``; more is TD115)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise TalkdownError(
                "TD105", value=encoding, what="encoding", problem="Python knows no such codec"
            ) from None
    _check_out_suffix(out, csv=csv)
    files = resolve_inputs(inputs, outputs=(out, conversations_path(out)))
    families = families_of(pipeline(fast=fast))
    named = tuple(sorted((speakers or {}).items()))
    parts = PartStore.open(
        out, files=files, families=families, chunk_size=chunk_size, csv=csv, resume=resume, fast=fast, speakers=named
    )
    try:
        executor, slots, close = _executor(workers, scheduler)
    except BaseException:
        if parts.fresh:  # nothing ran: a parts folder left here would make the corrected command TD322
            parts.remove()
        raise
    states = {i: _FileState() for i in range(len(files))}
    run = _Run(parts, files, progress, encoding, max_unpacked_mb, max_line_mb, states)
    interrupted = False
    try:
        try:
            total = _count(run, chunk_size=chunk_size)
            if progress is not None:
                progress.start(total)
            options = ChunkOptions(families, chunk_size, named, current(), fast, encoding)
            _dispatch(run, executor, slots=slots, options=options)
        finally:
            close()
    except KeyboardInterrupt:
        interrupted = True
    failed = {i for i, st in run.state.items() if st.failed}
    utterances, conversations = parts.merge(out, conversations_path(out), exclude_files=failed)
    done = sum(1 for i in range(len(files)) if parts.is_file_done(i))
    if not interrupted and done == len(files):
        parts.remove()
    return StudyRun(
        out=out,
        conversations_out=conversations_path(out),
        files=len(files),
        files_done=done,
        utterances=utterances,
        conversations=conversations,
        failures=run.failures,
        interrupted=interrupted,
        skipped_chunks=run.skipped,
        fast=fast,
    )


def _count(run: _Run, *, chunk_size: int) -> int:
    """Utterances still to analyse, reading each pending file once (a JSONL file's chunks are planned on the
    way); an unreadable file, or a line that is not JSON, fails here, early."""
    total = 0
    for index, path in enumerate(run.files):
        if run.parts.is_file_done(index):
            continue
        try:
            if is_jsonl(path):
                cuts = plan_jsonl(
                    path,
                    chunk_size=chunk_size,
                    encoding=run.encoding,
                    max_unpacked_mb=run.max_unpacked_mb,
                    max_line_mb=run.max_line_mb,
                )
                run.state[index].cuts = cuts
                total += sum(cut.utterances for cut in cuts)
            else:
                found = transcripts_of(path, encoding=run.encoding, max_unpacked_mb=run.max_unpacked_mb)
                total += sum(len(t.turns) for t in found)
        except TalkdownError as exc:
            run.fail(index, exc.code, exc.message, plain_fields(exc.fields))
    return total


def _chunks(index: int, path: Path, options: ChunkOptions, cuts: list[Cut] | None, run: _Run) -> Iterator[Chunk]:
    if cuts is not None:
        first = 0
        blocks = jsonl_blocks(path, cuts, max_unpacked_mb=run.max_unpacked_mb, max_line_mb=run.max_line_mb)
        for number, (cut, (first_line, lines)) in enumerate(zip(cuts, blocks, strict=False)):
            yield Chunk(f"{index:05d}-{number:06d}", str(path), first, (), options.families,
                        speakers=options.speakers, runtime=options.runtime, fast=options.fast, lines=lines,
                        first_line=first_line, counted=cut.utterances, encoding=options.encoding)  # fmt: skip
            first += cut.conversations
        return
    batch: list[Any] = []
    size = number = first = 0

    def chunk() -> Chunk:
        return Chunk(f"{index:05d}-{number:06d}", str(path), first, tuple(batch), options.families,
                     speakers=options.speakers, runtime=options.runtime, fast=options.fast)  # fmt: skip

    found = transcripts_of(path, encoding=options.encoding, max_unpacked_mb=run.max_unpacked_mb)
    for position, transcript in enumerate(found, start=1):
        batch.append(transcript)
        size += len(transcript.turns)
        if size >= options.chunk_size:
            yield chunk()
            batch, size, number, first = [], 0, number + 1, position
    if batch:
        yield chunk()


def _dispatch(run: _Run, executor: Executor, *, slots: int, options: ChunkOptions) -> None:
    pending: dict[Future[ChunkResult], tuple[int, Chunk]] = {}

    def collect(block_until: int) -> None:
        while len(pending) > block_until:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                index, chunk = pending.pop(fut)
                _collect(run, index, chunk, fut)

    try:
        for index, path in enumerate(run.files):
            st = run.state[index]
            if run.parts.is_file_done(index) or st.failed:
                continue
            try:
                for chunk in _chunks(index, path, options, st.cuts, run):
                    if st.failed:  # a worker found a bad line: the file is left out, so stop sending it
                        break
                    st.emitted += 1
                    if run.parts.is_chunk_done(chunk.chunk_id):
                        st.finished += 1
                        run.skipped += 1
                        if run.progress is not None:
                            run.progress.advance(chunk.utterances)
                        continue
                    collect(block_until=max(1, 2 * slots) - 1)
                    pending[executor.submit(analyze_chunk, chunk)] = (index, chunk)
            except TalkdownError as exc:  # changed since it was counted
                run.fail(index, exc.code, exc.message, plain_fields(exc.fields))
            rest = sum(cut.utterances for cut in st.cuts[st.emitted :]) if st.failed and st.cuts else 0
            if rest and run.progress is not None:  # counted, never to be sent: the bar still reaches its total
                run.progress.advance(rest)
            st.streamed = True
            run.finished(index)
        collect(block_until=0)
    except KeyboardInterrupt:
        _keep_running(run, pending)
        raise


def _keep_running(run: _Run, pending: dict[Future[ChunkResult], tuple[int, Chunk]]) -> None:
    """On Ctrl-C, cancel the chunks no worker has started and keep the results of those already running. The
    executor's shutdown waits for running chunks anyway; their results used to be dropped, so the user waited
    for work that ``--resume`` then did again (with models loading, often every chunk of a short run)."""
    for fut in pending:
        fut.cancel()
    for fut, (index, chunk) in pending.items():
        if not fut.cancelled():
            wait([fut])
            _collect(run, index, chunk, fut)


def _collect(run: _Run, index: int, chunk: Chunk, fut: Future[ChunkResult]) -> None:
    number = int(chunk.chunk_id[6:])
    try:
        result = fut.result()
    except Exception as exc:  # a worker bug or a lost worker: that file is reported, the rest goes on
        run.fail(index, "internal", f"{type(exc).__name__}: {exc}", chunk=number)
    else:
        if result.failure is not None:  # a line the worker could not read: the file's error, as if read here
            run.fail(index, *result.failure, chunk=number)
        else:
            run.parts.write(result)
            run.state[index].finished += 1
    if run.progress is not None:  # a failed chunk is dealt with too: the bar was sized with it
        run.progress.advance(chunk.utterances)
    run.finished(index)


def _executor(workers: int | None, scheduler: str | None) -> tuple[Executor, int, Callable[[], None]]:
    """The executor, how many tasks it runs at once, and how to release it. Local workers are started at once,
    so that they import talkdown (about a second each) while the client counts, not after."""
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise TalkdownError("TD701", feature="Bulk analysis on Dask", extra="study") from exc
        try:
            client = Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]  # distributed is untyped
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: not an address ("missing port number")
            raise TalkdownError("TD621", address=scheduler, problem=str(exc) or type(exc).__name__) from exc
        threads = sum(int(w.get("nthreads", 1)) for w in client.scheduler_info()["workers"].values())

        def close_client() -> None:
            client.close()  # type: ignore[no-untyped-call]  # distributed is untyped

        executor = client.get_executor(pure=False)  # type: ignore[no-untyped-call]  # distributed is untyped
        return executor, max(1, threads), close_client
    count = workers or _cores()
    if count <= 1:
        return _Inline(), 1, lambda: None
    # spawn, not fork: the CLI's progress bar runs a thread, and forking a threaded process can deadlock.
    # Workers ignore SIGINT: Ctrl-C reaches the whole process group, and a pool whose workers die mid-task
    # can hang its shutdown; the client alone handles it, cancels queued chunks and merges what is done.
    pool = ProcessPoolExecutor(
        max_workers=count, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint
    )
    for _ in range(count):  # the pool starts a process per task it cannot give to an idle one, up to count
        pool.submit(_started)

    def close_pool() -> None:
        pool.shutdown(wait=True, cancel_futures=True)

    return pool, count, close_pool


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _started() -> None:
    """The task that makes the pool start a worker before the client has cut a chunk."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


FAILURE_KEYS = ("file", "line", "code", "message")
"""What every failure in ``--json`` has; ``line`` is null for a failure about the whole file."""


def _failure_json(failure: FileFailure) -> dict[str, Any]:
    """A failure for a script: ``file``, ``line`` (a number, or null), ``code`` and ``message`` always, then the
    error's other fields (``problem``, ``limit``, ...) as a command's error JSON gives them (``cli.state.error_json``).
    ``message`` is the sentence it always was; a script used to parse the line out of it."""
    doc: dict[str, Any] = {"file": failure.file, "line": failure.line, "code": failure.code, "message": failure.message}
    doc.update((key, value) for key, value in failure.fields.items() if key not in FAILURE_KEYS)
    return doc


def describe_run(run: StudyRun) -> dict[str, Any]:
    """The run as JSON for ``--json`` and for the report's footer."""
    return {
        "out": str(run.out),
        "conversations_out": str(run.conversations_out),
        "files": run.files,
        "files_done": run.files_done,
        "utterances": run.utterances,
        "conversations": run.conversations,
        "failures": [_failure_json(f) for f in run.failures],
        "interrupted": run.interrupted,
        "skipped_chunks": run.skipped_chunks,
        "fast": run.fast,
    }
