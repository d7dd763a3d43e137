"""The texts of a GIFT question in our Markdown, and ours in GIFT.

GIFT texts come in four formats: [html], [moodle] (Moodle's default: HTML allowed, line breaks
kept), [plain] and [markdown]. Ours are Markdown rendered to sanitised HTML, so a text is
exported as [html] and imported by converting HTML to Markdown (markdownify), which gives back
the same HTML for everything our renderer writes. Cyrillic and every other script pass unchanged.
"""

from __future__ import annotations

import html
import re

from markdownify import MarkdownConverter

from blocks.gift.values import Text

_CONVERTER = MarkdownConverter(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_misc=True,
                               escape_underscores=True, escape_asterisks=True)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
# Line starts that mean something to a block file and nothing to Moodle: a container fence, an
# author comment, an attribute list.
_BLOCK_MARKS = re.compile(r"^(\s*)(:::|%%|\{)", re.MULTILINE)


def markdown(text: Text) -> str:
    """A GIFT text as block-level Markdown (paragraphs, lists, emphasis ...)."""
    if text.format == "markdown":
        source = text.text
    elif text.format == "html" or (text.format == "moodle" and _TAG.search(text.text)):
        source = _CONVERTER.convert(text.text.replace("\n", "<br>") if text.format == "moodle" else text.text)
    else:
        escaped = html.escape(text.text, quote=False).replace("\n", "<br>")
        source = _CONVERTER.convert(escaped)
    return _BLOCK_MARKS.sub(lambda m: m[1] + "\\" + m[2], source.strip())


def inline(text: Text) -> str:
    """A GIFT text as Markdown on one line (an option, a match term): paragraphs joined by a space."""
    return " ".join(part.strip() for part in markdown(text).split("\n") if part.strip())


def plain(text: str) -> str:
    """Plain text (a match's right side) as Markdown that shows it as written."""
    return inline(Text(text, "plain"))


def as_html(fragment: str) -> Text:
    """Our rendered HTML as a GIFT [html] text, without the line breaks between its blocks."""
    return Text(fragment.strip(), "html")


def feedback_lines(text: Text, indent: str = "  ") -> str:
    """Feedback as the blockquote indented under an option (`  > ...`)."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in markdown(text).split("\n"))
