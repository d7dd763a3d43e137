"""Rendering token runs to HTML, and the one sanitiser every rendered fragment passes through."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {
    "*": {"id", "class", "lang"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "span": {"data-gap"},
    "td": {"style"},
    "th": {"style"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}


_OPTIONS: dict[str, Any] = {
    "tags": _TAGS,
    "attributes": _ATTRIBUTES,
    "url_schemes": _SCHEMES,
    "link_rel": "noopener noreferrer",
    "filter_style_properties": {"text-align"},
}
# Configured once: a block renders hundreds of fragments, and setting up the allow-list on every
# call cost as much as the cleaning itself.
_clean = nh3.Cleaner(**_OPTIONS).clean


def sanitize(html: str) -> str:
    """Pass rendered HTML through the allow-list; every fragment in the model went through here."""
    return _clean(html)


def render_tokens(md: MarkdownIt, tokens: Sequence[Token], env: dict | None = None) -> str:
    return sanitize(md.renderer.render(list(tokens), md.options, env or {}))


def render_inline(md: MarkdownIt, text: str) -> str:
    return sanitize(md.renderInline(text))


_TEXT_ONLY = nh3.Cleaner(tags=set(), attributes={}, clean_content_tags={"script", "style"}).clean


def plain_text(fragment: str) -> str:
    """Content HTML as one line of plain text (a report's table cell, a printed label)."""
    return " ".join(html.unescape(_TEXT_ONLY(fragment)).split())
