"""Model -> print HTML, with Jinja templates. Pure: it reads templates and nothing else.

One HTML document holds the whole pack, so every id a block's content brings is prefixed with
the block id (`a-cultural-sensitivity--practice`): two blocks may both have a `#practice`
section. Relative media links become absolute file URLs of the block's folder, the only place
the PDF renderer may read them from (see `exporter.pdf`). The pack's own texts are in the
pack's language: each language has its own Jinja environment with its catalogue installed
(`exporter.i18n`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from gettext import NullTranslations
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from blocks.country import DEFAULT_COUNTRY, CountryNote
from blocks.model import (
    Activity, Block, Course, Facilitator, Handout, Markup as Content, Mode, Question, Quiz, QuizKind, Survey,
)
from blocks import qtypes
from blocks.qtypes import kind
from blocks.scoring import answer_key
from blocks.wording import N_
from exporter import agenda, country, i18n
from exporter.materials import checklist
from exporter.i18n import ENGLISH

ASSETS = Path(__file__).parent / "assets"
TEMPLATES = Path(__file__).parent / "templates"
STYLESHEETS = ("fonts.css", "print.css")
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
_ATTRIBUTE = re.compile(r'\s(id|href|src)="([^"]*)"')
_LINKED_SCHEMES = ("http", "https", "mailto", "tel")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class PackPage:
    """What the pack template needs beyond the model: the choices of this export."""

    course: Course
    blocks: tuple[Block, ...]
    participant: bool
    issued: date
    lang: str
    country: CountryNote | None = None
    allow_incomplete: bool = False  # whether the export was asked to print incomplete translations

    @property
    def title(self) -> str:
        return self.blocks[0].title if len(self.blocks) == 1 else self.course.title_in(self.lang)

    @property
    def subtitle(self) -> str:
        return self.course.title_in(self.lang) if len(self.blocks) == 1 else ""

    @property
    def summary(self) -> str:
        return self.blocks[0].summary if len(self.blocks) == 1 else self.course.summary_in(self.lang)

    @property
    def languages(self) -> list[str]:
        return _unique(block.lang for block in self.blocks)

    @property
    def participant_command(self) -> str:
        """The command that prints the participant pack of the same blocks, language and choices."""
        words = ["coursepack", "export", "pack", self.course.id]
        if [b.id for b in self.blocks] != [b.id for b in self.course.blocks]:
            words += [part for block in self.blocks for part in ("--block", block.id)]
        if self.translated:
            words += ["--lang", self.lang]
        if self.allow_incomplete and self.incomplete:
            words.append("--allow-incomplete")
        default = DEFAULT_COUNTRY.get(self.lang) if self.translated else None  # what --lang alone would print
        chosen = self.country.country if self.country is not None else None
        if chosen != default:
            words += ["--country", chosen or "none"]
        return " ".join([*words, "--participant"])

    @property
    def translated(self) -> list[Block]:
        """The blocks printed from a translation rather than their source."""
        return [block for block in self.blocks if block.source_lang]

    @property
    def incomplete(self) -> bool:
        return any(block.coverage < 1 for block in self.translated)

    @property
    def licences(self) -> list[str]:
        return _unique(block.license for block in self.blocks if block.license)

    @property
    def authors(self) -> list[str]:
        return _unique(author for block in self.blocks for author in block.authors)

    @property
    def attributions(self) -> list[str]:
        return _unique(block.attribution for block in self.blocks if block.attribution)

    @property
    def tests(self) -> list[tuple[Block, Quiz]]:
        """Pre- and post-tests, printed once in the annex with their key."""
        return [(b, q) for b in self.blocks for q in b.quizzes if q.kind != QuizKind.CHECK]

    @property
    def handouts(self) -> list[tuple[Block, Handout]]:
        return [(block, handout) for block in self.blocks for handout in block.handouts]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def pack_html(course: Course, blocks: Sequence[Block], *, participant: bool, issued: date,
              country: CountryNote | None = None, allow_incomplete: bool = False) -> str:
    """The whole pack as one HTML document, ready for WeasyPrint; `country` adds its note to the annex."""
    page = PackPage(course, tuple(blocks), participant, issued, pack_language(blocks), country, allow_incomplete)
    texts = i18n.translations(page.lang)
    return environment(page.lang).get_template("pack.html.j2").render(
        page=page, stylesheets=stylesheet_urls(), label_styles=label_styles(texts),
        programmes=agenda.programmes(page.blocks, texts), rooms=room_setup(page.blocks, texts),
        annexes=annexes(page, texts),
    )


@cache
def environment(lang: str = "en") -> Environment:
    """One Jinja environment per language and process: the catalogue of `lang` and the filters the templates share."""
    texts = i18n.translations(lang)
    env = Environment(
        loader=PackageLoader("exporter", "templates"), autoescape=select_autoescape(default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # exporter/babel.cfg extracts with trimmed = true too
    env.install_gettext_translations(texts, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        scoped=scoped, anchor=anchor, clock=agenda.clock, time_of_day=agenda.time_of_day,
        duration=partial(agenda.duration_text, texts=texts), letter=letter, direction=direction,
        language=partial(i18n.language_name, lang=lang),
        long_date=partial(i18n.long_date, lang=lang), hours=partial(i18n.hours_text, lang=lang),
        mode=partial(i18n.mode_name, texts=texts), training_time=partial(i18n.training_time, lang=lang),
    )
    env.globals.update(
        block_agenda=partial(agenda.block_agenda, texts=texts), printed_order=printed_order, answer_key=printed_key,
        scale=partial(i18n.scale_labels, texts=texts), evaluation=partial(i18n.translated_survey, texts=texts),
        materials=partial(checklist, texts=texts), discussion_points=partial(discussion_points, texts=texts),
        break_minutes=agenda.BREAK_MINUTES, lunch_minutes=agenda.LUNCH_MINUTES,
        verify_mark=partial(country.verify_mark, texts), note_html=partial(country.note_html, texts=texts),
    )
    for node_type in (Content, Facilitator, Handout, Activity, Quiz, Survey):
        env.tests[node_type.__name__.lower()] = lambda node, node_type=node_type: isinstance(node, node_type)
    return env


def stylesheet_urls() -> list[str]:
    return [(ASSETS / name).as_uri() for name in STYLESHEETS]


def label_styles(texts: NullTranslations = ENGLISH) -> Markup:
    """The CSS whose `content` is words, in the pack's language; print.css keeps the layout.

    It goes into the pack's own <style> element: strings and counters only, never url(), so the
    fetcher has nothing to read for it.
    """
    _ = texts.gettext
    # Translators: the running footer of every page: "Page 3 of 75". Keep both placeholders.
    page = css_content(_("Page %(page)s of %(pages)s"), page="counter(page)", pages="counter(pages)")
    # Translators: printed after a cross-reference to give its page: "Answer key, p. 12".
    pageref = css_content(_(", p. %(page)s"), page="target-counter(attr(href), page)")
    # Translators: printed in small capitals before each activity's title.
    activity = css_string(_("Activity") + " · ")
    # Translators: before the right answer in an answer key: "Answer: B".
    answer_label = css_string(_("Answer:") + " ")
    return Markup(
        f"@page {{ @bottom-right {{ content: {page}; }} }}\n"
        f"a.pageref::after {{ content: {pageref}; }}\n"
        f".activity-head::before {{ content: {activity}; }}\n"
        f".key-answer .answer::before {{ content: {answer_label}; }}\n"
    )


def css_content(message: str, **counters: str) -> str:
    """A translated message as a CSS `content` value, its `%(name)s` placeholders made counters:
    'Page %(page)s of %(pages)s' -> '"Page " counter(page) " of " counter(pages)'."""
    parts = _PLACEHOLDER.split(message)  # text, name, text, name, ..., text
    values = []
    for index, part in enumerate(parts):
        if index % 2:
            values.append(counters[part])
        elif part:
            values.append(css_string(part.replace("%%", "%")))
    return " ".join(values)


def css_string(text: str) -> str:
    """A quoted CSS string that cannot end the string, the rule or the <style> element early."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return f'"{escaped}"'


