"""Reading one `:::question` container: its type, stem, answers, hints and explanation.

What is the same for every type lives here (the stem, hints, the explanation, the shape of a
list item); what a type reads from its answers, and which attributes it takes, its own module in
`blocks.qtypes` says.
"""

from __future__ import annotations

import difflib
from html import escape
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from blocks.html import plain_text, render_inline, render_tokens
from blocks.model import Gap, Markup, Node, Option, Pair, Question, QuestionType
from blocks.qtypes import KINDS
from blocks.qtypes.base import QuestionKind
from blocks.syntax.attributes import Attributes
from blocks.syntax.containers import CONTAINER
from blocks.wording import article

# The attributes only some types take, and which types take each (for the error message).
TYPE_ATTRIBUTES: dict[str, list[str]] = {}
for _kind in KINDS.values():
    for _name in _kind.attributes:
        TYPE_ATTRIBUTES.setdefault(_name, []).append(str(_kind.type))
ATTRIBUTES = frozenset({"type", "points", *TYPE_ATTRIBUTES})


class Builder(Protocol):
    """What a question needs of the block builder (`blocks.build.BlockBuilder`) that reads it."""

    md: MarkdownIt
    gaps: list[tuple[Token, int]]

    def error(self, line: int, code: str, message: str) -> None: ...
    def container(self, node: SyntaxTreeNode, parent: str) -> Node | Question | None: ...
    def html(self, children: Iterable[SyntaxTreeNode], parent: str) -> str: ...
    def integer(self, attrs: Attributes, key: str, line: int, default: int | None, minimum: int = 0, maximum: int | None = None) -> int | None: ...
    def boolean(self, attrs: Attributes, key: str, line: int, default: bool) -> bool: ...
    def choice(self, attrs: Attributes, key: str, line: int, allowed: Iterable[str], default: str) -> str: ...


