"""One block as a self-contained web page that scores itself: the content of a SCORM SCO or a cmi5 AU.

An LMS has no coursepack server, so the package carries what it needs (SPEC section 13):

- `index.html`: every step of the block as a section, in the learner's language, from the
  model and one template per question type (`templates/package/questions/<type>.html.j2`).
  Facilitator notes and surveys are left out; handouts are folded in where they belong. A
  field's value is its place on the page, never an index into the answers.
- `data.js`: the one data file with what scores and explains (per question a rule of
  `runtime.js` with its key from the type's home, `QuestionKind.package_key`, each option's
  feedback, the explanation, the answer key), the quizzes' pass marks and attempts, and the
  completion rules of SPEC section 6. The key is in the package: a determined learner can read
  it, as with any package scored in the browser (docs/scorm.md says so).
- `runtime.js` and `package.css` (`exporter/assets/package/`): the plain-JavaScript runtime
  that talks to the LMS's SCORM API, or for cmi5 sends it xAPI statements (`version` in
  `data.js` says which), and the page's style.
- `media/...`: the block's media files its content links to, read by the shared safe rule.

Pure apart from reading templates, assets and the block's media.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment
from markupsafe import Markup, escape

from blocks.media import UnsafePath, media_type, safe_file
from blocks.model import Block, Course, Question, Quiz, QuizKind
from blocks.qtypes import display_order, kind
from blocks.wording import N_
from exporter.html import environment
from exporter.i18n import translations

ASSETS = Path(__file__).parent / "assets" / "package"
COUNTED_KINDS = (QuizKind.CHECK, QuizKind.POSTTEST)  # as the player's completion (SPEC section 6)
PRINT_SEED = "package"  # one shuffle for everyone who takes this package
_GAP = re.compile(r'<span class="cp-gap" data-gap="(\d+)"></span>')
_MEDIA_LINK = re.compile(r'\s(?:src|href)="(media/[^"#?]+)"')


@dataclass(frozen=True)
class PackageFile:
    path: str
    data: bytes


def block_files(course: Course, block: Block, *, version: str) -> list[PackageFile]:
    """Every file of one block's page, paths relative to the package root."""
    lang = block.lang
    html = package_environment(lang).get_template("package/index.html.j2").render(
        block=block, course_title=course.title_in(lang), sections=block.sections,
    )
    data = "window.COURSEPACK = " + json.dumps(package_data(block, version), ensure_ascii=False, separators=(",", ":")) + ";\n"
    files = [
        PackageFile("index.html", html.encode()),
        PackageFile("data.js", data.encode()),
        *(PackageFile(asset.name, asset.read_bytes()) for asset in sorted(ASSETS.iterdir()) if asset.is_file()),
    ]
    return files + media_files(block, html)


def package_data(block: Block, version: str) -> dict[str, Any]:
    """What the runtime reads: the block's steps, its quizzes and their keys."""
    texts = translations(block.lang)
    return {
        "version": version,
        "block": block.id,
        "steps": len(block.sections),
        "quizzes": [_quiz_data(quiz) for quiz in block.quizzes],
        "texts": {key: texts.gettext(message) for key, message in _RUNTIME_TEXTS.items()},
    }


def _quiz_data(quiz: Quiz) -> dict[str, Any]:
    return {
        "id": quiz.id, "kind": quiz.kind.value, "counted": quiz.kind in COUNTED_KINDS, "pass": quiz.pass_mark, "attempts": quiz.attempts,
        "max": quiz.max_points, "questions": [_question_data(q, quiz.shuffle) for q in quiz.questions],
    }


def _question_data(question: Question, shuffle: bool) -> dict[str, Any]:
    found = kind(question)
    return {
        "id": question.id, "points": question.points if found.scored else 0, "key": found.package_key(question),
        "shown": list(shown_order(question, shuffle)),
        "feedback": {str(i): option.feedback_html for i, option in enumerate(question.options) if option.feedback_html},
        "explanation": question.explanation_html, "answer": found.answer_key(question),
    }


def shown_order(question: Question, shuffle: bool) -> tuple[int, ...]:
    """The order a question's parts are shown in: the same for every learner of a package (shuffled
    where the player shuffles: match choices and order items always, options when the quiz says)."""
    return display_order(question, PRINT_SEED, shuffle)


def gap_fields(stem_html: str, name: str, numeric: bool, label: Callable[[int], str]) -> Markup:
    """A stem's numbered gap slots as labelled text inputs."""
    mode = ' inputmode="decimal"' if numeric else ""

    def field(match: re.Match[str]) -> str:
        index = int(match[1])
        return (f'<input type="text" class="gap" name="{escape(name)}-{index}" aria-label="{escape(label(index + 1))}"'
                f' autocomplete="off"{mode}>')

    return Markup(_GAP.sub(field, stem_html))


def media_files(block: Block, html: str) -> list[PackageFile]:
    """The media files the page links to, from the block's folder: nothing outside it."""
    found = []
    for link in sorted(set(_MEDIA_LINK.findall(html))):
        try:
            path = safe_file(block.folder, unquote(link))
        except UnsafePath:
            continue
        if media_type(link) is not None:
            found.append(PackageFile(link, path.read_bytes()))
    return found


@cache
def package_environment(lang: str) -> Environment:
    """The pack's environment for `lang` (catalogue, tests, filters), with the package's own helpers."""
    env = environment(lang).overlay()
    texts = translations(lang)
    env.globals["shown_order"] = shown_order
    env.filters["gap_fields"] = lambda stem, name, numeric: gap_fields(
        stem, name, numeric, lambda n: texts.gettext("Answer %(n)d") % {"n": n})
    return env


# The runtime's words, in the package's language (marked here, extracted into the exporter's catalogue).
_RUNTIME_TEXTS = {
    "score": N_("Your score: %(score)s%%. Pass mark: %(pass)s%%."),
    "passed": N_("You passed this quiz."),
    "not_passed": N_("Not passed yet."),
    "attempts_left": N_("Attempts left: %(n)s."),
    "no_attempts": N_("You have used all attempts at this quiz."),
    "right": N_("Right"),
    "partly": N_("Partly right"),
    "wrong": N_("Not right"),
    "you_chose": N_("You chose"),
    "answer": N_("Answer:"),
    "unanswered": N_("Not answered"),
    "saved": N_("Your progress is saved in your learning platform."),
    "not_recorded": N_("This page is not connected to a learning platform: your progress is not recorded."),
    "review": N_("Review mode: your answers are not recorded."),
    "done": N_("You have completed this block."),
    # Translators: a button of a block launched from a learning platform (cmi5): leave it and go back to the platform.
    "exit": N_("Exit"),
}
