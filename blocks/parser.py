"""create_md_parser(): the one place where markdown-it and its plugins are chained."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from blocks.syntax.comments import comments_plugin
from blocks.syntax.containers import containers_plugin
from blocks.syntax.gaps import gaps_plugin
from blocks.syntax.headings import heading_attributes_plugin
from blocks.syntax.tasks import task_options_plugin


def create_md_parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, raw HTML off, plus coursepack's syntax."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Every link becomes a token, so validation reports a file: or javascript: link with its line
    # instead of markdown-it quietly printing it as text; nh3 still strips such URLs from output.
    md.validateLink = lambda url: True
    md.use(front_matter_plugin)
    md.use(containers_plugin)
    md.use(comments_plugin)
    md.use(heading_attributes_plugin)
    md.use(task_options_plugin)
    md.use(gaps_plugin)
    return md


@cache
def shared_parser() -> MarkdownIt:
    """A parser built once per process; markdown-it parsers are reusable and stateless per call."""
    return create_md_parser()
