"""Who is asking: server-side sessions, argon2id passwords, guests, and throttling.

The signed cookie holds the id of a row in `login_sessions` (besides the language chosen and the
form token's secret). Signing out or changing the password deletes rows, so a copied or replayed
cookie stops working at once, on every worker and host.

Sign-in, sign-up, password change and account deletion are throttled (Flask-Limiter). The
counters are shared by every worker and host: in Redis when COURSEPACK_REDIS_URL is set, else in
the database (`player.store.limits`). A counter's key names an address, an account's number or
a keyed hash of an email (`account_tag`), never an email, and an erased account's counters go
with it (`forget_counters`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature
from limits.storage import MemoryStorage, RedisStorage
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from player.domain.accounts import Visitor, normalise_email
from player.store.database import Read
from player.store.keeping import SESSION_COOKIES
from player.store.limits import SCHEME, DatabaseLimits
from player.store.models import LoginSession, LtiAccount, User, new_token
from player.web import db
from player.web.pages import memory

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

limiter = Limiter(key_func=get_remote_address, default_limits=[])


# Every page asks, so it is a db.Read: ORM loading or SQLAlchemy's execution would cost more than the query.
_VISITOR = Read(
    select(User.id, User.email, User.name, User.role, LtiAccount.id.is_not(None))
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(LtiAccount, LtiAccount.user_id == User.id)
    .where(LoginSession.id == bindparam("sid")))

# The session key of a session an LTI launch started: the LMS origin allowed to frame its pages.
LTI_FRAME = "lti_frame"


_UNKNOWN = object()  # not looked up yet in this request (None is a visitor without a session)


def current_user() -> Visitor | None:
    """The signed-in user or guest of this request, looked up once."""
    user = g.get("user", _UNKNOWN)
    if user is _UNKNOWN:
        user = None
        sid = session.get("sid")
        if sid:
            found = _VISITOR.rows(db.reader(), {"sid": sid})
            user = Visitor(*found[0]) if found else None
            if user is None:
                session.pop("sid", None)
        g.user = user
    return user


def signed_in_account() -> User:
    """The signed-in visitor's full account row, for the pages that show or change the account
    (their access policy, "user", has let only signed-in users in)."""
    visitor = current_user()
    assert visitor is not None and not visitor.is_guest
    user = db.session().get(User, visitor.id)
    assert user is not None
    return user


def start_session(user_id: int) -> None:
    """Open a fresh server-side session for a person signing in (a new id: no fixation of an old
    cookie). Its cookie ends with the browser, so a shared computer does not stay signed in."""
    with db.writing() as write:
        row = LoginSession(user_id=user_id)
        write.add(row)
        write.flush()
        sid = row.id
    lang = session.get("lang")
    session.clear()
    session["sid"] = sid
    session.permanent = False
    if lang:
        session["lang"] = lang
    g.pop("user", None)


def end_session() -> None:
    sid = session.get("sid")
    if sid:
        with db.writing() as write:
            write.execute(delete(LoginSession).where(LoginSession.id == sid))
    session.pop("sid", None)
    g.pop("user", None)


def end_other_sessions(user_id: int) -> None:
    """After a password change only the session that changed it survives."""
    keep = session.get("sid")
    with db.writing() as write:
        write.execute(delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.id != keep))


# The session key of a first-time visitor's guest session id, chosen before the guest exists.
GUEST_TO_BE = "guest"


def prepare_guest() -> None:
    """Choose, in the cookie only, the session id a first-time visitor's guest will have. Nothing
    is written (a GET changes no state): the guest is made by the first thing they send, with this
    id, so a send whose reply is lost (and the cookie that reply set with it) is sent again as the
    same guest."""
    if current_user() is None and not _chosen_guest():
        session[GUEST_TO_BE] = new_token()


def _chosen_guest() -> str | None:
    chosen = session.get(GUEST_TO_BE)
    return chosen if isinstance(chosen, str) and 0 < len(chosen) <= 64 else None


def ensure_learner() -> Visitor:
    """The current user, creating a guest (kept in the session) for a first-time visitor.

    A guest's session keeps what the cookie held (the language, the form token's secret), so the
    page's other forms stay valid; its id is the one `prepare_guest` chose, if it did."""
    user = current_user()
    if user is not None:
        return user
    chosen = _chosen_guest()
    try:
        sid = _new_guest(chosen)
    except IntegrityError:
        if chosen is None:
            raise
        # That session exists: made by an earlier send whose reply never arrived, or by another
        # tab's send at the same moment. It is this cookie's guest.
        sid = chosen
    session.pop(GUEST_TO_BE, None)
    session["sid"] = sid
    session.permanent = True  # the guest's progress is tied to the cookie: it outlives the browser
    g.pop("user", None)
    user = current_user()
    assert user is not None
    return user


def _new_guest(chosen: str | None) -> str:
    """A new guest and its session, whose id is `chosen` if given; IntegrityError when a session
    with that id exists (nothing is then written)."""
    with db.writing() as write:
        guest = User()
        write.add(guest)
        write.flush()
        row = LoginSession(user_id=guest.id, **({"id": chosen} if chosen else {}))
        write.add(row)
        write.flush()
        return row.id


