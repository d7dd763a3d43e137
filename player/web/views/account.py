"""Sign up (open or with a cohort join code), sign in, sign out, and change the password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from player.domain.accounts import (
    MIN_PASSWORD, check_password, hash_password, normalise_email, password_too_short, plausible_email, spend_a_hash,
)
from player.domain.cohorts import find_by_code
from player.domain.merging import Kept, merge_guest
from player.store.models import Cohort, Membership, User
from player.web import db
from player.web.access import allow
from player.web.auth import (
    account_key, current_user, end_other_sessions, end_session, find_user, limiter, login_key, login_limit,
    signed_in_account, signup_limit, start_session,
)
from player.web.content import store

bp = Blueprint("account", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if not target or urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("catalog.index")
    return target


def _signup_problem(email: str, password: str, code: str) -> tuple[str | None, Cohort | None]:
    """What is wrong with the form itself; whether the email has an account is never one of them."""
    if not plausible_email(email):
        return _("Please give a valid email address."), None
    if password_too_short(password):
        return _("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD), None
    cohort = None
    if code:
        cohort = find_by_code(db.session(), code)
        if cohort is None:
            return _("This join code is not known. Check it with your trainer."), None
    return None, cohort


SIGNUP_EMAIL = "signup_email"  # the session key that fills in the sign-in form after sign-up


@bp.route("/signup", methods=["GET", "POST"])
@allow("public")
@limiter.limit(signup_limit, methods=["POST"])
def signup() -> str | Response:
    """Create an account, then sign in to it.

    The answer is the same whether or not the email already has an account (the same page, the
    same time: a new email costs an argon2 hash, a known one costs one too), so sign-up cannot be
    used to learn who has an account here. A guest's progress so far comes into the account when
    they sign in, as with any sign-in.
    """
    if request.method == "GET":
        return render_template("signup.html", code=request.args.get("code", ""))
    email, password = normalise_email(request.form.get("email", "")), request.form.get("password", "")
    code = request.form.get("code", "").strip()
    problem, cohort = _signup_problem(email, password, code)
    if problem:
        flash(problem, "error")
        return render_template("signup.html", code=code, form=request.form), 400  # type: ignore[return-value]
    if find_user(email) is None:
        _create_account(email, password, cohort)
    else:
        spend_a_hash(password)
    session[SIGNUP_EMAIL] = email
    flash(_("If this email is new here, your account is ready; if it already had one, nothing has changed. "
            "Sign in to continue."), "success")
    # With a join code, sign-in leads to the cohort's join page: a new account is in the cohort
    # already, an existing one joins there with one button.
    target = url_for("trainer.join_page", code=cohort.join_code) if cohort is not None else request.form.get("next", "")
    return redirect(url_for("account.signin", next=_safe_next(target)))


def _create_account(email: str, password: str, cohort: Cohort | None) -> None:
    try:
        with db.writing() as write:
            user = User(email=email, password_hash=hash_password(password))
            user.name = request.form.get("name", "").strip()[:200]
            user.organisation = request.form.get("organisation", "").strip()[:200]
            user.country = request.form.get("country", "").strip().upper()[:2]
            write.add(user)
            write.flush()
            if cohort is not None:
                write.add(Membership(cohort_id=cohort.id, user_id=user.id))
    except IntegrityError:
        pass  # made at the same moment by another request: it has an account, and the answer is the same


@bp.route("/signin", methods=["GET", "POST"])
@allow("public")
@limiter.limit(login_limit, key_func=login_key, methods=["POST"])
def signin() -> str | Response:
    if request.method == "GET":
        return render_template("signin.html", next=request.args.get("next", ""), email=session.pop(SIGNUP_EMAIL, ""))
    user = find_user(request.form.get("email", ""))
    if not check_password(user, request.form.get("password", "")):  # as long for an unknown email
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
@limiter.limit(login_limit, key_func=account_key, methods=["POST"])
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
