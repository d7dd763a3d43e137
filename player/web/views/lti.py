"""The player as an LTI 1.3 tool: OIDC login initiation, launch, the tool's key set, and deep
linking (docs/lti-xapi.md). The rules live in player.domain.lti and lti_accounts; this module
ties them to requests, cookies and the LMS's iframe.

A launch arrives as a cross-site POST inside the LMS's iframe, so the login and launch are the
only endpoints without our form token (player.web.security.CSRF_EXEMPT), and the cookies they
set, the login's state and the session a launch starts, are SameSite=None; Secure. Pages of a
session a launch started may be framed by that LMS's origin and no other.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jwt
from flask import (
    Blueprint, Flask, abort, current_app, jsonify, make_response, redirect, render_template, request, session, url_for,
)
from werkzeug.wrappers import Response

from player.domain import lti
from player.domain.lti_accounts import land
from player.store.keeping import PLATFORM_KEYS
from player.store.models import LtiPlatform
from player.web import db
from player.web.access import allow
from player.web.auth import LTI_FRAME, start_session
from player.web.content import store
from player.web.i18n import current_lang
from player.web.pages import memory
from player.web.security import content_security_policy

bp = Blueprint("lti", __name__)

STATE_COOKIE = "coursepack_lti_state"
DEEP_LINK = "lti_deep_link"  # the session key holding a deep linking request until the teacher picks
_KEYS = object()  # the source of kept key sets: they depend on nothing but their address


def _key_for(platform: LtiPlatform, token: str) -> Any:
    """The platform's key that signed the token, from its JWKS (kept; see PLATFORM_KEYS)."""
    client = memory().get(PLATFORM_KEYS, _KEYS, lambda: jwt.PyJWKClient(platform.jwks_url, lifespan=300, timeout=10),
                          url=platform.jwks_url)
    try:
        return client.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientConnectionError as error:
        raise lti.LaunchRefused(f"the public keyset of {platform.name} could not be fetched from {platform.jwks_url}: "
                                "check the address ('coursepack lti list') and that this server can reach it") from error
    except jwt.PyJWTError as error:
        raise lti.LaunchRefused(f"no key of {platform.name} checks this id_token: {error}") from error


def _refused(error: lti.LaunchRefused) -> tuple[str, int]:
    current_app.logger.warning("LTI launch refused: %s", error)
    return render_template("lti/refused.html", reason=str(error)), 400


def _external(endpoint: str, **values: Any) -> str:
    """An address of ours as the LMS must call it: under COURSEPACK_PUBLIC_URL when set."""
    public = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    return public + url_for(endpoint, **values) if public else url_for(endpoint, _external=True, **values)


@bp.route("/lti/login", methods=["GET", "POST"])
@allow("public")
def login() -> Response | tuple[str, int]:
    """Third-party initiated login: send the browser to the platform's auth endpoint with a fresh
    state (also a cookie, so only this browser can finish it) and nonce."""
    params = request.values
    if not params.get("iss") or not params.get("login_hint"):
        return _refused(lti.LaunchRefused("a login needs iss and login_hint"))
    try:
        with db.writing() as write:
            platform, started = lti.begin_login(write, params["iss"], params.get("client_id"))
            auth_url, state, nonce, client_id = platform.auth_login_url, started.state, started.nonce, platform.client_id
    except lti.LaunchRefused as error:
        return _refused(error)
    query = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": client_id, "redirect_uri": _external("lti.launch"), "login_hint": params["login_hint"],
        "state": state, "nonce": nonce,
        **({"lti_message_hint": params["lti_message_hint"]} if params.get("lti_message_hint") else {}),
    }
    response = redirect(auth_url + ("&" if "?" in auth_url else "?") + urlencode(query))
    response.set_cookie(STATE_COOKIE, state, max_age=int(lti.LOGIN_LIFETIME.total_seconds()), path=url_for("lti.launch"),
                        secure=True, httponly=True, samesite="None", partitioned=True)
    return response


