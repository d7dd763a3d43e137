"""Benchmark: what one round trip to PostgreSQL costs in CPU, in the client and in the server.

Why a PostgreSQL page or submission costs more than on SQLite (docs/performance.md): every
statement is a message to the server and an answer back, and on a small machine both ends
spend CPU on it before the statement does anything. One connection runs a prepared
one-parameter SELECT many times, each way the player could send it:

- psycopg's `cursor.execute`, as `store.database.Read` runs its statements (prepared by psycopg
  after a few runs, as in the player);
- libpq alone (`pgconn.exec_prepared`, through psycopg's binding): what psycopg's Python layer adds;
- ten statements in one psycopg pipeline (one wait for all ten), per statement;
- a transaction of BEGIN, that SELECT and COMMIT, as a write transaction frames its statements.

For each: the client's CPU (this process), the server's (its backend process, from /proc) and
the wall time, per statement, each the median of several rounds. Linux only (/proc).

Run: `.venv/bin/python bench/roundtrip.py [--postgres URL] [--count N]`; without a URL (or
COURSEPACK_TEST_POSTGRES_URL) it says PostgreSQL was skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadkit import cpu_seconds  # noqa: E402

ROUNDS = 5


def measure(name: str, backend: int, once: Callable[[], None], count: int, statements: int = 1) -> None:
    """Run `once` `count` times per round; print the median round's CPU and wall per statement."""
    once()
    rounds = []
    for _ in range(ROUNDS):
        server, client, wall = cpu_seconds([backend])[backend], time.process_time(), time.perf_counter()
        for _ in range(count):
            once()
        per = 1e6 / (count * statements)
        rounds.append(((time.process_time() - client) * per, (cpu_seconds([backend])[backend] - server) * per, (time.perf_counter() - wall) * per))
    client, server, wall = (statistics.median(r[i] for r in rounds) for i in range(3))
    print(f"{name:<44}{client:>9.1f}{server:>9.1f}{client + server:>9.1f}{wall:>9.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", default=os.environ.get("COURSEPACK_TEST_POSTGRES_URL", ""),
                        help="PostgreSQL URL [env COURSEPACK_TEST_POSTGRES_URL]")
    parser.add_argument("--count", type=int, default=2000, help="statements per round [2000]")
    args = parser.parse_args()
    if not args.postgres:
        print("PostgreSQL skipped: give --postgres URL or set COURSEPACK_TEST_POSTGRES_URL")
        return 0
    import psycopg

    url = args.postgres.replace("postgresql+psycopg://", "postgresql://", 1)
    print(f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__}), libpq {psycopg.pq.version()}")
    with psycopg.connect(url, autocommit=True) as connection:
        backend = connection.info.backend_pid
        cursor = connection.cursor()
        pgconn = connection.pgconn
        pgconn.prepare(b"roundtrip", b"SELECT $1::integer")

        def psycopg_select() -> None:
            cursor.execute("SELECT %s::integer", (1,))
            cursor.fetchall()

        def libpq_select() -> None:
            pgconn.exec_prepared(b"roundtrip", [b"1"])

        def pipelined() -> None:
            with connection.pipeline():
                for _ in range(10):
                    cursor.execute("SELECT %s::integer", (1,))

        def transaction() -> None:
            with connection.transaction():
                psycopg_select()

        print(f"\nmicroseconds per statement (median of {ROUNDS} rounds of {args.count})")
        print(f"{'':<44}{'client':>9}{'server':>9}{'total':>9}{'wall':>9}")
        measure("psycopg execute (as the player's reads)", backend, psycopg_select, args.count)
        measure("libpq exec_prepared (no psycopg layer)", backend, libpq_select, args.count)
        measure("ten in one psycopg pipeline, each", backend, pipelined, args.count // 10, statements=10)
        measure("BEGIN, SELECT, COMMIT, each of the three", backend, transaction, args.count // 3, statements=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
