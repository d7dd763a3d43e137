"""Benchmark: `coursepack validate` on 200 realistic blocks against bare markdown-it-py.

Generates a corpus (10 courses of 20 blocks, each block 1,500-3,000 words with sections,
activities with facilitator notes and handouts, tables, images, a quiz of every scored
question type and a survey) into a temporary folder, then times, best of a few repeats:

- validate: blocks.validate.validate_paths over the corpus (read, parse, build, check);
- markdown-it: MarkdownIt("commonmark").enable("table").render(text) of the same files,
  read from disk the same way.

The goal is a ratio validate / markdown-it of at most 2.0. Run with `make bench` or
`.venv/bin/python bench/validate.py [--blocks N] [--repeats N] [--profile]`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from blocks.validate import validate_paths  # noqa: E402

BLOCKS_PER_COURSE = 20
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a4944415478da63000100000500010d0a2db40000000049454e44ae426082"
)
MODES = ("individual", "pairs", "groups", "plenary")


def sentences() -> list[str]:
    """Plain prose sentences from the bundled courses, so the corpus reads like real content."""
    found: list[str] = []
    for path in sorted((ROOT / "courses").glob("*/*/block.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line) > 40 and line[0].isalpha() and not re.search(r"[\[\]{}<>|:!#`]", line):
                found.extend(s.strip() for s in re.split(r"(?<=[.?!])\s+", line) if len(s.split()) >= 5)
    return found or ["Social workers meet families at moments of great uncertainty and need clear words."]


class Writer:
    """Writes one realistic block; every construct is used, and the result validates clean."""

    def __init__(self, rng: random.Random, prose: list[str]) -> None:
        self.rng, self.prose = rng, prose

    def sentence(self) -> str:
        text = self.rng.choice(self.prose)
        if self.rng.random() < 0.15:
            words = text.split()
            i = self.rng.randrange(len(words))
            words[i] = f"**{words[i]}**" if self.rng.random() < 0.5 else f"*{words[i]}*"
            text = " ".join(words)
        return text

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def words(self, low: int, high: int) -> str:
        words = self.sentence().rstrip(".?!").split()
        return " ".join(words[: self.rng.randint(low, min(high, len(words)))]).replace("*", "").replace('"', "")

    def bullets(self, count: int) -> str:
        return "\n".join(f"- {self.words(4, 12)}" for _ in range(count))

    def table(self) -> str:
        rows = [f"| {self.words(1, 3)} | {self.words(3, 8)} |" for _ in range(self.rng.randint(2, 4))]
        return "| Step | What to do |\n|---|---|\n" + "\n".join(rows)

    def activity(self, ident: str, minutes: int, handout: str | None) -> str:
        parts = [
            f"::::activity {{#{ident} minutes={minutes} mode={self.rng.choice(MODES)} materials=\"flipchart, markers\"}}",
            f"#### {self.words(2, 5).capitalize()}", "", self.paragraph(2, 4), "", self.bullets(3), "",
            ":::facilitator", self.paragraph(2, 4), "", "Debrief points:", "", self.bullets(3), ":::",
        ]
        if handout:
            parts += ["", f":::handout {{#{handout} title=\"{self.words(2, 4).capitalize()}\"}}", self.table(), "", self.bullets(4), ":::"]
        return "\n".join(parts + ["::::"])

    def options(self, right: set[int], count: int) -> str:
        lines = []
        for i in range(count):
            lines.append(f"- [{'x' if i in right else ' '}] {self.words(4, 10)}")
            if self.rng.random() < 0.5:
                lines.append(f"  > {self.sentence()}")
        return "\n".join(lines)

    def question(self, ident: str, qtype: str) -> str:
        stem, body, attrs = self.sentence(), "", ""
        if qtype == "single":
            body = self.options({self.rng.randrange(4)}, 4)
        elif qtype == "multiple":
            attrs = " partial=true points=2"
            body = self.options({0, 2}, 4)
        elif qtype == "text":
            stem += " The word that fits is [[interpreter|an interpreter]], and the number is [[116 111|116111]]."
        elif qtype == "numeric":
            stem += f" About [[#{self.rng.randint(5, 90)}:5]] minutes, between [[#10..15]], exactly [[#2,5]]."
        elif qtype == "match":
            body = "\n".join(f"- {self.words(1, 3)} -> {self.words(2, 6)}" for _ in range(4))
        elif qtype == "order":
            body = "\n".join(f"{i}. {self.words(4, 9)}" for i in range(1, 5))
        extras = f"\n\n:::hint\n{self.sentence()}\n:::\n\n:::explanation\n{self.paragraph(1, 3)}\n:::"
        return f"::::question {{#{ident} type={qtype}{attrs}}}\n{stem}\n\n{body}{extras}\n::::"

    def block(self, ident: str) -> str:
        rng = self.rng
        sections, minutes = [], 0
        for n in range(1, rng.randint(4, 6) + 1):
            parts = [f"## {self.words(2, 6).capitalize()} {{#s{n}}}", "", self.paragraph(), "", self.paragraph()]
            if rng.random() < 0.5:
                parts += ["", f"### {self.words(2, 5).capitalize()} {{#s{n}-more}}", "", self.paragraph(), "", self.bullets(rng.randint(3, 6))]
            if rng.random() < 0.4:
                parts += ["", self.table()]
            if rng.random() < 0.4:
                parts += ["", f"![{self.words(3, 7)}](media/figure-{n}.png)"]
            if n > 1 and rng.random() < 0.3:
                parts += ["", f"See [the previous step](#s{n - 1}) and [the guidance](https://example.org/guidance)."]
            activity_minutes = rng.choice((5, 10, 10, 15, 20))
            parts += ["", self.activity(f"a{n}", activity_minutes, f"h{n}" if rng.random() < 0.3 else None)]
            minutes += activity_minutes
            parts += ["", ":::facilitator", self.paragraph(1, 3), ":::"]
            sections.append("\n".join(parts))
        types = ["single", "multiple", "text", "numeric", "match", "order", "single", "multiple"]
        quiz = "\n\n".join(self.question(f"q{i}", qtype) for i, qtype in enumerate(types[: rng.randint(6, 8)], 1))
        sections.append(f"## Check your understanding {{#check}}\n\n:::::quiz {{#quiz kind=check pass=75 attempts=3}}\n{self.sentence()}\n\n{quiz}\n:::::")
        sections.append(
            "## Before you go {#reflect}\n\n::::survey {#views}\n"
            f":::question {{#feel type=likert scale=agree5}}\n{self.sentence()}\n:::\n\n"
            f":::question {{#note type=reflection share=trainer}}\n{self.sentence()}\n:::\n::::"
        )
        front = (
            f"---\nid: {ident}\ntitle: {json.dumps(self.words(3, 6).capitalize())}\nlang: en\nversion: {rng.randint(1, 9)}\n"
            f"duration: {minutes + rng.randint(0, 10)}\nself_paced_minutes: {rng.randint(30, 60)}\n"
            f"summary: >\n  {self.paragraph(2, 3)}\noutcomes:\n"
            + "".join(f"  - {{id: o{i}, text: {json.dumps(self.words(5, 10) + '.')}}}\n" for i in range(1, 4))
            + "audience: [social workers, psychologists]\nmaterials: [flipchart, markers]\n"
            + "authors: [coursepack contributors]\nlicense: CC BY-SA 4.0\n---\n\n"
        )
        return front + self.paragraph() + "\n\n" + "\n\n".join(sections) + "\n"


def write_corpus(root: Path, blocks: int, seed: int = 2026) -> list[Path]:
    rng = random.Random(seed)
    writer = Writer(rng, sentences())
    files: list[Path] = []
    for course in range((blocks + BLOCKS_PER_COURSE - 1) // BLOCKS_PER_COURSE):
        folder = root / f"course-{course:02d}"
        names = [f"block-{course:02d}-{i:02d}" for i in range(min(BLOCKS_PER_COURSE, blocks - len(files)))]
        for name in names:
            (folder / name / "media").mkdir(parents=True)
            for n in range(1, 9):
                (folder / name / "media" / f"figure-{n}.png").write_bytes(PNG)
            path = folder / name / "block.md"
            path.write_text(writer.block(name), encoding="utf-8")
            files.append(path)
        listing = "".join(f"  - {name}\n" for name in names)
        (folder / "course.yaml").write_text(f"id: course-{course:02d}\ntitle: Course {course}\nblocks:\n{listing}", encoding="utf-8")
    return files


def best_of(repeats: int, *runs: Callable[[], object]) -> list[float]:
    """The best CPU time of each run. CPU time, not wall time, and the runs take turns, so that
    other work on a shared machine disturbs the ratio as little as it can."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            start = time.process_time()
            run()
            best[i] = min(best[i], time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where validation spends its time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="coursepack-bench-") as tmp:
        root = Path(tmp)
        files = write_corpus(root, args.blocks)
        counts = [len(path.read_text(encoding="utf-8").split()) for path in files]
        courses, report, checked = validate_paths([root])
        if report.items or checked != len(files):
            print("\n".join(str(d) for d in report.sorted()[:20]), file=sys.stderr)
            print(f"the generated corpus must validate clean ({len(report.items)} diagnostics, {checked} blocks)", file=sys.stderr)
            return 1

        md = MarkdownIt("commonmark").enable("table")

        def bare() -> None:
            for path in files:
                md.render(path.read_text(encoding="utf-8"))

        validate_time, bare_time = best_of(args.repeats, lambda: validate_paths([root]), bare)
        ratio = validate_time / bare_time
        print(f"corpus:      {len(files)} blocks in {len(courses)} courses, {sum(counts):,} words ({min(counts):,} to {max(counts):,} a block)")
        print(f"validate:    {validate_time:.3f} s  CPU (blocks.validate.validate_paths, best of {args.repeats})")
        print(f"markdown-it: {bare_time:.3f} s  CPU (MarkdownIt('commonmark').enable('table').render, best of {args.repeats})")
        print(f"ratio:       {ratio:.2f}  (goal: at most 2.0) {'OK' if ratio <= 2.0 else 'ABOVE GOAL'}")

        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(validate_paths, [root])
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
