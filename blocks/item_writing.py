"""Warnings that keep quizzes fair and agendas honest, read from the built model.

Classic item-writing flaws let a test-wise learner score without knowing the content: the right
option is the longest, "all of the above", a hint that says how many answers are right, two
options that say the same thing, a pre-test repeated as the post-test. A section of text with no
minutes in the agenda makes a 90-minute block that cannot be run in 90 minutes. Each rule below
looks only at what a question carries (options, gaps, pairs, items, stem, hints), never at its
type, so a new question type is checked as soon as it fills those fields.

Every finding is a warning: the author decides, the validator points and says what to do.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from blocks.load import COURSE_FILE
from blocks.model import Activity, Block, Course, Markup, Question, Quiz, QuizKind, Report
from blocks.qtypes.base import letter

LONGER_BY = 1.25  # the right option this much longer than every other one is a giveaway...
LONGER_MIN = 10  # ...and by at least this many characters: "116 111" beside "112" is no cue
COURSE_LONGEST_SHARE = 0.40  # above this share of a course's one-answer questions, length is a cue
COURSE_LONGEST_MIN = 5  # fewer one-answer questions than this say nothing about a habit
NEAR_DUPLICATE = 0.9  # similarity of two answers that a learner reads as the same
PREPOST_SIMILAR = 0.85  # similarity of a post-test stem to a pre-test stem that makes it a repeat
UNTIMED_WORDS = 80  # learner-facing words a section may hold without minutes in the agenda
LARGE_NUMBER = 1000  # an exact answer this large is an estimate a learner cannot hit

_NUMBER = r"(?:two|three|four|five|six|seven|eight|nine|ten|[2-9]|10)"
_COUNT_GIVEAWAY = re.compile(
    rf"\b{_NUMBER}\s+(?:\w+\s+){{0,2}}(?:answers?|options?|statements?|choices?|responses?)\b"
    rf"|\b{_NUMBER}\s+of\s+(?:these|them|the\s+\w+)\b"
    rf"|\b(?:which|choose|select|pick|tick|mark|find)\s+(?:the\s+|any\s+)?{_NUMBER}\b",
    re.IGNORECASE,
)
_ALL_OF_THE_ABOVE = re.compile(
    r"\b(?:all|none|both|neither)\s+(?:of\s+)?(?:the\s+)?(?:above|these|them|the answers)\b"
    r"|\ball\s+the\s+above\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(r"\b(?:not|except|least|never|false|incorrect|untrue)\b|\b\w+n['’]t\b", re.IGNORECASE)
_EMPHASIS = re.compile(r"<(strong|em|b|i)>.*?</\1>", re.DOTALL)
_APPROXIMATE = re.compile(r"\b(?:about|around|approximately|roughly|nearly|almost|estimated?|circa)\b|[~≈]", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*(?:%|per\s*cent|percent)", re.IGNORECASE)
_GAP_SPAN = re.compile(r'<span class="cp-gap" data-gap="\d+"></span>')
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|(?<=[.?!][\"”])\s+")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')


SAME_PLACE_MIN = 3  # one-answer questions of an unshuffled quiz that, all right in one place, make a habit


def check_block(block: Block, report: Report) -> None:
    """The rules that look at one block: each quiz question, where the right options stand, and
    the timing of each section."""
    for quiz in block.quizzes:
        for question in quiz.questions:
            _check_question(block, question, report)
        _check_right_place(block, quiz, report)
    _check_sections(block, report)


def _check_right_place(block: Block, quiz: Quiz, report: Report) -> None:
    """A quiz shown in its written order whose right options all stand in the same place: a
    learner who always picks that letter passes without reading."""
    if quiz.shuffle:
        return
    marks = [[option.correct for option in question.options] for question in quiz.questions]
    places = [right.index(True) for right in marks if right.count(True) == 1]
    if len(places) >= SAME_PLACE_MIN and len(set(places)) == 1:
        same = letter(places[0])
        report.warning(block.path, quiz.line, "item-same-place", f"quiz #{quiz.id}: the right option is {same} in all {len(places)} of its one-answer questions and the quiz is shown as written, so always picking {same} passes; add shuffle=true, or move the right options around")


def check_course(course: Course, report: Report) -> None:
    """The rules that need the whole course: the longest-option habit and pre/post overlap."""
    _check_longest_habit(course, report)
    _check_prepost_overlap(course, report)


# -- one question ---------------------------------------------------------------------------
def _check_question(block: Block, question: Question, report: Report) -> None:
    def warning(code: str, message: str) -> None:
        report.warning(block.path, question.line, code, f"question #{question.id}: {message}")

    options = [plain(o.html) for o in question.options]
    if _correct_much_longest(question):
        warning("item-longest-correct", "the right option is clearly the longest, which a test-wise learner picks without reading; shorten it or give the distractors the same length and detail")
    if any(_ALL_OF_THE_ABOVE.search(text) for text in options):
        warning("item-all-of-the-above", '"all/none of the above" can be answered from two options alone; replace it with a real distractor')
    if options and any(_COUNT_GIVEAWAY.search(plain(text)) for text in (question.stem_html, *question.hints)):
        warning("item-count-giveaway", 'the stem or a hint says how many answers are right; ask "choose all that apply" instead, so each option is judged on its own')
    if pair := _near_duplicates(question):
        warning("item-duplicate-option", f"{pair[0]!r} and {pair[1]!r} say (nearly) the same; make every answer distinct")
    for value in _gaps_wanting_tolerance(question):
        example = f"[[#{value:g}:{max(abs(value) / 10, 1):g}]]"
        warning("item-numeric-no-tolerance", f"the answer {value:g} is framed as an estimate, a percentage or a large count but accepts only that exact number; give a tolerance such as {example} or a range [[#low..high]]")
    if word := _unemphasised_negative(question.stem_html):
        warning("item-negative-stem", f"the question asks in the negative ({word!r}), which learners misread; ask it positively, or emphasise the word (**{word.upper()}**)")


def _lengths(question: Question) -> tuple[int, int] | None:
    """For a question with one right option and some wrong ones: its length and the longest wrong one's."""
    right = [len(plain(o.html)) for o in question.options if o.correct]
    wrong = [len(plain(o.html)) for o in question.options if not o.correct]
    return (right[0], max(wrong)) if len(right) == 1 and wrong else None


