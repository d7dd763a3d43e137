"""Course folder -> Course: reads course.yaml, each block's Markdown, and reports what is wrong."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from blocks.build import build_block
from blocks.catalogues import CatalogueError, load_translation
from blocks.frontmatter import _MISTAKEN_LANGS, LANG_PATTERN, load_yaml
from blocks.l10n import Unit, course_units
from blocks.model import Block, Course, Report
from blocks.syntax.attributes import ID_PATTERN

COURSE_FILE = "course.yaml"
BLOCK_FILE = "block.md"
COURSE_KEYS = {"id", "title", "summary", "blocks", "order", "languages", "audience", "public", "lang"}


@dataclass
class Loader:
    """Loads courses and blocks once each, even when several courses share a block folder."""

    report: Report = field(default_factory=Report)
    _blocks: dict[Path, Block | None] = field(default_factory=dict)

    @property
    def blocks(self) -> list[Block]:
        """Every block loaded so far that could be built."""
        return [block for block in self._blocks.values() if block is not None]

    def block(self, path: Path) -> Block | None:
        path = _block_file(path).resolve()
        if path not in self._blocks:
            self._blocks[path] = self._read_block(path)
        return self._blocks[path]

    def _read_block(self, path: Path) -> Block | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.report.error(path, 0, "missing-file", f"there is no {path.name} here")
            return None
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[:exc.start].count(b"\n") + 1  # where an editor shows the first bad character
            self.report.error(path, line, "bad-encoding", f"the file is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8")
            return None
        return build_block(text, path, self.report)

    def course(self, folder: Path) -> Course | None:
        path = folder / COURSE_FILE
        data = self._course_yaml(path)
        if data is None:
            return None
        blocks = []
        for index, entry in enumerate(data["blocks"]):
            if not self._listed_block_exists(path, index, entry):
                continue
            block = self.block(folder / str(entry))
            if block is not None:
                blocks.append(block)
        source_lang = str(data.get("lang", "en"))
        listed = data.get("languages", ["en"])  # anything but a list is reported by _check_course
        languages = tuple(str(lang) for lang in listed) if isinstance(listed, list) else (source_lang,)
        units = course_units(data, {key: _key_line(path, key) for key in ("title", "summary", "audience")})
        return Course(
            id=str(data["id"]), title=str(data["title"]), summary=str(data.get("summary", "")).strip(),
            blocks=tuple(blocks), path=folder.resolve(), order=str(data.get("order", "any")), languages=languages,
            audience=tuple(str(a) for a in data.get("audience", [])), public=data.get("public") is True,
            lang=source_lang,
            translations={lang: _course_texts(path, lang, units) for lang in languages if lang != source_lang},
        )

    def _listed_block_exists(self, path: Path, index: int, entry: object) -> bool:
        """A block course.yaml lists is a folder beside it holding block.md; if not, the error is
        at the line that lists it, with the folder meant when one is close."""
        line = _entry_line(path, index)
        if not isinstance(entry, str):
            self.report.error(path, line, "bad-value", f"each entry of 'blocks' is a block's folder name, not {entry!r}")
            return False
        if _block_file(path.parent / entry).is_file():
            return True
        folders = sorted(p.name for p in path.parent.iterdir() if (p / BLOCK_FILE).is_file())
        meant = difflib.get_close_matches(entry, folders, n=1, cutoff=0.8)
        suggestion = f"; did you mean {meant[0]!r}?" if meant else f"; the block folders here are: {', '.join(folders) or 'none'}"
        self.report.error(path, line, "missing-file", f"block folder {entry!r} has no {BLOCK_FILE}{suggestion}")
        return False

    def _course_yaml(self, path: Path) -> dict[str, Any] | None:
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            self.report.error(path, 0, "missing-file", f"a course folder needs a {COURSE_FILE}")
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.report.error(path, (mark.line + 1) if mark else 0, "course-yaml", f"{COURSE_FILE} is not valid YAML: {getattr(exc, 'problem', exc)}")
            return None
        if not isinstance(data, dict):
            self.report.error(path, 1, "course-yaml", f"{COURSE_FILE} must be a mapping of keys to values")
            return None
        return data if self._check_course(path, data) else None

    def _check_course(self, path: Path, data: dict[str, Any]) -> bool:
        ok = True
        for key in sorted(set(map(str, data)) - COURSE_KEYS - {"translations"}):
            self.report.error(path, _key_line(path, key), "unknown-key", f"unknown course key {key!r}; known keys are {', '.join(sorted(COURSE_KEYS))}")
        for key in ("id", "title", "blocks"):
            if not data.get(key):
                self.report.error(path, 1, "missing-key", f"{COURSE_FILE} needs {key!r}")
                ok = False
        if data.get("id") and not ID_PATTERN.match(str(data["id"])):
            self.report.error(path, _key_line(path, "id"), "bad-id", f"course id {data['id']!r} must use lower-case letters, digits and hyphens")
        if "blocks" in data and not isinstance(data["blocks"], list):
            self.report.error(path, _key_line(path, "blocks"), "bad-value", "'blocks' must be a list of block folders")
            ok = False
        if data.get("order", "any") not in ("any", "sequential"):
            self.report.error(path, _key_line(path, "order"), "bad-value", f"order must be 'any' or 'sequential', not {data['order']!r}")
        if "translations" in data:
            self.report.error(path, _key_line(path, "translations"), "moved-key", "a course's own texts are translated in its catalogues now: delete 'translations' and run 'coursepack translate update' (locales/<lang>.po beside course.yaml)")
        if "public" in data and not isinstance(data["public"], bool):  # "false" in quotes is a text, and a text is true
            self.report.error(path, _key_line(path, "public"), "bad-value", f"public must be true or false, without quotes, not {data['public']!r}")
        languages = data.get("languages") or []
        if not isinstance(languages, list):
            self.report.error(path, _key_line(path, "languages"), "bad-value", f"languages must be a list in brackets, e.g. [en, uk], not {languages!r}")
            languages = []
        for lang in [*languages, data.get("lang", "en")]:
            if not LANG_PATTERN.match(str(lang)) or str(lang) in _MISTAKEN_LANGS:
                self.report.error(path, _key_line(path, "languages"), "bad-lang", f"{lang!r} is not a BCP 47 language code (Ukrainian is 'uk', not 'ua')")
        return ok


def units_of_course(course: Course) -> list[Unit]:
    """The translation units of a course's own texts, from its course.yaml (see l10n.course_units)."""
    path = course.source
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return course_units(data, {key: _key_line(path, key) for key in ("title", "summary", "audience")})


