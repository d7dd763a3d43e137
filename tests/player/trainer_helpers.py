"""Signing in as a seeded person, and reading report tables back from pages and CSV files."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from player.domain.accounts import hash_password
from player.store.models import User
from player.web import db
from tests.conftest import post

PASSWORD = "a long enough password"


def sign_in_as(app: Flask, client: FlaskClient, user_id: int, role: str | None = None) -> None:
    """Give a seeded person a password (and a role), then sign in through the form."""
    with app.app_context(), db.writing() as write:
        user = write.get(User, user_id)
        user.password_hash = hash_password(PASSWORD)
        if role:
            user.role = role
        email = user.email
    response = post(client, "/signin", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def new_user(app: Flask, email: str, role: str = "learner", name: str = "") -> int:
    with app.app_context(), db.writing() as write:
        user = User(email=email, role=role, name=name or email.split("@")[0].title(), password_hash=hash_password(PASSWORD))
        write.add(user)
        write.flush()
        return user.id


class _Tables(HTMLParser):
    """The cells of every report table on a page, by the table's name (its section's data-table)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._name: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and found.get("data-table"):
            self._name = found["data-table"]
            self.tables[self._name] = []
        elif tag == "tr" and self._name:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._name:
            self.tables[self._name].append(self._row)
            self._row = None
        elif tag == "section":
            self._name = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Header row first, then body and footer rows, each cell's text as shown."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(text: str) -> list[list[object]]:
    """A CSV file as the player wrote it: quoted text stays text, bare numbers become floats."""
    assert text.startswith("\ufeff")
    return [row for row in csv.reader(io.StringIO(text[1:]), quoting=csv.QUOTE_NONNUMERIC)]


def assert_csv_matches_screen(screen: list[list[str]], rows: list[list[object]]) -> None:
    """Every cell of the CSV is the figure on screen: numbers equal as numbers, text equal
    once the CSV's formula guard (a leading apostrophe) is taken off, empty for a dash."""
    assert len(screen) == len(rows)
    for shown, written in zip(screen, rows):
        assert len(shown) == len(written), (shown, written)
        for on_screen, in_file in zip(shown, written):
            if isinstance(in_file, float):
                assert float(on_screen) == in_file, (shown, written)
            elif on_screen == "–":
                assert in_file == "", (shown, written)
            else:
                assert in_file in (on_screen, "'" + on_screen), (shown, written)
                assert in_file == on_screen or on_screen[:1] in "=+-@", (shown, written)
