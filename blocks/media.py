"""What a block's `media/` folder may hold, and the one rule for reading a file under a folder.

A block's media are served from the player's own origin, so a file the browser would run (HTML,
SVG with script, JavaScript) would run with the learner's session. Only types that cannot carry
script are served: raster images, audio, video, plain text, and PDF and office files, which are
downloads. The type comes from the name's last suffix alone (`photo.PNG.html` is HTML), never
from the content. `validate` refuses anything else in `media/`, linked or not.

`safe_file` is the rule every reader of content files uses (the player's media route, the PDF
fetcher, the SCORM packager, the offline download list): a regular file under the folder, no
part of the path below the folder a symlink, nothing outside it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class MediaType:
    content_type: str
    download: bool = False  # sent as an attachment, opened by the device's own viewer


_IMAGE = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".webp": "image/webp", ".avif": "image/avif"}
_AUDIO = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg",
          ".opus": "audio/ogg", ".wav": "audio/wav"}
_VIDEO = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg"}
_TEXT = {".txt": "text/plain; charset=utf-8", ".vtt": "text/vtt; charset=utf-8"}
_DOWNLOADS = {
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
MEDIA_TYPES: dict[str, MediaType] = {
    **{suffix: MediaType(t) for suffix, t in (_IMAGE | _AUDIO | _VIDEO | _TEXT).items()},
    **{suffix: MediaType(t, download=True) for suffix, t in _DOWNLOADS.items()},
}
ALLOWED_HINT = "images (png, jpg, gif, webp, avif), audio, video, txt, pdf and office files"

# Every media response: the browser must not guess a type, and whatever it opens is a sandboxed
# document with no script, no plugin, no form and no request of its own beyond media.
MEDIA_CSP = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"


class UnsafePath(ValueError):
    """A path the rule refuses; the message says why, for logs and for authors."""


def media_type(name: str) -> MediaType | None:
    """The type a media file is served as, from its last suffix; None: never served."""
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower())


def safe_file(folder: Path, relative: str | Path) -> Path:
    """The regular file `relative` names under `folder`, or UnsafePath.

    Each part below `folder` is looked at with lstat: a symlink anywhere (file or folder) is
    refused even when it points inside, so what is served is what `validate` saw.
    """
    parts = PurePosixPath(str(relative).replace(os.sep, "/")).parts
    if not parts or PurePosixPath(str(relative)).is_absolute() or any(p in ("..", "") for p in parts):
        raise UnsafePath(f"{relative!s} leaves the folder")
    path = folder
    for part in parts:
        path = path / part
        try:
            mode = path.lstat().st_mode
        except OSError:
            raise UnsafePath(f"{relative!s} does not exist") from None
        if stat.S_ISLNK(mode):
            raise UnsafePath(f"{relative!s} goes through a symlink")
    if not stat.S_ISREG(mode):
        raise UnsafePath(f"{relative!s} is not a regular file")
    return path


def file_under(roots: tuple[Path, ...], path: Path) -> Path:
    """An absolute `path` by the same rule, if it is under one of `roots` (the PDF fetcher's
    question: a URL names an absolute file)."""
    path = Path(os.path.normpath(path))
    for root in roots:
        for form in dict.fromkeys((root, root.resolve())):
            if path.is_relative_to(form) and path != form:
                return safe_file(form, path.relative_to(form))
    raise UnsafePath("the file is outside the allowed folders")


@dataclass(frozen=True)
class MediaProblem:
    path: Path
    code: str
    message: str


def media_problems(media: Path) -> Iterator[MediaProblem]:
    """Everything in a `media/` folder that would not be served, linked or not."""
    if media.is_symlink():
        yield MediaProblem(media, "media-symlink", "media/ is a symlink; make it a real folder with copies of the files")
        return
    if not media.is_dir():
        return
    for top, folders, files in os.walk(media, followlinks=False):
        for name in sorted(folders):
            if (Path(top) / name).is_symlink():
                yield MediaProblem(Path(top) / name, "media-symlink", "a symlinked folder is never served; copy the files into media/")
        for name in sorted(files):
            path = Path(top) / name
            if path.is_symlink():
                yield MediaProblem(path, "media-symlink", "a symlink is never served; copy the file into media/ instead")
            elif media_type(name) is None:
                yield MediaProblem(path, "media-type", f"{name!r} is not a type the player serves ({ALLOWED_HINT}); "
                                   "remove it, or convert it (an SVG drawing to PNG, a web page to PDF)")
