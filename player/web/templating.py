"""Template helpers: pages rendered once with holes (Frame), answer fields of questions (kept when
recently rendered), inputs in stems."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from flask import Flask, current_app, g, get_flashed_messages, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup, escape

from blocks.model import SCALES, Block, Quiz, Survey
from player.web.auth import current_user
from player.web.content import store
from player.web.i18n import current_lang
from player.web.recent import Recent
from player.web.security import csrf_field
from player.web.views.common import option_order

T = TypeVar("T")
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


class RecentlyRendered(Generic[T]):
    """HTML (or a Frame) rendered lately, keyed by everything it depends on; the least recently
    used go first.

    An entry answers only for the content object it was rendered from, so after an edit (new
    objects) nothing old is served, even to a request that raced the reload.
    """

    def __init__(self, size: int) -> None:
        self._recent: Recent[tuple[object, T]] = Recent(size)

    def get(self, key: Hashable, source: object, render: Callable[[], T]) -> T:
        entry = self._recent.get(key)
        if entry is not None and entry[0] is source:
            return entry[1]
        html = render()
        self._recent.put(key, (source, html))
        return html

    def __len__(self) -> int:
        return len(self._recent)


FIELDS_KEPT = 512  # a quiz's fields are ten or twenty KB at most: a few MB per worker
VISITORS_KEPT = 1024  # the header links of recent signed-in visitors, a few hundred bytes each
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
    key = ("fields", id(block), owner.id, seed, json.dumps(saved, sort_keys=True) if saved else "", hints)

    def render() -> Markup:
        macro = current_app.jinja_env.get_template("_questions.html").module.question_fields  # type: ignore[attr-defined]
        return Markup("\n").join(
            macro(q, option_order(q, seed, shuffle), (saved or {}).get(q.id), hints[1] if q.id == hints[0] else 0)
            for q in questions)

    return kept(key, block, render, "coursepack_fields")


@dataclass(frozen=True)
class Frame:
    """A page rendered once, with holes where each request's own parts go.

    Most of a step page is the same for every learner (the header, the text, the buttons); what
    is not (who is signed in, flashed messages, form tokens, quizzes and surveys) the template
    marks with `hole(name, *args)`. Rendering with `Frame.render` turns each hole into a marker
    no content can contain (a fresh random id per render) and splits the page there; `fill`
    puts the request's parts in. A template rendered the usual way fills its holes at once.
    """

    texts: tuple[str, ...]  # one more than the holes: the text before, between and after them
    holes: tuple[tuple[str, tuple[Any, ...]], ...]

    @classmethod
    def render(cls, template: str, **context: Any) -> Frame:
        marker = f"<!--hole-{uuid.uuid4().hex}-->"
        holes: list[tuple[str, tuple[Any, ...]]] = []

        def hole(name: str, *args: Any) -> Markup:
            holes.append((name, args))
            return Markup(marker)

        texts = render_template(template, hole=hole, **context).split(marker)
        return cls(tuple(texts), tuple(holes))

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _args in self.holes)

    def args(self, name: str) -> list[Any]:
        """The first argument of each hole called `name`, in page order (the quizzes of a step, say)."""
        return [args[0] for hole, args in self.holes if hole == name] if name in self.names else []

    def fill(self, fillers: dict[str, Callable[..., str]]) -> str:
        """The page with every hole filled: by `fillers`, else by the holes every page has."""
        parts = [self.texts[0]]
        for (name, args), text in zip(self.holes, self.texts[1:], strict=True):
            parts += [(fillers.get(name) or PAGE_HOLES[name])(*args), text]
        return "".join(parts)


def kept(key: tuple[Hashable, ...], source: object, build: Callable[[], T], recent: str = "") -> T:
    """A rendered piece (HTML or a Frame) built once per `key`, interface language and script
    root, and kept while `source` (what it was rendered from) is the same object: with the content
    until it changes, or, when pieces come per learner, in the app's `recent` RecentlyRendered
    (bounded). Built on every request while templates reload (development), so edits show."""
    if current_app.jinja_env.auto_reload:
        return build()
    variant = g.get("kept_variant")
    if variant is None:  # looked up once: a quiz step keeps several pieces
        variant = g.kept_variant = (current_lang(), request.script_root)
    key = (*key, *variant)
    if recent:
        return current_app.extensions[recent].get(key, source, build)
    return store().derived(key, source, build)


def visitor_links() -> Markup:
    """The header's account links: a signed-in user's own, or the same ones for every visitor not
    signed in. Kept per visitor (their name and role) and language, with a hole for the form token
    of the sign-out button; rendered every time while templates reload (development)."""
    user = current_user()
    signed_in = user is not None and not user.is_guest
    def render() -> Frame:
        return Frame.render("_visitor.html", user=user if signed_in else None)

    return Markup(kept(("visitor", user if signed_in else None), current_app.jinja_env, render, "coursepack_visitor").fill({}))


def flashes() -> Markup:
    messages = get_flashed_messages(with_categories=True)
    return Markup(render_template("_flashes.html", messages=messages)) if messages else Markup()


def form_ids(client_id: str) -> Markup:
    """The hidden fields of a form that records something: the session's form token, and the
    client id that makes a retry of the same form record once."""
    return Markup(f'{csrf_field()}<input type="hidden" name="client_id" value="{escape(client_id)}">')


def hole(name: str, *args: Any) -> Markup:
    """A visitor's own part of a page rendered whole (see Frame), filled at once."""
    if name not in PAGE_HOLES:
        raise LookupError(f"the hole {name!r} has no filler on a page rendered whole: only a Frame fills it")
    return Markup(PAGE_HOLES[name](*args))


PAGE_HOLES: dict[str, Callable[..., str]] = {"visitor": visitor_links, "flashes": flashes, "csrf": csrf_field}


def init_app(app: Flask) -> None:
    app.extensions["coursepack_fields"] = RecentlyRendered(FIELDS_KEPT)
    app.extensions["coursepack_quiz_heads"] = RecentlyRendered(QUIZ_HEADS_KEPT)  # see learn.quiz_view
    app.extensions["coursepack_visitor"] = RecentlyRendered(VISITORS_KEPT)
    app.jinja_env.globals.update(
        current_user=current_user, answer_fields=answer_fields, form_ids=form_ids, hole=hole, SCALES=SCALES,
    )
    app.jinja_env.filters.update(gap_inputs=gap_inputs, gap_blanks=gap_blanks)
