"""Offline on tablets, the player's side: the installable app and what a download holds.

The pages stay exactly as they are without JavaScript; `static/offline/page.js` adds, where the
browser can, a service worker (`/sw.js`, served from the root so that it controls every page),
"Download for offline use" on a block's start page, and the device's outbox, which it sends to
`/sync` (player.web.views.sync) when the connection returns. docs/offline.md has the rules.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for

from blocks.media import UnsafePath, media_type, safe_file
from player.web.access import allow
from player.web.content import store
from player.web.i18n import current_lang
from player.web.step_page import steps
from player.web.views.common import course_and_block

bp = Blueprint("offline", __name__)
OFFLINE = "offline"  # the folder of static/ with the service worker, the outbox and the page script
# What every downloaded page needs besides itself: the style, the page script and the outbox.
SHELL = ("player.css", "favicon.svg", "offline/page.js", "offline/outbox.js")


@bp.get("/sw.js")
@allow("public")
def service_worker() -> Response:
    """The service worker, from the root so its scope is the whole player; always revalidated.
    It names its shell cache after the player's release, so a new release is a new worker that
    stores the new shell, and drops the old one only once it is complete."""
    source = (Path(current_app.static_folder) / OFFLINE / "sw.js").read_text(encoding="utf-8")
    body = source.replace("__RELEASE__", release())
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


def release() -> str:
    """The player's release: its package version, or COURSEPACK_RELEASE when a deployment sets one."""
    configured = current_app.config.get("RELEASE")
    if configured:
        return str(configured)
    try:
        return version("coursepack")
    except PackageNotFoundError:
        return "dev"


@bp.get("/manifest.webmanifest")
@allow("public")
def manifest() -> Response:
    """The web app manifest: the player installs to a tablet's home screen."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
             for size in (192, 512)]
    body = {"name": "coursepack", "short_name": "coursepack", "start_url": url_for("catalog.index"), "scope": "/",
            "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b5cad", "icons": icons,
            "lang": current_lang()}
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


def served_media(folder: Path) -> list[str]:
    """The files of a block's media/ the media route would serve (blocks.media's rule)."""
    if (folder / "media").is_symlink() or not (folder / "media").is_dir():
        return []
    return sorted(p.name for p in (folder / "media").iterdir() if media_type(p.name) and _is_safe(folder, p.name))


def _is_safe(folder: Path, name: str) -> bool:
    try:
        safe_file(folder, f"media/{name}")
    except UnsafePath:
        return False
    return True


@bp.get("/courses/<course_id>/<block_id>/offline.json")
@allow("guest")
def download(course_id: str, block_id: str) -> Response:
    """Everything a block needs offline, in the learner's language: the addresses to store, the
    steps in order (so the device can move through them) and the content version."""
    course, block = course_and_block(course_id, block_id)
    base = f"/courses/{course.id}/{block.id}"
    step_ids = steps(block)
    media = served_media(block.folder)
    pages = [url_for("learn.block_start", course_id=course.id, block_id=block.id),
             *(f"{base}/{step}" for step in step_ids),
             *(url_for("learn.handout", course_id=course.id, block_id=block.id, handout_id=h.id) for h in block.handouts),
             url_for("offline.saved"), url_for("offline.missing")]
    assets = [url_for("static", filename=name) for name in SHELL] + [f"{base}/media/{name}" for name in media]
    return jsonify(course=course.id, block=block.id, version=block.version, lang=current_lang(),
                   title=store().in_language(course, block, current_lang()).title,
                   steps=[f"{base}/{step}" for step in step_ids], pages=pages, assets=assets)


@bp.get("/offline/missing")
@allow("public")
def missing() -> str:
    """What the device shows, offline, for a page it never stored: in the download's language."""
    return render_template("offline_missing.html")


@bp.get("/offline/saved")
@allow("public")
def saved() -> str:
    """What the device shows after a form was kept in its outbox: saved here, not sent yet."""
    return render_template("offline_saved.html")
