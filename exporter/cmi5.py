"""cmi5 course packages: a course (or some of its blocks) as one zip, one AU per block.

The AUs' pages and runtime come from `exporter.package`, the same as a SCORM SCO's, with the
runtime in its cmi5 mode (it reads the launch parameters and sends xAPI statements to the LMS).
This module adds the course structure, `cmi5.xml` (from `templates/package/cmi5.xml.j2`), and
writes the zip. Unlike SCORM, cmi5 was made for several AUs in one package: each AU reports on
its own and the LMS judges each by its own `moveOn`, so a course is one package (docs/scorm.md).

    from exporter.cmi5 import export_cmi5
    package = export_cmi5(course, blocks=["a-cultural-sensitivity"], lang="uk")
    package.data, package.name  # the zip's bytes, and the file name it suggests
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from blocks.model import Block, Course
from exporter.pack import load_valid_course, select_blocks
from exporter.package import COUNTED_KINDS, block_files, package_environment
from exporter.scorm import Package, mastery_score, zip_entries

VERSION = "cmi5"  # what data.js tells the runtime: report through cmi5, not a SCORM API
_URN = "urn:coursepack"  # ids the LMS keeps for the course and its AUs; no web address is implied


@dataclass(frozen=True)
class Au:
    """One assignable unit of the course structure: a block, launched from its own folder."""

    block: Block
    id: str
    url: str
    move_on: str
    mastery: str | None


def export_cmi5(course: Course | Path, blocks: Sequence[str] = (), lang: str | None = None) -> Package:
    """The cmi5 package of a course's blocks (all of them by default): validated first (a
    course with errors raises `ValidationFailed`), each block in `lang` (its quiz units must all
    be translated; other units fall back to the source), `ExportError` for anything else to mend."""
    loaded = course if isinstance(course, Course) else load_valid_course(course)
    chosen = select_blocks(loaded, blocks, lang, participant=True)
    return Package(cmi5_zip(loaded, chosen, lang=lang), package_name(loaded, chosen, lang))


def cmi5_zip(course: Course, blocks: Sequence[Block], *, lang: str | None = None) -> bytes:
    """The course structure at the root and each block's files in a folder named by its id."""
    entries = [("cmi5.xml", course_structure(course, blocks, lang=lang).encode())]
    for block in blocks:
        entries += [(f"{block.id}/{file.path}", file.data) for file in block_files(course, block, version=VERSION)]
    return zip_entries(entries)


def package_name(course: Course, blocks: Sequence[Block], lang: str | None) -> str:
    if len(blocks) == 1:
        return f"{blocks[0].id}-{blocks[0].lang}-cmi5.zip"
    return f"{course.id}-{lang or 'source'}-cmi5.zip"


def course_structure(course: Course, blocks: Sequence[Block], *, lang: str | None = None) -> str:
    """`cmi5.xml`: the course's title and summary, then one AU per block in the order given."""
    shown = lang or course.lang
    return package_environment(shown).get_template("package/cmi5.xml.j2").render(
        course_id=course_id(course), lang=shown, title=course.title_in(shown),
        description=course.summary_in(shown), aus=[au(course, block) for block in blocks],
    )


def au(course: Course, block: Block) -> Au:
    """A block's AU. The masteryScore is given only for a block with one counted quiz: an AU
    must judge passed and failed by the masteryScore the LMS hands it, and that agrees with the
    quizzes' own pass marks (SPEC section 6) only when there is one of them."""
    mastery = mastery_score(block, "1.2")
    return Au(block=block, id=f"{course_id(course)}:{block.id}", url=f"{block.id}/index.html",
              move_on=move_on(block), mastery=None if mastery is None else f"{mastery / 100:.2f}")


def course_id(course: Course) -> str:
    """The course's publisher id: stable across versions and languages, so that an LMS that
    imports a newer package, or another language, knows it as the same course."""
    return f"{_URN}:{course.id}"


def move_on(block: Block) -> str:
    """"Passed" for a block with a check quiz or final test (a pass mark to reach), else
    "Completed": what the LMS waits for before the learner moves on."""
    return "Passed" if any(quiz.kind in COUNTED_KINDS for quiz in block.quizzes) else "Completed"
