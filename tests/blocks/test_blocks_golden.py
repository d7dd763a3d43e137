"""Golden fixtures: each construct of SPEC sections 4-5 as a small block, its model and its HTML.

For every `fixtures/<name>.md` the expected model is `<name>.model.json` and the expected HTML
is `<name>.html`. After an intended change, regenerate them and read the diff by eye:

    COURSEPACK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/blocks
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blocks.build import ATTRIBUTES
from blocks.evaluation import standard_evaluation
from blocks.model import Block, QuestionType

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCES = sorted(FIXTURES.glob("*.md"))
# One fixture per container, per question type, and for the heading-id syntax.
REQUIRED = {*ATTRIBUTES, *(t.value for t in QuestionType), "heading-id"}


def model_text(block: Block, dump_model) -> str:
    return json.dumps(dump_model(block, FIXTURES), indent=2, ensure_ascii=False) + "\n"


def html_text(block: Block, dump_html) -> str:
    parts = [f"<!-- {where} -->\n{html.rstrip()}\n" for where, html in dump_html(block) if html]
    return "".join(parts)


def compare_or_update(path: Path, actual: str, update: bool) -> None:
    if update:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path.name} is missing; run with COURSEPACK_UPDATE_GOLDEN=1 and read it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from what the builder produces now"


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_fixture_builds_clean_and_matches_golden(source: Path, validate_file, dump_model, dump_html, update_golden: bool) -> None:
    block, report = validate_file(source)
    assert block is not None
    assert [str(d) for d in report.items] == [], "a golden fixture must be a valid block"
    assert block.evaluation == standard_evaluation()
    compare_or_update(source.with_suffix(".model.json"), model_text(block, dump_model), update_golden)
    compare_or_update(source.with_suffix(".html"), html_text(block, dump_html), update_golden)


def test_every_construct_has_a_fixture() -> None:
    assert REQUIRED <= {p.stem for p in SOURCES}


@pytest.mark.parametrize("kind", sorted(ATTRIBUTES))
def test_container_fixture_uses_its_container(kind: str) -> None:
    source = (FIXTURES / f"{kind}.md").read_text(encoding="utf-8")
    assert f":{kind} " in source or f":{kind}\n" in source


@pytest.mark.parametrize("qtype", list(QuestionType))
def test_question_type_fixture_holds_that_type(qtype: QuestionType, validate_file) -> None:
    block, _ = validate_file(FIXTURES / f"{qtype.value}.md")
    assert block is not None
    questions = [q for group in (*block.quizzes, *block.surveys) for q in group.questions]
    assert qtype in {q.type for q in questions}


def test_no_orphan_expected_files() -> None:
    stems = {p.stem for p in SOURCES}
    expected = [*FIXTURES.glob("*.model.json"), *FIXTURES.glob("*.html")]
    orphans = [p.name for p in expected if p.name.split(".")[0] not in stems]
    assert orphans == []


def test_facilitator_notes_stay_out_of_what_learners_get(validate_file) -> None:
    block, _ = validate_file(FIXTURES / "facilitator.md")
    assert block is not None
    activity = block.activities[0]
    assert "Model the activity first" in activity.facilitator_html
    assert "Model the activity first" not in activity.learner_html
    assert "Say your name and one hope" in activity.learner_html
