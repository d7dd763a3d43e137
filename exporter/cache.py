"""Rendered packs, kept under a hash of everything that goes into them.

The key covers the course's files (course.yaml and every file of every block folder it
lists), the country notes beside the course (`countries/`), the exporter's templates, assets and compiled catalogues, the code of `blocks` and
`exporter`, the versions of coursepack, WeasyPrint and Babel (its locale data writes the dates),
and the export's options, its date included. Reading those bytes
takes milliseconds, rendering takes seconds: an unchanged pack comes back at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

import blocks
import exporter
from blocks.country import notes_folder

CODE = (Path(blocks.__file__).parent, Path(exporter.__file__).parent)
DISTRIBUTIONS = ("coursepack", "weasyprint", "pydyf", "babel")


def cache_root() -> Path:
    """`$COURSEPACK_CACHE`, or the instance folder's cache/ as the player uses it."""
    return Path(os.environ.get("COURSEPACK_CACHE") or Path("instance") / "cache")


@dataclass(frozen=True)
class Entry:
    path: Path
    pages: int


class PackCache:
    """A folder of `<key>.pdf` files with a `<key>.json` beside each; writes are atomic."""

    def __init__(self, root: Path | None = None) -> None:
        self.folder = (root or cache_root()) / "packs"

    def get(self, key: str) -> Entry | None:
        pdf, meta = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        try:
            pages = int(json.loads(meta.read_text(encoding="utf-8"))["pages"])
        except (OSError, ValueError, KeyError):
            return None
        return Entry(pdf, pages) if pdf.is_file() else None

    def put(self, key: str, pdf: bytes, pages: int) -> Entry:
        """Store a PDF; the metadata goes last, so a reader never finds a half-written pack."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.pdf"
        _write_atomic(path, pdf)
        _write_atomic(self.folder / f"{key}.json", json.dumps({"pages": pages}).encode())
        return Entry(path, pages)


def pack_key(course: Path, options: dict[str, Any]) -> str:
    """The hash of every input of one export of the course folder `course`."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"options": options, "versions": _versions()}, sort_keys=True, default=str).encode())
    for label, path in _inputs(course.resolve()):
        digest.update(f"\0{label}\0".encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    return digest.hexdigest()


def _inputs(course: Path) -> Iterator[tuple[str, Path]]:
    """Every file an export reads, with a label that changes when the file moves."""
    yield "course.yaml", course / "course.yaml"
    for index, folder in enumerate(_block_folders(course)):
        for path in _files(folder):
            yield f"block{index}/{path.relative_to(folder)}", path
    countries = notes_folder(course.parent)  # any pack may print a note: every note is an input
    for path in _files(countries) if countries.is_dir() else ():
        yield f"countries/{path.relative_to(countries)}", path
    for root in CODE:
        for path in _files(root):
            if path.suffix in (".py", ".j2", ".css", ".mo"):
                yield f"{root.name}/{path.relative_to(root)}", path


def _block_folders(course: Path) -> list[Path]:
    """The folders course.yaml lists; a broken file lists none, and validation will say why."""
    try:
        data = yaml.safe_load((course / "course.yaml").read_text(encoding="utf-8"))
        entries = [str(entry) for entry in data["blocks"]]
    except (OSError, yaml.YAMLError, TypeError, KeyError):
        return []
    paths = [(course / entry).resolve() for entry in entries]
    return [path.parent if path.suffix == ".md" else path for path in paths]


def _files(root: Path) -> Iterable[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _versions() -> dict[str, str]:
    found = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "none"
    return found


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: parallel exporters never see a partial file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