def _correct_much_longest(question: Question) -> bool:
    lengths = _lengths(question)
    return lengths is not None and lengths[0] >= max(LONGER_BY * lengths[1], lengths[1] + LONGER_MIN)


def correct_is_longest(question: Question) -> bool | None:
    """For a question with one right option: is it strictly the longest? None for other questions."""
    lengths = _lengths(question)
    return None if lengths is None else lengths[0] > lengths[1]


def _answer_lists(question: Question) -> Iterator[list[str]]:
    """Every list of answers the learner chooses among: options, both sides of pairs, items."""
    for texts in ([o.html for o in question.options], [p.term_html for p in question.pairs],
                  [p.match_html for p in question.pairs], list(question.items)):
        if len(texts) > 1:
            yield [plain(text) for text in texts]


def _near_duplicates(question: Question) -> tuple[str, str] | None:
    for texts in _answer_lists(question):
        for i, first in enumerate(texts):
            for second in texts[i + 1:]:
                if similarity(first, second) >= NEAR_DUPLICATE:
                    return first, second
    return None


def _gaps_wanting_tolerance(question: Question) -> Iterator[float]:
    """Exact numeric answers that the stem frames as an estimate, a percentage or a large count."""
    parts = _GAP_SPAN.split(question.stem_html)
    for index, gap in enumerate(question.gaps):
        if not gap.numeric or gap.low != gap.high or index + 1 >= len(parts):
            continue
        before = " ".join(plain(parts[index]).split()[-4:])
        after = plain(parts[index + 1])
        if _APPROXIMATE.search(before) or _PERCENT.match(after) or abs(gap.low) >= LARGE_NUMBER:  # type: ignore[arg-type]
            yield gap.low  # type: ignore[misc]


