"""Error pages that say what happened in the learner's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    titles = {
        400: _("The request could not be understood"),
        403: _("You may not open this page"),
        404: _("Page not found"),
        429: _("Too many attempts"),
    }
    messages = {
        400: _("Something in the address or the form could not be read. Go back and try again."),
        403: _("Your account does not give access to this page."),
        404: _("There is nothing at this address. It may have moved."),
        429: _("Please wait a few minutes before you try again."),
    }
    title = titles.get(code, _("Something went wrong"))
    return render_template("error.html", code=code, title=title, message=messages.get(code, "")), code


def _csrf(error: CSRFError) -> tuple[str, int]:
    message = _("The form expired or was sent from elsewhere. Go back, reload the page and try again.")
    return render_template("error.html", code=400, title=_("The form could not be accepted"), message=message), 400


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf)
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, _page)
