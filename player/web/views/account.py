"""Sign up (open or with a cohort join code), sign in, sign out, and change the password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from player.domain.accounts import MIN_PASSWORD, check_password, hash_password, normalise_email, password_too_short
from player.domain.cohorts import find_by_code
from player.domain.merging import Kept, merge_guest
from player.store.models import Cohort, Membership, User
from player.web import db
from player.web.access import allow
from player.web.auth import (
    current_user, end_other_sessions, end_session, find_user, limiter, login_key, login_limit, signed_in_account,
    start_session,
)
from player.web.content import store

bp = Blueprint("account", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if not target or urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("catalog.index")
    return target


def _signup_problem(email: str, password: str, code: str) -> tuple[str | None, Cohort | None]:
    if "@" not in email or len(email) > 254:
        return _("Please give a valid email address."), None
    if password_too_short(password):
        return _("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD), None
    if find_user(email) is not None:
        return _("An account with this email already exists. Sign in instead."), None
    cohort = None
    if code:
        cohort = find_by_code(db.session(), code)
        if cohort is None:
            return _("This join code is not known. Check it with your trainer."), None
    return None, cohort


@bp.route("/signup", methods=["GET", "POST"])
@allow("public")
def signup() -> str | Response:
    """Create an account; a guest's progress so far becomes the account's."""
    if request.method == "GET":
        return render_template("signup.html", code=request.args.get("code", ""))
    email, password = normalise_email(request.form.get("email", "")), request.form.get("password", "")
    code = request.form.get("code", "").strip()
    problem, cohort = _signup_problem(email, password, code)
    if problem:
        flash(problem, "error")
        return render_template("signup.html", code=code, form=request.form), 400  # type: ignore[return-value]
    guest = current_user()
    try:
        with db.writing() as write:
            user = write.get(User, guest.id) if guest is not None and guest.is_guest else User()
            user.email, user.password_hash = email, hash_password(password)
            user.name = request.form.get("name", "").strip()[:200]
            user.organisation = request.form.get("organisation", "").strip()[:200]
            user.country = request.form.get("country", "").strip().upper()[:2]
            write.add(user)
            write.flush()
            if cohort is not None:
                write.add(Membership(cohort_id=cohort.id, user_id=user.id))
            user_id = user.id
    except IntegrityError:
        flash(_("An account with this email already exists. Sign in instead."), "error")
        return render_template("signup.html", code=code, form=request.form), 400  # type: ignore[return-value]
    start_session(user_id)
    flash(_("Welcome! Your account is ready."), "success")
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/signin", methods=["GET", "POST"])
@allow("public")
@limiter.limit(login_limit, key_func=login_key, methods=["POST"])
def signin() -> str | Response:
    if request.method == "GET":
        return render_template("signin.html", next=request.args.get("next", ""))
    user = find_user(request.form.get("email", ""))
    if user is None or not check_password(user, request.form.get("password", "")):
        flash(_("Email or password is not right."), "error")
        return render_template("signin.html", next=request.form.get("next", "")), 401  # type: ignore[return-value]
    guest, kept = current_user(), Kept()
    if guest is not None and guest.is_guest and guest.id != user.id:
        with db.writing() as write:
            kept = merge_guest(write, guest.id, user.id, store().course)
    start_session(user.id)  # clears the session, flashed messages included: tell them after
    if kept.anything:
        flash(kept_message(kept), "success")
    if not request.form.get("next") and user.role in ("trainer", "admin"):
        return redirect(url_for("trainer.cohorts"))  # a trainer comes for their cohorts
    return redirect(_safe_next(request.form.get("next")))


def kept_message(kept: Kept) -> str:
    """What a guest's progress brought into the account, in a sentence or three."""
    parts = [_("What you did before signing in is kept.")]
    if kept.steps:
        parts.append(ngettext("%(num)d step read.", "%(num)d steps read.", kept.steps))
    if kept.attempts:
        parts.append(ngettext("%(num)d quiz attempt.", "%(num)d quiz attempts.", kept.attempts))
    if kept.left_out:
        parts.append(ngettext(
            "%(num)d weaker attempt was left out: a quiz allows no more attempts, and your best ones count.",
            "%(num)d weaker attempts were left out: a quiz allows no more attempts, and your best ones count.",
            kept.left_out))
    return " ".join(parts)


@bp.post("/signout")
@allow("public")
def signout() -> Response:
    """Ends the session on the server, so the old cookie is worthless."""
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("catalog.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow("user")
def password() -> str | Response:
    """Change the password; every other session of the account ends."""
    if request.method == "GET":
        return render_template("password.html")
    user = signed_in_account()
    new = request.form.get("new_password", "")
    if not check_password(user, request.form.get("current_password", "")):
        flash(_("Your current password is not right."), "error")
        return render_template("password.html"), 400  # type: ignore[return-value]
    if password_too_short(new):
        flash(_("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD), "error")
        return render_template("password.html"), 400  # type: ignore[return-value]
    with db.writing() as write:
        write.get(User, user.id).password_hash = hash_password(new)  # type: ignore[union-attr]
    end_session()
    start_session(user.id)
    end_other_sessions(user.id)
    flash(_("Your password is changed. Other devices are signed out."), "success")
    return redirect(url_for("catalog.index"))
