"""`coursepack translate`: PO catalogues per block (and one for the course's own texts) and
language. Thin over blocks.l10n and blocks.catalogues."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from blocks import catalogues, country, l10n, xliff
from blocks.load import CourseNotFound, find_course, units_of_course
from blocks.model import Block, Course, Report
from blocks.validate import validate_paths

Owner = Course | Block | country.NoteCatalogue  # what has catalogues: a course's texts, a block, a country note
# What to translate: each owner, its units, and the languages to work on.
Work = list[tuple[Owner, list[l10n.Unit], list[str]]]


def _courses() -> Path:
    return Path(os.environ.get("COURSEPACK_COURSES", "courses"))


def _course(name: str) -> Course:
    """The course named on the command line, refused with its report when it has errors."""
    try:
        folder = find_course(name, _courses())
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


def _status(owner: Owner, units: list[l10n.Unit], lang: str) -> catalogues.Status:
    """A catalogue's counts, the course's own texts named as such."""
    found = catalogues.catalogue_status(owner, units, lang)
    return replace(found, block_id=f"{owner.id} (course)") if isinstance(owner, Course) else found


def _notes(name: str) -> list[country.NoteCatalogue] | None:
    """The country notes when NAME is `countries` (under the courses directory) or a countries
    folder; refused with the report when one has errors. None when NAME means a course."""
    folder = Path(name) if Path(name).name == country.COUNTRIES and Path(name).is_dir() else None
    if folder is None and name == country.COUNTRIES:
        folder = country.notes_folder(_courses())
    if folder is None:
        return None
    report = Report()
    country.check_notes(folder, report)
    if report.errors:
        for diagnostic in report.sorted():
            click.echo(str(diagnostic), err=True)
        raise click.ClickException(f"{folder} has country notes with errors; fix them before translating")
    return [note for code in country.available(folder) if (note := country.catalogue_view(folder / code / country.NOTE_FILE, report))]


def _work(name: str, lang: str | None) -> Work:
    """The course's texts and each block of a course, or each country note, with its units and
    the languages to work on: a note's are those its front matter lists, a block's its course's."""
    notes = _notes(name)
    if notes is not None:
        return [(note, country.note_units(note.source.read_text(encoding="utf-8"), note.source),
                 [code for code in ([lang] if lang else note.languages) if code in note.languages and code != note.lang])
                for note in notes]
    found = _course(name)
    return [(owner, _units(owner), _targets(found, owner, lang)) for owner in _owners(found)]


class _Catalogues(click.Group):
    """A catalogue that cannot be read stops the command with where and how to mend it, before
    anything is written (`translate update` would otherwise rewrite it and lose text)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except catalogues.CatalogueError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Catalogues, context_settings={"help_option_names": ["-h", "--help"]})
def translate() -> None:
    """Localise a course's blocks with one PO catalogue per block and language.

    COURSE may also be `countries`: the country notes beside the courses, each translated into
    the languages its front matter lists.
    """


@translate.command()
@click.argument("course")
@click.option("--lang", help="Only this language (default: every language in course.yaml but the source).")
@click.option("--minor", is_flag=True, help="The source changed only in typos: carry translations over without marking them fuzzy.")
def update(course: str, lang: str | None, minor: bool) -> None:
    """Create or refresh locales/<lang>.po beside course.yaml and beside each block of COURSE."""
    for owner, units, codes in _work(course, lang):
        for code in codes:
            result = catalogues.update_catalogue(owner, units, code, minor=minor)
            click.echo(f"{result.path}: {result.kept} kept, {result.fuzzy} fuzzy, {result.new} new, {result.obsolete} obsolete")


@translate.command()
@click.argument("course")
@click.option("--lang", help="Only this language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(course: str, lang: str | None, fmt: str) -> None:
    """Translated, fuzzy and untranslated units per block (and the course's texts) and language."""
    rows = [_status(owner, units, code) for owner, units, codes in _work(course, lang) for code in codes]
    if fmt == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    click.echo(f"{'block':<28} {'lang':<5} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'invalid':>7} {'done':>6}  review")
    for row in rows:
        click.echo(f"{row.block_id:<28} {row.lang:<5} {row.translated:>10} {row.fuzzy:>6} {row.untranslated:>12} {row.invalid:>7} "
                   f"{row.percent_shown():>5.0f}%  {row.review}")
    for line in _status_summary(rows):
        click.echo(line)


def _status_summary(rows: list[catalogues.Status]) -> list[str]:
    """What the table means for each language: what is left to do, and whether it is reviewed.

    Said in words because a column of percentages hides one fuzzy unit in four hundred."""
    lines = []
    for lang in dict.fromkeys(row.lang for row in rows):
        mine = [row for row in rows if row.lang == lang]
        fuzzy, missing, invalid = (sum(getattr(row, name) for row in mine) for name in ("fuzzy", "untranslated", "invalid"))
        drafts = sum(row.draft for row in mine)
        left = "complete" if not (fuzzy or missing or invalid) else f"{fuzzy} fuzzy, {missing} untranslated, {invalid} invalid unit(s) left"
        review = f"; {drafts} of {len(mine)} catalogue(s) are drafts awaiting review by a native-speaking subject expert" if drafts else ""
        lines.append(f"{lang}: {left}{review}")
    return lines


SHOWN_LEFT = 20  # fuzzy and untranslated units listed per catalogue by `check`


@translate.command()
@click.argument("course")
@click.option("--lang", required=True, help="The language to check.")
def check(course: str, lang: str) -> None:
    """Exit 0 when every unit of COURSE is translated into LANG, 1 when anything is fuzzy or missing."""
    incomplete = [row for owner, units, codes in _work(course, lang) for code in codes
                  for row in [_status(owner, units, code)] if not row.complete]
    for row in incomplete:
        click.echo(f"{row.block_id} ({lang}): {row.fuzzy} fuzzy, {row.untranslated} untranslated, {row.invalid} invalid", err=True)
        for problem in row.problems:  # where each invalid one is, and why the player refuses it
            click.echo(f"  {problem}", err=True)
        for unit in row.left[:SHOWN_LEFT]:  # where the last ones are; a new language's hundreds are not listed
            click.echo(f"  {unit}", err=True)
        if len(row.left) > SHOWN_LEFT:
            click.echo(f"  ... and {len(row.left) - SHOWN_LEFT} more fuzzy or untranslated", err=True)
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
        for problem in catalogues.catalogue_status(block, _units(block), lang).problems:
            click.echo(f"cannot be used, the source is shown instead: {problem}", err=True)
