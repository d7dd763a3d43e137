"""What the participant pack leaves out (the trainer's pages) and how choices are printed on paper."""

from __future__ import annotations

import re

import pytest

from blocks.load import Loader
from blocks.model import Course, QuestionType
from exporter.html import environment, pack_html, printed_order
from tests.exporter.helpers import ISSUED, REPO

TRAINER_ONLY = {
    "materials checklist": 'id="materials"',
    "distress protocol addressed to the facilitator": 'id="distress-protocol"',
    "disclosure guidance addressed to the facilitator": 'id="disclosure"',
    "attendance sheet": 'id="annex-attendance"',
    "certificate template": 'id="annex-certificate"',
}


@pytest.fixture(scope="module")
def core() -> Course:
    course = Loader().course(REPO / "courses" / "core-blocks")
    assert course is not None
    return course


@pytest.fixture(scope="module")
def packs(core: Course) -> dict[str, str]:
    blocks = core.blocks[:1]
    return {audience: pack_html(core, blocks, participant=audience == "participant", issued=ISSUED)
            for audience in ("trainer", "participant")}


@pytest.mark.parametrize("page", sorted(TRAINER_ONLY))
def test_trainer_pages_are_in_the_trainer_pack_only(packs: dict[str, str], page: str) -> None:
    assert TRAINER_ONLY[page] in packs["trainer"]
    assert TRAINER_ONLY[page] not in packs["participant"]


def test_the_participant_pack_tells_the_participant_what_to_do_when_it_is_too_much(packs: dict[str, str]) -> None:
    assert 'id="looking-after-yourself"' in packs["participant"]
    assert 'id="referral-list"' in packs["participant"]  # where to get help stays
    assert "Certificate template" not in packs["participant"] and "Attendance sheet" not in packs["participant"]


def test_choice_options_print_in_a_stable_shuffled_order_seeded_by_block_and_question(core: Course) -> None:
    choices = [(block, q) for block in core.blocks for quiz in block.quizzes for q in quiz.questions
               if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE)]
    orders = [printed_order(q, block) for block, q in choices]
    assert all(sorted(order) == list(range(len(q.options))) for order, (_b, q) in zip(orders, choices))
    assert sum(order != tuple(range(len(order))) for order in orders) > len(orders) / 2, "most are shuffled"
    assert orders == [printed_order(q, block) for block, q in choices], "the same pack prints the same"
    other = core.blocks[1]
    assert any(printed_order(q, block) != printed_order(q, other) for block, q in choices), "the block is part of the seed"


def test_the_key_letters_name_the_right_options_as_printed(core: Course) -> None:
    block = core.blocks[0]
    for q in (q for quiz in block.quizzes for q in quiz.questions if q.type == QuestionType.SINGLE):
        order = printed_order(q, block)
        key = str(environment().get_template("pack/questions/single.html.j2").module.answer(q, block)).strip()  # type: ignore[attr-defined]
        assert q.options[order[ord(key) - ord("A")]].correct


def test_the_participant_pack_prints_no_key_and_the_trainer_pack_one_per_quiz(packs: dict[str, str]) -> None:
    assert 'class="key"' not in packs["participant"]
    assert len(re.findall(r'class="key" id=', packs["trainer"])) >= 1
