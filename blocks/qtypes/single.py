"""single: one right option of a task list. Response: {"choice": 2} (the option's source index)."""

from __future__ import annotations

from typing import Any

from blocks.gift import values as gift
from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, InvalidResponse, index_in
from blocks.qtypes.choice import Choice

# How a GIFT true/false question's two options read in each language of the bundled content.
TRUTH_WORDS = {"en": ("True", "False"), "uk": ("Правда", "Неправда"), "mk": ("Точно", "Неточно"), "bg": ("Вярно", "Невярно")}


class Single(Choice):
    type = QuestionType.SINGLE

    def check(self, question: Question, error: Error) -> None:
        super().check(question, error)
        correct = self.correct_count(question)
        if question.options and correct != 1:
            error("single-correct", f"a single-choice question has exactly one correct option ('- [x]'), not {correct}; use type=multiple for several")

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        index_in(response.get("choice"), len(question.options))

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        return 1.0 if question.options[response["choice"]].correct else 0.0

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"choice": next(i for i, option in enumerate(question.options) if option.correct)}

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        picked = self.picked(question, form, names)
        if len(picked) > 1:
            raise InvalidResponse(f"question {question.id}: one choice, not {len(picked)}")
        return {"choice": picked[0]} if picked else None

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return self.option_label(question, response["choice"])

    def chosen_options(self, response: dict[str, Any]) -> list[int]:
        return [response["choice"]]

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question:
        return self.gift_question(question, [1.0 if option.correct else 0.0 for option in question.options], single=True)

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """True/false, and multiple choice with one right answer (`=`)."""
        if item.kind == gift.Kind.TRUEFALSE:
            true, false = TRUTH_WORDS.get(notes.lang, TRUTH_WORDS["en"])
            options = [(gift.Text(true, "plain"), item.truth, item.true_feedback),
                       (gift.Text(false, "plain"), not item.truth, item.false_feedback)]
            return Imported({"type": str(self.type)}, self.gift_body(item.stem, options))
        if item.kind != gift.Kind.MULTICHOICE or not item.single:
            return None
        right = next(i for i, answer in enumerate(item.answers) if answer.weight >= 0.999)
        for index, answer in enumerate(item.answers):
            if index != right and answer.weight != 0:
                notes.lossy(f"answer {index + 1} weighs {gift.percent(answer.weight)}%: a single-choice question gives full marks or none, so it counts as wrong")
        options = [(answer.text, index == right, answer.feedback) for index, answer in enumerate(item.answers)]
        return Imported({"type": str(self.type)}, self.gift_body(item.stem, options))