def _unemphasised_negative(stem_html: str) -> str:
    """A negative word in the sentence that asks, unless it is bold, italic, in capitals or quoted
    (a child asking "Will you promise not to tell?" is the scenario, not the question)."""
    sentences = _SENTENCE_END.split(_QUOTED.sub(" ", plain(_EMPHASIS.sub(" ", stem_html))))
    asking = [s for s in sentences if s.rstrip().endswith("?")] or sentences[-1:]
    for sentence in asking:
        for match in _NEGATIVE.finditer(sentence):
            if not match.group().isupper():
                return match.group()
    return ""


# -- sections -------------------------------------------------------------------------------
def _check_sections(block: Block, report: Report) -> None:
    for section in block.sections:
        words = sum(len(plain(node.html).split()) for node in section.body if isinstance(node, Markup))
        timed = any(isinstance(node, Activity) for node in section.body)
        if words > UNTIMED_WORDS and not timed:
            report.warning(block.path, section.line, "untimed-section", f"section #{section.id} has {words} words for learners but no minutes in the agenda; give it a timed activity (a short input with mode=plenary, or timed reading with a check), move reference text such as a glossary into a handout, or trim it")


# -- the course -----------------------------------------------------------------------------
def _check_longest_habit(course: Course, report: Report) -> None:
    verdicts = [v for q in _course_questions(course) if (v := correct_is_longest(q)) is not None]
    longest = sum(verdicts)
    if len(verdicts) >= COURSE_LONGEST_MIN and longest > COURSE_LONGEST_SHARE * len(verdicts):
        share = round(100 * longest / len(verdicts))
        report.warning(course.path / COURSE_FILE, 1, "item-longest-correct-course", f"in {longest} of {len(verdicts)} one-answer questions of course {course.id!r} ({share}%) the right option is the longest, so picking the longest option pays; keep it at {round(100 * COURSE_LONGEST_SHARE)}% or less by shortening right options or lengthening distractors")


def _check_prepost_overlap(course: Course, report: Report) -> None:
    pre = [q for q, _ in _tests(course, QuizKind.PRETEST)]
    for question, block in _tests(course, QuizKind.POSTTEST):
        if twin := next((p for p in pre if _same_item(p, question)), None):
            report.warning(block.path, question.line, "item-prepost-overlap", f"post-test question #{question.id} repeats pre-test question #{twin.id}, so the gain measures memory of the item; write a parallel item on the same outcome with a new scenario and new answers")


def _same_item(first: Question, second: Question) -> bool:
    if similarity(plain(first.stem_html), plain(second.stem_html)) >= PREPOST_SIMILAR:
        return True
    answers = [sorted(text for texts in _answer_lists(q) for text in texts) for q in (first, second)]
    return bool(answers[0]) and answers[0] == answers[1]


def _course_questions(course: Course) -> Iterator[Question]:
    return (q for block in course.blocks for quiz in block.quizzes for q in quiz.questions)


def _tests(course: Course, kind: QuizKind) -> list[tuple[Question, Block]]:
    quizzes: list[tuple[Quiz, Block]] = [(quiz, block) for block in course.blocks for quiz in block.quizzes if quiz.kind == kind]
    return [(question, block) for quiz, block in quizzes for question in quiz.questions]


# -- text -----------------------------------------------------------------------------------
def plain(fragment: str) -> str:
    """Rendered HTML as the words a learner reads: no tags, entities decoded, single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def similarity(first: str, second: str) -> float:
    """0..1, how alike two texts read, ignoring case, punctuation and spacing."""
    a, b = (" ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split()) for text in (first, second))
    return 1.0 if a == b else SequenceMatcher(None, a, b).ratio()
