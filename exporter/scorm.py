"""SCORM packages: one block, one SCO, in a zip an LMS imports (SCORM 1.2 or 2004 4th edition).

The block's page and its runtime come from `exporter.package`; this module adds the manifest
(`imsmanifest.xml`, from `templates/package/imsmanifest-<version>.xml.j2`) and writes the zip.
Multi-SCO packages are where LMSs fail most (completion lost between SCOs), so a course is
exported as one package per block, in a zip of zips (docs/scorm.md).

    from exporter.scorm import export_scorm
    package = export_scorm(course, blocks=["a-cultural-sensitivity"], lang="uk", version="1.2")
    package.data, package.name  # the zip's bytes, and the file name it suggests
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from blocks.model import Block, Course
from exporter.pack import load_valid_course, select_blocks
from exporter.package import COUNTED_KINDS, block_files, package_environment

VERSIONS = ("1.2", "2004")
DEFAULT_VERSION = "1.2"  # what Moodle plays best
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # every entry's date: the same package, the same bytes


@dataclass(frozen=True)
class Package:
    data: bytes
    name: str


def export_scorm(course: Course | Path, blocks: Sequence[str] = (), lang: str | None = None, *,
                 version: str = DEFAULT_VERSION) -> Package:
    """The package of one block, or a zip of one package per block: validated first (a course
    with errors raises `ValidationFailed`), each block in `lang` (its quiz units must all be
    translated; other units fall back to the source), `ExportError` for anything else to mend."""
    if version not in VERSIONS:
        raise ValueError(f"SCORM version {version!r} is not one of {', '.join(VERSIONS)}")
    loaded = course if isinstance(course, Course) else load_valid_course(course)
    chosen = select_blocks(loaded, blocks, lang, participant=True)
    if len(chosen) == 1:
        return Package(scorm_zip(loaded, chosen[0], version=version), package_name(chosen[0], version))
    suffix = f"{lang or 'source'}-scorm{version.replace('.', '')}"
    return Package(course_zip(loaded, chosen, version=version), f"{loaded.id}-{suffix}.zip")


def scorm_zip(course: Course, block: Block, *, version: str = DEFAULT_VERSION) -> bytes:
    """One block as a SCORM package: its page, runtime, media and manifest, zipped."""
    if version not in VERSIONS:
        raise ValueError(f"SCORM version {version!r} is not one of {', '.join(VERSIONS)}")
    files = block_files(course, block, version=version)
    manifest = manifest_xml(course, block, [f.path for f in files], version=version)
    return zip_entries([("imsmanifest.xml", manifest.encode()), *((f.path, f.data) for f in files)])


def course_zip(course: Course, blocks: Sequence[Block], *, version: str = DEFAULT_VERSION) -> bytes:
    """Several blocks: one package per block, in a zip of zips (`<block>-scorm<version>.zip`)."""
    return zip_entries([(package_name(block, version), scorm_zip(course, block, version=version)) for block in blocks])


def package_name(block: Block, version: str) -> str:
    return f"{block.id}-{block.lang}-scorm{version.replace('.', '')}.zip"


def manifest_xml(course: Course, block: Block, files: Sequence[str], *, version: str) -> str:
    """The manifest: the block as one SCO, every file listed, the pass mark where it is one number."""
    return package_environment(block.lang).get_template(f"package/imsmanifest-{version}.xml.j2").render(
        identifier=identifier(course, block), title=course.title_in(block.lang), block=block,
        files=sorted(files), mastery=mastery_score(block, version),
    )


def identifier(course: Course, block: Block) -> str:
    """An XML ID (letters first, no spaces), stable for the course, block and version."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", f"coursepack.{course.id}.{block.id}.v{block.version}")


def mastery_score(block: Block, version: str) -> int | None:
    """The pass mark the LMS may judge by: in SCORM 1.2 only for a block with one counted quiz
    (an LMS that compares the block's mean score with a mastery score would otherwise pass a
    learner who failed one of two quizzes); in 2004 the quizzes' pass mark when they share one."""
    marks = {quiz.pass_mark for quiz in block.quizzes if quiz.kind in COUNTED_KINDS}
    counted = [quiz for quiz in block.quizzes if quiz.kind in COUNTED_KINDS]
    if len(marks) != 1 or (version == "1.2" and len(counted) != 1):
        return None
    return marks.pop()


def zip_entries(entries: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip of (path, bytes), the same bytes for the same entries (fixed dates and modes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
