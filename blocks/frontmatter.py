"""Block front matter: read the YAML, check every key of SPEC section 4, return clean values."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from blocks.model import Outcome, Report
from blocks.syntax.attributes import ID_PATTERN

REQUIRED = ("id", "title", "lang", "version", "duration", "summary", "outcomes")
OPTIONAL = (
    "self_paced_minutes", "audience", "materials", "content_note", "prerequisites", "pass_mark",
    "authors", "license", "attribution",
)
# BCP 47: a primary language subtag, optionally a script and region. "ua" is a country, not a language.
LANG_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?\Z")
_FALLBACKS: dict[str, Any] = {
    "id": "unnamed", "title": "", "lang": "en", "version": 1, "duration": 0, "summary": "", "outcomes": (),
}
_MISTAKEN_LANGS = {"ua": "uk", "gr": "el", "cz": "cs", "dk": "da", "se": "sv", "al": "sq", "rs": "sr"}
# libyaml's safe loader when PyYAML has it: the same documents, about ten times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeys(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a mapping that gives a key twice: YAML would keep the last one
    without a word, and an author who wrote `lang: en` and later `lang: mk` meant one of them."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"{key!r} is given twice; keep one", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:  # noqa: ANN401 - whatever the document holds
    """A YAML document as the safe loader reads it, a key given twice refused (yaml.YAMLError)."""
    return yaml.load(text, Loader=_UniqueKeys)  # noqa: S506 - a safe loader


class FrontMatter:
    """Checks one block's front matter, reporting each problem at the line of its key."""

    def __init__(self, text: str, path: Path, first_line: int, report: Report) -> None:
        self.text, self.path, self.first_line, self.report = text, path, first_line, report
        self.values: dict[str, Any] = {}

    def line_of(self, key: str) -> int:
        for offset, line in enumerate(self.text.splitlines(), start=1):
            if re.match(rf"{re.escape(key)}\s*:", line):
                return self.first_line + offset
        return self.first_line

    def error(self, key: str, code: str, message: str) -> None:
        self.report.error(self.path, self.line_of(key), code, message)

    def read(self) -> dict[str, Any] | None:
        """The checked values, or None when the front matter cannot describe a block."""
        try:
            data = load_yaml(self.text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = self.first_line + 1 + (mark.line if mark else 0)
            self.report.error(self.path, line, "front-matter-yaml", f"the front matter is not valid YAML: {getattr(exc, 'problem', exc)}")
            return None
        if not isinstance(data, dict):
            self.report.error(self.path, self.first_line, "front-matter-yaml", "the front matter must be a YAML mapping of keys to values")
            return None
        self.data = data
        for key in data:
            if key not in REQUIRED and key not in OPTIONAL:
                self.error(str(key), "unknown-key", f"unknown front matter key {key!r}; known keys are {', '.join(REQUIRED + OPTIONAL)}")
        for key in REQUIRED:
            if key not in data or data[key] in (None, ""):
                self.report.error(self.path, self.first_line, "missing-key", f"the front matter needs {key!r}")
        self._check_all()
        # Missing or bad values get stand-ins so that the body is still checked and every
        # problem of the file is reported in one run; the errors above keep the block unusable.
        for key, fallback in _FALLBACKS.items():
            self.values.setdefault(key, fallback)
        return self.values

    def _check_all(self) -> None:
        self._id("id")
        self._text("title"); self._text("summary"); self._text("content_note"); self._text("license"); self._text("attribution")
        self._lang()
        self._integer("version", minimum=1)
        self._integer("duration", minimum=1)
        self._integer("self_paced_minutes", minimum=1)
        self._integer("pass_mark", minimum=0, maximum=100)
        for key in ("audience", "materials", "authors", "prerequisites"):
            self._text_list(key)
        self._outcomes()

    def _present(self, key: str) -> bool:
        return key in self.data and self.data[key] not in (None, "")

    def _id(self, key: str) -> None:
        if not self._present(key):
            return
        value = str(self.data[key])
        if not ID_PATTERN.match(value):
            self.error(key, "bad-id", f"id {value!r} must use lower-case letters, digits and hyphens, starting with a letter or digit")
        self.values[key] = value

    def _text(self, key: str) -> None:
        if self._present(key):
            value = self.data[key]
            if not isinstance(value, str):
                self.error(key, "bad-value", f"{key!r} must be text, not {type(value).__name__}")
            self.values[key] = str(value).strip()

    def _lang(self) -> None:
        if not self._present("lang"):
            return
        value = str(self.data["lang"])
        if value in _MISTAKEN_LANGS:
            self.error("lang", "bad-lang", f"{value!r} is a country code; the language code is {_MISTAKEN_LANGS[value]!r}")
        elif not LANG_PATTERN.match(value):
            self.error("lang", "bad-lang", f"lang {value!r} is not a BCP 47 language code such as en, mk, uk or bg")
        self.values["lang"] = value

    def _integer(self, key: str, minimum: int, maximum: int | None = None) -> None:
        if not self._present(key):
            return
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, "bad-value", f"{key!r} must be a whole number, not {value!r}")
            return
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            self.error(key, "bad-value", f"{key!r} must be {bound}, not {value}")
        self.values[key] = value

    def _text_list(self, key: str) -> None:
        if not self._present(key):
            return
        value = self.data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.error(key, "bad-value", f"{key!r} must be a list of texts")
            return
        self.values[key] = tuple(str(v) for v in value)
        if key == "prerequisites":
            for item in self.values[key]:
                if not ID_PATTERN.match(item):
                    self.error(key, "bad-id", f"prerequisite {item!r} is not a block id")

    def _outcomes(self) -> None:
        if not self._present("outcomes"):
            return
        value = self.data["outcomes"]
        if not isinstance(value, list):
            self.error("outcomes", "bad-value", "'outcomes' must be a list of {id, text} entries")
            return
        outcomes = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, dict) or set(item) != {"id", "text"}:
                self.error("outcomes", "bad-outcome", f"outcome {position} must have exactly 'id' and 'text', like {{id: o1, text: ...}}")
                continue
            if not ID_PATTERN.match(str(item["id"])):
                self.error("outcomes", "bad-id", f"outcome id {item['id']!r} must use lower-case letters, digits and hyphens")
            outcomes.append(Outcome(str(item["id"]), str(item["text"]).strip()))
        self.values["outcomes"] = tuple(outcomes)
