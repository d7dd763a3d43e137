"""Tokens -> model. The syntax tree of a block is walked once; each container kind has its own
small `render_<kind>` function, and anything the builder does not know is reported, not dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from blocks.catalogues import load_translation
from blocks.evaluation import standard_evaluation
from blocks.fences import container_label
from blocks.html import render_tokens
from blocks.l10n import Translation, apply_to_tokens, extract_units, translate_front_matter, translator
from blocks.model import (
    Activity, Block, Facilitator, Handout, Link, Markup, Mode, Node, Question, Quiz, QuizKind, Report, Section,
    Survey,
)
from blocks.parser import shared_parser
from blocks.questions import ATTRIBUTES as QUESTION_ATTRIBUTES, QuestionReader
from blocks.source import parse_source
from blocks.syntax.attributes import ID_PATTERN, Attributes
from blocks.syntax.containers import CONTAINER
from blocks.wording import article

# Which attributes each container takes (besides #id), and which containers may stand where.
ATTRIBUTES: dict[str, frozenset[str]] = {
    "activity": frozenset({"minutes", "mode", "materials"}),
    "facilitator": frozenset(),
    "handout": frozenset({"title"}),
    "quiz": frozenset({"kind", "pass", "attempts", "shuffle"}),
    "question": QUESTION_ATTRIBUTES,
    "hint": frozenset(),
    "explanation": frozenset(),
    "survey": frozenset(),
}
NEEDS_ID = frozenset({"activity", "handout", "quiz", "question", "survey"})
ALLOWED_INSIDE: dict[str, frozenset[str]] = {
    "section": frozenset({"activity", "facilitator", "handout", "quiz", "survey"}),
    "introduction": frozenset({"facilitator"}),
    "activity": frozenset({"facilitator", "handout"}),
    "quiz": frozenset({"question"}),
    "survey": frozenset({"question"}),
    "question": frozenset({"hint", "explanation"}),
}
_STRAY_FENCE = re.compile(r"\s*:{3,}")
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}


class BlockBuilder:
    """Builds one Block from its source text, reporting every problem it meets on the way."""

    def __init__(self, path: Path, report: Report, md: MarkdownIt | None = None) -> None:
        self.path, self.report = path, report
        self.md = md or shared_parser()
        self.pass_mark = 80
        self.gaps: list[tuple[Token, int]] = []

    # -- reporting -------------------------------------------------------------------------
    def error(self, line: int, code: str, message: str) -> None:
        self.report.error(self.path, line, code, message)

    def warning(self, line: int, code: str, message: str) -> None:
        self.report.warning(self.path, line, code, message)

    def _reported(self, line: int, code: str) -> bool:
        return any(d.line == line and d.code == code and d.path == str(self.path) for d in self.report.items)

    # -- the block -------------------------------------------------------------------------
    def build(self, text: str, translation: Translation | None = None) -> Block | None:
        """The block from its source; with a translation, its units in that language."""
        front, tokens = parse_source(text, self.path, self.report, self.md)
        if front is None:
            return None
        extra: dict = {}
        if translation is not None:
            translate = translator(translation)
            extra = {"lang": translation.lang, "source_lang": front["lang"], "coverage": translation.coverage,
                     "translation_status": translation.status}
            front = translate_front_matter(front, translate)
            apply_to_tokens(self.md, tokens, translate, front["lang"])
        links = self._scan_inline(tokens)
        children = list(SyntaxTreeNode(tokens).children)[1:]
        self.pass_mark = front.get("pass_mark", 80)
        intro, sections = self._split_sections(children)
        block = Block(
            **{**front, **extra}, intro=self.nodes(intro, "introduction"), sections=tuple(sections),
            evaluation=standard_evaluation(), path=self.path, links=tuple(links),
        )
        self._report_orphan_gaps()
        return block

    def _scan_inline(self, tokens: Sequence[Token]) -> list[Link]:
        """One pass over inline tokens: collect links and gaps, report heading attribute problems."""
        links: list[Link] = []
        line = 1
        for token in tokens:
            if token.map:
                line = token.map[0] + 1
            for problem in token.meta.get("attr_problems", []) if token.meta else []:
                self.error(line, "bad-attributes", f"{problem}")
            for child in token.children or []:
                if child.type == "link_open":
                    links.append(Link(str(child.attrGet("href") or ""), line, image=False))
                elif child.type == "image":
                    links.append(Link(str(child.attrGet("src") or ""), line, image=True))
                elif child.type == "gap":
                    self.gaps.append((child, line))
        return links

    def _split_sections(self, children: list[SyntaxTreeNode]) -> tuple[list[SyntaxTreeNode], list[Section]]:
        intro: list[SyntaxTreeNode] = []
        groups: list[tuple[SyntaxTreeNode, list[SyntaxTreeNode]]] = []
        for child in children:
            if child.type == "heading" and child.tag == "h2":
                groups.append((child, []))
            elif child.type == "heading" and child.tag == "h1":
                self.warning(_line(child), "h1-heading", "the block title comes from the front matter; use '##' to start a section")
                (groups[-1][1] if groups else intro).append(child)
            else:
                (groups[-1][1] if groups else intro).append(child)
        return intro, [self.render_section(heading, body) for heading, body in groups]

    def render_section(self, heading: SyntaxTreeNode, body: list[SyntaxTreeNode]) -> Section:
        line = _line(heading)
        section_id = str(heading.attrs.get("id", ""))
        title = _inline_text(heading)
        if not section_id:
            self.error(line, "missing-id", f"section '{title}' needs an id: write '## {title} {{#some-id}}'")
            section_id = f"section-{line}"
        elif not ID_PATTERN.match(section_id):
            self.error(line, "bad-id", f"section id {section_id!r} must use lower-case letters, digits and hyphens")
        return Section(id=section_id, title=title, body=self.nodes(body, "section"), line=line)

    # -- runs of content and containers ----------------------------------------------------
    def nodes(self, children: Iterable[SyntaxTreeNode], parent: str) -> tuple[Node, ...]:
        """Content runs become Markup; containers go to their render function."""
        out: list[Node] = []
        run: list[SyntaxTreeNode] = []
        for child in children:
            if child.type == CONTAINER:
                out.extend(self._markup(run))
                run = []
                node = self.container(child, parent)
                if node is not None:
                    out.append(node)
            else:
                self._check_content(child, parent)
                run.append(child)
        out.extend(self._markup(run))
        return tuple(out)

    def html(self, children: Iterable[SyntaxTreeNode], parent: str) -> str:
        """The HTML of content that may not hold containers of its own."""
        return "".join(n.html for n in self.nodes(children, parent) if isinstance(n, Markup))

    def _markup(self, run: list[SyntaxTreeNode]) -> list[Markup]:
        if not run:
            return []
        tokens = [token for node in run for token in node.to_tokens()]
        return [Markup(render_tokens(self.md, tokens), _line(run[0]))]

    def _check_content(self, node: SyntaxTreeNode, parent: str) -> None:
        if node.type == "paragraph" and _STRAY_FENCE.match(_inline_source(node)):
            self.error(_line(node), "stray-fence", "this ':::' line closes no container; a container that holds others needs a longer fence than those inside it (::::quiz around :::question)")
        if node.type == "heading" and node.tag == "h2" and parent != "section":
            self.error(_line(node), "heading-in-container", f"a section heading inside {article(parent)}: close the {parent} with its fence before the heading")

    def container(self, node: SyntaxTreeNode, parent: str) -> Node | None:
        line = _line(node)
        opening = node.nester_tokens.opening
        kind: str = opening.meta["kind"]
        attrs: Attributes = opening.meta["attrs"]
        if kind not in ATTRIBUTES:
            close = difflib.get_close_matches(kind.lower(), list(ATTRIBUTES), n=1)
            meant = f" (did you mean ':::{close[0]}'?)" if close else ""
            self.error(line, "unknown-container", f"unknown container ':::{kind}'{meant}; known containers are {', '.join(ATTRIBUTES)}")
            return None
        if kind not in ALLOWED_INSIDE.get(parent, frozenset()):
            where = {"section": "at section level", "introduction": "before the first '##' section"}.get(parent, f"inside {article(parent)}")
            self.error(line, "misplaced-container", f"{article(kind)} cannot stand {where}{_left_open_hint(node, line)}")
            return None
        if _unclosed(node) and not self._reported(line, "unclosed-container"):  # parsing may have said it (blocks.fences)
            self.error(line, "unclosed-container", _unclosed_message(node, line))
        if not self._check_attributes(kind, attrs, line):
            return None
        return getattr(self, f"render_{kind}")(node, attrs, line)

    def _check_attributes(self, kind: str, attrs: Attributes, line: int) -> bool:
        for problem in attrs.problems:
            self.error(line, "bad-attributes", f"{kind}: {problem}")
        if attrs.classes:
            self.error(line, "unknown-attribute", f"{kind} takes no classes (.{' .'.join(attrs.classes)})")
        for key in sorted(set(attrs.values) - ATTRIBUTES[kind]):
            known = ", ".join(sorted(ATTRIBUTES[kind])) or "none"
            self.error(line, "unknown-attribute", f"{kind} has no attribute {key!r} (it takes: {known})")
        if kind in NEEDS_ID and not attrs.id:
            self.error(line, "missing-id", f"{article(kind)} needs an id: ':::{kind} {{#some-id ...}}'")
            return False
        if attrs.id and kind not in NEEDS_ID:
            self.error(line, "unknown-attribute", f"{article(kind)} takes no id")
        if attrs.id and not ID_PATTERN.match(attrs.id):
            self.error(line, "bad-id", f"id {attrs.id!r} must use lower-case letters, digits and hyphens")
        return True

    # -- attribute values ------------------------------------------------------------------
    def integer(self, attrs: Attributes, key: str, line: int, default: int | None, minimum: int = 0, maximum: int | None = None) -> int | None:
        raw = attrs.values.get(key)
        if raw is None:
            return default
        if not re.fullmatch(r"\d+", raw) or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
            bound = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
            self.error(line, "bad-value", f"{key}={raw!r} must be a whole number {bound}")
            return default
        return int(raw)

    def boolean(self, attrs: Attributes, key: str, line: int, default: bool) -> bool:
        raw = attrs.values.get(key)
        if raw is None:
            return default
        if raw.lower() not in _BOOLEANS:
            self.error(line, "bad-value", f"{key}={raw!r} must be true or false")
            return default
        return _BOOLEANS[raw.lower()]

    def choice(self, attrs: Attributes, key: str, line: int, allowed: Iterable[str], default: str) -> str:
        raw = attrs.values.get(key)
        allowed = list(allowed)
        if raw is None:
            return default
        if raw not in allowed:
            self.error(line, "bad-value", f"{key}={raw!r} must be one of {', '.join(allowed)}")
            return default
        return raw

    # -- containers ------------------------------------------------------------------------
    def render_facilitator(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Facilitator:
        return Facilitator(self.html(node.children, "facilitator"), line)

    def render_handout(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Handout:
        title = attrs.values.get("title", "")
        if not title:
            self.error(line, "missing-attribute", f"handout #{attrs.id} needs a title: title=\"...\"")
        return Handout(attrs.id, title, self.html(node.children, "handout"), line)

    def render_activity(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Activity:
        if "minutes" not in attrs.values:
            self.error(line, "missing-attribute", f"activity #{attrs.id} needs minutes=N (its length in the agenda)")
        minutes = self.integer(attrs, "minutes", line, default=0, minimum=1) or 0
        mode = self.choice(attrs, "mode", line, [m.value for m in Mode], Mode.PLENARY.value)
        children = list(node.children)
        title = ""
        if children and children[0].type == "heading" and children[0].tag == "h4":
            title = _inline_text(children.pop(0))
        body = self.nodes(children, "activity")
        return Activity(attrs.id, minutes, Mode(mode), title, attrs.values.get("materials", ""), body, line)  # type: ignore[arg-type]

    def render_quiz(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Quiz:
        kind = self.choice(attrs, "kind", line, [k.value for k in QuizKind], QuizKind.CHECK.value)
        intro, questions = self._questions(node, "quiz")
        if not questions:
            self.error(line, "empty-quiz", f"quiz #{attrs.id} has no questions")
        return Quiz(
            id=attrs.id, kind=QuizKind(kind),
            pass_mark=self.integer(attrs, "pass", line, self.pass_mark, 0, 100) or 0,
            attempts=self.integer(attrs, "attempts", line, None, minimum=1),
            shuffle=self.boolean(attrs, "shuffle", line, False),
            intro_html=intro, questions=questions, line=line,
        )

    def render_survey(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Survey:
        intro, questions = self._questions(node, "survey")
        if not questions:
            self.error(line, "empty-survey", f"survey #{attrs.id} has no questions")
        return Survey(attrs.id, intro, questions, line)

    def _questions(self, node: SyntaxTreeNode, parent: str) -> tuple[str, tuple[Question, ...]]:
        built = self.nodes(node.children, parent)
        intro = "".join(n.html for n in built if isinstance(n, Markup))
        return intro, tuple(n for n in built if isinstance(n, Question))

    def render_question(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Question | None:
        return QuestionReader(self, node, attrs, line).build()

    def render_hint(self, node: SyntaxTreeNode, attrs: Attributes, line: int) -> Markup:
        return Markup(self.html(node.children, "hint"), line)

    render_explanation = render_hint

    def _report_orphan_gaps(self) -> None:
        for token, line in self.gaps:
            if "index" not in token.meta:
                self.error(line, "gap-outside-question", f"[[{token.content}]] is an answer gap, which only a text or numeric question can hold; write the brackets differently if you meant text")


def build_block(text: str, path: Path, report: Report) -> Block | None:
    """Build a block from its source; problems go to `report`, and None means it is unusable."""
    return BlockBuilder(path, report).build(text)


def translated_block(block: Block, lang: str, report: Report | None = None) -> tuple[Block, Translation]:
    """The block in `lang`, unit by unit, falling back to the source for what is missing."""
    text = block.path.read_text(encoding="utf-8")
    units = extract_units(text, block.path)
    translation = load_translation(block.path, lang, units)
    built = BlockBuilder(block.path, report or Report()).build(text, translation=translation)
    assert built is not None, "the source block built before, so its translation builds too"
    return built, translation


def _unclosed(node: SyntaxTreeNode) -> bool:
    """A container whose closing fence is missing (markdown-it ends it with what holds it)."""
    return node.type == CONTAINER and not node.nester_tokens.closing.markup


def _left_open_hint(node: SyntaxTreeNode, line: int) -> str:
    """When the container around a misplaced one has a fence no longer than its own, the likely
    mistake is that container's forgotten closing fence: a container meant to hold others has a
    longer one (::::quiz around :::question), so two of the same length were meant side by side."""
    holder = node.parent
    if holder is None or holder.type != CONTAINER or not holder.map:
        return ""
    outer = holder.nester_tokens.opening
    if len(outer.markup) > len(node.nester_tokens.opening.markup):
        return ""
    return (f"; was {container_label(outer)}, opened at line {holder.map[0] + 1}, meant to end before line {line}? "
            f"Close it there with a line '{outer.markup}'")


def _unclosed_message(node: SyntaxTreeNode, line: int) -> str:
    """Where a container opened, and where its closing fence belongs. (One left open before a
    section heading was mended and reported when the source was parsed: `blocks.fences`.)"""
    fence = node.nester_tokens.opening.markup
    named = f"{container_label(node.nester_tokens.opening)} opened at line {line} is never closed"
    holder = node.parent
    if holder is not None and holder.type == CONTAINER and not _unclosed(holder) and holder.map \
            and len(holder.nester_tokens.opening.markup) <= len(fence):
        outer, longer = holder.nester_tokens.opening.meta["kind"], ":" * (len(fence) + 1)
        return (f"{named}: the '{fence}' at line {holder.map[1] + 1} closes the {outer} around it instead; "
                f"a container that holds others needs a longer fence ({longer}{outer} ... {longer})")
    return f"{named}; add a line '{fence}' where it ends"


def _line(node: SyntaxTreeNode) -> int:
    """The 1-based source line where a node starts (0 when markdown-it kept no map)."""
    current: SyntaxTreeNode | None = node
    while current is not None:
        if current.map:
            return current.map[0] + 1
        current = current.children[0] if current.children else None
    return 0


def _inline_source(node: SyntaxTreeNode) -> str:
    return "".join(child.content for child in node.children if child.type == "inline")


def _inline_text(node: SyntaxTreeNode) -> str:
    return _inline_source(node).strip()

