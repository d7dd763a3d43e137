"""The parse step every reader of a block's source shares: front matter and markdown-it tokens.

Building a block (`blocks.build`) and extracting its translation units (`blocks.l10n`) both start
here, so neither needs the other to read a source.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from blocks.fences import parse_mending_fences
from blocks.frontmatter import FrontMatter
from blocks.model import Report


def parse_source(text: str, path: Path, report: Report, md: MarkdownIt) -> tuple[dict | None, list[Token]]:
    """The checked front matter values (None when there are none) and the parsed tokens (with
    any container left open before a section heading closed there, and reported: `blocks.fences`)."""
    tokens = parse_mending_fences(text, lambda source: md.parse(source, {}), path, report)
    if not tokens or tokens[0].type != "front_matter":
        report.error(path, 1, "missing-front-matter", "a block starts with YAML front matter between two '---' lines")
        return None, tokens
    first_line = tokens[0].map[0] + 1 if tokens[0].map else 1
    return FrontMatter(tokens[0].content, path, first_line, report).read(), tokens