def find_user(email: str) -> User | None:
    return db.session().scalars(select(User).where(User.email == normalise_email(email))).first()


def login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def signup_limit() -> str:
    return current_app.config["SIGNUP_LIMIT"]


def account_tag(email: str) -> str:
    """A keyed hash of an email, for throttling keys: a counter store (Redis, the database) never
    holds the address itself, and without the app's secret the tag cannot be tried against a
    list of emails."""
    key = hashlib.sha256(b"coursepack throttling\0" + str(current_app.secret_key).encode()).digest()
    return "e" + hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def login_key() -> str:
    """Throttle per address and per account, so one attacker cannot spread guesses."""
    return f"{get_remote_address()}|{account_tag(request.form.get('email', ''))}|"


def account_key() -> str:
    """Throttle a signed-in account's password checks (password change, deletion) per account:
    someone at a borrowed, signed-in device gets as few guesses from any address."""
    user = current_user()
    return f"account|u{user.id}|" if user is not None else f"{get_remote_address()}|"


def forget_counters(email: str | None, user_id: int) -> None:
    """Drop the throttling counters that name an erased account (by its email's tag or its
    number), wherever they are kept: nothing of the person stays behind in Redis or the table."""
    parts = [f"|u{user_id}|"] + ([f"|{account_tag(email)}|"] if email else [])
    storage = limiter.storage
    for part in parts:
        if isinstance(storage, DatabaseLimits):
            storage.clear_naming(part)
        elif isinstance(storage, RedisStorage):
            for key in storage.storage.scan_iter(match=f"{storage.key_prefix}:*{part}*"):
                storage.storage.delete(key)
        elif isinstance(storage, MemoryStorage):
            for key in [key for key in storage.storage if part in key]:
                storage.clear(key)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed session cookie, checked once per cookie instead of on every request.

    A cookie's signature and contents do not change, so a cookie verified lately is kept with
    the time it expires (a region of player.store.keeping, answering only for the keys that
    signed it) and its contents handed out as a fresh copy. Only cookies holding plain values
    are kept: a list (flashed messages) is changed in place. Flask's own checks run for every
    other cookie and after a key change.
    """

    def __init__(self) -> None:
        self._keys: tuple[object, ...] = ()
        self._serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:
            self._serializer, self._keys = super().get_signing_serializer(app), keys
        return self._serializer

    # A session an LTI launch started lives in the LMS's iframe, a cross-site context where
    # browsers send only SameSite=None cookies, which must be Secure (and Partitioned, for
    # browsers that keep third-party cookies apart). Every other session stays SameSite=Lax.
    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if session.get(LTI_FRAME) else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(session.get(LTI_FRAME)) or super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return bool(session.get(LTI_FRAME)) or super().get_cookie_partitioned(app)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not cookie:
            return super().open_session(app, request)
        kept = memory().find(SESSION_COOKIES, self._keys, cookie=cookie)
        if kept is None or kept[0] <= time.time():
            max_age = int(app.permanent_session_lifetime.total_seconds())
            try:
                data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if not isinstance(data, dict) or not all(isinstance(v, (str, int, float, bool, type(None))) for v in data.values()):
                return self.session_class(data)
            kept = (signed_at.timestamp() + max_age, data)
            memory().put(SESSION_COOKIES, self._keys, kept, cookie=cookie)
        return self.session_class(kept[1])  # a copy: a request changes its session in place


THROTTLED_AREAS = ("account", "data")  # the blueprints with views under a @limiter.limit


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    before = [list(funcs[None]) for funcs in hooks]
    # The limiter is one object for every app a process makes (the views' decorators name it),
    # and it adds each app's storage options to the last ones: set them afresh, the database's
    # engine only for the database's storage (db.engine is the request's app's).
    limiter._storage_options = {"engine": db.engine} if str(app.config["RATELIMIT_STORAGE_URI"]).startswith(f"{SCHEME}:") else {}
    limiter.init_app(app)
    added = [[hook for hook in funcs[None] if hook not in old] for funcs, old in zip(hooks, before, strict=True)]
    # Every limit here is a decorator on a view, which checks itself when the view runs
    # (Flask-Limiter's LimitDecorator): with no default or application limits the app-wide
    # before_request check has nothing to do, and the hooks that add the X-RateLimit headers and
    # reset the limiter's state afterwards only matter where a limit ran. On every request they
    # cost a quarter of a small page, so they run for the throttled areas only. The throttling
    # tests fail if a Flask-Limiter release makes the decorators rely on the before_request check
    # or moves the headers elsewhere, and if a limit is put on a view outside THROTTLED_AREAS.
    for funcs, new in zip(hooks, added, strict=True):
        for hook in new:
            funcs[None].remove(hook)
            if funcs is not app.before_request_funcs:
                for area in THROTTLED_AREAS:
                    funcs[area].append(hook)
