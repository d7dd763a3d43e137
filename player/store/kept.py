"""The last good version of each course, kept on disk, so that it survives a restart.

The content store keeps the last version of a course that passed validation in a worker's memory.
A worker that starts while the course fails validation has none: without this copy, a bad edit
followed by a restart (a deploy, a crash, gunicorn recycling a worker) would take the course away
from learners. So each version that passes is copied here, in the instance folder, one folder
per course folder name:

    content-kept/<course folder>/course.yaml      its `blocks:` naming the copies below
    content-kept/<course folder>/locales/         the course's own catalogues
    content-kept/<course folder>/NN-<block id>/   block.md, locales/, media/ of each block
    content-kept/<course folder>/KEPT             when, and the signature of what was copied

Media are hard links where the file system allows (an editor replaces a file rather than
rewriting it, so the copy keeps the old one), else copies. A copy is made in a folder of its own
and renamed into place, so a reader never sees half of one; several workers copying at once
leave one whole copy. Nothing here is read unless the course itself fails validation.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path

import yaml

from blocks.catalogues import LOCALES
from blocks.load import Loader
from blocks.model import Block, Course
from blocks.validate import check_block, check_course

STAMP = "KEPT"  # first line: when (UTC, ISO); second: the signature of the files copied


def keep(course: Course, name: str, root: Path) -> bool:
    """Copy `course` (which passed validation) to root/name, unless that copy is of the same files.
    False when it could not be copied (a full disk, a folder not writable): serving goes on, only
    a restart while the course fails would find no copy."""
    fresh = root / f".new-{name}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        signature = _signature(course)
        target = root / name
        if _stamp(target)[1] == signature:
            return True
        root.mkdir(parents=True, exist_ok=True)
        _copy(course, fresh, signature)
        _swap(fresh, target)
    except OSError:
        # another worker renamed its copy of the same version into place first (its copy stands),
        # or the folder cannot be written
        return (root / name / STAMP).is_file()
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return True


def kept(name: str, root: Path) -> tuple[Course, str] | None:
    """The copy kept for course folder `name` and when it was made, if there is one that passes
    validation (a copy is made only of a version that did)."""
    folder = root / name
    when, _signature_kept = _stamp(folder)
    if not when:
        return None
    loader = Loader()
    course = loader.course(folder)
    if course is None:
        return None
    check_course(course, loader.report)
    for block in loader.blocks:
        check_block(block, loader.report)
    return (course, when) if loader.report.ok else None


def _copy(course: Course, fresh: Path, signature: str) -> None:
    fresh.mkdir()
    names = []
    for index, block in enumerate(course.blocks):
        copied = f"{index:02d}-{block.id}"
        _copy_block(block, fresh / copied)
        names.append(copied)
    source = yaml.safe_load(course.source.read_text(encoding="utf-8"))
    source["blocks"] = names
    (fresh / "course.yaml").write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _copy_tree(course.path / LOCALES, fresh / LOCALES, link=False)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (fresh / STAMP).write_text(f"{now}\n{signature}\n", encoding="utf-8")


def _copy_block(block: Block, target: Path) -> None:
    target.mkdir()
    shutil.copyfile(block.path, target / block.path.name)
    _copy_tree(block.folder / LOCALES, target / LOCALES, link=False)
    _copy_tree(block.folder / "media", target / "media", link=True)


def _copy_tree(source: Path, target: Path, *, link: bool) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue  # validation refuses symlinks in media; a folder is made with its files
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if link:
            try:
                os.link(path, destination)
                continue
            except OSError:
                pass  # another file system: copy
        shutil.copyfile(path, destination)


def _swap(fresh: Path, target: Path) -> None:
    """Put the new copy in place of the old one; a reader sees one or the other, whole."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}-{secrets.token_hex(4)}")
    if target.exists():
        target.rename(old)
    try:
        fresh.rename(target)
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _stamp(folder: Path) -> tuple[str, str]:
    try:
        when, signature = (folder / STAMP).read_text(encoding="utf-8").splitlines()[:2]
    except (OSError, ValueError):
        return "", ""
    return when, signature


def _signature(course: Course) -> str:
    """What the copy would be made of: every file's path, size and change time."""
    digest = hashlib.sha256()
    paths = [course.source, *_files(course.path / LOCALES)]
    for block in course.blocks:
        paths += [block.path, *_files(block.folder / LOCALES), *_files(block.folder / "media")]
    for path in paths:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) if folder.is_dir() else []

