"""Benchmark: what a tablet downloads for core block A, and how fast its first step opens offline.

The player under gunicorn (2 workers, SQLite) and Debian's Chromium (Playwright, headless). A
fresh browser opens block A's start page and presses "Download for offline use"; the bench
counts the bytes of every response the download fetched (as the device stores them) and its time. Then, in one run so the
ratio holds on a noisy machine, the first step is opened (median of 10) online from the
server and offline from the device, and the offline time is given as a ratio of the online one.

Run: `.venv/bin/python bench/offline.py`. Needs /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.loadkit import serve_player  # noqa: E402
from bench.player import SECRET, migrate  # noqa: E402
from blocks.load import Loader  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BLOCK = Loader().course(ROOT / "courses" / "core-blocks").blocks[0]
START = f"/courses/core-blocks/{BLOCK.id}/"
FIRST = f"{START}{BLOCK.sections[0].id}"
GOAL_KB = 300
STORED = """async () => {
    const name = (await caches.keys()).find(n => n.startsWith('coursepack-block:'));
    const cache = await caches.open(name);
    const sizes = [];
    for (const request of await cache.keys()) { sizes.push((await (await cache.match(request)).blob()).size); }
    return sizes;
}"""


def median_open(page, url: str, times: int = 10) -> float:  # noqa: ANN001 - a Playwright page
    took = []
    for _ in range(times):
        began = time.perf_counter()
        page.goto(url)
        page.get_by_role("heading", name=BLOCK.sections[0].title, exact=True).wait_for()
        took.append(time.perf_counter() - began)
    return statistics.median(took) * 1000


def main() -> int:
    if not shutil.which(CHROMIUM):
        print(f"skipped: {CHROMIUM} is missing (apt-get install chromium)")
        return 0
    with tempfile.TemporaryDirectory(prefix="coursepack-offline-") as name:
        url = f"sqlite:///{Path(name) / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        migrate(url)
        env = {"COURSEPACK_ENV": "production", "SECRET_KEY": SECRET, "COURSEPACK_DATABASE_URL": url,
               "COURSEPACK_COURSES": str(ROOT / "courses")}
        with serve_player(env, 2) as port, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(base_url=f"http://127.0.0.1:{port}", service_workers="allow")
            page = context.new_page()
            page.goto(START)
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            began = time.perf_counter()
            page.get_by_role("button", name="Download for offline use").click()
            page.get_by_text("Stored on this device for offline use").wait_for(timeout=60_000)
            seconds = time.perf_counter() - began
            fetched = page.evaluate(STORED)  # every response the download fetched, as the device keeps it
            kilobytes = sum(fetched) / 1024
            online = median_open(page, FIRST)
            context.set_offline(True)
            offline = median_open(page, FIRST)
            browser.close()
    print(f"core block A: {len(fetched)} responses, {kilobytes:.0f} KB downloaded in {seconds:.1f} s "
          f"(goal under {GOAL_KB} KB: {'met' if kilobytes < GOAL_KB else 'NOT met'})")
    print(f"first step: online {online:.0f} ms, offline from the device {offline:.0f} ms (ratio {offline / online:.2f})")
    return 0 if kilobytes < GOAL_KB else 1


if __name__ == "__main__":
    sys.exit(main())
