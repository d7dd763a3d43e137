"""Colon-fence containers, `:::kind {#id key=value}` ... `:::`.

mdit-py-plugins' container plugin does the fencing (a longer fence holds shorter ones); this
plugin accepts every kind so that `blocks.build` can report unknown kinds instead of letting them
fall through as paragraphs. The kind and attributes are parsed once, here, into `token.meta`.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.container import container_plugin

from blocks.syntax.attributes import split_info

CONTAINER = "container_cp"


def containers_plugin(md: MarkdownIt) -> None:
    container_plugin(md, "cp", marker=":", validate=lambda params, *_: bool(params.strip()))
    md.core.ruler.after("block", "container_meta", _container_meta)


def _container_meta(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == CONTAINER + "_open":
            kind, attrs = split_info(token.info)
            token.meta["kind"] = kind
            token.meta["attrs"] = attrs
