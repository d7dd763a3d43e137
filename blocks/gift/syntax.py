"""Reading a GIFT file as Moodle does: blank lines part the questions, `//` lines are comments
(whose `[id:...]` and `[tag:...]` belong to the next question), `$CATEGORY:` sets the category
of the questions after it, and each question is parsed with the grammar in `grammar.lark`.

A question that cannot be read is reported with its line and title, and the rest still reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from blocks.gift.values import BLANK, FORMATS, Answer, Kind, Number, Pair, Parsed, Problem, Question, Text

_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n", "\\": "\\"}
_TRUTH = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
_CATEGORY = "$CATEGORY:"


class Malformed(ValueError):
    """A question that does not follow the grammar: line (in the file) and what is wrong."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@cache
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, start="question", parser="lalr", lexer="contextual", propagate_positions=True)


@dataclass
class _Chunk:
    """The lines of one question: where it starts, its text, its comments."""

    line: int
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def parse(text: str) -> Parsed:
    """Every question of a GIFT file, with its category; problems by line and title."""
    questions: list[Question] = []
    problems: list[Problem] = []
    category = ""
    for chunk in _chunks(text.lstrip("\ufeff")):
        body = chunk.text.strip()
        if body.startswith(_CATEGORY):
            category = unescape(body[len(_CATEGORY):]).strip()
            continue
        try:
            question = read_question(chunk.text, chunk.line)
        except Malformed as exc:
            problems.append(Problem(exc.line, _title_of(body), str(exc)))
            continue
        ident, tags = _comment_marks("\n".join(chunk.comments))
        questions.append(replace(question, ident=ident, tags=tags, category=category))
    return Parsed(tuple(questions), tuple(problems))


def _chunks(text: str) -> Iterator[_Chunk]:
    """The questions' lines, parted by blank lines; comment lines blanked (lines keep counting)."""
    chunk: _Chunk | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if chunk and chunk.text.strip():
                yield chunk
                chunk = None
            continue
        chunk = chunk or _Chunk(number)
        if line.strip().startswith("//"):
            chunk.comments.append(line.strip())
            line = ""
        chunk.lines.append(line)
    if chunk and chunk.text.strip():
        yield chunk


def _comment_marks(comments: str) -> tuple[str, tuple[str, ...]]:
    """Moodle's `[id:...]` (the first) and `[tag:...]` marks in a question's comments."""
    found = _ID.search(comments)
    ident = found[1].replace("\\]", "]").strip() if found else ""
    return ident, tuple(tag.replace("\\]", "]").strip() for tag in _TAG.findall(comments))


def _title_of(body: str) -> str:
    if body.startswith("::") and "::" in body[2:]:
        return unescape(body[2:body.index("::", 2)]).strip()
    return " ".join(body.split())[:60]


def read_question(text: str, first_line: int) -> Question:
    """One question's text (comment lines blanked) as a Question, or Malformed."""
    stripped = text.lstrip()
    first_line += text[:len(text) - len(stripped)].count("\n")
    text = stripped.rstrip()
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise Malformed(first_line + exc.line - 1, _explain(exc)) from None
    except LarkError as exc:  # pragma: no cover - the grammar reports input errors as above
        raise Malformed(first_line, str(exc)) from None
    return _Reader(text, first_line).question(tree)


def _explain(exc: UnexpectedInput) -> str:
    found = getattr(exc, "char", None) or getattr(getattr(exc, "token", None), "value", None) or "the end"
    return (f"unexpected {found!r} at column {exc.column}: a question is '::title:: text {{answers}}'; "
            "escape ~ = # { } : in texts with a backslash (\\{)")


