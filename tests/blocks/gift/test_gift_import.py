"""GIFT -> block: every construct of Moodle's GIFT documentation (in our own words) gives the
expected questions, and what does not carry over is reported by line and title."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocks.build import build_block
from blocks.gift_import import ImportResult, import_gift
from blocks.model import Block, Question, Report
from blocks.validate import check_block

HERE = Path(__file__).parent


def imported(name: str = "every-construct.gift.txt", lang: str = "en") -> tuple[ImportResult, Block]:
    result = import_gift((HERE / name).read_text(encoding="utf-8"), lang=lang, block_id="from-gift", name=name)
    report = Report()
    block = build_block(result.source, HERE / "block.md", report)
    assert block is not None
    check_block(block, report)
    assert report.errors == []
    return result, block


@pytest.fixture(scope="module")
def every() -> tuple[ImportResult, dict[str, Question]]:
    result, block = imported()
    return result, {q.id: q for quiz in block.quizzes for q in quiz.questions}


def shape(question: Question) -> tuple:
    """What a question asks and accepts, in a form a table below can spell out."""
    return (str(question.type), question.partial,
            tuple((o.html, o.correct, o.feedback_html.strip()) for o in question.options),
            tuple((g.accepted, g.low, g.high) for g in question.gaps),
            tuple((p.term_html, p.match_text) for p in question.pairs), question.items,
            question.explanation_html.strip(), question.share)


EXPECTED = {
    "first-step": ("single", False, (
        ("Explain every procedure at once.", False, "<p>Too much at once overwhelms.</p>"),
        ("Introduce yourself, your role and what happens next.", True, "<p>Predictability builds trust.</p>"),
        ("Ask about the journey in detail straight away.", False, "")), (), (), (),
        "<p>Clarity about who you are reduces uncertainty.</p>", ""),
    "missing-word": ("single", False, (("closed", False, ""), ("free", True, ""), ("expensive", False, "")), (), (), (), "", ""),
    "true-or-false": ("single", False, (
        ("True", False, "<p>An interpreter conveys, not advises.</p>"),
        ("False", True, "<p>Right: interpreting is not advising.</p>")), (), (), (), "", ""),
    "short-true": ("single", False, (("True", True, ""), ("False", False, "")), (), (), (), "", ""),
    "helpline": ("text", False, (), ((("116 111", "116111"), None, None),), (), (), "", ""),
    "gap-in-the-middle": ("text", False, (), ((("quiet", "calm"), None, None),), (), (), "", ""),
    "many-right": ("multiple", True, (
        ("Speak to the family, not the interpreter.", True, ""), ("Use short sentences.", True, ""),
        ("Ask the interpreter's opinion of the family.", False, "<p>The interpreter interprets, not assesses.</p>")),
        (), (), (), "", ""),
    "all-or-nothing": ("multiple", False, (("Poor sleep", True, ""), ("Irritability", True, ""), ("A good appetite", False, "")), (), (), (), "", ""),
    "block-length": ("numeric", False, (), (((), 90.0, 90.0),), (), (), "", ""),
    "tolerance": ("numeric", False, (), (((), 5.0, 15.0),), (), (), "", ""),
    "range": ("numeric", False, (), (((), 20.0, 30.0),), (), (), "", ""),
    "several-numbers": ("numeric", False, (), (((), 7.0, 7.0),), (), (), "", ""),
    "pairs": ("match", False, (), (), (("pairs", "two people"), ("groups", "four to six people"), ("plenary", "everyone")), (), "", ""),
    "reflect": ("reflection", False, (), (), (), (), "<p>Share it with your trainer if you like.</p>", "trainer"),
    "order": ("order", False, (), (), (), ("Notice the concern.", "Talk to your supervisor.", "Refer with consent."), "", ""),
    "escapes": ("single", False, (("all of them", True, ""), ("none of them", False, "")), (), (), (), "", ""),
    "formats": ("single", False, (("The chair", True, "<p><em>Yes</em>, the chair.</p>"), ("The interpreter", False, "")), (), (), (), "", ""),
    "q": ("single", False, (("Будь-яка дитина", True, "<p>Так, це безкоштовно.</p>"), ("Лише батьки", False, "")), (), (), (), "", ""),
    "after-broken": ("single", False, (("True", True, ""), ("False", False, "")), (), (), (), "", ""),
    "moodle-format": ("single", False, (("True", True, ""), ("False", False, "")), (), (), (), "", ""),
    "hours": ("numeric", False, (), (((), 24.0, 24.0),), (), (), "", ""),
}


@pytest.mark.parametrize("ident", list(EXPECTED))
def test_each_construct_gives_the_expected_question(every, ident: str) -> None:
    _, questions = every
    assert shape(questions[ident]) == EXPECTED[ident]


def test_every_question_of_the_file_is_there_and_no_other(every) -> None:
    _, questions = every
    assert list(questions) == list(EXPECTED)


def test_stems_keep_their_text_escapes_and_formats(every) -> None:
    _, questions = every
    assert questions["missing-word"].stem_html == "<p>A helpline is _____ for children to call.</p>\n"
    assert "<span class=\"cp-gap\" data-gap=\"0\"></span> room." in questions["gap-in-the-middle"].stem_html
    assert questions["escapes"].stem_html == "<p>Which sign means equal: =, a tilde ~, a hash #, braces { } and a backslash \\?</p>\n"
    assert questions["formats"].stem_html == "<p>Who <strong>leads</strong> the case conference?</p>\n"
    assert questions["reflect"].stem_html == "<p>What do you want from <strong>today</strong>?</p>\n"
    assert questions["q"].stem_html == "<p>Хто може зателефонувати на дитячу лінію?</p>\n"
    assert questions["moodle-format"].stem_html == "<p>A <strong>helpline</strong> call is free<br>\nfrom any phone.</p>\n"
    assert "answers <span class=\"cp-gap\" data-gap=\"0\"></span> hours a day." in questions["hours"].stem_html


def test_categories_become_quizzes_and_a_description_their_introduction() -> None:
    _, block = imported()
    assert [s.title for s in block.sections] == ["First contact", "Working together"]
    assert [len(q.questions) for q in block.quizzes] == [6, 15]
    assert "the next questions are about wellbeing" in block.quizzes[1].intro_html


def test_what_does_not_carry_over_is_reported_by_line_and_title(every) -> None:
    result, _ = every
    lossy = {(note.line, note.title) for note in result.notes if note.severity == "lossy"}
    assert lossy == {(7, "First step"), (20, "Helpline"), (32, "All or nothing"), (40, "Several numbers"),
                     (46, "Pairs"), (53, "Reflect"), (65, "A description: the next questions are about wellbeing.")}
    messages = " ".join(note.message for note in result.notes)
    for lost in ("tags are not kept: trust", "answer 3 ('116') weighs 50%", "distractor", "answer 2 (5..7, 50%) is left out",
                 "graded by a teacher", "wrong options cost 100%"):
        assert lost in messages


def test_a_malformed_question_names_its_line_and_title_and_the_rest_imports(every) -> None:
    result, questions = every
    assert [(note.line, note.title) for note in result.errors] == [(69, "Broken")]
    assert "after-broken" in questions
    assert result.imported == len(EXPECTED)


def test_a_question_our_rules_refuse_is_left_out_with_its_line() -> None:
    text = "::Fine::Is this fine?{T}\n\n::Too few::Match the one pair.{=a -> b}\n\n::Also fine::And this?{F}\n"
    result = import_gift(text)
    assert [(note.line, note.title) for note in result.errors] == [(3, "Too few")]
    assert "too-few-pairs" in result.errors[0].message
    assert result.imported == 2 and "#also-fine" in result.source


def test_a_choice_question_with_no_right_option_is_left_out_with_its_line() -> None:
    text = "::Fine::Is this fine?{T}\n\n::No right::Pick one. {~a ~b ~c}\n"
    result = import_gift(text)
    assert [(note.line, note.title) for note in result.errors] == [(3, "No right")]
    assert "no option is right" in result.errors[0].message
    assert result.imported == 1 and "#fine" in result.source


@pytest.mark.parametrize(("lang", "words"), [("uk", ("Правда", "Неправда")), ("bg", ("Вярно", "Невярно")), ("mk", ("Точно", "Неточно"))])
def test_true_and_false_read_in_the_block_language(lang: str, words: tuple[str, str]) -> None:
    result = import_gift("Діти мають право бути почутими.{T}", lang=lang)
    assert f"- [x] {words[0]}\n- [ ] {words[1]}" in result.source
    assert f"lang: {lang}" in result.source


def test_feedback_keeps_a_further_hash_as_moodle_does() -> None:
    result = import_gift("::Hash::Which?{=a#one # two ~b}\n\n::TF::True?{T#wrong#right # more}\n")
    assert "  > one # two" in result.source.replace("\\#", "#")
    assert "  > right # more" in result.source.replace("\\#", "#")


def test_a_question_without_title_or_stem_is_named_by_its_line() -> None:
    result = import_gift("{=a ~b}\n")
    assert [(note.line, note.title) for note in result.errors] == [(1, "(no title)")]
    assert "missing-stem" in result.errors[0].message


def test_section_and_quiz_ids_never_take_a_question_s_id() -> None:
    result = import_gift("$CATEGORY: $course$/top/Intro\n\n// [id:intro]\nFirst?{T}\n\n// [id:intro-quiz]\nSecond?{F}\n")
    assert result.errors == [] and result.imported == 2
    assert "{#intro-2}" in result.source and "{#intro-2-quiz kind=check}" in result.source


@pytest.mark.parametrize(("header", "lossy"), [(">3 ALL VERTICAL ALL_OR_NOTHING", False), (">3", True),
                                               (">2 RANDOM ALL_OR_NOTHING", True), (">3 ALL ABSOLUTE_POSITION", True)])
def test_ordering_options_other_than_ours_are_reported(header: str, lossy: bool) -> None:
    result = import_gift(f"::Steps::Put them in order.{{{header}\none\ntwo\nthree\n}}\n")
    assert result.errors == [] and "1. one\n2. two\n3. three" in result.source
    assert bool(result.notes) == lossy


def test_the_block_source_matches_its_golden_file() -> None:
    """every-construct.block.md was reviewed by eye: what an author gets to edit."""
    result = import_gift((HERE / "every-construct.gift.txt").read_text(encoding="utf-8"), block_id="every-gift",
                         name="every-construct.gift.txt")
    assert result.source == (HERE / "every-construct.block.md").read_text(encoding="utf-8")
