"""CSRF on every state change, and security headers with a strict CSP on every response."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, Response, current_app, g, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from markupsafe import Markup, escape

csrf = CSRFProtect()
TOKENS_KEPT = 10_000  # signed form tokens of recent sessions, about 150 bytes each

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SignedTokens:
    """The signed form token of each recent session's secret, so a page does not sign it again.

    Flask-WTF signs the session's secret with a timestamp on every request; with no time limit
    on tokens (WTF_CSRF_TIME_LIMIT = None, the player's setting) a token signed earlier is
    exactly as valid, and the same one is checked the same way. With a time limit set, every
    request signs afresh so that tokens keep their age.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._signed: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def token(self) -> str:
        if "csrf_token" in g:  # this request's, as Flask-WTF keeps it
            return g.csrf_token
        if current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
            return generate_csrf()
        secret = session.get("csrf_token")
        with self._lock:
            signed = self._signed.get(secret) if isinstance(secret, str) else None
            if signed is not None:
                self._signed.move_to_end(secret)
        if signed is None:
            signed = generate_csrf()  # makes the session's secret when it has none
            with self._lock:
                self._signed[session["csrf_token"]] = signed
                while len(self._signed) > self.size:
                    self._signed.popitem(last=False)
        g.csrf_token = signed  # where Flask-WTF keeps the request's token: later calls agree
        return signed


def csrf_token() -> str:
    """The form token of this request's session."""
    return current_app.extensions["coursepack_tokens"].token()


def csrf_field() -> Markup:
    """The hidden field that carries the form token: every form that changes something has one."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">')


def _headers(response: Response) -> Response:
    """Add each security header a view has not set itself (one look at what is there: Werkzeug's
    setdefault raises and catches an exception for every header missing)."""
    wanted = dict(HEADERS)
    if response.mimetype == "text/html":
        wanted["Cache-Control"] = "no-store"
    if not current_app.config.get("DEVELOPMENT"):
        wanted["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value in wanted.items() if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.extensions["coursepack_tokens"] = SignedTokens(TOKENS_KEPT)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
    app.after_request(_headers)