class _Reader:
    """Turns the grammar's tree of one question into a Question, by Moodle's rules."""

    def __init__(self, text: str, first_line: int) -> None:
        self.source, self.first_line = text, first_line

    def question(self, tree: Tree) -> Question:
        title, stem_start = "", 0
        answers: Tree | None = None
        for child in tree.children:
            if isinstance(child, Token) and child.type == "TITLE":
                title, stem_start = unescape(child.value[2:-2]).strip(), child.end_pos or 0
            elif isinstance(child, Tree):
                answers = child
        line = self.first_line + (tree.meta.line - 1 if not tree.meta.empty else 0)
        if answers is None:
            stem = self.source[stem_start:].strip()
            return Question(Kind.DESCRIPTION, with_format(stem), line, title)
        before = self.source[stem_start:answers.meta.start_pos]
        after = self.source[answers.meta.end_pos:]
        stem = before.strip() if not after.strip() else before.lstrip() + BLANK + after.rstrip()
        stem_text = with_format(stem)
        question = Question(Kind.ESSAY, stem_text, line, title)
        return self._section(answers.children[0], question)

    # -- the answer section ------------------------------------------------------------------
    def _section(self, section: Tree, question: Question) -> Question:
        parts = _Parts.of(section, question.stem.format, self.source)
        question = replace(question, general_feedback=parts.general)
        if section.data == "numerical":
            return self._numerical(parts, question)
        if not parts.lead and not parts.choices:
            return question  # essay: `{}`
        if any(mark == "~" for mark, *_ in parts.choices):
            return self._multichoice(parts, question)
        if parts.lead is not None and parts.choices:
            raise Malformed(question.line, f"text {parts.lead.text!r} before the first answer: start each answer with = or ~")
        if parts.lead is not None:
            return self._lead_only(parts, question)
        if any("->" in raw for _, _, raw, _ in parts.choices):
            return self._match(parts, question)
        answers = tuple(Answer(with_format(raw, parts.format), 1.0 if weight is None else weight, fb)
                        for _, weight, raw, fb in parts.choices)
        return replace(question, kind=Kind.SHORTANSWER, answers=answers)

    def _multichoice(self, parts: _Parts, question: Question) -> Question:
        if parts.lead is not None:
            raise Malformed(question.line, f"text {parts.lead.text!r} before the first answer: start each answer with = or ~")
        single = any(mark == "=" for mark, *_ in parts.choices)
        answers = tuple(Answer(with_format(raw, parts.format), 1.0 if mark == "=" else (weight or 0.0), fb)
                        for mark, weight, raw, fb in parts.choices)
        if len(answers) < 2:
            raise Malformed(question.line, "a multiple-choice question needs at least two answers")
        return replace(question, kind=Kind.MULTICHOICE, single=single, answers=answers)

    def _match(self, parts: _Parts, question: Question) -> Question:
        pairs = []
        for _, _, raw, _ in parts.choices:
            term, arrow, match = raw.partition("->")
            if not arrow:
                raise Malformed(question.line, f"matching answer {raw.strip()!r} needs the form '=term -> match'")
            pairs.append(Pair(with_format(term.strip(), parts.format), unescape(match).strip()))
        return replace(question, kind=Kind.MATCH, pairs=tuple(pairs))

    def _lead_only(self, parts: _Parts, question: Question) -> Question:
        lead = parts.lead.text.strip()  # type: ignore[union-attr]
        if lead in _TRUTH:
            feedback = [*parts.lead_feedback, Text("", parts.format), Text("", parts.format)]
            wrong, right = feedback[0], feedback[1]
            truth = _TRUTH[lead]
            return replace(question, kind=Kind.TRUEFALSE, truth=truth,
                           true_feedback=right if truth else wrong, false_feedback=wrong if truth else right)
        if lead.startswith(">"):
            return self._ordering(lead, question)
        raise Malformed(question.line, f"cannot tell the type of the answers {{{lead}}}: use =right ~wrong, T or F, #number, or =term -> match")

    def _ordering(self, lead: str, question: Question) -> Question:
        """Moodle's ordering question: `{>N ALL VERTICAL ALL_OR_NOTHING` then one item a line."""
        header, _, body = lead.partition("\n")
        items = tuple(with_format(item.strip()) for item in body.splitlines() if item.strip())
        if len(items) < 2:
            raise Malformed(question.line, f"an ordering question ({header.strip()}) needs at least two items, one a line")
        return replace(question, kind=Kind.ORDERING, items=items, header=header.strip())

    def _numerical(self, parts: _Parts, question: Question) -> Question:
        numbers: list[Number] = []
        if parts.lead is not None:
            low, high = number_range(parts.lead.text, question.line)
            numbers.append(Number(low, high, 1.0, parts.lead_feedback[0] if parts.lead_feedback else Text("")))
        for mark, weight, raw, fb in parts.choices:
            if mark == "~":
                numbers.append(Number(None, None, 0.0, fb))
                continue
            low, high = number_range(raw, question.line)
            numbers.append(Number(low, high, 1.0 if weight is None else weight, fb))
        if not any(not n.catch_all for n in numbers):
            raise Malformed(question.line, "a numerical question needs a number, like {#1822}, {#3.14:0.01} or {#1..2}")
        return replace(question, kind=Kind.NUMERICAL, numbers=tuple(numbers))


