"""Moodle's GIFT rules, one by one: escapes, comments, categories, numbers, malformed answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from blocks.gift.syntax import parse
from blocks.gift.values import Kind
from blocks.gift.writing import escape

# Any text a person writes: letters of every script, punctuation, GIFT's specials, line breaks.
TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters="\u2028\u2029\x85") | st.just("\n"),
                min_size=1, max_size=40).map(str.strip).filter(lambda t: t and not t.startswith("[") and "\n\n" not in t)


@settings(max_examples=150, deadline=None)
@given(title=TEXTS, stem=TEXTS, right=TEXTS, wrong=TEXTS, feedback=TEXTS)
def test_every_text_survives_escaping(title: str, stem: str, right: str, wrong: str, feedback: str) -> None:
    text = f"::{escape(title)}::{escape(stem)}{{\n\t={escape(right)}#{escape(feedback)}\n\t~{escape(wrong)}\n}}\n"
    parsed = parse(text)
    assert parsed.problems == ()
    (question,) = parsed.questions
    assert (question.title, question.stem.text) == (title.strip(), stem)
    assert [a.text.text for a in question.answers] == [right, wrong]
    assert question.answers[0].feedback.text == feedback


def test_comments_carry_id_and_tags_and_categories_apply_to_what_follows() -> None:
    parsed = parse("// [id:a\\]b] [tag:one] [tag:two]\n// more\nQ one?{T}\n\n$CATEGORY: $course$/top/X\n\nQ two?{F}\n")
    first, second = parsed.questions
    assert (first.ident, first.tags, first.category) == ("a]b", ("one", "two"), "")
    assert (second.ident, second.category) == ("", "$course$/top/X")


def test_a_comment_between_two_lines_of_a_question_is_left_out_and_lines_keep_counting() -> None:
    (question,) = parse("\n\n::Q::Which\n// not part of it\nis right?{=a ~b}\n").questions
    assert question.line == 3 and question.stem.text == "Which\n\nis right?"


@pytest.mark.parametrize(("answers", "low", "high"), [
    ("#1822", "1822", "1822"), ("#3.1415:0.0005", "3.1410", "3.1420"), ("#3.141..3.142", "3.141", "3.142"),
    ("#-5..-3", "-5", "-3"), ("# =%100%7:1 =%50%9 ~#no", "6", "8"),
])
def test_numbers_read_as_ranges(answers: str, low: str, high: str) -> None:
    (question,) = parse(f"How many?{{{answers}}}").questions
    assert question.kind == Kind.NUMERICAL
    assert (question.numbers[0].low, question.numbers[0].high) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize(("text", "message"), [
    ("How many?{#many}", "is not a number"),
    ("How many?{#5..1}", "lower to a higher"),
    ("Which?{right answer}", "cannot tell the type"),
    ("Which?{~only one}", "at least two answers"),
    ("Which?{=a -> b =c}", "needs the form '=term -> match'"),
    ("Order?{>2 ALL\none}", "at least two items"),
    ("Which?{=a ~b", "unexpected"),
    ("Which?=a ~b}", "unexpected"),
])
def test_a_malformed_question_says_what_is_wrong_and_where(text: str, message: str) -> None:
    parsed = parse(f"::Fine::Fine?{{T}}\n\n::Bad::{text}\n\n::Also fine::Fine?{{F}}\n")
    assert [q.title for q in parsed.questions] == ["Fine", "Also fine"]
    (problem,) = parsed.problems
    assert (problem.line, problem.title) == (3, "Bad") and message in problem.message


def test_type_detection_follows_moodle() -> None:
    kinds = [q.kind for q in parse("A{}\n\nB{T}\n\nC{=x}\n\nD{=x ~y}\n\nE{~%50%x ~%50%y}\n\nF{=a -> b =c -> d}\n\nG{#1}\n\nH\n").questions]
    assert kinds == [Kind.ESSAY, Kind.TRUEFALSE, Kind.SHORTANSWER, Kind.MULTICHOICE, Kind.MULTICHOICE, Kind.MATCH,
                     Kind.NUMERICAL, Kind.DESCRIPTION]
    single = [q.single for q in parse("D{=x ~y}\n\nE{~%50%x ~%50%y}\n").questions]
    assert single == [True, False]


def test_the_grammar_ships_with_the_package() -> None:
    """An installed wheel reads grammar.lark from the package: it must be package data."""
    import fnmatch
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["*"]
    assert any(fnmatch.fnmatch("grammar.lark", pattern) for pattern in patterns)
    assert (root / "blocks" / "gift" / "grammar.lark").is_file()
