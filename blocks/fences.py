"""A container's closing fence forgotten before a section heading: mended, and reported once.

markdown-it closes a `:::` container at the next bare fence of at least its length, wherever
that is. A forgotten `:::` therefore lets a container swallow the next section heading and
whatever follows, up to a fence written for another container, and the block reads as a heading
inside an activity, a quiz misplaced, a fence astray. An author needs one message: this
container, opened at this line, is not closed before that heading. So the parse step inserts
the missing fence before the heading, parses again, and maps every line back to the source.

A container closed on purpose by a fence of its own length, every container opened inside it
after the heading closed too, keeps its heading: that is the `heading-in-container` error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markdown_it.token import Token

from blocks.model import Report
from blocks.syntax.containers import CONTAINER

MAX_MENDS = 50  # more forgotten fences than this in one block are not worth reading as meant


def container_label(opening: Token) -> str:
    """A container as its author wrote it, for messages: `:::activity #role-play`."""
    ident = opening.meta["attrs"].id if "attrs" in opening.meta else ""
    return f"`{opening.markup}{opening.meta.get('kind', '')}{f' #{ident}' if ident else ''}`"


def parse_mending_fences(text: str, parse: Callable[[str], list[Token]], path: Path, report: Report) -> list[Token]:
    """The tokens of `text` as if every container left open before a section heading were
    closed there, with lines of the source; each mend is reported as `unclosed-container`."""
    inserted: list[int] = []  # 0-based lines of the mended text that the source does not have
    mended: set[tuple[int, int]] = set()
    tokens = parse(text)
    for _ in range(MAX_MENDS):
        found = _left_open(tokens)
        if found is None:
            break
        opening, heading = found
        at = heading.map[0] if heading.map else 0
        where = (_source_line(opening.map[0] if opening.map else 0, inserted) + 1, _source_line(at, inserted) + 1)
        if where in mended:
            break  # the fence did not close it (an indented container, say): reported once, read on
        mended.add(where)
        report.error(path, where[0], "unclosed-container", f"{container_label(opening)} opened at line {where[0]} is never closed; "
                     f"close it with a line '{opening.markup}' before the section heading at line {where[1]}")
        lines = text.splitlines(keepends=True)
        text = "".join([*lines[:at], opening.markup + "\n", *lines[at:]])
        inserted = sorted([added + 1 if added >= at else added for added in inserted] + [at])
        tokens = parse(text)
    if inserted:
        for token in tokens:
            if token.map:
                token.map = [_source_line(token.map[0], inserted), _source_line(token.map[1], inserted)]
    return tokens


def _source_line(line: int, inserted: list[int]) -> int:
    """A 0-based line of the mended text as a line of the source."""
    return line - sum(1 for added in inserted if added < line)


def _left_open(tokens: list[Token]) -> tuple[Token, Token] | None:
    """The first container holding a section heading as its own child that was not closed on
    purpose after it: (its opening token, the heading's)."""
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and stack and tokens[stack[-1]].type == CONTAINER + "_open":
            if not _closed_on_purpose(tokens, stack[-1], index):
                return tokens[stack[-1]], token
        if token.nesting == 1:
            stack.append(index)
        elif token.nesting == -1 and stack:
            stack.pop()
    return None


def _closed_on_purpose(tokens: list[Token], opening: int, heading: int) -> bool:
    """Whether the container's own fence (same length) closes it, leaving no container opened
    after the heading unclosed: a fence that was written for one of those would leave it so."""
    depth = 0
    for index in range(opening, len(tokens)):
        token = tokens[index]
        depth += token.nesting
        if depth == 0:
            return token.markup == tokens[opening].markup
        if index > heading and token.type == CONTAINER + "_close" and not token.markup:
            return False
    return False
