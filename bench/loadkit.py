"""What the benchmarks that load a server share: HTTP on a bare socket, gunicorn on a free
loopback port, a pool of client threads that measures rate and latency, and the CPU a process
has spent (Linux: /proc).

The client is a socket and a few lines of parsing, cheap enough not to hide the servers' speed;
every loop is bounded and every server is stopped on the way out.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
COOKIE = "coursepack_session"
PLAYER_APP = "player:create_app({'SESSION_COOKIE_SECURE': False})"  # plain http on loopback
_TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


# -- CPU by process (Linux: /proc) ------------------------------------------------------------
def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Seconds of CPU (user and system) each process has spent; a process gone is left out."""
    ticks = os.sysconf("SC_CLK_TCK")
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return spent


# -- HTTP on a bare socket: cheap enough that the client does not hide the servers' speed ---------
@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, method: str, path: str, cookie: str = "", form: dict | None = None,
          json_body: bytes | None = None, token: str = "") -> Reply:
    """One request on its own connection; gunicorn's sync workers close it after the reply. A
    JSON body goes with its form token in the X-CSRFToken header, as the offline sync sends it."""
    body = json_body if json_body is not None else urlencode(form or {}, doseq=True).encode()
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookie:
        head.append(f"Cookie: {COOKIE}={cookie}")
    if token:
        head.append(f"X-CSRFToken: {token}")
    if method == "POST":
        kind = "application/json" if json_body is not None else "application/x-www-form-urlencoded"
        head += [f"Content-Type: {kind}", f"Content-Length: {len(body)}"]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    raw_head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())  # the first Set-Cookie is the session's
    return Reply(int(lines[0].split()[1]), headers, payload)


def session_cookie(reply: Reply, current: str = "") -> str:
    match = re.match(rf"{COOKIE}=([^;]*)", reply.headers.get("set-cookie", ""))
    return match[1] if match else current


def csrf(reply: Reply) -> str:
    match = _TOKEN.search(reply.body)
    if not match:
        raise RuntimeError(f"no CSRF token in a {reply.status} reply")
    return match[1].decode()


# -- servers --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, folder: Path, env: dict[str, str], workers: int = 2, settings: str = "") -> Iterator[int]:
    """gunicorn with `workers` sync workers on a free loopback port; stopped on the way out.
    `settings`: gunicorn's -c, a config file or python:module."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *(["-c", settings] if settings else []), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--chdir", str(folder), "--log-level", "warning", app]
    server = subprocess.Popen(command, env={**os.environ, **env})
    try:
        wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def serve_player(env: dict[str, str], workers: int = 2) -> Iterator[int]:
    """The player under gunicorn as the README runs it, with its settings (`player.serving`)."""
    with gunicorn(PLAYER_APP, ROOT, env, workers, "python:player.serving") as port:
        yield port


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(port, "GET", "/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


# -- load -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    name: str
    sent: int
    ok: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.sent / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def row(self) -> str:
        return (f"{self.name:<24}{self.sent:>8}{self.ok:>8}{self.rps:>10.1f}"
                f"{self.percentile(0.5):>10.1f}{self.percentile(0.99):>10.1f}")


@dataclass(frozen=True)
class Rounds(Figures):
    """One page measured in several rounds: the median round's rate, every round's latencies."""

    rates: tuple[float, ...] = ()

    @classmethod
    def of(cls, rounds: list[Figures]) -> Rounds:
        return cls(rounds[0].name, sum(r.sent for r in rounds), sum(r.ok for r in rounds),
                   sum(r.seconds for r in rounds), [x for r in rounds for x in r.latencies], tuple(r.rps for r in rounds))

    @property
    def rps(self) -> float:
        return statistics.median(self.rates)

    def row(self) -> str:
        return f"{super().row()}   ({min(self.rates):.0f}–{max(self.rates):.0f})"


def hammer(name: str, jobs: list[Callable[[], bool]], concurrency: int) -> Figures:
    """Run every job once across `concurrency` threads; a job returns whether its reply was right."""
    lock, position = threading.Lock(), iter(range(len(jobs)))
    latencies, oks = [0.0] * len(jobs), [False] * len(jobs)

    def client() -> None:
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                oks[index] = jobs[index]()
            except Exception:  # noqa: BLE001 - a broken reply counts as a failed request
                oks[index] = False
            latencies[index] = time.perf_counter() - started

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(name, len(jobs), sum(oks), time.perf_counter() - started, latencies)


