"""Trainer and participant packs: the export pipeline, and the functions the player calls.

For the player (trainer downloads)::

    from exporter.pack import export_pack, ExportError, ValidationFailed
    pdf: bytes = export_pack(course, blocks=["d-safeguarding"], participant=True)

`course` is a loaded `blocks.model.Course` or the path of a course folder. `blocks` picks and
orders blocks by id (default: all of them, in course order); `lang` prints every block in that
language from its PO catalogue (refused when quiz or facilitator units are missing, unless
`allow_incomplete`); `participant=True` leaves out facilitator notes, answer keys,
option feedback and explanations. It raises `ValidationFailed` (with `.report`) when the course
has validation errors and `ExportError` for anything else a user must mend. For several packs
at once (languages, or a trainer and a participant pack), `build_packs` renders them in parallel
processes and returns `PackResult`s whose `.path` points into the cache.

Every export runs the same steps, top to bottom in `build_pack`:

1. key: hash everything that goes into the pack (`exporter.cache`); an unchanged pack is
   returned from the cache at once. A key covers the exact bytes that were validated before,
   so a hit needs no new validation: the answer would be the same.
2. validate: refuse a course with errors, with the full validation report.
3. build HTML: `exporter.html`, pure.
4. render: `exporter.pdf`, WeasyPrint with the safe URL fetcher.
5. write: into the cache, atomically; the CLI copies the file where it was asked to.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from blocks.build import translated_block
from blocks.catalogues import catalogue_path
from blocks.country import CountryNote, NoteNotFound, country_for, find_note, notes_folder, read_note
from blocks.frontmatter import _MISTAKEN_LANGS
from blocks.l10n import Translation
from blocks.load import CourseNotFound, find_course as locate_course, is_course
from blocks.model import Block, Course, Report
from blocks.validate import validate_paths
from exporter.cache import PackCache, pack_key
from exporter.html import pack_html, pack_language
from exporter.pdf import ExportError, Rendered, render_pdf

Progress = Callable[[str], None]

__all__ = [
    "ExportError", "PackRequest", "PackResult", "ValidationFailed", "build_pack", "build_packs",
    "export_pack", "find_course",
]


class ValidationFailed(ExportError):
    """The course has validation errors; `report` holds all of them."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"the course has {len(report.errors)} validation error(s); mend them and export again")
        self.report = report


@dataclass(frozen=True)
class PackRequest:
    """One pack to export: which course, which blocks, which language, for whom, for which country."""

    course: Path
    blocks: tuple[str, ...] = ()
    lang: str | None = None
    participant: bool = False
    allow_incomplete: bool = False
    issued: date = field(default_factory=date.today)
    country: str | None = None  # a country code, "none", or None for the language's country

    @property
    def label(self) -> str:
        """How progress lines name this pack: `core-blocks (en, participant)`."""
        details = [self.lang or "source language"] + (["participant"] if self.participant else [])
        return f"{self.course.name} ({', '.join(details)})"

    def options(self) -> dict[str, object]:
        return {**asdict(self), "course": None, "issued": self.issued.isoformat()}


@dataclass(frozen=True)
class PackResult:
    request: PackRequest
    path: Path
    pages: int
    seconds: float
    cached: bool


@dataclass(frozen=True)
class Prepared:
    """A validated pack as HTML, with the folders its renderer may read."""

    html: str
    roots: tuple[Path, ...]
    base: Path


def build_pack(request: PackRequest, *, cache: PackCache | None = None, progress: Progress | None = None) -> PackResult:
    """Export one pack: from the cache when nothing changed, else validate, build, render, write."""
    cache = cache or PackCache()
    key = pack_key(request.course, request.options())
    if entry := cache.get(key):
        return PackResult(request, entry.path, entry.pages, 0.0, cached=True)
    prepared = prepare(request)
    _say(progress, f"rendering {request.label}...")
    rendered = render_pdf(prepared.html, prepared.roots, prepared.base)
    return _store(cache, key, request, rendered, progress)


def build_packs(requests: Sequence[PackRequest], *, cache: PackCache | None = None, progress: Progress | None = None) -> list[PackResult]:
    """Export several packs; validation first for all, then the renders in parallel processes."""
    cache = cache or PackCache()
    keys = [pack_key(request.course, request.options()) for request in requests]
    results: dict[int, PackResult] = {}
    pending: dict[int, Prepared] = {}
    for index, (request, key) in enumerate(zip(requests, keys)):
        if entry := cache.get(key):
            results[index] = PackResult(request, entry.path, entry.pages, 0.0, cached=True)
        else:
            pending[index] = prepare(request)
    render = _render_in_parallel if len(pending) > 1 else _render_here
    for index, rendered in render(pending, requests, progress):
        results[index] = _store(cache, keys[index], requests[index], rendered, progress)
    return [results[index] for index in range(len(requests))]


def export_pack(course: Course | Path, *, blocks: Sequence[str] | None = None, lang: str | None = None,
                participant: bool = False, allow_incomplete: bool = False, country: str | None = None,
                cache: PackCache | None = None) -> bytes:
    """The player's entry point: the pack's PDF bytes (rendered, or from the cache)."""
    folder = course.path if isinstance(course, Course) else Path(course)
    request = PackRequest(folder, tuple(blocks or ()), lang, participant, allow_incomplete, country=country)
    return build_pack(request, cache=cache).path.read_bytes()


