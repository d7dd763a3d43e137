"""What the outbox holds, for admins: statements and scores waiting, and those that failed with
the reason (docs/lti-xapi.md). The same as `coursepack xapi status` and `coursepack lti status`."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from player.domain import outbox
from player.web import db
from player.web.access import allow

bp = Blueprint("outbox", __name__)


@bp.get("/admin/outbox")
@allow("admin")
def index() -> str:
    statuses = {channel: outbox.status(db.session(), channel) for channel in outbox.CHANNELS}
    return render_template("outbox.html", statuses=statuses)


@bp.post("/admin/outbox/<channel>/retry")
@allow("admin")
def retry(channel: str) -> Response:
    """Queue failed messages again, once their cause (say a wrong secret) is mended."""
    if channel not in outbox.CHANNELS:
        abort(404)
    with db.writing() as write:
        count = outbox.retry_failed(write, channel)
    flash(_("%(n)d message(s) will be sent again.", n=count), "success")
    return redirect(url_for("outbox.index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
