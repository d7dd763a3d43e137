"""The `coursepack` command: thin; each command calls one function and reports its outcome."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from blocks.validate import validate_paths


def default_courses() -> Path:
    return Path(os.environ.get("COURSEPACK_COURSES", "courses"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """coursepack: build, check, print and serve short training blocks."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format.")
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check courses, course folders or blocks (default: the courses directory).

    Exit 0 when there are no errors (warnings allowed), 1 when there are errors.
    """
    courses, report, blocks = validate_paths(paths or (default_courses(),))
    if fmt == "json":
        payload = {
            "errors": [d.as_dict() for d in report.sorted() if d.severity == "error"],
            "warnings": [d.as_dict() for d in report.sorted() if d.severity == "warning"],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for diagnostic in report.sorted():
            click.echo(str(diagnostic) if diagnostic.severity == "error" else f"{diagnostic} (warning)")
        click.echo(f"checked {len(courses)} course(s), {blocks} block(s): {len(report.errors)} error(s), {len(report.warnings)} warning(s)", err=True)
    sys.exit(1 if report.errors else 0)
