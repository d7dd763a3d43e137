"""`coursepack import gift` and `coursepack export gift`: Moodle's GIFT question format. Thin:
each command calls `blocks.gift_import` or `blocks.gift_export` and reports what was lost."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from blocks.gift_import import import_gift
from blocks.syntax.attributes import ID_PATTERN


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
