"""A learner's hands on a package page (SCORM or cmi5): fill a quiz by a response as the
server stores it, walk the steps, answer every quiz right or wrong."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame

from blocks.model import Block, Question, QuestionType, Quiz
from blocks.scoring import correct_response
from exporter.package import shown_order
from tests.player.helpers import wrong_response


def fill(frame: Frame, quiz: Quiz, question: Question, response: dict[str, Any]) -> None:
    """Put a response (by source index, as the server stores it) into the package's form."""
    form = frame.locator(f"#quiz-{quiz.id}")
    shown = list(shown_order(question, quiz.shuffle))
    qtype, name = question.type, question.id
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        picked = [response["choice"]] if qtype == QuestionType.SINGLE else response["choices"]
        for box in form.locator(f'input[name="{name}"]').all():
            box.set_checked(shown[int(box.get_attribute("value"))] in picked)
    elif qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        for index, answer in enumerate(response["gaps"]):
            form.locator(f'input[name="{name}-{index}"]').fill(answer)
    elif qtype == QuestionType.MATCH:
        for term, match in enumerate(response["matches"]):
            form.locator(f'select[name="{name}-{term}"]').select_option(str(shown.index(match)))
    elif qtype == QuestionType.ORDER:
        for place, item in enumerate(response["order"]):
            form.locator(f'select[name="{name}-{shown.index(item)}"]').select_option(str(place + 1))


def answer_quiz(frame: Frame, quiz: Quiz, right: bool) -> None:
    for question in quiz.questions:
        if question.type in (QuestionType.LIKERT, QuestionType.REFLECTION):
            continue
        fill(frame, quiz, question, correct_response(question) if right else wrong_response(question))
    frame.locator(f"#quiz-{quiz.id} button[type=submit]").click()
    frame.locator(f"#quiz-{quiz.id} .quiz-status").filter(has_text="%").wait_for()


def step_of(block: Block, quiz: Quiz) -> int:
    return next(i for i, section in enumerate(block.sections) if quiz in section.nodes(Quiz))


def go_to(frame: Frame, step: int) -> None:
    current = int(frame.locator(".step:not([hidden])").get_attribute("data-step"))
    while current != step:
        frame.locator(f'nav.steps button[data-go="{1 if step > current else -1}"]').click()
        current = int(frame.locator(".step:not([hidden])").get_attribute("data-step"))


def walk(frame: Frame, block: Block, right: bool) -> None:
    """Every step in order, each quiz answered (a limited one until its attempts are used up)."""
    for index, section in enumerate(block.sections):
        go_to(frame, index)
        for quiz in section.nodes(Quiz):
            for _ in range(1 if right or quiz.attempts is None else quiz.attempts):
                answer_quiz(frame, quiz, right)
