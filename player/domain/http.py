"""The few HTTP calls the player makes to other systems (an LRS, an LMS's services), always from
a worker or the CLI, never while a learner waits; every call has a timeout."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT = 10.0  # seconds for one call


class Unreachable(Exception):
    """No answer: the address is wrong, the connection failed or dropped, or time ran out."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")[:500]


def call(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = TIMEOUT) -> Reply:
    """One request; an HTTP error status is a Reply like any other, no answer is Unreachable."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Unreachable(f"{url!r} is not an http(s) address")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            return Reply(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read())
    except (OSError, http.client.HTTPException) as error:
        raise Unreachable(f"{type(error).__name__}: {error}") from error
