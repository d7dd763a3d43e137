"""Shared helpers for the tests of the `blocks` package: building blocks, dumping the model.

Test modules cannot import a conftest, so the helpers are handed out as fixtures.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from blocks.build import build_block
from blocks.evaluation import standard_evaluation
from blocks.load import Loader, load_courses
from blocks.model import Block, Report
from blocks.validate import check_block

REPO = Path(__file__).resolve().parents[2]
COURSES = REPO / "courses"

MINIMAL_FRONT_MATTER = """\
---
id: {id}
title: {title}
lang: en
version: 1
duration: {duration}
summary: A minimal block written for a test.
outcomes:
  - {{id: o1, text: Pass the test.}}
---
"""


def model_dump(block: Block, root: Path) -> dict[str, Any]:
    """The block as plain JSON data: dataclasses.asdict, plus the class name of every node.

    The class name matters: a Facilitator and a Markup node have the same fields, and telling
    them apart is what keeps trainer notes away from learners. The standard evaluation survey
    is the same in every block, so it is written as a marker when it is the standard one.
    """
    data = _plain(block, root)
    if block.evaluation == standard_evaluation():
        data["evaluation"] = "standard evaluation survey"
    return data


def _plain(value: Any, root: Path) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _plain(getattr(value, f.name), root) for f in dataclasses.fields(value)}
        return {"_type": type(value).__name__, **fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return Path(os.path.relpath(value, root)).as_posix()
    if isinstance(value, (tuple, list)):
        return [_plain(item, root) for item in value]
    return value


# Fields of the model that hold rendered HTML (besides every field whose name ends in "html").
HTML_SEQUENCES = ("hints", "items")


def html_fields(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every rendered-HTML string in a model value, with a path naming where it sits."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        label = type(value).__name__
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            path = f"{where}.{f.name}" if where else f.name
            if f.name.endswith("html") and isinstance(item, str):
                yield f"{path} ({label})", item
            elif f.name in HTML_SEQUENCES and isinstance(item, tuple):
                yield from ((f"{path}[{i}] ({label})", html) for i, html in enumerate(item))
            else:
                yield from html_fields(item, path)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from html_fields(item, f"{where}[{i}]")


def block_html_fields(block: Block) -> Iterator[tuple[str, str]]:
    """The HTML of one block, without the standard evaluation survey every block shares."""
    for name in ("intro", "sections"):
        yield from html_fields(getattr(block, name), name)


@pytest.fixture
def build() -> Callable[..., tuple[Block | None, Report]]:
    """Build a block from text (no whole-block rules); returns the block and the report."""

    def _build(text: str, path: Path | None = None) -> tuple[Block | None, Report]:
        report = Report()
        block = build_block(text, path or REPO / "tests" / "blocks" / "block.md", report)
        return block, report

    return _build


@pytest.fixture
def validate_file() -> Callable[[Path], tuple[Block | None, Report]]:
    """Load one block file and run every rule on it, as `coursepack validate FILE` does."""

    def _validate(path: Path) -> tuple[Block | None, Report]:
        loader = Loader()
        block = loader.block(path)
        if block is not None:
            check_block(block, loader.report)
        return block, loader.report

    return _validate


@pytest.fixture
def minimal_block() -> Callable[..., str]:
    """A complete block: minimal valid front matter followed by `body`."""

    def _minimal(body: str, id: str = "test-block", title: str = "Test block", duration: int = 10) -> str:
        return MINIMAL_FRONT_MATTER.format(id=id, title=title, duration=duration) + "\n" + body

    return _minimal


@pytest.fixture(scope="session")
def bundled_blocks() -> list[Block]:
    """Every block of the bundled courses, loaded once."""
    loader = Loader()
    load_courses(COURSES, loader)
    assert loader.blocks, "the bundled courses hold no blocks"
    return loader.blocks


@pytest.fixture
def update_golden() -> bool:
    """COURSEPACK_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing."""
    return os.environ.get("COURSEPACK_UPDATE_GOLDEN") == "1"


@pytest.fixture
def dump_model() -> Callable[[Block, Path], dict[str, Any]]:
    return model_dump


@pytest.fixture
def dump_html() -> Callable[[Block], Iterator[tuple[str, str]]]:
    return block_html_fields
