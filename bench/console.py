"""Console fan-out benchmark: N SSE clients on loopback while utterances are posted through the API.

Usage: python bench/console.py [--quick] [--clients 50] [--rate 20] [--seconds 15] [--analysis in-process]
       [--database-url postgresql://…/empty_db]

The console runs in its own process (uvicorn, SQLite in a temporary folder), so clients and server do not
share a GIL; the scribe posting the lines runs in a third process, as his browser would. Latency is
measured from just before the POST is sent to when each board receives the line (so it includes the
append), on the system-wide monotonic clock; the POST's own round trip is reported as the append latency. Live analysis
runs in the console's worker process (the default) or, with ``--analysis in-process``, in the serving
process after each response, as before issue #6; ``analysed_fraction`` is the share of posted lines whose
analysis was stored by the end, so a faster append cannot hide analysis that never happened. Prints a
table and writes bench/results/console.json (not with --quick, which is a smoke test, not a measurement).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import meta

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import accounts, entries, incidents
from talkdown.services.wiring import build_app
from talkdown.settings import Settings

PASSWORD = "bench-password-1"  # noqa: S105  # a throwaway account in a temporary database
SERVER = """
import sys, uvicorn
from talkdown.settings import Settings
from talkdown.web.app import create_app
from talkdown.web.config import WebConfig
config = WebConfig(analysis_worker=sys.argv[2] == "worker")
uvicorn.run(create_app(Settings(), config=config), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
LINE = re.compile(r'id="u-(\d+)"')


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None elsewhere: latency on a shared VM is noisy,
    the CPU the server spent per posted line much less so."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def listen(
    url: str, cookies: httpx.Cookies, incident_id: str, after: int, seen: dict[int, float], ready: asyncio.Event
) -> None:
    """One board: record when each new line first arrives (the out-of-band append carrying its element id)."""
    timeout = httpx.Timeout(10.0, read=None)  # a stream is idle between lines by design
    async with (
        httpx.AsyncClient(base_url=url, cookies=cookies, timeout=timeout) as client,
        client.stream("GET", f"/incidents/{incident_id}/stream?after={after}") as s,
    ):
        ready.set()
        async for line in s.aiter_lines():
            if line.startswith("data: ") and "beforeend:#log" in line:
                at = now()
                for m in LINE.finditer(line):
                    seen.setdefault(int(m.group(1)), at)


