"""The validation rules of SPEC section 4, over built blocks and courses.

Syntax problems (unknown containers, attributes, types) are reported while building; the rules
here look at the whole block: ids, the agenda, answers, links. `validate_paths` is the pipeline
the `coursepack validate` command and every export run first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from blocks import item_writing
from blocks.catalogues import check_catalogues
from blocks.country import COUNTRIES, NOTE_FILE, check_notes, notes_folder, read_note
from blocks.evaluation import standard_evaluation
from blocks.load import Loader, find_courses, is_course
from blocks.media import ALLOWED_HINT, UnsafePath, media_problems, media_type, safe_file
from blocks.model import Block, Course, Question, Report
from blocks.qtypes import kind

AGENDA_GAP_WARNING = 10  # minutes of a block's duration left unplanned before we warn


def check_block(block: Block, report: Report) -> None:
    """Every rule that looks at one block as a whole."""
    _check_ids(block, report)
    _check_agenda(block, report)
    for quiz_or_survey in (*block.quizzes, *block.surveys):
        for question in quiz_or_survey.questions:
            _check_question(block, question, report)
    _check_links(block, report)
    _check_media(block, report)
    item_writing.check_block(block, report)


def check_course(course: Course, report: Report) -> None:
    seen: dict[str, Block] = {}
    for block in course.blocks:
        if block.id in seen:
            report.error(block.path, 1, "duplicate-block", f"block id {block.id!r} is also used by {seen[block.id].path}")
        seen[block.id] = block
    for block in course.blocks:
        for prerequisite in block.prerequisites:
            if prerequisite not in seen:
                report.error(block.path, 1, "unknown-prerequisite", f"prerequisite {prerequisite!r} is not a block of course {course.id!r}")
    item_writing.check_course(course, report)


def _ids(block: Block) -> Iterator[tuple[str, int, str]]:
    for section in block.sections:
        yield section.id, section.line, "section"
        for node in section.nodes(object):
            if getattr(node, "id", "") and hasattr(node, "line"):
                yield node.id, node.line, type(node).__name__.lower()
            for question in getattr(node, "questions", ()):
                yield question.id, question.line, "question"


def _check_ids(block: Block, report: Report) -> None:
    reserved = {standard_evaluation().id, *(q.id for q in standard_evaluation().questions)}
    first: dict[str, int] = {}
    for ident, line, what in _ids(block):
        if ident in reserved:
            report.error(block.path, line, "reserved-id", f"{what} id {ident!r} is reserved for the standard evaluation survey; choose another")
        if ident in first:
            report.error(block.path, line, "duplicate-id", f"{what} id {ident!r} is already used on line {first[ident]}; ids are unique in a block")
        else:
            first[ident] = line
    outcome_ids = [o.id for o in block.outcomes]
    for ident in {i for i in outcome_ids if outcome_ids.count(i) > 1}:
        report.error(block.path, 1, "duplicate-id", f"outcome id {ident!r} is used twice")


def _check_agenda(block: Block, report: Report) -> None:
    if block.duration < 1:
        return  # missing or not a number of minutes: the front matter's own error says so, once
    total = sum(activity.minutes for activity in block.activities)
    if total > block.duration:
        last = block.activities[-1].line
        report.error(block.path, last, "agenda-too-long", f"the activities add up to {total} minutes, more than the block's duration of {block.duration}: "
                     f"{_agenda_sum(block)}; shorten activities or raise duration")
    elif block.duration - total > AGENDA_GAP_WARNING:
        report.warning(block.path, 1, "agenda-gap", f"the activities add up to {total} of {block.duration} minutes, leaving {block.duration - total} unplanned: "
                       f"{_agenda_sum(block)}; add activities or lower duration")


def _agenda_sum(block: Block) -> str:
    """The sum an author checks by hand: each activity's minutes and line, then the total."""
    terms = [f"#{activity.id} {activity.minutes} (line {activity.line})" for activity in block.activities]
    return f"{' + '.join(terms) or 'no timed activities'} = {sum(a.minutes for a in block.activities)}"


