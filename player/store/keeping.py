"""Everything a worker keeps in memory, declared in one place: what, keyed by what, how many.

A worker keeps only what it can derive again (from the content on disk, a template, a cookie it
was sent), so nothing that matters lives in memory and any worker can answer any request. Each
kind of kept value is a `Region`: the named parts of its key, its bound (least recently used go
first), and why keeping it is safe. A value is kept together with the object it was built from
(its source: a block, the template environment, the app's secret keys) and answers only while
that object is the same, so after a content reload or a key change nothing old is served, even
to a request that raced the reload; a reload also drops the content regions at once.

Call sites name every part of a key (`memory.get(STEP_PAGES, source, build, course=..., ...)`):
a part left out or misspelt is an error, never a key shared by two learners by accident.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Region:
    """One kind of kept value."""

    name: str
    parts: tuple[str, ...]  # the key, part by part; every call names each of them
    size: int  # at most this many values per worker
    content: bool  # derived from course content: dropped when the content reloads
    why: str


# Rendered pieces also vary with the interface language and the script root (the URL prefix);
# the web layer adds those two parts to every rendered region's key (see player.web.pages).
RENDERED = ("lang", "root")

TRANSLATED_BLOCKS = Region(
    "translated-blocks", ("course", "block", "lang"), 512, True,
    "a block in another language, assembled unit by unit from its catalogue",
)
STEP_PAGES = Region(
    "step-pages", ("course", "block", "step", *RENDERED), 4096, True,
    "a step page with holes for the learner's parts: the same for everyone in a language",
)
QUIZZES = Region(
    "quizzes", ("course", "block", "step", "quiz", "attempts_left", "passed", "attempts", *RENDERED), 512, True,
    "a quiz's title, intro, attempts and buttons for one state of attempts (most learners share"
    " 'not tried yet'), with holes for the form's tokens and answer fields",
)
ANSWER_FIELDS = Region(
    "answer-fields", ("block", "owner", "seed", "saved", *RENDERED), 512, True,
    "a quiz's or survey's answer fields for one attempt's order and tokens and one set of saved"
    " answers: ten or twenty KB at most",
)
VISITOR_LINKS = Region(
    "visitor-links", ("user", *RENDERED), 1024, False,
    "the header's account links of a signed-in visitor (name and role), a few hundred bytes",
)
SESSION_COOKIES = Region(
    "session-cookies", ("cookie",), 10_000, False,
    "a session cookie already verified, with when it expires: checked once, not on every request",
)
FORM_TOKENS = Region(
    "form-tokens", ("secret",), 10_000, False,
    "the signed form token of a session's secret, about 150 bytes",
)
PLATFORM_KEYS = Region(
    "platform-keys", ("url",), 64, False,
    "an LMS's public key set, by its JWKS address: refetched after five minutes or when a launch"
    " names a key it lacks, so a launch rarely waits on the LMS and a rotated key is found",
)
REGIONS = (TRANSLATED_BLOCKS, STEP_PAGES, QUIZZES, ANSWER_FIELDS, VISITOR_LINKS, SESSION_COOKIES, FORM_TOKENS, PLATFORM_KEYS)


class Recent:
    """At most `size` values by key; a value read or stored becomes the most recent. Thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class Memory:
    """A worker's kept values, one bounded store per region."""

    def __init__(self, regions: tuple[Region, ...] = REGIONS) -> None:
        self._stores = {region: Recent(region.size) for region in regions}

    def get(self, region: Region, source: object, build: Callable[[], T], **parts: Hashable) -> T:
        """The value kept under `parts` while `source` is the object it was built from; else built
        now (by `build`) and kept."""
        store, key = self._stores[region], _key(region, parts)
        entry = store.get(key)
        if entry is not None and entry[0] is source:
            return entry[1]
        value = build()
        store.put(key, (source, value))
        return value

    def find(self, region: Region, source: object, **parts: Hashable) -> Any:
        """A kept value, or None: for values checked rather than built (a verified cookie)."""
        entry = self._stores[region].get(_key(region, parts))
        return entry[1] if entry is not None and entry[0] is source else None

    def put(self, region: Region, source: object, value: Any, **parts: Hashable) -> None:
        self._stores[region].put(_key(region, parts), (source, value))

    def drop_content(self) -> None:
        """Forget every value derived from content: it reloaded."""
        for region, store in self._stores.items():
            if region.content:
                store.clear()

    def count(self, region: Region) -> int:
        return len(self._stores[region])


def _key(region: Region, parts: dict[str, Hashable]) -> tuple[Hashable, ...]:
    """The key of `parts` in the region's order; every declared part must be named, and only those."""
    if tuple(parts) == region.parts:  # named in the declared order, as call sites do
        return tuple(parts.values())
    if parts.keys() != set(region.parts):
        raise KeyError(f"{region.name} is keyed by {', '.join(region.parts)}, not {', '.join(parts)}")
    return tuple(parts[name] for name in region.parts)