def now() -> float:
    """CLOCK_MONOTONIC: one system-wide clock, so the poster's and the boards' times compare across processes."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def post_lines(url: str, incident_id: str, rate: float, total: int) -> list[tuple[int, float, float]]:
    """The scribe, in a process of its own: (seq, sent at, answered at) for each line posted at ``rate``.

    Why a process: a scribe's browser is not the boards' browsers. Posting from the event loop that also
    parses fifty streams measured the bench's own queue: every line's fifty pushes arrived with the POST's
    answer, and the answer waited behind them.
    """
    out: list[tuple[int, float, float]] = []
    with httpx.Client(base_url=url, timeout=30) as poster:
        token = poster.post("/api/session", json={"username": "scribe", "password": PASSWORD}).json()
        poster.headers["X-CSRF-Token"] = token["csrf_token"]
        start = now()
        for n in range(total):
            time.sleep(max(0.0, start + n / rate - now()))
            t0 = now()
            r = poster.post(
                f"/api/incidents/{incident_id}/utterances",
                json={"speaker": "subj", "text": f"Line {n}: you got 10 minutes, then I shoot him."},
            )
            out.append((r.json()["seq"], t0, now()))
    return out


async def run(url: str, incident_id: str, *, clients: int, rate: float, seconds: float) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as reader:
        token = (await reader.post("/api/session", json={"username": "scribe", "password": PASSWORD})).json()
        reader.headers["X-CSRF-Token"] = token["csrf_token"]
        head = (await reader.get(f"/api/incidents/{incident_id}/head")).json()["seq"]
        seen: list[dict[int, float]] = [{} for _ in range(clients)]
        readies = [asyncio.Event() for _ in range(clients)]
        tasks = [
            asyncio.create_task(listen(url, reader.cookies, incident_id, head, seen[i], readies[i]))
            for i in range(clients)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
        await asyncio.sleep(0.5)
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            posted = await asyncio.get_running_loop().run_in_executor(
                pool, post_lines, url, incident_id, rate, int(rate * seconds)
            )
        sent = {seq: t0 for seq, t0, _ in posted}
        append_ms = [(t1 - t0) * 1000 for _, t0, t1 in posted]
        await asyncio.sleep(2.0)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        stored = (await reader.get(f"/api/incidents/{incident_id}/annotations")).json()
    analysed = sum(1 for seq in sent if stored.get(str(seq)))
    lat = [(got[seq] - t0) * 1000 for got in seen for seq, t0 in sent.items() if seq in got]
    expected = len(sent) * clients
    return {
        "clients": clients,
        "rate_per_s": rate,
        "utterances": len(sent),
        "deliveries": len(lat),
        "delivered_fraction": round(len(lat) / expected, 4) if expected else 0.0,
        "analysed_fraction": round(analysed / len(sent), 4) if sent else 0.0,
        "event_to_client_p50_ms": round(pct(lat, 50), 1),
        "event_to_client_p95_ms": round(pct(lat, 95), 1),
        "event_to_client_p99_ms": round(pct(lat, 99), 1),
        "append_api_p50_ms": round(pct(append_ms, 50), 1),
        "append_api_p99_ms": round(pct(append_ms, 99), 1),
        "append_api_mean_ms": round(statistics.fmean(append_ms), 1) if append_ms else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 clients for 2 s: a smoke test, not a measurement.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="utterances posted per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--analysis", choices=("worker", "in-process"), default="worker", help="where live analysis runs"
    )
    parser.add_argument(
        "--database-url",
        help="an empty database to run on (e.g. PostgreSQL, whose tails wake on NOTIFY); default: SQLite in a temp dir",
    )
    args = parser.parse_args()
    clients, seconds = (5, 2.0) if args.quick else (args.clients, args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TALKDOWN_DATA_DIR": tmp}
        if args.database_url:
            env["TALKDOWN_DATABASE_URL"] = args.database_url
        settings = Settings(data_dir=Path(tmp), database_url=args.database_url)
        app = build_app(settings)
        accounts.add_user(app, username="scribe", role=accounts.AccountRole.SCRIBE, password=PASSWORD)
        incident_id = incidents.open_incident(app, title="bench", incident_type=IncidentType.BARRICADE)
        entries.add_party(app, incident_id, name="Subject", role=Role.SUBJECT, party_id="subj")
        app.store.engine.dispose()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), args.analysis], env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(f"{url}/openapi.json", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            cpu_before = cpu_seconds(server.pid)
            results = asyncio.run(run(url, incident_id, clients=clients, rate=args.rate, seconds=seconds))
            cpu_after = cpu_seconds(server.pid)
            if cpu_before is not None and cpu_after is not None and results["utterances"]:
                per_line = (cpu_after - cpu_before) / float(results["utterances"]) * 1000
                results["server_cpu_ms_per_line"] = round(per_line, 2)
        finally:
            server.terminate()
            server.wait(timeout=10)
    results["analysis"] = args.analysis
    results["backend"] = settings.resolved_database_url.split(":", 1)[0]
    results["bench_process_peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = {
        "meta": meta(
            packages=("fastapi", "starlette", "uvicorn", "sqlalchemy"), command=" ".join(sys.argv), quick=args.quick
        ),
        "results": results,
    }
    print(
        f"{'clients':>7} {'utt/s':>6} {'delivered':>9} {'e2c p50':>8} {'p95':>7} {'p99':>7} "
        f"{'append p50':>10} {'p99':>7} {'analysed':>8} {'cpu/line':>8} analysis",
        file=sys.stderr,
    )
    r = results
    print(
        f"{r['clients']:>7} {r['rate_per_s']:>6} {r['delivered_fraction']:>9.3f} {r['event_to_client_p50_ms']:>6.1f}ms "
        f"{r['event_to_client_p95_ms']:>5.1f}ms {r['event_to_client_p99_ms']:>5.1f}ms {r['append_api_p50_ms']:>8.1f}ms "
        f"{r['append_api_p99_ms']:>5.1f}ms {r['analysed_fraction']:>8.3f} {r.get('server_cpu_ms_per_line', 0):>6.1f}ms "
        f"{r['analysis']} {r['backend']}",
        file=sys.stderr,
    )
    if not args.quick:
        Path(__file__).with_name("results").mkdir(exist_ok=True)
        Path(__file__).with_name("results").joinpath("console.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
