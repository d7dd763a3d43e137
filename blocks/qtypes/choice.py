"""What single and multiple choice share: options written as a task list, picked by token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.gift.text import as_html, feedback_lines, inline, markdown
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
        """The right options themselves: letters would name positions, and a package or a page
        shows the options in another order than the source's (the printed key letters them in
        the printed order, pack/questions/_choice.html.j2)."""
        return "; ".join(option.html for option in question.options if option.correct)

    def package_key(self, question: Question) -> dict[str, Any] | None:
        right = [i for i, option in enumerate(question.options) if option.correct]
        return {"rule": "choice", "right": right, "partial": question.partial}

    def ordered(self, question: Question) -> int:
        return len(question.options)

    def option_label(self, question: Question, index: int) -> str:
        return f"{letter(index)}. {plain_text(question.options[index].html)}"

    def picked(self, question: Question, form: Form, names: FieldNames) -> list[int]:
        """The options the form picked, by their tokens."""
        tokens = [token for token in form.getlist(names.name(question)) if token]
        return [names.index(question, "option", token, len(question.options)) for token in tokens]

    # -- GIFT: the parts single and multiple share ------------------------------------------
    def gift_question(self, question: Question, weights: list[float], single: bool) -> gift.Question:
        """The question as GIFT multiple choice, each option with its weight and feedback."""
        answers = tuple(gift.Answer(as_html(option.html), weight, as_html(option.feedback_html))
                        for option, weight in zip(question.options, weights))
        return gift.Question(gift.Kind.MULTICHOICE, as_html(question.stem_html), single=single, answers=answers)

    def gift_body(self, stem: gift.Text, options: list[tuple[gift.Text, bool, gift.Text]]) -> str:
        """A stem (a missing word shown as a blank) and its task list, with feedback under each option."""
        lines = [missing_word(stem), ""]
        for text, right, feedback in options:
            lines.append(f"- [{'x' if right else ' '}] {inline(text)}")
            if feedback:
                lines.append(feedback_lines(feedback))
        return "\n".join(lines)


def missing_word(stem: gift.Text) -> str:
    """A stem in Markdown; a missing word's place (GIFT's answers inside the sentence) as a blank."""
    return markdown(stem).replace(gift.BLANK, "\\_\\_\\_\\_\\_")
