"""templating.Frame: a page rendered once with holes, filled with each request's own parts."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from markupsafe import Markup

from player.store.keeping import STEP_PAGES
from player.web.pages import kept
from player.web.templating import Frame
from tests.conftest import sign_up


@pytest.fixture
def page_app(app: Flask, tmp_path: Path) -> Flask:
    """The app with one more template: a page with a hole in its text and two in base.html."""
    (tmp_path / "holes.html").write_text(
        '{% extends "base.html" %}{% block title %}Holes{% endblock %}'
        '{% block content %}<p>{{ text }}</p><p>{{ hole("name", 1) }} and {{ hole("name", 2) }}</p>{% endblock %}',
        encoding="utf-8")
    app.jinja_loader.searchpath.append(str(tmp_path))  # type: ignore[union-attr]
    return app


def test_a_frame_is_cut_at_its_holes_and_filled_in_page_order(page_app: Flask) -> None:
    with page_app.test_request_context():
        frame = Frame.render("holes.html", text="Same for everyone")
        assert frame.names == {"visitor", "flashes", "name"}
        assert frame.args("name") == [1, 2]
        page = frame.fill({"name": lambda n: Markup(f"<b>part {n}</b>")})
    assert len(frame.texts) == len(frame.holes) + 1
    assert "<p><b>part 1</b> and <b>part 2</b></p>" in page and "Same for everyone" in page
    assert "Sign in" in page  # the visitor hole every page has, filled for a visitor not signed in
    assert "<!--hole-" not in page


def test_content_cannot_forge_a_hole(page_app: Flask) -> None:
    """Each render marks its holes with a fresh random id, and text is escaped besides."""
    with page_app.test_request_context():
        plain = Frame.render("holes.html", text="x")
        forged = Frame.render("holes.html", text=Markup("<!--hole-0123456789abcdef0123456789abcdef-->"))
    assert len(forged.texts) == len(plain.texts)
    assert "<!--hole-0123456789abcdef0123456789abcdef-->" in "".join(forged.texts)


def test_a_page_rendered_whole_fills_its_holes_at_once(page_app: Flask, client: FlaskClient) -> None:
    sign_up(client, name="Ana Learner")
    with page_app.test_request_context(), pytest.raises(LookupError, match="only a Frame fills"):
        render_template("holes.html", text="x")  # a hole only a frame's filler knows: an error, not a blank
    page = client.get("/").get_data(as_text=True)
    assert "Ana Learner" in page and "Sign out" in page


def test_frames_are_kept_until_the_content_changes_but_rebuilt_while_templates_reload(app: Flask) -> None:
    built: list[int] = []

    def build() -> Frame:
        built.append(1)
        return Frame(("only text",), ())

    source, edited = object(), object()
    where = {"course": "c", "block": "b", "step": "s"}
    with app.test_request_context():
        kept(STEP_PAGES, source, build, **where)
        kept(STEP_PAGES, source, build, **where)
        assert len(built) == 1
        kept(STEP_PAGES, edited, build, **where)
        assert len(built) == 2
    app.jinja_env.auto_reload = True
    with app.test_request_context():
        kept(STEP_PAGES, edited, build, **where)
        assert len(built) == 3