def anchor(block: Block, ident: str) -> str:
    """A document-wide id for an id of one block."""
    return f"{block.id}--{ident}"


def scoped(html: str, block: Block) -> Markup:
    """A block's sanitised HTML with its ids made document-wide and its media made absolute."""
    def rewrite(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        if name == "id":
            return f' id="{anchor(block, value)}"'
        if value.startswith("#"):
            return f' href="#{anchor(block, value[1:])}"'
        if urlsplit(value).scheme in _LINKED_SCHEMES:
            return match.group(0)
        if name == "src":
            return f' src="{escape(media_url(block, value))}"'
        return ""  # a link to a file on disk means nothing on paper: keep the text, drop the link

    return Markup(_ATTRIBUTE.sub(rewrite, html))


def media_url(block: Block, relative: str) -> str:
    """The file URL of a block's media; `exporter.pdf` decides whether it may be read."""
    path = unquote(urlsplit(Markup(relative).unescape()).path)
    return (block.folder / path).as_uri()


def letter(index: int) -> str:
    return chr(ord("A") + index)


def printed_order(question: Question, block: Block) -> tuple[int, ...]:
    """The order a question's options, matches or items are printed in (see blocks.qtypes.printed_order)."""
    return qtypes.printed_order(question, block.id)


def printed_key(question: Question) -> Markup:
    """`blocks.scoring.answer_key`, which is HTML."""
    return Markup(answer_key(question))


DISCUSSION_PROMPTS = (
    N_("Which of the outcomes above matters most for your work this month, and why?"),
    N_("What will you do differently in your next contact with a child or family?"),
    N_("What would make that hard, and who can help you with it?"),
)


def discussion_points(block: Block, texts: NullTranslations = ENGLISH) -> list[Markup]:
    """The block's reflection questions, or prompts that take the group back to its outcomes."""
    stems = [Markup(q.stem_html) for s in block.surveys for q in s.questions if kind(q).prompts_discussion]
    return stems or [Markup("<p>{}</p>").format(texts.gettext(prompt)) for prompt in DISCUSSION_PROMPTS]


ROOM_BY_MODE = {
    Mode.PLENARY: N_("A circle or horseshoe of chairs, so that everyone can see each other and the flipchart."),
    Mode.GROUPS: N_("Tables for groups of four to six, far enough apart that groups do not disturb each other, with a flipchart sheet and markers for each group."),
    Mode.PAIRS: N_("Chairs that can be turned to face a partner, with room for pairs to talk without being overheard."),
    Mode.INDIVIDUAL: N_("A writing surface and a pen for each participant."),
}


def room_setup(blocks: Sequence[Block], texts: NullTranslations = ENGLISH) -> list[str]:
    """Room notes for the activity modes this pack actually uses, in a fixed order."""
    used = {activity.mode for block in blocks for activity in block.activities}
    return [texts.gettext(text) for mode, text in ROOM_BY_MODE.items() if mode in used]


def annexes(page: PackPage, texts: NullTranslations = ENGLISH) -> list[tuple[str, str]]:
    """The annexes this pack has, numbered in order: (id, title)."""
    _ = texts.gettext
    parts = [("annex-handouts", _("Handouts"))] if page.handouts else []
    # Translators: the annex with the national bodies, rules and numbers of the pack's country.
    parts += [("annex-country", _("Country note"))] if page.country else []
    parts += [("annex-tests", _("Pre- and post-test"))] if page.tests else []
    parts += [("annex-evaluation", _("Evaluation form"))]
    if not page.participant:  # the trainer fills these in, not the participants
        parts += [("annex-attendance", _("Attendance sheet")), ("annex-certificate", _("Certificate template"))]
    # Translators: the title of an annex: "Annex 1: Handouts".
    title = _("Annex %(number)d: %(title)s")
    return [(ident, title % {"number": number, "title": name}) for number, (ident, name) in enumerate(parts, start=1)]


def pack_language(blocks: Sequence[Block]) -> str:
    """The pack's language: the blocks' one language, or `mul` when they differ."""
    languages = {block.lang for block in blocks}
    return languages.pop() if len(languages) == 1 else "mul"


def direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0] in RTL_LANGUAGES else "ltr"

