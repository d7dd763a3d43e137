"""CSRF on every state change, and security headers with a strict CSP on every response."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from markupsafe import Markup, escape

from player.store.keeping import FORM_TOKENS
from player.web.pages import memory

csrf = CSRFProtect()


def content_security_policy(frame_ancestors: str = "'none'", form_action: str = "'self'") -> str:
    """The player's CSP; an LTI session's pages may be framed by its LMS (player.web.views.lti)."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        f"form-action {form_action}",
        f"frame-ancestors {frame_ancestors}",
    ])


CSP = content_security_policy()
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csrf_token() -> str:
    """The form token of this request's session, signed once per session's secret.

    Flask-WTF signs the session's secret with a timestamp on every request; with no time limit
    on tokens (WTF_CSRF_TIME_LIMIT = None, the player's setting) a token signed earlier is
    exactly as valid, and the same one is checked the same way, so signed tokens are kept (a
    region of player.store.keeping). With a time limit set, every request signs afresh so that
    tokens keep their age.
    """
    signed = g.get("csrf_token")
    if signed is not None:  # this request's, as Flask-WTF keeps it
        return signed
    if current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return generate_csrf()
    secret, key = session.get("csrf_token"), current_app.secret_key
    signed = memory().find(FORM_TOKENS, key, secret=secret) if isinstance(secret, str) else None
    if signed is None:
        signed = generate_csrf()  # makes the session's secret when it has none
        memory().put(FORM_TOKENS, key, signed, secret=session["csrf_token"])
    g.csrf_token = signed  # where Flask-WTF keeps the request's token: later calls agree
    return signed


def csrf_field() -> Markup:
    """The hidden field that carries the form token: every form that changes something has one."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">')


class SecurityHeaders:
    """WSGI middleware: every response gets each security header it does not set itself, and no
    response is stored by caches unless it says it may (media, the favicon) or is a static file:
    pages show a learner's progress and form tokens, PDFs their name, JSON their data.

    The headers are plain tuples added as the response starts: through Werkzeug's Headers each
    one would be parsed and checked again on every request, a fifth of a small page's cost.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], development: bool, static: str = "/static/") -> None:
        self.wsgi_app = wsgi_app
        self.static = static
        self.headers = list(HEADERS.items())
        if not development:
            self.headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        self._names = [name.lower() for name, _value in self.headers]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower(): value for name, value in headers}
            if "frame-ancestors" in present.get("content-security-policy", ""):
                present.setdefault("x-frame-options", "")  # the response's own CSP (an LTI session's) rules framing
            headers += [h for h, name in zip(self.headers, self._names) if name not in present]
            if "cache-control" not in present and not environ.get("PATH_INFO", "").startswith(self.static):
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


# The only requests without the form token: an LMS's cross-site POSTs of an LTI login and launch,
# which carry no session of ours. A launch is checked by its id_token instead: signed by the
# platform, for our client id, with the nonce of a login this browser started (state cookie).
CSRF_EXEMPT = frozenset({"lti.login", "lti.launch"})


def _check_form_token() -> None:
    """Every request that can change something must carry the session's form token. Flask-WTF's
    own hook looks up the view's exemptions on every request before it looks at the method; here
    the method comes first and the few exempt endpoints are one set (WTF_CSRF_CHECK_DEFAULT is
    off, and this hook calls Flask-WTF's check the documented way)."""
    if request.method in current_app.config["WTF_CSRF_METHODS"] and request.endpoint not in CSRF_EXEMPT and not _is_kept_token():
        csrf.protect()


def _is_kept_token() -> bool:
    """The form carries the very token this worker signed for the session's secret (see
    csrf_token): valid without checking the signature again, which costs a submission more than
    its database work. Anything else goes through Flask-WTF's full check."""
    secret, given = session.get("csrf_token"), request.form.get("csrf_token")
    if not isinstance(secret, str) or not given or current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return False
    signed = memory().find(FORM_TOKENS, current_app.secret_key, secret=secret)
    if signed is None or not hmac.compare_digest(signed, given):
        return False
    g.csrf_valid = True  # as Flask-WTF marks a request whose token it checked
    return True


def init_app(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_check_form_token)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.config.get("DEVELOPMENT", False), f"{app.static_url_path}/")  # type: ignore[method-assign]
