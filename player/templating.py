"""Template helpers: answer inputs in question stems, shuffled orders, saved answers."""

from __future__ import annotations

import re
from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup, escape

from blocks.model import SCALES
from player.auth import current_user
from player.views.common import shuffled

_GAP = re.compile(r'<span class="cp-gap" data-gap="(\d+)"></span>')


def gap_inputs(stem_html: str, name: str, values: list[str] | None = None, numeric: bool = False) -> Markup:
    """Replace each numbered gap slot of a stem with a labelled text input."""
    values = values or []

    def field(match: re.Match[str]) -> str:
        index = int(match[1])
        value = values[index] if index < len(values) else ""
        mode = ' inputmode="decimal"' if numeric else ""
        label = escape(_("Answer %(n)d", n=index + 1))
        return (f'<input type="text" class="gap" name="{name}-gap-{index}" value="{escape(value)}"'
                f' aria-label="{label}" autocomplete="off"{mode}>')

    return Markup(_GAP.sub(field, stem_html))


def gap_blanks(stem_html: str) -> Markup:
    """A stem with its gaps as visible blanks, for pages where nothing is typed."""
    return Markup(_GAP.sub(lambda m: f'<span class="blank">[{int(m[1]) + 1}]</span>', stem_html))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(current_user=current_user, shuffled=shuffled, SCALES=SCALES)
    app.jinja_env.filters.update(gap_inputs=gap_inputs, gap_blanks=gap_blanks)
