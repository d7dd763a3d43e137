"""Answer gaps in a question stem: `[[answer|alternative]]`, `[[#15]]`, `[[#15:2]]`, `[[#10..15]]`.

The accepted answers stay in `token.meta`; the HTML shows only an empty, numbered slot, so a
rendered stem never carries the answer to the browser.
"""

from __future__ import annotations

import re
from decimal import Decimal

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_EXACT = re.compile(rf"#(?P<value>{_NUMBER})(?::(?P<tol>{_NUMBER}))?\Z")
_RANGE = re.compile(rf"#(?P<low>{_NUMBER})\.\.(?P<high>{_NUMBER})\Z")


def gaps_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "gap", _gap)
    md.add_render_rule("gap", _render_gap)


def parse_gap(body: str) -> dict[str, object]:
    """Turn the inside of `[[...]]` into accepted answers or a numeric range (or a problem)."""
    body = body.strip()
    if body.startswith("#"):
        return _parse_numeric(body)
    answers = [part.strip() for part in body.split("|")]
    if not all(answers):
        return {"problem": f"gap [[{body}]] has an empty answer; write [[answer|alternative]]"}
    return {"accepted": answers}


def _parse_numeric(body: str) -> dict[str, object]:
    if match := _RANGE.match(body):
        low, high = _number(match["low"]), _number(match["high"])
        if low > high:
            return {"problem": f"gap [[{body}]]: the range runs from {low} down to {high}; put the lower bound first"}
        return {"low": float(low), "high": float(high)}
    if match := _EXACT.match(body):
        value, tol = _number(match["value"]), _number(match["tol"] or "0")
        return {"low": float(value - abs(tol)), "high": float(value + abs(tol))}
    return {"problem": f"gap [[{body}]] is not a number; write [[#15]], [[#15:2]] or [[#10..15]]"}


def _number(text: str) -> Decimal:
    """Decimal, so that 0.7 ± 0.1 runs from exactly 0.6 to 0.8, as the author wrote it."""
    return Decimal(text.replace(",", "."))


def _gap(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    if end < 0 or "\n" in src[pos:end]:
        return False
    if not silent:
        token = state.push("gap", "", 0)
        token.content = src[pos + 2:end]
        token.meta = parse_gap(token.content)
    state.pos = end + 2
    return True


def _render_gap(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it signature
    index = tokens[idx].meta.get("index", 0)
    return f'<span class="cp-gap" data-gap="{index}"></span>'
