"""Benchmark the trainer pack export against WeasyPrint alone on the same final HTML.

    .venv/bin/python bench/pack.py [--course courses/core-blocks] [--repeat 2]

Prints pages, seconds and pages per second of a full export (validation, HTML, rendering with
the safe fetcher, cache write) and of WeasyPrint rendering the very same HTML on its own, the
overhead ratio between them, the time of the export's own steps (everything but WeasyPrint,
which gives the ratio without the noise of a busy machine) and the time of a cached re-export. Goals: overhead at most 1.2,
cached re-export under 0.2 s. Each measure is the best of --repeat rounds, because other work on
a small machine only ever makes a run slower.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from weasyprint import HTML

from exporter.cache import PackCache, pack_key
from exporter.pack import PackRequest, build_pack, prepare

ROOT = Path(__file__).resolve().parent.parent
OVERHEAD_GOAL = 1.2
CACHED_GOAL = 0.2


def best_of(repeat: int, *runs: Callable[[], int]) -> list[tuple[float, int]]:
    """For each run, the shortest wall time over `repeat` rounds, and its page count.

    The runs take turns within each round, so that load from elsewhere on the machine falls
    on all of them alike rather than on whichever happened to run during it.
    """
    times: list[list[float]] = [[] for _ in runs]
    pages = [0] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            pages[index] = run()
            times[index].append(time.perf_counter() - started)
    return [(min(spent), count) for spent, count in zip(times, pages)]


def export_fresh(request: PackRequest) -> int:
    """A full export into an empty cache, so nothing is reused."""
    with tempfile.TemporaryDirectory() as folder:
        return build_pack(request, cache=PackCache(Path(folder))).pages


def own_steps(request: PackRequest, pdf: bytes) -> int:
    """Everything an export does besides WeasyPrint: key, validation, HTML, cache write."""
    with tempfile.TemporaryDirectory() as folder:
        key = pack_key(request.course, request.options())
        prepare(request)
        PackCache(Path(folder)).put(key, pdf, 0)
    return 0


def weasyprint_alone(html: str, base: Path) -> int:
    """WeasyPrint with its defaults on the exporter's final HTML: the baseline."""
    document = HTML(string=html, base_url=base.as_uri() + "/").render()
    document.write_pdf()
    return len(document.pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=ROOT / "courses" / "core-blocks")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    request = PackRequest(args.course.resolve())
    prepared = prepare(request)
    weasyprint_alone("<p>warm-up: fonts and hyphenation dictionaries</p>", prepared.base)

    (alone, pages), (export, export_pages) = best_of(
        args.repeat, lambda: weasyprint_alone(prepared.html, prepared.base), lambda: export_fresh(request))
    with tempfile.TemporaryDirectory() as folder:
        cache = PackCache(Path(folder))
        build_pack(request, cache=cache)
        pdf = build_pack(request, cache=cache).path.read_bytes()
        [(cached, _)] = best_of(max(args.repeat, 3), lambda: build_pack(request, cache=cache).pages)
    [(own, _)] = best_of(max(args.repeat, 3), lambda: own_steps(request, pdf))

    ratio = export / alone
    print(f"{request.course.name} trainer pack: {export_pages} pages (WeasyPrint alone: {pages})")
    print(f"{'':24}{'seconds':>9}{'pages/s':>9}")
    print(f"{'coursepack export':24}{export:9.2f}{export_pages / export:9.1f}")
    print(f"{'WeasyPrint alone':24}{alone:9.2f}{pages / alone:9.1f}")
    print(f"{'overhead ratio':24}{ratio:9.2f}   goal <= {OVERHEAD_GOAL}: {'met' if ratio <= OVERHEAD_GOAL else 'MISSED'}")
    print(f"{'own steps alone':24}{own:9.2f}   key, validation, HTML, write: ratio {(alone + own) / alone:.2f} without load noise")
    print(f"{'cached re-export':24}{cached:9.3f}   goal < {CACHED_GOAL} s: {'met' if cached < CACHED_GOAL else 'MISSED'}")
    return 0 if ratio <= OVERHEAD_GOAL and cached < CACHED_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
