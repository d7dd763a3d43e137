"""The courses the player serves: the last good version of each, reloaded when files change.

An edit that fails validation never reaches learners: the course keeps being served as it was,
and the report is kept for authors and trainers to see (and logged). The last good version is in
the worker's memory, and on disk (`player.store.kept`, when the store is given a folder for it):
a worker that starts while a course fails validation serves the copy kept on disk, and only a
course with no copy is not served (`not_served`). A course whose folder is removed is withdrawn.
Content is derived from disk, so each worker process may hold its own copy without anything that
matters living in memory.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from blocks.build import translated_block
from blocks.catalogues import CatalogueError
from blocks.load import Loader, find_courses
from blocks.model import Block, Course, Report
from blocks.validate import check_block, check_course
from player.store.keeping import TRANSLATED_BLOCKS, Memory
from player.store.kept import keep, kept

CHECK_INTERVAL = 1.0  # seconds between looks at the files' modification times
log = logging.getLogger(__name__)


@dataclass
class ContentStore:
    root: Path
    reload: bool = True
    courses: dict[str, Course] = field(default_factory=dict)
    problems: dict[str, Report] = field(default_factory=dict)
    memory: Memory = field(default_factory=Memory)
    folders: dict[str, Path] = field(default_factory=dict)  # each served course's folder
    kept: Path | None = None  # where the last good version of each course is copied (player.store.kept)
    from_kept: dict[str, str] = field(default_factory=dict)  # courses served from that copy: when it was made
    _signature: tuple = ()
    _checked: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, force: bool = False) -> None:
        """Reload when any file under the courses folder changed since the last look."""
        now = time.monotonic()
        if not force and (self._checked and (not self.reload or now - self._checked < CHECK_INTERVAL)):
            return
        with self._lock:
            self._checked = now
            signature = _signature(self.root)
            if signature != self._signature or force:
                self._signature = signature
                self._load()

    def _load(self) -> None:
        self.memory.drop_content()
        problems: dict[str, Report] = {}
        for folder in find_courses(self.root):
            loader = Loader()
            course = loader.course(folder)
            if course is not None:
                check_course(course, loader.report)
                for block in loader.blocks:
                    check_block(block, loader.report)
            key = course.id if course else folder.name
            if course is None or not loader.report.ok:
                if key not in self.courses:
                    key = self._serve_kept(key, folder)  # its id, when course.yaml itself is what broke
                problems[key] = loader.report
                if key not in self.problems or len(self.problems[key].errors) != len(loader.report.errors):
                    since = f" (the copy kept on {self.from_kept[key]})" if key in self.from_kept else ""
                    served = f"learners keep the last good version{since}" if key in self.courses else \
                        "it is not served: no earlier version is kept"
                    log.warning("course %s failed validation (%d error(s)), so %s; see `coursepack validate %s`",
                                key, len(loader.report.errors), served, folder)
                continue
            self.courses[course.id] = course
            self.folders[course.id] = folder
            self.from_kept.pop(course.id, None)
            if self.kept is not None and not keep(course, folder.name, self.kept):
                log.warning("course %s passed validation but could not be copied to %s: a restart while it fails "
                            "would not serve it", course.id, self.kept)
        for course_id, folder in list(self.folders.items()):
            if not (folder / "course.yaml").is_file():  # the course was withdrawn: its folder is gone
                del self.courses[course_id], self.folders[course_id]
                self.from_kept.pop(course_id, None)
                log.warning("course %s is no longer served: %s/course.yaml is gone", course_id, folder)
        self.problems = problems

    def _serve_kept(self, key: str, folder: Path) -> str:
        """A course that fails validation with no good version in memory: serve the copy kept on
        disk, if there is one. The key its problems go under: the kept course's id."""
        found = kept(folder.name, self.kept) if self.kept is not None else None
        if found is None:
            return key
        course, when = found
        self.courses[course.id], self.folders[course.id], self.from_kept[course.id] = course, folder, when
        return course.id

    @property
    def not_served(self) -> list[str]:
        """Courses with problems and no good version to serve instead."""
        return sorted(key for key in self.problems if key not in self.courses)

    def course(self, course_id: str) -> Course | None:
        self.refresh()
        return self.courses.get(course_id)

    def block(self, course_id: str, block_id: str) -> tuple[Course, Block] | None:
        course = self.course(course_id)
        block = course.block(block_id) if course else None
        return (course, block) if course and block else None

    def in_language(self, course: Course, block: Block, lang: str) -> Block:
        """The block in `lang` when the course offers it, unit by unit; else the source. A
        catalogue that cannot be read is found here, when the block is first asked for in its
        language (checking every catalogue at each reload would double a reload's time): the
        source is shown, and the problem is listed with the content problems."""
        if lang == block.lang or lang not in course.languages:
            return block
        return self.memory.get(TRANSLATED_BLOCKS, block, lambda: self._translated(course, block, lang),
                               course=course.id, block=block.id, lang=lang)

    def _translated(self, course: Course, block: Block, lang: str) -> Block:
        try:
            return translated_block(block, lang)[0]
        except CatalogueError as error:
            self.problems.setdefault(course.id, Report()).error(error.path, error.line, "unreadable-catalogue", error.problem)
            return block

    def all(self) -> list[Course]:
        self.refresh()
        return sorted(self.courses.values(), key=lambda c: c.title)


def _signature(root: Path) -> tuple:
    entries = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            stat = os.lstat(os.path.join(dirpath, name))  # a broken symlink is a change, not a crash
            entries.append((dirpath, name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))
