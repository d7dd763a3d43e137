"""A step page weighs under 60 KB before images: its HTML plus every stylesheet and script it loads.

Every step of every bundled block is weighed, so the heaviest one sets the figure; sizes are
uncompressed bytes, the worst case for a learner on a slow connection.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from blocks.load import Loader, find_courses
from player.web.step_page import steps
from tests.conftest import COURSES, sign_up

BUDGET = 60 * 1024
STEPS = [f"/courses/{c.id}/{b.id}/{step}" for c in map(Loader().course, find_courses(COURSES)) for b in c.blocks for step in steps(b)]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Weight does not depend on the database: SQLite only."""
    return f"sqlite:///{tmp_path / 'weight.db'}"


class _Resources(HTMLParser):
    """The stylesheets and scripts a page makes the browser fetch (images are left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and "stylesheet" in (found.get("rel") or "").split() and found.get("href"):
            self.urls.append(found["href"])
        elif tag == "script" and found.get("src"):
            self.urls.append(found["src"])


def weigh(client: FlaskClient, url: str) -> tuple[int, list[str]]:
    """Bytes of the page and of what it loads, and the URLs of those resources."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    parser = _Resources()
    parser.feed(response.get_data(as_text=True))
    total = len(response.data)
    for resource in parser.urls:
        loaded = client.get(resource)
        assert loaded.status_code == 200, f"{url} loads {resource}, which answered {loaded.status_code}"
        total += len(loaded.data)
    return total, parser.urls


def test_weigh_counts_the_stylesheet(client: FlaskClient) -> None:
    total, resources = weigh(client, "/")
    assert any(r.endswith(".css") for r in resources)
    assert total > len(client.get("/").data)


def test_heaviest_step_of_the_bundled_courses_is_under_60_kb(client: FlaskClient) -> None:
    sign_up(client)  # the sample course is private
    weights = {url: weigh(client, url)[0] for url in STEPS}
    heaviest = max(weights, key=weights.__getitem__)
    assert len(weights) > 40
    assert weights[heaviest] < BUDGET, f"{heaviest} weighs {weights[heaviest] / 1024:.1f} KB with its CSS and JS"
