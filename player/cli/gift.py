"""`coursepack import gift` and `coursepack export gift`: Moodle's GIFT question format. Thin:
each command calls `blocks.gift_import` or `blocks.gift_export` and reports what was lost."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from blocks.gift_export import export_gift
from blocks.gift_import import import_gift
from blocks.syntax.attributes import ID_PATTERN
from exporter.pack import ExportError, ValidationFailed, find_course, load_valid_course, select_blocks


@click.group("import", context_settings={"help_option_names": ["-h", "--help"]})
def import_() -> None:
    """Bring questions in from other systems."""


@import_.command("gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "folder", required=True, type=click.Path(file_okay=False, path_type=Path), help="The block folder to write block.md into.")
@click.option("--lang", default="en", show_default=True, metavar="L", help="The language the questions are written in (the block's lang).")
@click.option("--block-id", metavar="ID", help="The block's id (default: the folder's name).")
@click.option("--force", is_flag=True, help="Replace the folder's block.md if it has one.")
def import_gift_command(file: Path, folder: Path, lang: str, block_id: str | None, force: bool) -> None:
    """Write a block from a Moodle GIFT file: one quiz per $CATEGORY, or one quiz.

    Prints, by GIFT line and question title, what could not be carried over and which questions
    could not be read; the other questions are imported. Exit 1 when a question was left out.
    """
    block_id = block_id or folder.name
    if not ID_PATTERN.match(block_id):
        raise click.BadParameter(f"{block_id!r} is not an id ([a-z0-9][a-z0-9-]*); give one with --block-id", param_hint="--block-id")
    target = folder / "block.md"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; choose a new folder, or replace it with --force")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    result = import_gift(text, lang=lang, block_id=block_id, name=file.name)
    if not result.imported and not result.errors:
        raise click.ClickException(f"{file} holds no GIFT question (a question is a text followed by its answers in "
                                   "braces, like 'Capital of France? {=Paris ~Lyon}'); nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(result.source, encoding="utf-8")
    for note in result.notes:
        click.echo(f"{_relative(file)}:{note.line}: {note.severity}: {note.title}: {note.message}", err=True)
    click.echo(f"wrote {target}: {result.imported} question(s); {len(result.errors)} left out, "
               f"{len(result.notes) - len(result.errors)} note(s) on what did not carry over", err=True)
    sys.exit(1 if result.errors else 0)


def _relative(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


@click.command("gift")
@click.argument("course")
@click.option("--block", "blocks", multiple=True, metavar="ID", help="Only this block; repeat for several, in the order given.")
@click.option("--lang", metavar="L", help="Export every block in this language. Default: each block's source language.")
@click.option("--allow-incomplete", is_flag=True, help="Export a language whose quiz units are not all translated (they stay in the source language).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The GIFT file to write.")
def export_gift_command(course: str, blocks: tuple[str, ...], lang: str | None, allow_incomplete: bool, output: Path) -> None:
    """Export the quiz questions of COURSE as a Moodle GIFT file.

    One $CATEGORY per block and quiz; every question carries its stable id ([id:...]) so a
    re-import into Moodle updates it. What GIFT cannot hold is printed per question.
    """
    try:
        folder = find_course(course, Path(os.environ.get("COURSEPACK_COURSES", "courses")))
        loaded = load_valid_course(folder)
        chosen = select_blocks(loaded, blocks, lang, participant=True, allow_incomplete=allow_incomplete,
                               what_allows="keep those units in the source language")
    except ValidationFailed as exc:
        for diagnostic in exc.report.sorted():
            click.echo(f"{diagnostic}{'' if diagnostic.severity == 'error' else ' (warning)'}", err=True)
        raise click.ClickException(str(exc)) from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    result = export_gift(chosen, loaded.title_in(lang or loaded.lang))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.text, encoding="utf-8")
    for note in result.notes:
        click.echo(f"{note.block}#{note.question}: {note.message}", err=True)
    click.echo(f"wrote {output}: {result.exported} question(s), {result.skipped} left out, {len(result.notes)} note(s)", err=True)
