"""Each question type has one home (blocks/qtypes/<type>.py) and its two templates, and every
part a type must state is there: a type that lacks one cannot be registered."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from blocks.model import QuestionType
from blocks.qtypes import KINDS
from blocks.qtypes.base import QuestionKind

REPO = Path(__file__).resolve().parents[2]
PLAYER_TEMPLATES = REPO / "player" / "web" / "templates"
PACK_TEMPLATES = REPO / "exporter" / "templates"
# A comparison of a question's type, in Python or Jinja (markdown-it token types are another thing).
TYPE_BRANCH = re.compile(r"QuestionType\.[A-Z]+|\b(q|question)\.type(\.value)?\s*(==|!=|in\b|not in\b)|\bqtype\s*(==|!=|in\b|not in\b)")


@pytest.mark.parametrize("qtype", list(QuestionType))
def test_every_type_has_a_module_with_every_part(qtype: QuestionType) -> None:
    found = KINDS.get(qtype)
    assert isinstance(found, QuestionKind) and found.type == qtype
    assert not inspect.isabstract(type(found))
    assert type(found).__module__ == f"blocks.qtypes.{qtype.value}"


def test_a_type_lacking_a_part_cannot_be_made() -> None:
    class Partial(QuestionKind):
        type = QuestionType.SINGLE
        scored = True
        answer_list = None

    with pytest.raises(TypeError, match="abstract"):
        Partial()  # type: ignore[abstract]


@pytest.mark.parametrize("qtype", list(QuestionType))
def test_every_type_has_its_player_pack_and_package_templates(qtype: QuestionType) -> None:
    player = Environment(loader=FileSystemLoader(PLAYER_TEMPLATES)).parse(
        (PLAYER_TEMPLATES / "questions" / f"{qtype.value}.html").read_text(encoding="utf-8"))
    pack = Environment(loader=FileSystemLoader(PACK_TEMPLATES), extensions=["jinja2.ext.i18n"]).parse(
        (PACK_TEMPLATES / "pack" / "questions" / f"{qtype.value}.html.j2").read_text(encoding="utf-8"))
    package = Environment(loader=FileSystemLoader(PACK_TEMPLATES), extensions=["jinja2.ext.i18n"]).parse(
        (PACK_TEMPLATES / "package" / "questions" / f"{qtype.value}.html.j2").read_text(encoding="utf-8"))
    assert _macros(player) == {"fields", "result"}
    assert _macros(pack) == {"printed", "answer", "key"}
    assert _macros(package) == {"fields"}  # SCORM pages: what scores and explains is in data.js


def _macros(tree) -> set[str]:  # noqa: ANN001
    from jinja2 import nodes
    return {macro.name for macro in tree.find_all(nodes.Macro)}


def test_nothing_outside_the_homes_branches_on_a_type() -> None:
    """Outside blocks/qtypes and the per-type templates, code dispatches to a type's home; only
    the model (which names the types) and the survey every block ends with construct them."""
    allowed = {REPO / "blocks" / "model.py", REPO / "blocks" / "evaluation.py"}
    offenders = []
    for root in ("blocks", "exporter", "player"):
        for path in (REPO / root).rglob("*"):
            if path.suffix not in (".py", ".html", ".j2") or "qtypes" in path.parts or "questions" in path.parts:
                continue
            if path in allowed:
                continue
            offenders += [f"{path.relative_to(REPO)}:{n}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                          if TYPE_BRANCH.search(line)]
    assert offenders == []


def test_reading_and_writing_gift_are_parts_every_type_states() -> None:
    """Moodle GIFT import and export (docs/gift.md) ask each type's home, never a table elsewhere."""
    assert {"to_gift", "from_gift"} <= QuestionKind.__abstractmethods__
    for found in KINDS.values():
        assert "to_gift" in vars(type(found)) or any("to_gift" in vars(base) for base in type(found).__mro__[1:-2])
