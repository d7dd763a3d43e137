"""Task-list options, `- [x] right` and `- [ ] wrong`: marks each list item with its check."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_MARK = re.compile(r"\[(?P<mark>[ xX])\][ \t]+")


def task_options_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "task_options", _task_options)
    md.add_render_rule("list_item_open", _render_list_item)


def _task_options(state: StateCore) -> None:
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        item, para, inline = tokens[i], tokens[i + 1], tokens[i + 2]
        if item.type != "list_item_open" or para.type != "paragraph_open" or inline.type != "inline":
            continue
        match = _MARK.match(inline.content)
        if match:
            item.meta["checked"] = match["mark"] != " "
            inline.content = inline.content[match.end():]


def _render_list_item(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it signature
    """Task items carry a class that CSS draws as a box: no form inputs in content."""
    token = tokens[idx]
    if "checked" in token.meta:
        token.attrJoin("class", "task checked" if token.meta["checked"] else "task")
    return self.renderToken(tokens, idx, options, env)