class QuestionReader:
    """Builds one Question from its container node, reporting problems with their lines."""

    def __init__(self, owner: Builder, node: SyntaxTreeNode, attrs: Attributes, line: int) -> None:
        self.owner, self.node, self.attrs, self.line = owner, node, attrs, line

    def error(self, code: str, message: str, line: int | None = None) -> None:
        self.owner.error(line or self.line, code, f"question #{self.attrs.id}: {message}")

    def build(self) -> Question | None:
        kind = self._kind()
        if kind is None:
            return None
        self._check_placement(kind)
        self._check_type_attributes(kind)
        stem_nodes, answers, hints, explanation = self._split(kind)
        stem_html = self._stem(stem_nodes, kind)
        return Question(
            id=self.attrs.id, type=kind.type, stem_html=stem_html, line=self.line,
            points=self.owner.integer(self.attrs, "points", self.line, 1, minimum=1) or 1,
            hints=tuple(hints), explanation_html=explanation, **kind.read(self, answers),
        )

    def _kind(self) -> QuestionKind | None:
        raw_type = self.attrs.values.get("type")
        if raw_type is None:
            self.error("missing-attribute", f"needs type=..., one of {', '.join(QuestionType)}")
            return None
        if raw_type not in set(QuestionType):
            self.error("unknown-question-type", f"unknown type {raw_type!r}{_did_you_mean(raw_type)}; known types are {', '.join(QuestionType)}")
            return None
        return KINDS[QuestionType(raw_type)]

    def _check_placement(self, kind: QuestionKind) -> None:
        parent = self.node.parent
        container = parent.nester_tokens.opening.meta.get("kind") if parent and parent.type == CONTAINER else ""
        problem = kind.placement_problem(container)
        if problem:
            self.error(*problem)

    def _check_type_attributes(self, kind: QuestionKind) -> None:
        for name, types in TYPE_ATTRIBUTES.items():
            if name in self.attrs.values and name not in kind.attributes:
                self.error("unknown-attribute", f"only {' and '.join(types)} questions take {name}=")

    # -- the parts every question has -----------------------------------------------------
    def _split(self, kind: QuestionKind) -> tuple[list[SyntaxTreeNode], SyntaxTreeNode | None, list[str], str]:
        stem: list[SyntaxTreeNode] = []
        answers: SyntaxTreeNode | None = None
        hints: list[str] = []
        explanation = ""
        for child in self.node.children:
            if child.type == CONTAINER:
                built = self.owner.container(child, "question")
                container = child.nester_tokens.opening.meta["kind"]
                if isinstance(built, Markup) and container == "hint":
                    hints.append(built.html)
                elif isinstance(built, Markup) and container == "explanation":
                    if explanation:
                        self.error("duplicate-explanation", "has two explanations; merge them into one", built.line)
                    explanation = built.html
            elif kind.answer_list and child.type == kind.answer_list and answers is None:
                answers = child
            else:
                if answers is not None:
                    # It would join the stem, which reaches the browser: a second task list or
                    # unindented feedback there gives the answer away before the learner submits.
                    self.error("content-after-answers", "has content after its list of answers, which would be shown in the stem; move it above the answers, or indent feedback under its option ('  > ...')", _line_of(child))
                stem.append(child)
        if kind.answer_list and answers is None:
            self.error("missing-answers", f"{article(str(kind.type))} question needs {kind.answer_list_name} of answers after its stem")
        return stem, answers, hints, explanation

    def _stem(self, nodes: list[SyntaxTreeNode], kind: QuestionKind) -> str:
        if not nodes:
            self.error("missing-stem", "has no stem: write the question before its answers")
            return ""
        if kind.reads_gaps:
            index = 0
            for node in nodes:
                for token in node.to_tokens():
                    for child in token.children or []:
                        if child.type == "gap":
                            child.meta["index"] = index
                            index += 1
        return self.owner.html(nodes, "question")

    # -- what the types read: attributes, gaps, list items ------------------------------------
    def has(self, name: str) -> bool:
        return name in self.attrs.values

    def boolean(self, name: str, default: bool) -> bool:
        return self.owner.boolean(self.attrs, name, self.line, default)

    def choice(self, name: str, allowed: Iterable[str], default: str) -> str:
        return self.owner.choice(self.attrs, name, self.line, allowed, default)

    def gaps(self, problem: Callable[[dict[str, Any], str], str | None]) -> tuple[Gap, ...]:
        """The gaps of this question's stem; `problem` says why a gap does not suit the type."""
        gaps: list[Gap] = []
        for token, line in self.owner.gaps:
            if token.meta.get("owner") is not None or "index" not in token.meta:
                continue
            token.meta["owner"] = self.attrs.id
            unsuitable = token.meta.get("problem") or problem(token.meta, token.content)
            if unsuitable:
                self.error("bad-gap", str(unsuitable), line)
            else:
                gaps.append(Gap(tuple(token.meta.get("accepted", ())), token.meta.get("low"), token.meta.get("high")))  # type: ignore[arg-type]
        if not gaps:
            self.error("missing-gap", "a text or numeric question needs at least one gap in its stem, like [[answer]] or [[#15]]")
        return tuple(gaps)

    def options(self, answers: SyntaxTreeNode) -> tuple[Option, ...]:
        return tuple(option for item in _items(answers) if (option := self._option(item)))

    def pairs(self, answers: SyntaxTreeNode) -> tuple[Pair, ...]:
        return tuple(pair for item in _items(answers) if (pair := self._pair(item)))

    def items(self, answers: SyntaxTreeNode) -> tuple[str, ...]:
        return tuple(_fallback(item, self._item_html(item.children)) for item in _items(answers))

    def _option(self, item: SyntaxTreeNode) -> Option | None:
        checked = item.nester_tokens.opening.meta.get("checked")
        if checked is None:
            self.error("option-not-task", "each option is a task item, '- [x] right' or '- [ ] wrong'", _line_of(item))
            return None
        content = [c for c in item.children if c.type != "blockquote"]
        feedback = [c for c in item.children if c.type == "blockquote"]
        feedback_html = "".join(self.owner.html(quote.children, "option") for quote in feedback)
        return Option(_fallback(item, self._item_html(content)), bool(checked), feedback_html)

    def _pair(self, item: SyntaxTreeNode) -> Pair | None:
        source = "".join(c.content for p in item.children if p.type == "paragraph" for c in p.children)
        term, arrow, match = source.partition("->")
        if not arrow or not term.strip() or not match.strip():
            self.error("bad-pair", f"match item {source.strip()!r} needs the form 'term -> match'", _line_of(item))
            return None
        md = self.owner.md
        match_html = render_inline(md, match.strip())
        # the select shows the match as text: as rendered, so no markup or escape shows ('-\>', '**')
        return Pair(_fallback(item, render_inline(md, term.strip())), _fallback(item, match_html), plain_text(match_html))

    def _item_html(self, children: list[SyntaxTreeNode]) -> str:
        tokens = [t for child in children for t in child.to_tokens()]
        return render_tokens(self.owner.md, tokens).strip()


def _fallback(item: SyntaxTreeNode, html: str) -> str:
    """An answer item shown in the source language in a translated block (blocks.l10n marks its
    list item) keeps that mark: the player and the pack render the item's text, not its <li>."""
    lang = item.nester_tokens.opening.attrGet("lang") if item.nester_tokens else None
    return f'<span lang="{escape(str(lang))}" class="untranslated">{html}</span>' if lang else html


def _items(answers: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    return [item for item in answers.children if item.type == "list_item"]


def _line_of(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


def _did_you_mean(raw_type: str) -> str:
    """The known type a mistyped one most resembles ("singel", "Single", "single-choice"), if any."""
    close = difflib.get_close_matches(raw_type.lower(), list(QuestionType), n=1)
    return f" (did you mean {close[0]}?)" if close else ""
