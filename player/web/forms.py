"""Answer forms: the opaque names of their fields, and the responses read back from them.

Each question type reads its own fields (`blocks.qtypes`); this module gives it the names for
this form: keyed by the app's secret and the attempt's seed, which the form carries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from flask import abort, current_app, request

from blocks.model import Question
from blocks.qtypes import kind
from blocks.qtypes.base import FieldNames, Form

SURVEY_SEED = 0  # survey fields (scales, free text) carry no answer to hide
MAX_SEED = 2**31 - 1


def field_key(secret: str) -> bytes:
    """The key of answer field tokens, derived from SECRET_KEY (never the secret itself)."""
    return hashlib.sha256(b"coursepack answer fields\0" + secret.encode()).digest()


def field_names(seed: int) -> FieldNames:
    """The names of a form's answer fields for `seed`."""
    key = current_app.extensions.get("coursepack_field_key")
    if key is None:
        key = current_app.extensions["coursepack_field_key"] = field_key(str(current_app.secret_key))
    return FieldNames(key, seed)


def submitted_seed() -> int:
    """The seed a quiz form's fields were made with; a form without a sound one is refused."""
    value = request.form.get("seed", "")
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_SEED:
        abort(400)
    return int(value)


def responses(questions: Iterable[Question], names: FieldNames, form: Form | None = None) -> dict[str, dict[str, Any]]:
    """The response to each question the learner answered (in the request's form, or `form`: a
    device's queued one); InvalidResponse when a field makes no sense (a token of no option, a
    position that is not a number)."""
    fields = request.form if form is None else form
    found = {}
    for question in questions:
        response = kind(question).from_form(question, fields, names)
        if response is not None:
            found[question.id] = response
    return found
