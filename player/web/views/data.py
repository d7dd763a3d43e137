"""Your account and your data (SPEC 11): see it, download all of it as JSON, delete it."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from player.domain.accounts import check_password
from player.domain.data_rights import delete_users, export_user_data
from player.store.models import Certificate, Membership, User
from player.web import db
from player.web.access import allow
from player.web.auth import account_key, end_session, forget_counters, limiter, login_limit, signed_in_account
from player.web.i18n import current_lang
from player.web.views.certificates import titles

bp = Blueprint("data", __name__)


@bp.get("/account/")
@allow("user")
def account() -> str:
    """The account page: details, password, the data download and account deletion."""
    return _account_page(signed_in_account())


def _account_page(user: User) -> str:
    cohorts = db.session().scalar(select(func.count()).select_from(Membership).where(Membership.user_id == user.id))
    certificates = db.session().scalars(
        select(Certificate).filter_by(user_id=user.id).order_by(Certificate.issued_at, Certificate.id)).all()
    lang = current_lang()
    return render_template("data/account.html", user=user, cohorts=cohorts,
                           certificates=[(c, *titles(c, lang)) for c in certificates])


@bp.get("/account/data.json")
@allow("user")
def download() -> Response:
    """Everything the player holds about the signed-in person, as one JSON file."""
    data = export_user_data(db.session(), signed_in_account().id)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="coursepack-my-data.json"', "Cache-Control": "no-store"},
    )


@bp.post("/account/delete")
@allow("user")
@limiter.limit(login_limit, key_func=account_key, methods=["POST"])
def delete() -> str | Response:
    """Delete the account and every row that is the person's, after they confirm with their
    password (a borrowed, still signed-in device must not be enough). Nothing is left behind:
    not in the database's files (`scrub`), not in the throttling counters."""
    user = signed_in_account()
    if not check_password(user, request.form.get("password", "")) or request.form.get("confirm") != "yes":
        flash(_("Type your password and tick the box to delete your account."), "error")
        return _account_page(user), 400  # type: ignore[return-value]
    user_id, email = user.id, user.email
    end_session()
    with db.writing() as write:
        delete_users(write, [user_id])
    forget_counters(email, user_id)
    db.scrub()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Your account and all your data are deleted."), "success")
    return redirect(url_for("catalog.index"))
