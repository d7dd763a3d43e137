"""The item-writing and timing warnings of blocks.item_writing: each rule fires on a flawed item
and stays quiet on a clean one, and the bundled courses keep to them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from blocks import item_writing
from blocks.load import Loader
from blocks.model import Report
from blocks.validate import check_block, validate_paths

COURSES = Path(__file__).resolve().parents[2] / "courses"

Codes = Callable[..., list[str]]


@pytest.fixture
def codes(minimal_block, tmp_path: Path) -> Codes:
    """The warning codes `coursepack validate` gives a block made of one quiz, or of `body`."""

    def _codes(*questions: str, body: str = "", duration: int = 10) -> list[str]:
        quiz = ":::::quiz {#check-quiz}\n" + "\n".join(questions) + "\n:::::\n" if questions else ""
        path = tmp_path / "block.md"
        path.write_text(minimal_block(f"## Check {{#check}}\n\n{body}\n{quiz}", duration=duration), encoding="utf-8")
        _, report, _ = validate_paths([path])
        assert report.errors == []
        return sorted(d.code for d in report.warnings)

    return _codes


def single(stem: str, right: str, *wrong: str, qid: str = "q1") -> str:
    options = [f"- [x] {right}", *(f"- [ ] {w}" for w in wrong)]
    return f"::::question {{#{qid} type=single}}\n{stem}\n\n" + "\n".join(options) + "\n::::\n"


# -- the right option is the longest --------------------------------------------------------
def test_a_much_longer_right_option_warns(codes: Codes) -> None:
    question = single("A family arrived last night. What do you do first?",
                      "Introduce yourself, explain your role and say what happens next today.",
                      "Hand over the forms.", "Ask about the journey.")
    assert codes(question) == ["item-longest-correct"]


def test_options_of_similar_length_do_not_warn(codes: Codes) -> None:
    question = single("A family arrived last night. What do you do first?",
                      "Say who you are and what happens next.",
                      "Hand over every form they must sign.", "Ask them to tell the whole journey.")
    assert codes(question) == []


def test_short_options_a_few_characters_apart_do_not_warn(codes: Codes) -> None:
    assert codes(single("Which is the European child helpline?", "116 111", "112", "911")) == []


def test_a_question_with_several_right_options_is_not_judged_by_length(codes: Codes) -> None:
    question = ("::::question {#q1 type=multiple}\nWhich protect a child's data? Choose all that apply.\n\n"
                "- [x] Use case numbers, never names, in every subject line.\n"
                "- [x] Send files only through the agreed secure channel.\n- [ ] A chat group.\n::::\n")
    assert codes(question) == []


# -- all / none of the above ----------------------------------------------------------------
@pytest.mark.parametrize("option", ["All of the above.", "None of the above", "Both of these.", "all the above"])
def test_all_or_none_of_the_above_warns(codes: Codes, option: str) -> None:
    question = single("A colleague cries after a visit. What helps?", option, "Ask her to write the report.", "Say it is part of the job.")
    assert "item-all-of-the-above" in codes(question)


def test_an_option_that_merely_says_all_does_not_warn(codes: Codes) -> None:
    question = single("Who signs the code of conduct?", "All staff and volunteers.", "Only managers sign it.", "Only the drivers sign it.")
    assert codes(question) == []


# -- giving away how many answers are right -------------------------------------------------
MULTIPLE = "::::question {{#q1 type=multiple}}\n{stem}\n\n- [x] Case numbers.\n- [x] The secure channel.\n- [ ] A chat group.\n{hint}::::\n"


@pytest.mark.parametrize(("stem", "hint"), [
    ("Which protect a child's data?", ":::hint\nThree answers are right.\n:::\n"),
    ("Which two of these protect a child's data?", ""),
    ("Which protect a child's data? Choose two.", ""),
    ("Which protect a child's data? Two of them are right.", ""),
])
def test_a_stem_or_hint_that_counts_the_right_answers_warns(codes: Codes, stem: str, hint: str) -> None:
    assert codes(MULTIPLE.format(stem=stem, hint=hint)) == ["item-count-giveaway"]


def test_choose_all_that_apply_does_not_warn(codes: Codes) -> None:
    hint = ":::hint\nThink of who can read each message.\n:::\n"
    assert codes(MULTIPLE.format(stem="Which protect a child's data? Choose all that apply.", hint=hint)) == []


def test_a_number_in_a_gap_question_gives_nothing_away(codes: Codes) -> None:
    question = "::::question {#q1 type=text}\nThe three steps are notice, name and [[choose]].\n::::\n"
    assert codes(question) == []


# -- duplicate answers ----------------------------------------------------------------------
def test_near_duplicate_options_warn(codes: Codes) -> None:
    question = single("A boy is not in his bed this morning. What **first**?", "Report him missing to the police.",
                      "Wait 24 hours in case he returns.", "Wait 48 hours in case he returns.")
    assert codes(question) == ["item-duplicate-option"]


def test_a_match_that_offers_the_same_answer_twice_warns(codes: Codes) -> None:
    question = "::::question {#q1 type=match}\nMatch each sign to its area.\n\n- Headaches -> Body\n- Tiredness -> Body\n- Numbness -> Feelings\n::::\n"
    assert codes(question) == ["item-duplicate-option"]


def test_distinct_answers_do_not_warn(codes: Codes) -> None:
    question = "::::question {#q1 type=order}\nPut the steps in order.\n\n1. Listen calmly.\n2. Write down her words.\n3. Report the same day.\n::::\n"
    assert codes(question) == []


# -- numeric answers without tolerance ------------------------------------------------------
NO_TOLERANCE = ["item-numeric-no-tolerance"]


@pytest.mark.parametrize(("stem", "expected"), [
    ("Of the refugees in the world, about [[#40]] are children.", NO_TOLERANCE),
    ("Children make up [[#40]] per cent of refugees.", NO_TOLERANCE),
    ("Children make up [[#40]]% of refugees.", NO_TOLERANCE),
    ("There are [[#120000]] unaccompanied children in Europe.", NO_TOLERANCE),
    ("A child is every person under the age of [[#18]].", []),
    ("Of the refugees in the world, about [[#40:5]] per cent are children.", []),
    ("Children make up between [[#35..45]]% of refugees.", []),
    ("A core block lasts [[#90]] minutes; the icebreaker about [[#10:5]] minutes.", []),
])
def test_an_estimate_needs_a_tolerance_and_an_exact_fact_does_not(codes: Codes, stem: str, expected: list[str]) -> None:
    assert codes(f"::::question {{#q1 type=numeric}}\n{stem}\n::::\n") == expected


# -- negative stems -------------------------------------------------------------------------
@pytest.mark.parametrize("ask", ["Which of these should you not do?", "What is the least helpful response?",
                                 "Which of these is false?", "What shouldn't you say?"])
def test_a_negative_question_without_emphasis_warns(codes: Codes, ask: str) -> None:
    question = single(f"A girl tells you an older boy hits her. {ask}", "Promise to keep it secret.",
                      "Listen to her calmly.", "Write down her words.")
    assert codes(question) == ["item-negative-stem"]


@pytest.mark.parametrize("ask", ["Which of these should you **not** do?", "Which of these should you NOT do?",
                                 "He does not want his father told. What do you do?",
                                 'He asks: "Will you promise not to tell?" What do you answer?',
                                 'What do you answer when he says "Please do not tell my mum"?'])
def test_an_emphasised_negative_or_a_negative_in_the_scenario_does_not_warn(codes: Codes, ask: str) -> None:
    question = single(f"A boy says an older boy hits him. {ask}", "Promise to keep it secret.",
                      "Listen to him calmly.", "Write down his words.")
    assert codes(question) == []


# -- sections without minutes ---------------------------------------------------------------
def words(count: int) -> str:
    return " ".join(["trust"] * count) + "."


def test_a_long_section_without_minutes_warns(codes: Codes) -> None:
    assert codes(body=words(81)) == ["untimed-section"]


def test_untimed_section_is_the_only_warning_of_a_planned_block(codes: Codes) -> None:
    body = f"{words(81)}\n\n## Practice {{#practice}}\n\n::::activity {{#a minutes=10}}\nPractise.\n::::\n"
    assert codes(body=body) == ["untimed-section"]


@pytest.mark.parametrize("body", [
    f"{words(80)}\n\n::::activity {{#a minutes=10}}\nPractise.\n::::\n",
    f"{words(200)}\n\n::::activity {{#a minutes=10 mode=plenary}}\n#### Input\nListen.\n::::\n",
    f"Read the glossary.\n\n:::handout {{#h title=Glossary}}\n{words(300)}\n:::\n\n::::activity {{#a minutes=10}}\nPractise.\n::::\n",
    f"Short.\n\n:::facilitator\n{words(300)}\n:::\n\n::::activity {{#a minutes=10}}\nPractise.\n::::\n",
])
def test_timed_short_handout_and_trainer_text_do_not_warn(codes: Codes, body: str) -> None:
    assert codes(body=body) == []


# -- the course: the longest-option habit and pre/post overlap ------------------------------
def course(tmp_path: Path, blocks: dict[str, str], minimal_block) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "course.yaml").write_text("id: c\ntitle: C\nblocks:\n" + "".join(f"  - {b}\n" for b in blocks), encoding="utf-8")
    for block_id, body in blocks.items():
        (folder / block_id).mkdir()
        (folder / block_id / "block.md").write_text(minimal_block(body, id=block_id), encoding="utf-8")
    return folder


def course_codes(folder: Path) -> list[str]:
    _, report, _ = validate_paths([folder])
    assert report.errors == []
    return sorted(d.code for d in report.warnings)


def quiz(*questions: str, kind: str = "check", shuffle: bool = True) -> str:
    shuffled = " shuffle=true" if shuffle else ""
    return f"## Quiz {{#quiz}}\n\n:::::quiz {{#{kind}-quiz kind={kind}{shuffled}}}\n" + "\n".join(questions) + ":::::\n"


LONGER = [single(f"Question {n}?", "The longer one.", "Shorter.", "Short one.", qid=f"q{n}") for n in range(5)]
NOT_LONGER = [single(f"Question {n}?", "Short one.", "The longer one.", "Shorter.", qid=f"p{n}") for n in range(5)]


@pytest.mark.parametrize(("longest", "warns"), [(3, True), (2, False)])
def test_the_right_option_longest_in_over_40_percent_of_a_course_warns(tmp_path: Path, minimal_block, longest: int, warns: bool) -> None:
    questions = LONGER[:longest] + NOT_LONGER[:5 - longest]
    folder = course(tmp_path, {"a": quiz(*questions[:3]), "b": quiz(*questions[3:])}, minimal_block)
    assert course_codes(folder) == (["item-longest-correct-course"] if warns else [])


def test_too_few_questions_say_nothing_about_a_habit(tmp_path: Path, minimal_block) -> None:
    assert course_codes(course(tmp_path, {"a": quiz(*LONGER[:4])}, minimal_block)) == []


@pytest.mark.parametrize(("right_at", "shuffle", "warns"), [
    ((0, 0, 0), False, True),  # always A, shown as written
    ((1, 1, 1), False, True),
    ((0, 0, 0), True, False),  # the player shuffles each attempt
    ((0, 1, 0), False, False),  # the right options move around
])
def test_an_unshuffled_quiz_with_every_right_option_in_one_place_warns(tmp_path: Path, minimal_block, right_at: tuple[int, ...],
                                                                        shuffle: bool, warns: bool) -> None:
    def placed(n: int, at: int) -> str:
        wrong = iter(["- [ ] Open a case at once.", "- [ ] Do nothing at all."])
        options = ["- [x] Talk with the boy." if i == at else next(wrong) for i in range(3)]
        return f"::::question {{#q{n} type=single}}\nQuestion {n}?\n\n" + "\n".join(options) + "\n::::\n"

    questions = [placed(n, at) for n, at in enumerate(right_at)]
    folder = course(tmp_path, {"a": quiz(*questions, shuffle=shuffle)}, minimal_block)
    assert course_codes(folder) == (["item-same-place"] if warns else [])


def test_two_questions_in_one_place_are_no_habit(tmp_path: Path, minimal_block) -> None:
    questions = [single(f"Question {n}?", "Talk with the boy.", "Open a case at once.", "Do nothing at all.", qid=f"q{n}") for n in range(2)]
    assert course_codes(course(tmp_path, {"a": quiz(*questions, shuffle=False)}, minimal_block)) == []


PRE = single("Which statement best describes resilience?", "A capacity that grows.", "A fixed trait.", "Feeling nothing.", qid="pre-1")


@pytest.mark.parametrize("post", [
    single("Which statement best describes resilience?", "It can grow.", "It is fixed.", "It is numbness.", qid="post-1"),
    single("A new colleague asks what resilience means. What do you say?", "A capacity that grows.", "A fixed trait.", "Feeling nothing.", qid="post-1"),
])
def test_a_post_test_item_that_repeats_a_pre_test_item_warns(tmp_path: Path, minimal_block, post: str) -> None:
    folder = course(tmp_path, {"first": quiz(PRE, kind="pretest"), "last": quiz(post, kind="posttest")}, minimal_block)
    assert course_codes(folder) == ["item-prepost-overlap"]


def test_a_parallel_item_on_the_same_outcome_does_not_warn(tmp_path: Path, minimal_block) -> None:
    post = single("Mira says a resilient worker never cries after a hard case. What is your view?",
                  "Feelings pass; it can grow.", "She is right about that.", "Only some are born so.", qid="pre-1")
    folder = course(tmp_path, {"first": quiz(PRE, kind="pretest"), "last": quiz(post, kind="posttest")}, minimal_block)
    assert course_codes(folder) == []


# -- how the module is built, and the bundled courses ---------------------------------------
def test_the_rules_read_the_data_and_never_branch_on_the_question_type() -> None:
    source = Path(item_writing.__file__).read_text(encoding="utf-8")
    assert "QuestionType" not in source and ".type" not in source


def test_check_block_reports_through_the_report(minimal_block, tmp_path: Path) -> None:
    path = tmp_path / "block.md"
    path.write_text(minimal_block(f"## Check {{#check}}\n\n{quiz(LONGER[0].replace('The longer one.', 'The very much longer right answer.'))}"), encoding="utf-8")
    block = Loader().block(path)
    report = Report()
    check_block(block, report)
    assert [(d.line, d.code, d.severity) for d in report.items] == [(17, "item-longest-correct", "warning")]


@pytest.mark.parametrize("name", ["core-blocks", "resilience"])
def test_bundled_right_options_are_the_longest_in_at_most_35_percent(name: str) -> None:
    found = Loader().course(COURSES / name)
    verdicts = [v for b in found.blocks for q in b.quizzes for x in q.questions if (v := item_writing.correct_is_longest(x)) is not None]
    assert len(verdicts) >= 10 and sum(verdicts) <= 0.35 * len(verdicts)


@pytest.mark.parametrize("name", ["core-blocks", "resilience"])
def test_bundled_blocks_fill_their_duration_and_have_one_pre_and_one_post_test(name: str) -> None:
    found = Loader().course(COURSES / name)
    assert all(sum(a.minutes for a in b.activities) == b.duration == 90 for b in found.blocks)
    kinds = [q.kind.value for b in found.blocks for q in b.quizzes]
    assert kinds.count("pretest") == 1 and kinds.count("posttest") == 1
