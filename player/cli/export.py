"""`coursepack export`: printable outputs. Thin: each command calls the exporter and reports."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click

from exporter.cache import PackCache
from exporter.cmi5 import export_cmi5
from exporter.pack import ExportError, PackRequest, PackResult, ValidationFailed, build_packs, find_course
from exporter.scorm import DEFAULT_VERSION, VERSIONS as SCORM_VERSIONS, export_scorm
from player.cli.app import settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def export() -> None:
    """Print trainer packs and participant packs as PDF; package blocks for an LMS (SCORM, cmi5)."""


@export.command()
@click.argument("course")
@click.option("--block", "blocks", multiple=True, metavar="ID", help="Only this block; repeat for several, in the order given.")
@click.option("--lang", "langs", multiple=True, metavar="L", help="Language of the pack; repeat to export several languages in parallel. Default: each block's source language.")
@click.option("--participant", is_flag=True, help="The participant pack: no facilitator notes, answer keys, option feedback or explanations.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF (default: COURSE-pack.pdf, or COURSE-participant-pack.pdf).")
@click.option("--allow-incomplete", is_flag=True, help="Export a language even when some of its quiz or facilitator units are not translated yet: they print in the source language, marked with its code, and a coverage page says how much is translated.")
@click.option("--country", metavar="CODE", help="Print the country note of CODE (mk, ua, bg: a folder of countries/ beside the courses) in the annex; 'none' for no note. Default: the country of the pack's language (mk: mk, uk: ua, bg: bg), when it has a note.")
def pack(course: str, blocks: tuple[str, ...], langs: tuple[str, ...], participant: bool, output: Path | None, allow_incomplete: bool, country: str | None) -> None:
    """Export the trainer pack (or participant pack) of COURSE as PDF.

    COURSE is a course id under the courses directory ($COURSEPACK_COURSES, default ./courses)
    or the path of a course folder. The course is validated first; a course with errors is
    refused with the validation report. Unchanged packs come from the cache ($COURSEPACK_CACHE,
    default cache/ in the instance folder, beside the default database).
    """
    try:
        folder = find_course(course, Path(os.environ.get("COURSEPACK_COURSES", "courses")))
        requests = [PackRequest(folder, blocks, lang, participant, allow_incomplete, country=country) for lang in (dict.fromkeys(langs) or (None,))]
        results = build_packs(requests, cache=PackCache(settings(None)["PACK_CACHE"]), progress=lambda line: click.echo(line, err=True))
    except ValidationFailed as exc:
        for diagnostic in exc.report.sorted():
            click.echo(f"{diagnostic}{'' if diagnostic.severity == 'error' else ' (warning)'}", err=True)
        raise click.ClickException(str(exc)) from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    for result in results:
        _write(result, _output_path(output, folder.name, result.request, several=len(results) > 1))


def _output_path(output: Path | None, name: str, request: PackRequest, several: bool) -> Path:
    """The file for one pack; with several languages each gets its code before the suffix."""
    base = output or Path(f"{name}-{'participant-' if request.participant else ''}pack.pdf")
    return base.with_name(f"{base.stem}-{request.lang}{base.suffix}") if several else base


def _write(result: PackResult, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result.path, target)
    origin = "unchanged, from the cache" if result.cached else f"rendered in {result.seconds:.1f} s"
    click.echo(f"wrote {target}: {result.pages} pages ({origin})")


@export.command()
@click.argument("course")
@click.option("--block", "blocks", multiple=True, metavar="ID", help="Only this block; repeat for several. Default: every block of the course.")
@click.option("--lang", metavar="L", help="Language of the package; every quiz unit of the block's catalogue must be translated. Default: each block's source language.")
@click.option("--version", "version", type=click.Choice(SCORM_VERSIONS), default=DEFAULT_VERSION, show_default=True, help="SCORM 1.2 (what Moodle plays best) or SCORM 2004 4th edition.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the zip. Default: the package's own name in the current folder (BLOCK-LANG-scorm12.zip, or COURSE-LANG-scorm12.zip for several blocks).")
def scorm(course: str, blocks: tuple[str, ...], lang: str | None, version: str, output: Path | None) -> None:
    """Package COURSE's blocks for an LMS as SCORM: one block, one SCO.

    One block gives one package to import into the LMS; several blocks give a zip holding one
    package per block (import each). A package is a self-contained web page that scores its
    quizzes itself and reports completion, success and score to the LMS; see docs/scorm.md.
    """
    try:
        folder = find_course(course, Path(os.environ.get("COURSEPACK_COURSES", "courses")))
        package = export_scorm(folder, blocks, lang, version=version)
    except ValidationFailed as exc:
        for diagnostic in exc.report.sorted():
            click.echo(f"{diagnostic}{'' if diagnostic.severity == 'error' else ' (warning)'}", err=True)
        raise click.ClickException(str(exc)) from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    target = output or Path(package.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(package.data)
    click.echo(f"wrote {target}: SCORM {version}, {len(package.data) // 1024 + 1} KB")


@export.command()
@click.argument("course")
@click.option("--block", "blocks", multiple=True, metavar="ID", help="Only this block; repeat for several, in the order given. Default: every block of the course.")
@click.option("--lang", metavar="L", help="Language of the package; every quiz unit of each block's catalogue must be translated. Default: each block's source language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the zip. Default: the package's own name in the current folder (COURSE-LANG-cmi5.zip, or BLOCK-LANG-cmi5.zip for one block).")
def cmi5(course: str, blocks: tuple[str, ...], lang: str | None, output: Path | None) -> None:
    """Package COURSE for an LMS as cmi5: one package, one AU per block.

    The package holds cmi5.xml and each block's self-contained page, which scores its quizzes
    itself and sends xAPI statements (initialized, completed, passed or failed, terminated) to
    the LMS that launched it; see docs/scorm.md.
    """
    try:
        folder = find_course(course, Path(os.environ.get("COURSEPACK_COURSES", "courses")))
        package = export_cmi5(folder, blocks, lang)
    except ValidationFailed as exc:
        for diagnostic in exc.report.sorted():
            click.echo(f"{diagnostic}{'' if diagnostic.severity == 'error' else ' (warning)'}", err=True)
        raise click.ClickException(str(exc)) from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    target = output or Path(package.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(package.data)
    click.echo(f"wrote {target}: cmi5, {len(package.data) // 1024 + 1} KB")
