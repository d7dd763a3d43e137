"""Helpers for exporter tests: small courses written on the fly, PDFs opened with pypdf."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdf

from exporter.cache import PackCache
from exporter.pack import PackRequest, PackResult

REPO = Path(__file__).resolve().parents[2]
ISSUED = date(2026, 3, 14)

BLOCK = """\
---
id: {id}
title: {title}
lang: {lang}
version: 2
duration: 45
summary: {summary}
outcomes:
  - {{id: o1, text: "{outcome}"}}
materials: [flipchart]
content_note: {note}
license: CC BY-SA 4.0
attribution: Written for the exporter tests.
---

{intro}

## {section} {{#first}}

::::activity {{#warm-up minutes=20 mode=pairs materials="name cards"}}
#### {activity}

{instructions}

:::facilitator
{facilitator}
:::
::::

:::handout {{#h-sheet title="{handout}"}}
- [x] {checked}
- [ ] {unchecked}
:::

## {quiz_section} {{#check}}

:::::quiz {{#check-quiz kind=check}}
::::question {{#q-one type=single}}
{stem}

- [ ] {wrong}
  > {wrong_feedback}
- [x] {right}
  > {right_feedback}

:::explanation
{explanation}
:::
::::
:::::
"""

ENGLISH = {
    "id": "first-contact", "title": "First contact", "lang": "en",
    "summary": "How a first meeting builds trust.", "outcome": "Introduce yourself and your role.",
    "note": "This block mentions family separation.", "intro": "A short introduction to the block.",
    "section": "Meeting a family", "activity": "Names and journeys",
    "instructions": "Tell your partner where your name comes from.",
    "facilitator": "FACILITATOR-ONLY: model the activity with your own name first.",
    "handout": "Checklist for the first meeting", "checked": "HANDOUT-TICKED item", "unchecked": "Say what happens next.",
    "quiz_section": "Check your understanding", "stem": "Which first step builds trust?",
    "wrong": "Ask about the journey at once.", "wrong_feedback": "WRONG-FEEDBACK: too early for that.",
    "right": "Introduce yourself and your role.", "right_feedback": "RIGHT-FEEDBACK: a clear role builds trust.",
    "explanation": "EXPLANATION-TEXT: clarity reduces uncertainty.",
}

UKRAINIAN = {
    **ENGLISH, "id": "pershyi-kontakt", "title": "Перший контакт", "lang": "uk",
    "summary": "Як перша зустріч будує довіру.", "outcome": "Представитися і пояснити свою роль.",
    "note": "Блок згадує про розлучення сімей.", "intro": "Коротке вступне слово до блоку.",
    "section": "Зустріч із родиною", "activity": "Імена та подорожі",
    "instructions": "Розкажіть партнерові, звідки походить ваше ім'я.",
    "facilitator": "Покажіть вправу на власному імені.",
    "handout": "Пам'ятка першої зустрічі", "checked": "Представтеся.", "unchecked": "Скажіть, що буде далі.",
    "quiz_section": "Перевірте себе", "stem": "Який перший крок будує довіру?",
    "wrong": "Одразу розпитати про дорогу.", "wrong_feedback": "Зарано.",
    "right": "Представитися і назвати свою роль.", "right_feedback": "Чітка роль будує довіру.",
    "explanation": "Ясність зменшує невизначеність.",
}


def write_course(root: Path, blocks: list[dict[str, str]], course_id: str = "tiny") -> Path:
    """A course folder with one block folder per entry of `blocks`."""
    folder = root / course_id
    folder.mkdir(parents=True)
    for values in blocks:
        block = folder / values["id"]
        (block / "media").mkdir(parents=True)
        (block / "block.md").write_text(BLOCK.format(**values), encoding="utf-8")
    entries = "".join(f"  - {values['id']}\n" for values in blocks)
    languages = sorted({values["lang"] for values in blocks})
    (folder / "course.yaml").write_text(
        f"id: {course_id}\ntitle: Tiny course\nsummary: A course for tests.\nblocks:\n{entries}"
        f"languages: [{', '.join(languages)}]\n", encoding="utf-8")
    return folder


@dataclass
class Pdf:
    """A rendered pack opened with pypdf, with its text per page."""

    data: bytes

    def __post_init__(self) -> None:
        self.reader = pypdf.PdfReader(io.BytesIO(self.data))
        self.pages = [page.extract_text() for page in self.reader.pages]
        self.text = "\n".join(self.pages)

    @property
    def bookmarks(self) -> list[str]:
        titles: list[str] = []

        def walk(items: list) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    titles.append(str(item.title))
        walk(self.reader.outline)
        return titles

    @property
    def lang(self) -> str:
        return str(self.reader.trailer["/Root"].get("/Lang", ""))


@dataclass(frozen=True)
class TinyExport:
    """A batch export kept for several tests: what was asked, what came back, what was said."""

    requests: list[PackRequest]
    results: list[PackResult]
    progress: list[str]
    cache: PackCache