@bp.post("/lti/launch")
@allow("public")
def launch() -> Response | tuple[str, int]:
    """Validate the id_token and start a session for the LMS user, then land where the link
    points (a resource link) or on the picker (a deep linking request)."""
    state = request.form.get("state", "")
    if request.form.get("error"):  # the platform answered the login with an error (OpenID Connect)
        said = request.form.get("error_description") or request.form["error"]
        return _refused(lti.LaunchRefused(f"the LMS refused the login: {said[:300]}"))
    if not state or request.cookies.get(STATE_COOKIE) != state:
        return _refused(lti.LaunchRefused("this browser did not start this launch (no state cookie: are third-party cookies blocked?)"))
    try:
        with db.writing() as write:
            login = lti.take_login(write, state)  # committed now: a refused launch uses it up too
        with db.writing() as write:
            found = lti.validate_launch(write, login, request.form.get("id_token", ""), _key_for)
            user_id, target = _record(write, found)
    except lti.LaunchRefused as error:
        return _refused(error)
    start_session(user_id)
    session[LTI_FRAME] = found.frame_origin
    if found.message_type == lti.DEEP_LINKING:
        session[DEEP_LINK] = {"platform_id": found.platform_id, "deployment_id": found.deployment_id,
                              "settings": found.deep_linking}
    response = redirect(target)
    response.delete_cookie(STATE_COOKIE, path=url_for("lti.launch"), secure=True, httponly=True, samesite="None", partitioned=True)
    return response


def _record(write: Any, found: lti.Launch) -> tuple[int, str]:
    """Record the launch (account, role, cohort, grade column); the user and where they go."""
    if found.message_type == lti.DEEP_LINKING:
        landing = land(write, found, None, None, current_lang())
        if not landing.trainer:
            raise lti.LaunchRefused("only an instructor may pick what a link opens")
        return landing.user_id, url_for("lti.pick")
    course = store().course(found.custom.get("course", ""))
    block = course.block(found.custom.get("block", "")) if course else None
    landing = land(write, found, course.id if course else None, block.id if block else None, current_lang())
    if block is not None and course is not None:
        return landing.user_id, url_for("learn.block_start", course_id=course.id, block_id=block.id)
    return landing.user_id, url_for("catalog.course", course_id=course.id) if course else url_for("catalog.index")


@bp.get("/lti/jwks.json")
@allow("public")
def jwks() -> Response:
    """The tool's public keys: the platform checks deep linking responses and token requests."""
    response = jsonify(lti.public_jwks(db.session()))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/lti/deep-link")
@allow("trainer")
def pick() -> str:
    """The picker a teacher sees when adding the player to an LMS course: a course or a block."""
    if DEEP_LINK not in session:
        abort(404)
    return render_template("lti/pick.html", courses=store().all())


@bp.post("/lti/deep-link")
@allow("trainer")
def picked() -> Response | tuple[str, int]:
    """Send the LMS a signed LtiResourceLink for what was picked, through the teacher's browser."""
    request_ = session.get(DEEP_LINK)
    item = _item(request.form.get("item", ""))
    if request_ is None or item is None:
        abort(400)
    settings = request_["settings"]
    try:
        token = lti.deep_linking_response(db.session(), request_["platform_id"], request_["deployment_id"], settings,
                                          [lti.resource_link(item, _external("lti.launch"))])
    except lti.LaunchRefused as error:
        return _refused(error)
    session.pop(DEEP_LINK, None)
    return_url = str(settings.get("deep_link_return_url", ""))
    if not return_url.startswith(("https://", "http://")):
        abort(400)
    response = make_response(render_template("lti/return.html", return_url=return_url, token=token, item=item))
    response.headers["Content-Security-Policy"] = content_security_policy(_frame_ancestors(), f"'self' {lti.origin(return_url)}")
    return response


def _item(value: str) -> lti.LinkedItem | None:
    course_id, _, block_id = value.partition("/")
    course = store().course(course_id)
    block = course.block(block_id) if course and block_id else None
    if course is None or (block_id and block is None):
        return None
    lang = current_lang()
    title = store().in_language(course, block, lang).title if block else course.title_in(lang)
    return lti.LinkedItem(title=title, course_id=course.id, block_id=block.id if block else "")


def _frame_ancestors() -> str:
    frame = session.get(LTI_FRAME)
    return f"'self' {frame}" if frame else "'none'"


def _allow_lms_frame(response: Response) -> Response:
    """An LTI session's pages may be framed by its LMS, and only by it."""
    if request.endpoint != "static" and session.get(LTI_FRAME) and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(_frame_ancestors())
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_allow_lms_frame)
