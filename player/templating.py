"""Template helpers: answer fields of questions (kept when recently rendered), inputs in stems."""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup, escape

from blocks.model import SCALES, Block, Quiz, Survey
from player.auth import current_user
from player.i18n import current_lang
from player.views.common import option_order

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


class RecentlyRendered:
    """HTML rendered lately, keyed by everything it depends on; the least recently used go first.

    An entry answers only for the content object it was rendered from, so after an edit (new
    objects) nothing old is served, even to a request that raced the reload.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[object, Markup]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, source: object, render: Callable[[], Markup]) -> Markup:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] is source:
                self._entries.move_to_end(key)
                return entry[1]
        html = render()
        with self._lock:
            self._entries[key] = (source, html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return html


FIELDS_KEPT = 512  # a quiz's fields are ten or twenty KB at most: a few MB per worker
QUIZ_HEADS_KEPT = 512  # a quiz's title, intro and a learner's attempts: a few hundred bytes each


def answer_fields(block: Block, owner: Quiz | Survey, seed: int = 0, saved: dict[str, dict] | None = None,
                  hint: str = "") -> Markup:
    """The answer fields of a quiz's or survey's questions as one learner sees them now: options
    in the attempt's order (`seed`), `saved` answers filled in, and the hints asked for (`hint`,
    "question-id:count"). Rendering them was most of a quiz step's cost, and the same state gives
    the same HTML, so recent results are kept (bounded). When nothing in the quiz is shuffled the
    seed changes nothing, and every learner shares the fields without saved answers."""
    questions = owner.questions
    shuffle = isinstance(owner, Quiz) and owner.shuffle
    if not (shuffle or any(q.pairs or q.items for q in questions)):
        seed = 0
    hint_id, _, hint_count = hint.partition(":")
    hints = (hint_id, int(hint_count)) if hint_count.isdigit() and any(q.id == hint_id for q in questions) else ("", 0)
    key = (id(block), owner.id, seed, json.dumps(saved, sort_keys=True) if saved else "", hints, current_lang())

    def render() -> Markup:
        macro = current_app.jinja_env.get_template("_questions.html").module.question_fields  # type: ignore[attr-defined]
        return Markup("\n").join(
            macro(q, option_order(q, seed, shuffle), (saved or {}).get(q.id), hints[1] if q.id == hints[0] else 0)
            for q in questions)

    return current_app.extensions["coursepack_fields"].get(key, block, render)


def shell(piece: str) -> Markup:
    """A piece of the page shell (_shell.html) that every page in a language shares, rendered
    once; while templates reload (development), rendered every time so edits show."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def render() -> Markup:
        return Markup(render_template("_shell.html", piece=piece))

    if app.jinja_env.auto_reload:
        return render()
    return app.extensions["coursepack_shell"].get((piece, current_lang(), request.script_root), app.jinja_env, render)


def init_app(app: Flask) -> None:
    app.extensions["coursepack_fields"] = RecentlyRendered(FIELDS_KEPT)
    app.extensions["coursepack_quiz_heads"] = RecentlyRendered(QUIZ_HEADS_KEPT)  # see learn.quiz_view
    app.extensions["coursepack_shell"] = RecentlyRendered(64)
    app.jinja_env.globals.update(
        current_user=current_user, answer_fields=answer_fields, shell=shell, SCALES=SCALES,
    )
    app.jinja_env.filters.update(gap_inputs=gap_inputs, gap_blanks=gap_blanks)
