"""The `{#id .class key=value key="quoted value"}` attribute syntax, parsed in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\s*(?:
        \#(?P<id>[^\s{}"'=]+)
      | \.(?P<cls>[^\s{}"'=]+)
      | (?P<key>[A-Za-z_][\w-]*)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s{}"']+))
    )""",
    re.VERBOSE,
)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
TRAILING_ATTRS = re.compile(r"\s*\{(?P<body>[^{}]*)\}\s*\Z")


@dataclass
class Attributes:
    """What an attribute list said, and what in it could not be read."""

    id: str = ""
    classes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def parse_attributes(body: str) -> Attributes:
    """Read the inside of `{...}`; anything unreadable becomes a problem, never silence."""
    attrs = Attributes()
    pos = 0
    body = body.strip()
    while pos < len(body):
        match = _TOKEN.match(body, pos)
        if not match or match.end() == pos:
            attrs.problems.append(f"cannot read attributes from {body[pos:].strip()!r}")
            break
        pos = match.end()
        if match["id"] is not None:
            if attrs.id:
                attrs.problems.append(f"two ids given (#{attrs.id} and #{match['id']})")
            attrs.id = match["id"]
        elif match["cls"] is not None:
            attrs.classes.append(match["cls"])
        else:
            key = match["key"]
            if key in attrs.values:
                attrs.problems.append(f"attribute {key!r} given twice")
            attrs.values[key] = next(v for v in (match["dq"], match["sq"], match["bare"]) if v is not None)
    return attrs


def split_info(info: str) -> tuple[str, Attributes]:
    """Split a container's info string `kind {attrs}` into its kind and attributes."""
    info = info.strip()
    kind, _, rest = info.partition(" ")
    if "{" in kind:
        kind, brace, tail = kind.partition("{")
        rest = brace + tail + (" " + rest if rest else "")
    rest = rest.strip()
    if not rest:
        return kind, Attributes()
    match = re.fullmatch(r"\{(?P<body>[^{}]*)\}", rest)
    if not match:
        attrs = Attributes()
        attrs.problems.append(f"expected attributes in braces after {kind!r}, found {rest!r}")
        return kind, attrs
    return kind, parse_attributes(match["body"])
