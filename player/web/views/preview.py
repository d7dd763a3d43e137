"""For trainers and authors: any block with facilitator notes inline, and content problems."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from player.web.access import allow
from player.web.content import store
from player.web.i18n import current_lang

bp = Blueprint("preview", __name__)


@bp.get("/preview/<course_id>/<block_id>/")
@allow("trainer")
def block(course_id: str, block_id: str) -> str:
    found = store().block(course_id, block_id)
    if found is None:
        abort(404)
    course, block_ = found
    return render_template("preview.html", course=course, block=store().in_language(course, block_, current_lang()))


@bp.get("/preview/problems")
@allow("trainer")
def problems() -> str:
    """Validation reports of edits that were refused (learners still get the last good version),
    and catalogues found unreadable while the course is served."""
    content = store()
    content.refresh()
    refused = {course_id for course_id, report in content.problems.items() if any(d.code != "unreadable-catalogue" for d in report.errors)}
    return render_template("problems.html", problems=content.problems, refused=refused, not_served=content.not_served,
                           from_kept=content.from_kept)


@bp.get("/preview/<course_id>/pack.pdf")
@allow("trainer")
def pack(course_id: str) -> Response:
    """A trainer or participant pack, as `coursepack export pack` makes it (cached when unchanged)."""
    from exporter.cache import PackCache
    from exporter.pack import ExportError, export_pack  # WeasyPrint loads only when a pack is asked for

    course = store().course(course_id)
    if course is None:
        abort(404)
    blocks = request.args.getlist("block")
    lang = request.args.get("lang") or None
    participant = request.args.get("participant") == "1"
    try:
        pdf = export_pack(course, blocks=blocks, lang=lang, participant=participant,
                          allow_incomplete=request.args.get("allow_incomplete") == "1",
                          cache=PackCache(current_app.config["PACK_CACHE"]))
    except ExportError as exc:
        return Response(str(exc), status=409, mimetype="text/plain")
    name = "-".join([course.id, *blocks, lang or "", "participant" if participant else "trainer", "pack"])
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{"-".join(filter(None, name.split("-")))}.pdf"'})


@bp.get("/preview/<course_id>/scorm.zip")
@allow("trainer")
def scorm(course_id: str) -> Response:
    """A SCORM package of a block (or a zip of packages), as `coursepack export scorm` makes it."""
    from exporter.pack import ExportError
    from exporter.scorm import VERSIONS, export_scorm

    course = store().course(course_id)
    version = request.args.get("version", "1.2")
    if course is None or version not in VERSIONS:
        abort(404)
    try:
        package = export_scorm(course, request.args.getlist("block"), request.args.get("lang") or None, version=version)
    except ExportError as exc:
        return Response(str(exc), status=409, mimetype="text/plain")
    return Response(package.data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{package.name}"', "Cache-Control": "no-store"})


@bp.get("/preview/<course_id>/cmi5.zip")
@allow("trainer")
def cmi5(course_id: str) -> Response:
    """A cmi5 package of a block or the whole course (one AU per block), as `coursepack export cmi5` makes it."""
    from exporter.cmi5 import export_cmi5
    from exporter.pack import ExportError

    course = store().course(course_id)
    if course is None:
        abort(404)
    try:
        package = export_cmi5(course, request.args.getlist("block"), request.args.get("lang") or None)
    except ExportError as exc:
        return Response(str(exc), status=409, mimetype="text/plain")
    return Response(package.data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{package.name}"', "Cache-Control": "no-store"})
