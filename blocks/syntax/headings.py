"""`## Heading {#section-id}`: a trailing attribute list on a heading sets its id and classes."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from blocks.syntax.attributes import TRAILING_ATTRS, parse_attributes


def heading_attributes_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "heading_attributes", _heading_attributes)


def _heading_attributes(state: StateCore) -> None:
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        if token.type != "heading_open" or tokens[i + 1].type != "inline":
            continue
        inline = tokens[i + 1]
        match = TRAILING_ATTRS.search(inline.content)
        if not match:
            continue
        inline.content = inline.content[: match.start()]
        attrs = parse_attributes(match["body"])
        extra = sorted(attrs.values)
        if extra:
            attrs.problems.append(f"headings take only #id and .class, not {', '.join(extra)}")
        if attrs.id:
            token.attrSet("id", attrs.id)
        if attrs.classes:
            token.attrSet("class", " ".join(attrs.classes))
        token.meta["attr_problems"] = attrs.problems
