"""Input refused at the edge, once, for every route and form: what no view should have to think of.

- Control characters: a NUL byte in a path, a query or a form value is stored as is by SQLite and
  makes PostgreSQL fail the statement (a 500); no learner types one. Paths and query values may
  hold none; form and JSON text may hold tabs and line breaks, nothing else below a space.
- Integers in paths: `<int:...>` allows at most what a database integer column holds
  (2**31 - 1, PostgreSQL's `integer`); a larger number names nothing, so it is a 404 before any
  query is made.

Both answer with the player's error page in the learner's language.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1
_IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")
_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DatabaseInteger(IntegerConverter):
    """Flask's `int` converter, bounded by the database's integer range."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


def refuse_control_characters() -> None:
    """400 for a request that carries a control character where no person would put one."""
    if _IN_ADDRESS.search(request.path) or any(_IN_ADDRESS.search(k) or _IN_ADDRESS.search(v) for k, v in request.args.items(multi=True)):
        abort(400)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if any(_IN_ADDRESS.search(k) or _IN_TEXT.search(v) for k, v in request.form.items(multi=True)):
            abort(400)
    elif request.is_json and _has_control_text(request.get_json(silent=True)):
        abort(400)


def _has_control_text(value: Any) -> bool:
    """Whether any key or text in a JSON document holds a control character other than a tab or
    a line break: its texts joined by a line break (allowed) and searched once; a device's batch
    holds hundreds."""
    texts: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            pending += item.keys()
            pending += item.values()
        elif isinstance(item, list):
            pending += item
    return bool(_IN_TEXT.search("\n".join(texts)))


def init_app(app: Flask) -> None:
    """Before any blueprint is registered (the converter applies to rules as they are added) and
    before any other request hook."""
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request(refuse_control_characters)
