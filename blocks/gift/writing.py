"""GIFT questions -> text, as Moodle's own exporter writes them: a comment with `[id:...]`, the
title, the stem with its format, the answers one a line, `####` general feedback. Every special
character of a text is escaped (`\\~ \\= \\# \\{ \\} \\: \\\\`) and line breaks become `\\n`, so a text
never ends a question or an answer early.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from blocks.gift.values import BLANK, Kind, Number, Question, Text, percent

_SPECIAL = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:",
                          "\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    return text.translate(_SPECIAL)


def write_file(questions: Iterable[Question]) -> str:
    """A GIFT file: a `$CATEGORY:` line wherever the category changes, questions parted by blank lines."""
    parts, category = [], ""
    for question in questions:
        if question.category and question.category != category:
            category = question.category
            parts.append(f"$CATEGORY: {category}")
        parts.append(write_question(question))
    return "\n\n".join(parts) + "\n"


def write_question(question: Question) -> str:
    marks = [f"[id:{question.ident.replace(']', chr(92) + ']')}]"] if question.ident else []
    marks += [f"[tag:{tag.replace(']', chr(92) + ']')}]" for tag in question.tags]
    head = f"// {' '.join(marks)}\n" if marks else ""
    title = f"::{escape(question.title)}::" if question.title else ""
    stem = _text(question.stem, "moodle")
    if question.kind == Kind.DESCRIPTION:
        return head + title + stem
    answers = _ANSWERS[question.kind](question)
    if question.general_feedback:
        answers += ("" if answers.endswith("\n") else "\n") + _general(question)
    answers = "{" + answers + "}"
    escaped_blank = escape(BLANK)
    body = stem.replace(escaped_blank, answers) if escaped_blank in stem else stem + answers
    return head + title + body


def _text(text: Text, default: str) -> str:
    """A text with its format named when it is not the one it would be read as."""
    prefix = f"[{text.format}]" if text.text and text.format != default else ""
    return prefix + escape(text.text)


def _feedback(feedback: Text, stem: Text) -> str:
    return f"#{_text(feedback, stem.format)}" if feedback else ""


def _general(question: Question) -> str:
    return f"\t####{_text(question.general_feedback, question.stem.format)}\n" if question.general_feedback else ""


def _multichoice(question: Question) -> str:
    lines = []
    for answer in question.answers:
        if question.single and answer.weight == 1:
            mark = "="
        else:
            mark = "~" if answer.weight == 0 else f"~%{percent(answer.weight)}%"
        lines.append(f"\t{mark}{_text(answer.text, question.stem.format)}{_feedback(answer.feedback, question.stem)}")
    return "\n" + "\n".join(lines) + "\n"


def _shortanswer(question: Question) -> str:
    lines = [f"\t={'' if answer.weight == 1 else f'%{percent(answer.weight)}%'}{escape(answer.text.text)}"
             f"{_feedback(answer.feedback, question.stem)}" for answer in question.answers]
    return "\n" + "\n".join(lines) + "\n"


def _number(number: Number) -> str:
    assert number.low is not None and number.high is not None
    if number.low == number.high:
        return format(number.low, "f")
    middle, tolerance = (number.low + number.high) / 2, (number.high - number.low) / 2
    return f"{_plain(middle)}:{_plain(tolerance)}"


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _numerical(question: Question) -> str:
    first = question.numbers[0]
    if len(question.numbers) == 1 and first.weight == 1 and not first.feedback:
        return "#" + _number(first)
    lines = []
    for number in question.numbers:
        if number.catch_all:
            lines.append(f"\t~{_feedback(number.feedback, question.stem) or '#'}")
        else:
            weight = "" if number.weight == 1 else f"%{percent(number.weight)}%"
            lines.append(f"\t={weight}{_number(number)}{_feedback(number.feedback, question.stem)}")
    return "#\n" + "\n".join(lines) + "\n"


def _match(question: Question) -> str:
    lines = [f"\t={_text(pair.term, question.stem.format)} -> {escape(pair.match)}" for pair in question.pairs]
    return "\n" + "\n".join(lines) + "\n"


def _ordering(question: Question) -> str:
    return question.header + "\n" + "\n".join(escape(item.text) for item in question.items) + "\n"


def _truefalse(question: Question) -> str:
    right, wrong = (question.true_feedback, question.false_feedback) if question.truth else (question.false_feedback, question.true_feedback)
    feedback = f"#{_text(wrong, question.stem.format)}#{_text(right, question.stem.format)}" if (right or wrong) else ""
    return ("TRUE" if question.truth else "FALSE") + feedback


_ANSWERS = {
    Kind.ESSAY: lambda question: "",
    Kind.TRUEFALSE: _truefalse,
    Kind.MULTICHOICE: _multichoice,
    Kind.SHORTANSWER: _shortanswer,
    Kind.NUMERICAL: _numerical,
    Kind.MATCH: _match,
    Kind.ORDERING: _ordering,
}
