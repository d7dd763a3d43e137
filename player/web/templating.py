"""Template helpers: pages rendered once with holes (Frame), the holes every page has (the
visitor's links, flashed messages, the form token), and inputs in stems."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import Flask, current_app, g, get_flashed_messages, render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from blocks.model import MODE_NAMES, SCALES
from player.store.keeping import VISITOR_LINKS
from player.web.auth import current_user
from player.web.pages import kept
from player.web.security import csrf_field

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


def visitor_links() -> Markup:
    """The header's account links: a signed-in user's own, or the same ones for every visitor not
    signed in. Kept per visitor (their name and role) and language, with a hole for the form token
    of the sign-out button; rendered every time while templates reload (development)."""
    user = current_user()
    signed_in = user is not None and not user.is_guest
    def render() -> Frame:
        return Frame.render("_visitor.html", user=user if signed_in else None)

    return Markup(kept(VISITOR_LINKS, current_app.jinja_env, render, user=user if signed_in else None).fill({}))


QUIZ_PLACE = "@"  # a message flashed as "success@<quiz id>" shows beside that quiz, where the page opens


def flashes() -> Markup:
    """The messages for the top of the page: all but those a quiz on this page shows itself."""
    shown_by_quizzes = g.get("quizzes_on_page", frozenset())
    return _messages(lambda place: place not in shown_by_quizzes)


def flashes_for(quiz_id: str) -> Markup:
    """The messages about one quiz, shown at the quiz: the page opens there (#quiz), and on a
    phone a message at the top of the page would be out of sight."""
    return _messages(lambda place: place == quiz_id)


def _messages(wanted: Callable[[str], bool]) -> Markup:
    messages = [(category, message) for full, message in get_flashed_messages(with_categories=True)
                for category, _at, place in [full.partition(QUIZ_PLACE)] if wanted(place)]
    return Markup(render_template("_flashes.html", messages=messages)) if messages else Markup()


def form_ids(client_id: str, seed: int | None = None) -> Markup:
    """The hidden fields of a form that records something: the session's form token, the client
    id that makes a retry of the same form record once, and for a quiz the seed its answer
    fields' tokens were made with (see blocks.qtypes.base.FieldNames)."""
    fields = f'{csrf_field()}<input type="hidden" name="client_id" value="{escape(client_id)}">'
    if seed is not None:
        fields += f'<input type="hidden" name="seed" value="{seed}">'
    return Markup(fields)


def hole(name: str, *args: Any) -> Markup:
    """A visitor's own part of a page rendered whole (see Frame), filled at once."""
    if name not in PAGE_HOLES:
        raise LookupError(f"the hole {name!r} has no filler on a page rendered whole: only a Frame fills it")
    return Markup(PAGE_HOLES[name](*args))


PAGE_HOLES: dict[str, Callable[..., str]] = {"visitor": visitor_links, "flashes": flashes, "csrf": csrf_field}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(current_user=current_user, form_ids=form_ids, hole=hole, SCALES=SCALES, MODE_NAMES=MODE_NAMES)
    app.jinja_env.filters.update(gap_inputs=gap_inputs, gap_blanks=gap_blanks)
