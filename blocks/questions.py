"""The question syntax of SPEC section 5, read in one place: stems, options, gaps, pairs, items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from blocks.html import render_inline, render_tokens
from blocks.model import SCALES, Gap, Markup, Option, Pair, Question, QuestionType
from blocks.syntax.attributes import Attributes
from blocks.syntax.containers import CONTAINER
from blocks.wording import article

if TYPE_CHECKING:
    from blocks.build import BlockBuilder

# The answer list each type reads, if any: a task list, a plain bullet list, an ordered list.
_ANSWER_LIST = {
    QuestionType.SINGLE: "bullet_list",
    QuestionType.MULTIPLE: "bullet_list",
    QuestionType.MATCH: "bullet_list",
    QuestionType.ORDER: "ordered_list",
}


class QuestionBuilder:
    """Builds one Question from its container node."""

    def __init__(self, owner: BlockBuilder, node: SyntaxTreeNode, attrs: Attributes, line: int) -> None:
        self.owner, self.node, self.attrs, self.line = owner, node, attrs, line

    def error(self, code: str, message: str, line: int | None = None) -> None:
        self.owner.error(line or self.line, code, f"question #{self.attrs.id}: {message}")

    def build(self) -> Question | None:
        raw_type = self.attrs.values.get("type")
        if raw_type is None:
            self.error("missing-attribute", f"needs type=..., one of {', '.join(QuestionType)}")
            return None
        if raw_type not in set(QuestionType):
            self.error("unknown-question-type", f"unknown type {raw_type!r}; known types are {', '.join(QuestionType)}")
            return None
        qtype = QuestionType(raw_type)
        self._check_placement(qtype)
        stem_nodes, answer_list, hints, explanation = self._split(qtype)
        stem_html = self._stem(stem_nodes, qtype)
        values = self._answers(qtype, answer_list)
        if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
            values["gaps"] = self._gaps(qtype)
        return Question(
            id=self.attrs.id, type=qtype, stem_html=stem_html, line=self.line,
            points=self.owner.integer(self.attrs, "points", self.line, 1, minimum=1) or 1,
            partial=self._partial(qtype),
            hints=tuple(hints), explanation_html=explanation,
            scale=self._scale(qtype), share=self._share(qtype), **values,
        )

    def _check_placement(self, qtype: QuestionType) -> None:
        parent = self.node.parent
        kind = parent.nester_tokens.opening.meta.get("kind") if parent and parent.type == CONTAINER else ""
        if kind == "survey" and qtype.scored:
            self.error("scored-in-survey", f"{article(str(qtype))} question is scored; put it in a quiz, or use likert or reflection in a survey")
        if kind == "quiz" and qtype == QuestionType.LIKERT:
            self.error("likert-in-quiz", "likert questions belong in a survey, not a quiz")

    def _split(self, qtype: QuestionType) -> tuple[list[SyntaxTreeNode], SyntaxTreeNode | None, list[str], str]:
        stem: list[SyntaxTreeNode] = []
        answer_list: SyntaxTreeNode | None = None
        hints: list[str] = []
        explanation = ""
        wanted = _ANSWER_LIST.get(qtype)
        for child in self.node.children:
            if child.type == CONTAINER:
                built = self.owner.container(child, "question")
                kind = child.nester_tokens.opening.meta["kind"]
                if isinstance(built, Markup) and kind == "hint":
                    hints.append(built.html)
                elif isinstance(built, Markup) and kind == "explanation":
                    if explanation:
                        self.error("duplicate-explanation", "has two explanations; merge them into one", built.line)
                    explanation = built.html
            elif wanted and child.type == wanted and answer_list is None:
                answer_list = child
            else:
                if answer_list is not None:
                    # It would join the stem, which reaches the browser: a second task list or
                    # unindented feedback there gives the answer away before the learner submits.
                    self.error("content-after-answers", "has content after its list of answers, which would be shown in the stem; move it above the answers, or indent feedback under its option ('  > ...')", _line_of(child))
                stem.append(child)
        if wanted and answer_list is None:
            kind = "an ordered list (1. 2. 3.)" if wanted == "ordered_list" else "a list"
            self.error("missing-answers", f"{article(str(qtype))} question needs {kind} of answers after its stem")
        return stem, answer_list, hints, explanation

    def _stem(self, nodes: list[SyntaxTreeNode], qtype: QuestionType) -> str:
        if not nodes:
            self.error("missing-stem", "has no stem: write the question before its answers")
            return ""
        index = 0
        for node in nodes:
            for token in node.to_tokens():
                for child in token.children or []:
                    if child.type == "gap" and qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
                        child.meta["index"] = index
                        index += 1
        return self.owner.html(nodes, "question")

    def _gaps(self, qtype: QuestionType) -> tuple[Gap, ...]:
        gaps: list[Gap] = []
        for token, line in self.owner.gaps:
            if token.meta.get("owner") is not None or "index" not in token.meta:
                continue
            token.meta["owner"] = self.attrs.id
            if "problem" in token.meta:
                self.error("bad-gap", str(token.meta["problem"]), line)
            elif qtype == QuestionType.NUMERIC and "low" not in token.meta:
                self.error("bad-gap", f"[[{token.content}]] is not numeric; a numeric gap starts with #, like [[#15]]", line)
            elif qtype == QuestionType.TEXT and "low" in token.meta:
                self.error("bad-gap", f"[[{token.content}]] is numeric; use type=numeric for number answers", line)
            else:
                gaps.append(Gap(tuple(token.meta.get("accepted", ())), token.meta.get("low"), token.meta.get("high")))  # type: ignore[arg-type]
        if not gaps:
            self.error("missing-gap", "a text or numeric question needs at least one gap in its stem, like [[answer]] or [[#15]]")
        return tuple(gaps)

    def _answers(self, qtype: QuestionType, answer_list: SyntaxTreeNode | None) -> dict[str, tuple]:
        if answer_list is None:
            return {}
        items = [item for item in answer_list.children if item.type == "list_item"]
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            return {"options": tuple(opt for item in items if (opt := self._option(item)))}
        if qtype == QuestionType.MATCH:
            return {"pairs": tuple(pair for item in items if (pair := self._pair(item)))}
        return {"items": tuple(self._item_html(item.children) for item in items)}

    def _option(self, item: SyntaxTreeNode) -> Option | None:
        checked = item.nester_tokens.opening.meta.get("checked")
        if checked is None:
            self.error("option-not-task", "each option is a task item, '- [x] right' or '- [ ] wrong'", _line_of(item))
            return None
        content = [c for c in item.children if c.type != "blockquote"]
        feedback = [c for c in item.children if c.type == "blockquote"]
        feedback_html = "".join(self.owner.html(quote.children, "option") for quote in feedback)
        return Option(self._item_html(content), bool(checked), feedback_html)

    def _pair(self, item: SyntaxTreeNode) -> Pair | None:
        source = "".join(c.content for p in item.children if p.type == "paragraph" for c in p.children)
        term, arrow, match = source.partition("->")
        if not arrow or not term.strip() or not match.strip():
            self.error("bad-pair", f"match item {source.strip()!r} needs the form 'term -> match'", _line_of(item))
            return None
        md = self.owner.md
        return Pair(render_inline(md, term.strip()), render_inline(md, match.strip()), match.strip())

    def _item_html(self, children: list[SyntaxTreeNode]) -> str:
        tokens = [t for child in children for t in child.to_tokens()]
        return render_tokens(self.owner.md, tokens).strip()

    def _partial(self, qtype: QuestionType) -> bool:
        if "partial" in self.attrs.values and qtype != QuestionType.MULTIPLE:
            self.error("unknown-attribute", "only multiple-choice questions take partial= (other types score per gap, per pair, or all or nothing)")
            return False
        return self.owner.boolean(self.attrs, "partial", self.line, False)

    def _scale(self, qtype: QuestionType) -> str:
        if qtype != QuestionType.LIKERT:
            if "scale" in self.attrs.values:
                self.error("unknown-attribute", "only likert questions take scale=")
            return ""
        if "scale" not in self.attrs.values:
            self.error("missing-attribute", f"a likert question needs scale=, one of {', '.join(SCALES)}")
            return "agree5"
        return self.owner.choice(self.attrs, "scale", self.line, SCALES, "agree5")

    def _share(self, qtype: QuestionType) -> str:
        if "share" in self.attrs.values and qtype != QuestionType.REFLECTION:
            self.error("unknown-attribute", "only reflection questions take share=")
            return ""
        return self.owner.choice(self.attrs, "share", self.line, ["trainer"], "")


def _line_of(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0
