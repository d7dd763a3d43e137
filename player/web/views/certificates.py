"""Certificates: issued on request once a course or block is completed, verifiable by anyone.

A certificate's titles are looked up in the content when it is shown, in the reader's language
(the block's catalogue, the course's `locales/`), so a Ukrainian certificate names the block in
Ukrainian whatever language it was issued in; the title kept at issue time is the fallback for
content that is gone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from blocks.model import Block, Course
from player.domain.certificates import issue_certificate
from player.domain.progress import course_completed, course_states
from player.store.models import Certificate
from player.web import db
from player.web.access import allow
from player.web.auth import current_user
from player.web.content import store
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
    """The holder's own certificate as PDF, in the holder's language; anyone else gets 404."""
    user = current_user()
    certificate = _find(code)
    if certificate is None or user is None or certificate.user_id != user.id:
        abort(404)
    from exporter.certificate import CertificateFace, render_certificate  # WeasyPrint loads only when a PDF is asked for

    lang = current_lang()
    title, course = titles(certificate, lang)
    face = CertificateFace(
        name=certificate.name, title=title, course=course, issued=certificate.issued_at.date(),
        minutes=certificate.minutes, mode=certificate.mode, code=certificate.code,  # type: ignore[arg-type]
        verify_url=verify_url(certificate.code), issuer=issuer(),
    )
    pdf = render_certificate(face, lang=lang)
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="certificate-{code}.pdf"'})


@bp.get("/verify/")
@allow("public")
def verify_form() -> Response | str:
    """Where a code read off a paper certificate is typed in; the form goes to its own page."""
    code = "".join(request.args.get("code", "").split())
    if code:
        return redirect(url_for("certificates.verify", code=code))
    return render_template("verify_form.html")


@bp.get("/verify/<code>")
@allow("public")
def verify(code: str) -> tuple[str, int]:
    """Public check that a certificate is genuine: who, what, when, how long and how."""
    certificate = _find(code)
    if certificate is None:
        return render_template("verify.html", certificate=None, code=code), 404
    title, course = titles(certificate, current_lang())
    return render_template("verify.html", certificate=certificate, code=code, title=title, course=course, issuer=issuer()), 200


def _find(code: str) -> Certificate | None:
    return db.session().scalars(select(Certificate).filter_by(code=code)).first()


def titles(certificate: Certificate, lang: str) -> tuple[str, str]:
    """(what was completed, the course it belongs to or "") in `lang`, as far as the content is translated."""
    course = store().course(certificate.course_id)
    if course is None:
        return certificate.title, ""
    if not certificate.block_id:
        return course.title_in(lang), ""
    block = course.block(certificate.block_id)
    title = store().in_language(course, block, lang).title if block else certificate.title
    return title, course.title_in(lang)


def verify_url(code: str) -> str:
    """The certificate's public address: under COURSEPACK_PUBLIC_URL when set, so paper points at the real site."""
    public = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    path = url_for("certificates.verify", code=code)
    return public + path if public else url_for("certificates.verify", code=code, _external=True)


def issuer() -> str:
    """Who issues certificates: COURSEPACK_CERTIFICATE_ISSUER, else the site that can verify them."""
    return current_app.config.get("CERTIFICATE_ISSUER") or urlsplit(verify_url("x")).hostname or request.host