def prepare(request: PackRequest) -> Prepared:
    """Validate the course, pick its blocks and build the pack's HTML."""
    course = load_valid_course(request.course)
    chosen = select_blocks(course, request.blocks, request.lang, participant=request.participant,
                           allow_incomplete=request.allow_incomplete,
                           what_allows="print those units in the source language with a coverage page")
    note = country_note(course.path, request.country, pack_language(chosen))
    html = pack_html(course, chosen, participant=request.participant, issued=request.issued, country=note,
                     allow_incomplete=request.allow_incomplete)
    return Prepared(html, (course.path, *(block.folder for block in chosen)), course.path)


def country_note(course: Path, country: str | None, lang: str) -> CountryNote | None:
    """The note a pack of `course` prints in its language `lang` (`blocks.country` says which).

    A country asked for and missing, or a note with errors, is refused; a language's country
    without a note in this courses folder just leaves the note out.
    """
    code = country_for(country, lang)
    if code is None:
        return None
    try:
        path = find_note(notes_folder(course.parent), code)
    except NoteNotFound as exc:
        if country:
            raise ExportError(str(exc)) from None
        return None
    report = Report()
    note = read_note(path, report, lang)
    if report.errors or note is None:
        problems = "\n".join(str(diagnostic) for diagnostic in report.sorted())
        raise ExportError(f"the country note {path} has errors; mend them and export again:\n{problems}")
    return note


def load_valid_course(folder: Path) -> Course:
    """The course in `folder`, or ValidationFailed with the whole report."""
    if not is_course(folder):
        raise ExportError(f"{folder} is not a course folder: it has no course.yaml")
    courses, report, _ = validate_paths([folder])
    if report.errors or not courses:
        raise ValidationFailed(report)
    return courses[0]


def select_blocks(course: Course, wanted: Sequence[str], lang: str | None, *,
                  participant: bool = False, allow_incomplete: bool = False, what_allows: str = "") -> list[Block]:
    """The blocks asked for, in the order asked, each in the language asked.

    A block is translated unit by unit from its catalogue. A trainer pack needs every quiz and
    facilitator unit translated (a participant pack every quiz unit), or `allow_incomplete`,
    in which case untranslated units print in the source language and the pack says how much.
    `what_allows`: what --allow-incomplete does for this export, offered when the translation is
    short; an export without the option (SCORM, cmi5) offers none.
    """
    unknown = [ident for ident in wanted if course.block(ident) is None]
    if unknown:
        known = ", ".join(block.id for block in course.blocks)
        raise ExportError(f"course {course.id!r} has no block {', '.join(map(repr, unknown))}; its blocks are: {known}")
    chosen = [course.block(ident) for ident in dict.fromkeys(wanted)] if wanted else list(course.blocks)
    if not lang:
        return chosen  # type: ignore[return-value]
    if lang not in course.languages:
        meant = f" (did you mean {_MISTAKEN_LANGS[lang]!r}?)" if lang in _MISTAKEN_LANGS else ""
        raise ExportError(f"course {course.id!r} is not offered in {lang!r}{meant}; its languages (course.yaml) are: {', '.join(course.languages)}")
    translated = [in_language(block, lang) for block in chosen]  # type: ignore[arg-type]
    needed = ("quiz",) if participant else ("quiz", "facilitator")
    short = [(block, translation.missing_in(*needed)) for block, translation in translated if translation.missing_in(*needed)]
    if short and not allow_incomplete:
        details = "; ".join(f"{block.id}: {len(units)} quiz or facilitator unit(s) untranslated" for block, units in short)
        remedy = f", or export with --allow-incomplete to {what_allows}" if what_allows else ""
        raise ExportError(f"the {lang!r} translation is incomplete ({details}). Finish it (coursepack translate status){remedy}.")
    return [block for block, _translation in translated]


def in_language(block: Block, lang: str) -> tuple[Block, Translation]:
    """A block in `lang`: its own when written in it, else assembled from its catalogue."""
    if block.lang == lang:
        return block, Translation(lang)
    if not catalogue_path(block.path, lang).is_file():
        raise ExportError(f"block {block.id!r} has no {lang!r} catalogue; create it with 'coursepack translate update --lang {lang}'")
    return translated_block(block, lang)


def find_course(name: str, courses: Path) -> Path:
    """A course folder from a path, or from a course id or folder name under `courses`."""
    try:
        return locate_course(name, courses)
    except CourseNotFound as exc:
        raise ExportError(str(exc)) from None


def _render_here(pending: dict[int, Prepared], requests: Sequence[PackRequest], progress: Progress | None) -> Iterator[tuple[int, Rendered]]:
    """Render in this process: one pack is not worth starting another interpreter for."""
    for index, prepared in pending.items():
        _say(progress, f"rendering {requests[index].label}...")
        yield index, render_pdf(prepared.html, prepared.roots, prepared.base)


def _render_in_parallel(pending: dict[int, Prepared], requests: Sequence[PackRequest], progress: Progress | None) -> Iterator[tuple[int, Rendered]]:
    """Render each prepared pack in its own process, yielding (index, Rendered) as each ends."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked locks or fonts
    workers = min(len(pending), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: dict[Future[Rendered], int] = {}
        for index, prepared in pending.items():
            _say(progress, f"rendering {requests[index].label}...")
            futures[pool.submit(render_pdf, prepared.html, prepared.roots, prepared.base)] = index
        for future in as_completed(futures):
            yield futures[future], future.result()


def _store(cache: PackCache, key: str, request: PackRequest, rendered: Rendered, progress: Progress | None) -> PackResult:
    entry = cache.put(key, rendered.pdf, rendered.pages)
    _say(progress, f"{request.label}: {rendered.pages} pages in {rendered.seconds:.1f} s")
    return PackResult(request, entry.path, entry.pages, rendered.seconds, cached=False)


def _say(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)