@dataclass
class _Parts:
    """The answer section's pieces: a lead text and its feedback, the =/~ choices, general feedback."""

    format: str
    source: str = ""
    lead: Text | None = None
    lead_feedback: list[Text] = field(default_factory=list)
    choices: list[tuple[str, float | None, str, Text]] = field(default_factory=list)  # mark, weight, raw text, feedback
    general: Text = Text("")

    @classmethod
    def of(cls, section: Tree, fmt: str, source: str) -> _Parts:
        parts = cls(fmt, source)
        for child in section.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "lead":
                raw = _raw(child.children[0])
                parts.lead = Text(raw, fmt)  # as written: T/F, a number or ordering items, each read on its own
                feedback = child.children[1:]  # T/F: #wrong#right, a further # belongs to the right one
                pieces = [_raw(f.children[-1]) for f in feedback[:1]] + ([parts._span(feedback[1:])] if feedback[1:] else [])
                parts.lead_feedback = [with_format(piece, fmt) for piece in pieces]
            elif child.data == "choice":
                parts.choices.append(parts._choice(child))
            elif child.data == "general":
                parts.general = with_format(_raw(child.children[1]) if len(child.children) > 1 else "", fmt)
        return parts

    def _choice(self, choice: Tree) -> tuple[str, float | None, str, Text]:
        mark, weight, raw, feedback = "", None, "", Text("", self.format)
        pieces = [child for child in choice.children if isinstance(child, Tree) and child.data == "feedback"]
        if pieces:
            feedback = with_format(self._span(pieces), self.format)
        for child in choice.children:
            if isinstance(child, Token) and child.type in ("EQUALS", "TILDE"):
                mark = child.value
            elif isinstance(child, Token) and child.type == "WEIGHT":
                weight = float(child.value.strip("%").replace("--", "-")) / 100
            elif isinstance(child, Tree) and child.data == "text":
                # as written, spaces around every '->' kept: Moodle splits a matching answer at
                # the first one, and a match may hold more ('=plain -> text -> more')
                raw = self.source[child.meta.start_pos:child.meta.end_pos] if not child.meta.empty else _raw(child)
        return mark, weight, raw, feedback

    def _span(self, feedback: list[Tree]) -> str:
        """Feedback as written, from after its first # to its end (further # and spaces kept)."""
        return self.source[feedback[0].meta.start_pos + 1:feedback[-1].meta.end_pos]


def _raw(node: Tree | Token | None) -> str:
    """A text node's source (escapes still in), `->` included."""
    if node is None:
        return ""
    if isinstance(node, Token):
        return node.value if node.type != "HASH" else ""
    return "".join(token.value for token in node.children if isinstance(token, Token))


def unescape(text: str) -> str:
    """Undo GIFT's escapes; a backslash before anything else stays a backslash."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def with_format(raw: str, default: str = "moodle") -> Text:
    """A text with its `[format]` prefix read, as Moodle's parse_text_with_format does."""
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:
        name = raw[1:raw.index("]")]
        if name in FORMATS:
            return Text(unescape(raw[raw.index("]") + 1:]).strip(), name)
    return Text(unescape(raw).strip(), default)


def number_range(raw: str, line: int) -> tuple[Decimal, Decimal]:
    """`1822`, `3.1415:0.0005` or `3.141..3.142` as (low, high)."""
    text = unescape(raw).strip()
    try:
        if ".." in text[1:]:
            low, high = (Decimal(part.strip()) for part in text.split("..", 1))
        elif ":" in text[1:]:
            value, tolerance = (Decimal(part.strip()) for part in text.split(":", 1))
            low, high = value - abs(tolerance), value + abs(tolerance)
        else:
            low = high = Decimal(text)
    except InvalidOperation:
        raise Malformed(line, f"{text!r} is not a number: write 1822, 3.14:0.01 or 1..2") from None
    if not (low.is_finite() and high.is_finite()) or low > high:
        raise Malformed(line, f"{text!r} is not a range from a lower to a higher number")
    return low, high