def _course_texts(path: Path, lang: str, units: list[Unit]) -> dict[str, str]:
    """The course's own texts in `lang`, from locales/<lang>.po: English text -> translation
    (none from a catalogue that cannot be read: `check_course` reports it)."""
    try:
        return {source: text for (_context, source), text in load_translation(path, lang, units).texts.items()}
    except CatalogueError:
        return {}


def is_course(folder: Path) -> bool:
    return (folder / COURSE_FILE).is_file()


def find_courses(root: Path) -> list[Path]:
    """Course folders at or directly below `root`, in name order."""
    if is_course(root):
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and is_course(p)) if root.is_dir() else []


def load_courses(root: Path, loader: Loader | None = None) -> list[Course]:
    loader = loader or Loader()
    return [course for folder in find_courses(root) if (course := loader.course(folder))]


def _block_file(path: Path) -> Path:
    return path / BLOCK_FILE if path.is_dir() or path.suffix != ".md" else path


def _entry_line(path: Path, index: int) -> int:
    """The line of course.yaml that holds the `index`-th item under 'blocks:' (that line itself
    for a list written in brackets)."""
    start = _key_line(path, "blocks")
    items = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if number > start and line.lstrip().startswith("- ")]
    return items[index] if index < len(items) else start


def _key_line(path: Path, key: str) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(f"{key}:"):
                return number
    except OSError:
        pass
    return 1


class CourseNotFound(LookupError):
    """Neither a course folder nor a known course id; the message says where we looked."""


def find_course(name: str, courses: Path) -> Path:
    """A course folder from a path, or from a course id or folder name under `courses`."""
    if is_course(Path(name)):
        return Path(name)
    for folder in find_courses(courses):
        if folder.name == name or _course_id(folder) == name:
            return folder
    raise CourseNotFound(f"no course {name!r}: it is neither a course folder nor a course id under {courses}")


def _course_id(folder: Path) -> str | None:
    try:
        data = load_yaml((folder / COURSE_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return str(data.get("id")) if isinstance(data, dict) else None
