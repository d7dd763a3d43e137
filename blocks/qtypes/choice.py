"""What single and multiple choice share: options written as a task list, picked by token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.html import plain_text
from blocks.model import Question
from blocks.qtypes.base import Error, FieldNames, Form, QuestionKind, Reader, letter

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


class Choice(QuestionKind):
    """Options as task items (`- [x] right`, `- [ ] wrong`), each with optional feedback."""

    scored = True
    answer_list = "bullet_list"
    # Authors often write the right option first; on paper nothing reshuffles it per attempt.
    shuffled_in_print = True

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        return {"options": reader.options(answers)} if answers is not None else {}

    def check(self, question: Question, error: Error) -> None:
        if question.options and len(question.options) < 2:
            error("too-few-options", "needs at least two options")

    def correct_count(self, question: Question) -> int:
        return sum(option.correct for option in question.options)

    def answer_key(self, question: Question) -> str:
        return "; ".join(letter(i) for i, option in enumerate(question.options) if option.correct)

    def ordered(self, question: Question) -> int:
        return len(question.options)

    def option_label(self, question: Question, index: int) -> str:
        return f"{letter(index)}. {plain_text(question.options[index].html)}"

    def picked(self, question: Question, form: Form, names: FieldNames) -> list[int]:
        """The options the form picked, by their tokens."""
        tokens = [token for token in form.getlist(names.name(question)) if token]
        return [names.index(question, "option", token, len(question.options)) for token in tokens]
