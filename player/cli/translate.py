"""`coursepack translate`: PO catalogues per block (and one for the course's own texts) and
language. Thin over blocks.l10n and blocks.catalogues."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from blocks import catalogues, l10n, xliff
from blocks.load import CourseNotFound, find_course, units_of_course
from blocks.model import Block, Course
from blocks.validate import validate_paths


def _course(name: str) -> Course:
    """The course named on the command line, refused with its report when it has errors."""
    try:
        folder = find_course(name, Path(os.environ.get("COURSEPACK_COURSES", "courses")))
    except CourseNotFound as exc:
        raise click.ClickException(str(exc)) from None
    courses, report, _ = validate_paths([folder])
    if report.errors or not courses:
        for diagnostic in report.sorted():
            click.echo(str(diagnostic), err=True)
        raise click.ClickException(f"{folder} has validation errors; fix them before translating")
    return courses[0]


def _targets(course: Course, owner: Course | Block, lang: str | None) -> list[str]:
    """The languages to work on for a block (or the course's texts): the one asked for, else the
    course's others."""
    wanted = [lang] if lang else list(course.languages)
    return [code for code in wanted if code != owner.lang]


def _owners(course: Course) -> list[Course | Block]:
    """What has catalogues: the course's own texts, then each block."""
    return [course, *course.blocks]


def _units(owner: Course | Block) -> list[l10n.Unit]:
    if isinstance(owner, Course):
        return units_of_course(owner)
    return l10n.extract_units(owner.path.read_text(encoding="utf-8"), owner.path)


def _status(owner: Course | Block, lang: str) -> catalogues.Status:
    """A catalogue's counts, the course's own texts named as such."""
    found = catalogues.catalogue_status(owner, _units(owner), lang)
    return replace(found, block_id=f"{owner.id} (course)") if isinstance(owner, Course) else found


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def translate() -> None:
    """Localise a course's blocks with one PO catalogue per block and language."""


@translate.command()
@click.argument("course")
@click.option("--lang", help="Only this language (default: every language in course.yaml but the source).")
@click.option("--minor", is_flag=True, help="The source changed only in typos: carry translations over without marking them fuzzy.")
def update(course: str, lang: str | None, minor: bool) -> None:
    """Create or refresh locales/<lang>.po beside course.yaml and beside each block of COURSE."""
    found = _course(course)
    for owner in _owners(found):
        units = _units(owner)
        for code in _targets(found, owner, lang):
            result = catalogues.update_catalogue(owner, units, code, minor=minor)
            click.echo(f"{result.path}: {result.kept} kept, {result.fuzzy} fuzzy, {result.new} new, {result.obsolete} obsolete")


@translate.command()
@click.argument("course")
@click.option("--lang", help="Only this language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(course: str, lang: str | None, fmt: str) -> None:
    """Translated, fuzzy and untranslated units per block (and the course's texts) and language."""
    found = _course(course)
    rows = [_status(owner, code) for owner in _owners(found) for code in _targets(found, owner, lang)]
    if fmt == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    click.echo(f"{'block':<28} {'lang':<5} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'invalid':>7} {'done':>6}")
    for row in rows:
        click.echo(f"{row.block_id:<28} {row.lang:<5} {row.translated:>10} {row.fuzzy:>6} {row.untranslated:>12} {row.invalid:>7} {row.percent:>5.0f}%")


@translate.command()
@click.argument("course")
@click.option("--lang", required=True, help="The language to check.")
def check(course: str, lang: str) -> None:
    """Exit 0 when every unit of COURSE is translated into LANG, 1 when anything is fuzzy or missing."""
    found = _course(course)
    incomplete = [row for owner in _owners(found) if owner.lang != lang
                  for row in [_status(owner, lang)] if not row.complete]
    for row in incomplete:
        click.echo(f"{row.block_id} ({lang}): {row.fuzzy} fuzzy, {row.untranslated} untranslated, {row.invalid} invalid", err=True)
    click.echo(f"{lang}: {'incomplete' if incomplete else 'complete'}", err=True)
    sys.exit(1 if incomplete else 0)


@translate.command("export-xliff")
@click.argument("course")
@click.option("--lang", required=True)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for one .xlf file per block.")
def export_xliff(course: str, lang: str, output: Path) -> None:
    """Write each block's catalogue as XLIFF 1.2 for CAT tools."""
    found = _course(course)
    output.mkdir(parents=True, exist_ok=True)
    for block in found.blocks:
        if block.lang != lang:
            target = output / f"{block.id}.{lang}.xlf"
            xliff.po_to_xliff(catalogues.catalogue_path(block.path, lang), target)
            click.echo(f"wrote {target}")


@translate.command("import-xliff")
@click.argument("course")
@click.option("--lang", required=True)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_xliff(course: str, lang: str, files: tuple[Path, ...]) -> None:
    """Take translations back from XLIFF files named <block-id>.<lang>.xlf into the catalogues."""
    found = _course(course)
    for path in files:
        block = found.block(path.name.split(".")[0])
        if block is None:
            raise click.ClickException(f"{path.name}: no block {path.name.split('.')[0]!r} in course {found.id!r}; keep the exported file names")
        taken = xliff.xliff_into_po(path, catalogues.catalogue_path(block.path, lang))
        click.echo(f"{block.id}: {taken} translation(s) taken from {path.name}")