def _check_question(block: Block, question: Question, report: Report) -> None:
    def error(code: str, message: str) -> None:
        report.error(block.path, question.line, code, f"question #{question.id}: {message}")

    kind(question).check(question, error)


def _check_links(block: Block, report: Report) -> None:
    section_ids = {s.id for s in block.sections}
    folder = block.folder.resolve()
    for link in block.links:
        parts = urlsplit(link.url)
        where = "image" if link.image else "link"
        if parts.scheme in ("http", "https") or link.url.startswith("//"):
            if link.image:
                report.error(block.path, link.line, "external-image", f"external image {link.url!r} is refused; save it in media/ and link it relatively")
            continue
        if parts.scheme in ("mailto", "tel"):
            continue
        if parts.scheme or parts.netloc:
            report.error(block.path, link.line, "bad-link", f"{where} {link.url!r} uses a scheme coursepack does not allow; link to media/ or an http(s) page")
            continue
        if not parts.path:
            if parts.fragment and parts.fragment not in section_ids:
                report.error(block.path, link.line, "broken-anchor", f"link {link.url!r} names no section of this block")
            continue
        target = (folder / unquote(parts.path)).resolve()
        if parts.path.startswith("/") or not _inside(target, folder):
            report.error(block.path, link.line, "link-outside-block", f"{where} {link.url!r} points outside the block folder; copy the file into media/ and link it relatively")
        elif not target.is_file():
            report.error(block.path, link.line, "missing-media", f"{where} {link.url!r} does not exist; add the file to {block.folder.name}/media/ or fix the path")
        else:
            _check_linked_file(block, link.line, where, link.url, unquote(parts.path), report)


def _check_linked_file(block: Block, line: int, where: str, url: str, relative: str, report: Report) -> None:
    """A linked file is served only from media/, by the same rule as the player's media route."""
    try:
        safe_file(block.folder, relative)
    except UnsafePath:
        report.error(block.path, line, "media-symlink", f"{where} {url!r} goes through a symlink, which is never served; copy the file into media/")
        return
    if not relative.startswith("media/"):
        report.error(block.path, line, "link-outside-media", f"{where} {url!r} is not in media/, and only media/ is served; move the file into media/")
    elif media_type(relative) is None:
        report.error(block.path, line, "media-type", f"{where} {url!r} is not a type the player serves ({ALLOWED_HINT}); link a PNG, PDF or another allowed type")


def _check_media(block: Block, report: Report) -> None:
    """Everything in media/ is checked, linked or not: the player would serve it to anyone."""
    for problem in media_problems(block.folder / "media"):
        report.error(problem.path, 1, problem.code, problem.message)


def _inside(target: Path, folder: Path) -> bool:
    return os.path.commonpath([target, folder]) == str(folder)


def validate_paths(paths: Iterable[Path]) -> tuple[list[Course], Report, int]:
    """Load and check courses or single blocks: the courses, the report, and how many blocks were read.

    A courses folder's country notes (`countries/`, see `blocks.country`) are checked with it.
    """
    loader = Loader()
    courses: list[Course] = []
    for path in paths:
        if not path.exists():
            loader.report.error(path, 0, "missing-file", "no such file or folder")
        elif is_course(path) or (path.is_dir() and find_courses(path)):
            for folder in find_courses(path):
                if course := loader.course(folder):
                    check_course(course, loader.report)
                    check_catalogues(course.source, loader.report)
                    courses.append(course)
            if not is_course(path):
                check_notes(notes_folder(path), loader.report)
        elif path.is_dir() and path.name == COUNTRIES:
            check_notes(path, loader.report)
        elif path.name == NOTE_FILE and path.parent.parent.name == COUNTRIES:
            read_note(path, loader.report)
        else:
            loader.block(path)
    for block in loader.blocks:
        check_block(block, loader.report)
        check_catalogues(block.path, loader.report)  # here, not in check_block: the player finds them as it reads them
    return courses, loader.report, len(loader.blocks)
