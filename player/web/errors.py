"""Error pages that say what happened in the learner's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
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


def _server_error(_error: HTTPException) -> tuple[str, int]:
    """A fault of ours (a bug, a database or Redis that does not answer): the log has the
    traceback; the visitor gets the player's page in their language. If the page itself cannot be
    made (it names the visitor, which needs the database), a plain one says the same."""
    title = _("Something went wrong")
    message = _("The player could not do this just now. What you saved before is kept; go back and try again in a moment.")
    try:
        return render_template("error.html", code=500, title=title, message=message), 500
    except Exception:  # noqa: BLE001 - whatever failed the request may fail the page too
        current_app.logger.exception("the error page could not be made either")
        return (f'<!doctype html><meta charset="utf-8"><title>500</title><h1>{escape(title)}</h1><p>{escape(message)}</p>',
                500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf)
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, _page)
    app.register_error_handler(500, _server_error)
