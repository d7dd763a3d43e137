"""Author comments, `%% a note for translators`: never rendered, kept for the PO catalogue.

A paragraph that starts with `%%` is removed from the output; its text is attached to the next
block-level token as `meta["translator_comment"]`, so extraction can hand it to translators.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

MARK = "%%"


def comments_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "author_comments", _author_comments)


def _author_comments(state: StateCore) -> None:
    tokens = state.tokens
    kept = []
    pending: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (token.type == "paragraph_open" and i + 2 < len(tokens) and tokens[i + 1].type == "inline"
                and tokens[i + 1].content.startswith(MARK)):
            pending.append(tokens[i + 1].content[len(MARK):].strip())
            i += 3
            continue
        if pending and token.nesting >= 0 and token.block:
            token.meta["translator_comment"] = " ".join(pending)
            pending = []
        kept.append(token)
        i += 1
    state.tokens[:] = kept
