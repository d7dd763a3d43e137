"""Certificates: issued on request once a course or block is completed, verifiable by anyone."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from sqlalchemy import select

from blocks.model import Block, Course
from player.domain.progress import course_completed, course_states
from player.domain.recording import issue_certificate
from player.store.models import Certificate
from player.web import db
from player.web.access import allow
from player.web.auth import current_user
from player.web.i18n import current_lang
from player.web.views.common import course_and_block, visible_course

bp = Blueprint("certificates", __name__)


@bp.post("/courses/<course_id>/certificate")
@allow("user")
def for_course(course_id: str) -> Response:
    return _issue(visible_course(course_id), None)


@bp.post("/courses/<course_id>/<block_id>/certificate")
@allow("user")
def for_block(course_id: str, block_id: str) -> Response:
    return _issue(*course_and_block(course_id, block_id))


def _issue(course: Course, block: Block | None) -> Response:
    """Issue (or find) the learner's certificate for a completed course or block, then send it."""
    user = current_user()
    assert user is not None  # the "user" policy let only signed-in learners through
    statuses = course_states(db.session(), user.id, course, [block] if block else None)
    if not course_completed(statuses):
        abort(403)
    with db.writing() as write:
        code = issue_certificate(write, user, course, block).code
    return redirect(url_for("certificates.download", code=code))


@bp.get("/certificates/<code>.pdf")
@allow("user")
def download(code: str) -> Response:
    """The holder's own certificate as PDF; anyone else gets 404."""
    user = current_user()
    certificate = db.session().scalars(select(Certificate).filter_by(code=code)).first()
    if certificate is None or user is None or certificate.user_id != user.id:
        abort(404)
    from exporter.certificate import render_certificate  # WeasyPrint loads only when a PDF is asked for

    pdf = render_certificate(
        name=certificate.name, title=certificate.title, issued=certificate.issued_at.date(),
        hours=certificate.hours, code=certificate.code,
        verify_url=url_for("certificates.verify", code=certificate.code, _external=True),
        lang=current_lang(),
    )
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="certificate-{code}.pdf"'})


@bp.get("/verify/<code>")
@allow("public")
def verify(code: str) -> str:
    """Public check that a certificate is genuine: who, what, when."""
    certificate = db.session().scalars(select(Certificate).filter_by(code=code)).first()
    return render_template("verify.html", certificate=certificate, code=code), 200 if certificate else 404  # type: ignore[return-value]
