"""Localisation (SPEC 7): units, stale detection on update, fallback, and what is never a unit."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from blocks.build import translated_block
from blocks.catalogues import CatalogueError, Status, catalogue_path, catalogue_status, read_catalogue, update_catalogue
from blocks.l10n import extract_units, unit_problem
from blocks.load import Loader, units_of_course
from player.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "courses" / "sample"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("locales"))  # start untranslated
    yaml = target / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("languages: [en]", "languages: [en, uk]"), encoding="utf-8")
    return target


def _block(course: Path):  # noqa: ANN202
    return Loader().block(course / "every-construct")


def _units(block):  # noqa: ANN001, ANN202
    return extract_units(block.path.read_text(encoding="utf-8"), block.path)


def _translate_all(block, marker: str = "UK ", units=None) -> None:  # noqa: ANN001
    """Fill the catalogue as a translator would: every unit, keeping links and gaps intact."""
    update_catalogue(block, units or _units(block), "uk")
    path = catalogue_path(block.source, "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        entry.msgstr = entry.msgid if unit_problem(entry.msgid, marker + entry.msgid) else marker + entry.msgid
    catalogue.save(str(path))


def _entries(block) -> dict[str, polib.POEntry]:  # noqa: ANN001
    return {e.msgid: e for e in polib.pofile(str(catalogue_path(block.path, "uk")), wrapwidth=0) if not e.obsolete}


def _edit(block, old: str, new: str) -> None:  # noqa: ANN001
    text = block.path.read_text(encoding="utf-8")
    assert old in text
    block.path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changing_one_paragraph_makes_exactly_that_unit_fuzzy(course: Path) -> None:
    block = _block(course)
    _translate_all(block)
    _edit(block, "Keep the introduction to two minutes.", "Keep the introduction to three minutes.")
    block = _block(course)
    result = update_catalogue(block, _units(block), "uk")
    entries = _entries(block)
    fuzzy = [e for e in entries.values() if e.fuzzy]
    assert [e.msgid for e in fuzzy] == ["Keep the introduction to three minutes."]
    assert fuzzy[0].previous_msgid == "Keep the introduction to two minutes."
    assert fuzzy[0].msgstr == "UK Keep the introduction to two minutes."
    assert (result.fuzzy, result.new, result.obsolete) == (1, 0, 0)
    status = catalogue_status(block, _units(block), "uk")
    assert (status.fuzzy, status.untranslated) == (1, 0)


def test_deleting_a_paragraph_makes_it_obsolete(course: Path) -> None:
    block = _block(course)
    _translate_all(block)
    _edit(block, ":::facilitator\nKeep the introduction to two minutes.\n:::\n", "")
    block = _block(course)
    update_catalogue(block, _units(block), "uk")
    catalogue = polib.pofile(str(catalogue_path(block.path, "uk")), wrapwidth=0)
    obsolete = [e.msgid for e in catalogue if e.obsolete]
    assert obsolete == ["Keep the introduction to two minutes."]
    assert not [e for e in catalogue if e.fuzzy]


def test_minor_update_keeps_the_translation_unmarked(course: Path) -> None:
    block = _block(course)
    _translate_all(block)
    _edit(block, "Keep the introduction to two minutes.", "Keep the introduction to two minutes!")
    block = _block(course)
    update_catalogue(block, _units(block), "uk", minor=True)
    entry = _entries(block)["Keep the introduction to two minutes!"]
    assert not entry.fuzzy and entry.msgstr == "UK Keep the introduction to two minutes."
    assert catalogue_status(block, _units(block), "uk").complete


def test_new_unit_is_empty(course: Path) -> None:
    block = _block(course)
    _translate_all(block)
    _edit(block, "## Practice {#practice}\n", "## Practice {#practice}\n\nA wholly new paragraph about role play.\n")
    block = _block(course)
    result = update_catalogue(block, _units(block), "uk")
    assert result.new == 1 and _entries(block)["A wholly new paragraph about role play."].msgstr == ""


def test_answer_marks_ids_numbers_and_links_are_never_units(course: Path) -> None:
    block = _block(course)
    sources = [u.source for u in _units(block)]
    joined = "\n".join(sources)
    assert "[x]" not in joined and "[ ]" not in joined
    assert "{#" not in joined and "minutes=" not in joined and "kind=check" not in joined
    assert "Introduce yourself, your role and what happens next." in sources
    assert unit_problem("See [the plan](media/a.png).", "Див. [план](media/b.png).")
    assert unit_problem("Lasts [[#90]] minutes.", "Триває [[#45]] хвилин.")
    assert unit_problem("Call [[116 111]].", "Телефонуйте.")
    assert unit_problem("Call [[116 111]].", "Телефонуйте [[116 111|116111]].") is None


@pytest.mark.parametrize(("source", "translated"), [
    ("The hotline is [[116 111]].", "Гарячою лінією є [[ | ]]."),  # an empty answer: nobody could be right
    ("The hotline is [[116 111]].", "Гарячою лінією є [[#116111]]."),  # a gap of words made a number
    ("Use **short** sentences.", "Використовуйте **короткі речення."),  # shown as two stars
    ("Use short sentences.", "Використовуйте <b>короткі</b> речення."),  # raw HTML is shown as text
    ("Getting started", "Початок {#start}"),
    ("Tell us how you feel.", "Розкажіть, як ви почуваєтеся.\n\n## Новий розділ"),
])
def test_a_translation_whose_gaps_or_markup_a_learner_could_not_use_is_refused(source: str, translated: str) -> None:
    assert unit_problem(source, translated)


@pytest.mark.parametrize(("source", "translated"), [
    ("A boy of 10 arrives at 4 pm.", "Десетгодишно момче пристига в 16 ч."),  # prose may say numbers its own way
    ("Use **short** sentences.", "Використовуйте короткі речення."),  # emphasis dropped, nothing stray
    ("The hotline is [[116 111]].", "Гарячою лінією є [[116 111|116111]]."),
])
def test_a_translation_may_say_things_its_own_way(source: str, translated: str) -> None:
    assert unit_problem(source, translated) is None


def test_a_run_of_only_numbers_or_dots_is_never_a_unit(tmp_path: Path) -> None:
    path = tmp_path / "block.md"
    path.write_text("---\nid: x\n---\n\n## One {#one}\n\n| Service | Number |\n|---|---|\n| Police | 166 |\n\n"
                    "Name: ..............\n\n..............\n", encoding="utf-8")
    assert [u.source for u in extract_units(path.read_text(encoding="utf-8"), path)] == ["One", "Service", "Number", "Police",
                                                                                          "Name: .............."]


def test_a_translator_cannot_change_which_answer_is_right(course: Path) -> None:
    block = _block(course)
    _translate_all(block)
    catalogue = polib.pofile(str(catalogue_path(block.path, "uk")), wrapwidth=0)
    for entry in catalogue:
        if entry.msgid.startswith("Explain every procedure"):
            entry.msgstr = "[x] Пояснити все одразу"
    catalogue.save(str(catalogue_path(block.path, "uk")))
    translated, _ = translated_block(block, "uk")
    question = translated.quizzes[0].questions[0]
    source_question = block.quizzes[0].questions[0]
    assert [o.correct for o in question.options] == [o.correct for o in source_question.options]
    assert translated.activities[0].minutes == block.activities[0].minutes


def test_missing_units_fall_back_to_the_source_marked(course: Path) -> None:
    block = _block(course)
    update_catalogue(block, _units(block), "uk")
    path = catalogue_path(block.path, "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        if entry.msgid == "Before the quiz, tell us how you feel.":
            entry.msgstr = "Перед тестом розкажіть, як ви почуваєтеся."
    catalogue.save(str(path))
    translated, translation = translated_block(block, "uk")
    survey = translated.surveys[0]
    assert "Перед тестом" in survey.intro_html and 'lang="en"' not in survey.intro_html
    start = translated.sections[0].body[0].html
    assert 'lang="en"' in start and "untranslated" in start
    assert translated.lang == "uk" and translated.source_lang == "en"
    assert 0 < translation.coverage < 0.1


def test_check_and_status_commands(course: Path) -> None:
    runner = CliRunner()
    env = {"COURSEPACK_COURSES": str(course.parent)}
    assert runner.invoke(main, ["translate", "update", str(course)], env=env).exit_code == 0
    assert runner.invoke(main, ["translate", "check", str(course), "--lang", "uk"], env=env).exit_code == 1
    _translate_all(_block(course))
    assert runner.invoke(main, ["translate", "check", str(course), "--lang", "uk"], env=env).exit_code == 1  # the course's texts
    whole = Loader().course(course)
    _translate_all(whole, units=units_of_course(whole))
    assert runner.invoke(main, ["translate", "check", str(course), "--lang", "uk"], env=env).exit_code == 0
    assert Loader().course(course).title_in("uk") == "UK Sample course (every construct)"
    status = runner.invoke(main, ["translate", "status", str(course), "--format", "json"], env=env)
    assert '"percent": 100.0' in status.output


def test_xliff_round_trip(course: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    block = _block(course)
    update_catalogue(block, _units(block), "uk")
    out = tmp_path / "xliff"
    assert runner.invoke(main, ["translate", "export-xliff", str(course), "--lang", "uk", "-o", str(out)]).exit_code == 0
    xlf = out / "every-construct.uk.xlf"
    text = xlf.read_text(encoding="utf-8")
    assert "Every construct of a block" in text
    assert 'resname="front-matter"' in text
    translated = text.replace("<source>Every construct of a block</source>", '<source>Every construct of a block</source><target state="translated">Кожна конструкція блоку</target>', 1)
    xlf.write_text(translated.replace('resname="front-matter"', 'resname="front-matter" approved="yes"', 1), encoding="utf-8")
    result = runner.invoke(main, ["translate", "import-xliff", str(course), "--lang", "uk", str(xlf)])
    assert result.exit_code == 0, result.output
    assert _entries(block)["Every construct of a block"].msgstr == "Кожна конструкція блоку"


BUNDLED = [b for course in ("core-blocks", "protection-in-crisis", "resilience", "sample") for b in Loader().course(ROOT / "courses" / course).blocks]


@pytest.mark.parametrize("block", BUNDLED, ids=lambda b: b.id)
def test_identity_translation_reproduces_the_source(block, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / block.folder.name
    shutil.copytree(block.folder, folder, ignore=shutil.ignore_patterns("locales"))
    copy = Loader().block(folder)
    units = _units(copy)
    catalogue = polib.POFile()
    for unit in units:
        catalogue.append(polib.POEntry(msgctxt=unit.context, msgid=unit.source, msgstr=unit.source))
    catalogue_path(copy.path, "xx").parent.mkdir()
    catalogue.save(str(catalogue_path(copy.path, "xx")))
    translated, translation = translated_block(copy, "xx")
    assert translation.coverage == 1.0
    assert (translated.intro, translated.sections, translated.outcomes, translated.title) == (copy.intro, copy.sections, copy.outcomes, copy.title)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_subset_of_identity_units_gives_the_source_text(data: st.DataObject, course: Path) -> None:
    block = _block(course)
    units = _units(block)
    chosen = data.draw(st.lists(st.sampled_from(units), unique=True, max_size=len(units)))
    catalogue = polib.POFile()
    for unit in chosen:
        catalogue.append(polib.POEntry(msgctxt=unit.context, msgid=unit.source, msgstr=unit.source))
    catalogue_path(block.path, "xx").parent.mkdir(exist_ok=True)
    catalogue.save(str(catalogue_path(block.path, "xx")))
    translated, translation = translated_block(block, "xx")
    assert translation.coverage == pytest.approx(len(chosen) / len(units))
    strip = lambda html: html.replace(' lang="en"', "").replace(' class="untranslated"', "")  # noqa: E731
    assert [strip(n.html) for n in translated.sections[0].body if hasattr(n, "html")] == [n.html for n in block.sections[0].body if hasattr(n, "html")]


def test_activity_materials_and_handout_titles_are_units(course: Path) -> None:
    block = _block(course)
    units = {(u.context, u.source) for u in _units(block)}
    assert ("warm-up", "name cards") in units
    assert ("h-checklist", "First contact checklist") in units
    update_catalogue(block, _units(block), "uk")
    path = catalogue_path(block.path, "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        entry.msgstr = {"name cards": "картки з іменами", "First contact checklist": "Перший контакт"}.get(entry.msgid, "")
    catalogue.save(str(path))
    translated, _ = translated_block(block, "uk")
    assert translated.activities[0].materials == "картки з іменами"
    assert translated.handouts[0].title == "Перший контакт"


@pytest.mark.parametrize("name", ["core-blocks", "protection-in-crisis", "resilience", "sample"])
def test_every_language_a_bundled_course_lists_is_complete_and_marked_for_review(name: str) -> None:
    """A bundled course lists a language only when every catalogue of it is complete and says its review state."""
    course = Loader().course(ROOT / "courses" / name)
    targets = [lang for lang in course.languages if lang != course.lang]
    assert targets, f"{name} lists no translation"
    catalogued = [(course, units_of_course(course)), *((block, _units(block)) for block in course.blocks)]
    for lang in targets:
        for item, units in catalogued:
            status = catalogue_status(item, units, lang)
            assert status.complete, status
            header = polib.pofile(str(catalogue_path(item.source, lang)), wrapwidth=0).metadata
            assert header["X-Coursepack-Translation-Status"] in {"draft", "reviewed"}, (item.id, lang)


def _spoil(catalogue: Path, fuzzy: int = 0, emptied: int = 0) -> None:
    """Make the first `fuzzy` translated entries fuzzy and empty the next `emptied`, as an edit of the source would."""
    po = polib.pofile(str(catalogue), wrapwidth=0)
    entries = [entry for entry in po if entry.msgstr and not entry.obsolete]
    for entry in entries[:fuzzy]:
        entry.flags.append("fuzzy")
    for entry in entries[fuzzy:fuzzy + emptied]:
        entry.msgstr = ""
    po.save(str(catalogue))


def test_status_never_rounds_a_nearly_done_catalogue_up_to_100(tmp_path: Path) -> None:
    """One fuzzy unit in a block of ~400 is 99.7%: the table says 99%, counts it, and says 'draft'."""
    course = tmp_path / "core-blocks"
    shutil.copytree(ROOT / "courses" / "core-blocks", course)
    block = course / "a-cultural-sensitivity"
    _spoil(block / "locales" / "mk.po", fuzzy=1)
    _spoil(course / "b-impact-on-children" / "locales" / "mk.po", emptied=1)
    env = {"COURSEPACK_COURSES": str(tmp_path)}
    result = CliRunner().invoke(main, ["translate", "status", "core-blocks", "--lang", "mk"], env=env)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines() if line.startswith(("a-", "b-", "c-"))}
    assert rows["a-cultural-sensitivity"][3:] == ["1", "0", "0", "99%", "draft"]
    assert rows["b-impact-on-children"][3:] == ["0", "1", "0", "99%", "draft"]
    assert rows["c-working-together"][-2:] == ["100%", "draft"]
    assert "mk: 1 fuzzy, 1 untranslated, 0 invalid unit(s) left; 5 of 5 catalogue(s) are drafts" in result.output
    payload = CliRunner().invoke(main, ["translate", "status", "core-blocks", "--lang", "mk", "--format", "json"], env=env)
    first = next(row for row in json.loads(payload.output) if row["block"] == "a-cultural-sensitivity")
    assert (first["percent"], first["complete"], first["review"]) == (99.7, False, "draft")


def test_percent_is_rounded_down_and_reaches_100_only_when_complete() -> None:
    nearly = Status("b", "mk", translated=9999, fuzzy=1, untranslated=0, invalid=0, review="reviewed")
    assert (nearly.percent_shown(), nearly.percent_shown(1), nearly.as_dict()["percent"]) == (99, 99.9, 99.9)
    assert Status("b", "mk", 10, 0, 0, 0).percent_shown() == 100 and not Status("b", "mk", 10, 0, 0, 0).draft


# -- a catalogue that cannot be read -----------------------------------------------------------
def _broken(course: Path, mend: Callable[[list[str]], None]) -> Path:
    """The block's uk catalogue, made by `translate update`, then broken by `mend` (its lines)."""
    update_catalogue(_block(course), _units(_block(course)), "uk")
    path = catalogue_path(_block(course).path, "uk")
    lines = path.read_text(encoding="utf-8").splitlines()
    mend(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _msgid_line(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith("msgid ") and line != 'msgid ""')


@pytest.mark.parametrize(("breaking", "said"), [
    ("garbage", "cannot be read as part of a PO catalogue"),
    ("unclosed", "text is not closed"),
    ("duplicate", "also translated at line"),
])
def test_a_catalogue_that_cannot_be_read_is_named_by_line_and_never_rewritten(course: Path, breaking: str, said: str) -> None:
    """A translator's slip: validate names the file and line; translate refuses before writing
    (polib alone would drop an unclosed text's last letter when the file is saved again)."""
    def mend(lines: list[str]) -> None:
        at = _msgid_line(lines)
        if breaking == "garbage":
            lines.insert(at, "this is garbage {oops}")
        elif breaking == "unclosed":
            lines[at + 1] = 'msgstr "пари -> дві людини'
        else:  # the same entry again, its context too
            start = at - 1 if lines[at - 1].startswith("msgctxt ") else at
            lines.extend(["", *lines[start:at + 2]])
    path = _broken(course, mend)
    before = path.read_bytes()
    runner, env = CliRunner(), {"COURSEPACK_COURSES": str(course.parent)}
    checked = runner.invoke(main, ["validate", str(course)], env=env)
    assert checked.exit_code == 1 and f"{path}:" in checked.output and "unreadable-catalogue" in checked.output and said in checked.output
    for command in (["translate", "update", str(course)], ["translate", "status", str(course)]):
        refused = runner.invoke(main, command, env=env)
        assert refused.exit_code == 1 and said in refused.output, refused.output  # a message, not a traceback
    assert path.read_bytes() == before


def test_a_catalogue_not_in_utf8_is_named(course: Path) -> None:
    path = _broken(course, lambda lines: lines.append('msgid "x"'))
    path.write_bytes(path.read_bytes() + 'msgstr "пари"\n'.encode("koi8_u"))
    with pytest.raises(CatalogueError, match="not UTF-8") as refused:
        read_catalogue(path)
    assert refused.value.line == len(path.read_bytes().splitlines())


def _wholly_translated(course: Path) -> tuple[Path, polib.POFile]:
    """The block's and the course's own texts translated into uk; the block's catalogue, to break."""
    _translate_all(_block(course))
    whole = Loader().course(course)
    _translate_all(whole, units=units_of_course(whole))
    path = catalogue_path(_block(course).path, "uk")
    return path, polib.pofile(str(path), wrapwidth=0)


def test_check_names_each_invalid_translation_by_file_line_and_reason(course: Path) -> None:
    """A count of invalid units sends the translator hunting through hundreds of entries: check
    says where each one is and why the player refuses it."""
    path, catalogue = _wholly_translated(course)
    broken = next(e for e in catalogue if "->" in e.msgid)
    broken.msgstr = broken.msgstr.replace("->", "—")
    catalogue.save(str(path))
    line = next(e.linenum for e in polib.pofile(str(path), wrapwidth=0) if e.msgid == broken.msgid)
    result = CliRunner().invoke(main, ["translate", "check", str(course), "--lang", "uk"], env={"COURSEPACK_COURSES": str(course.parent)})
    assert result.exit_code == 1
    assert f"{path}:{line}: {broken.msgctxt}: a match item keeps its '->' between term and match" in result.output


def test_a_moved_paragraph_keeps_its_translation_to_review_and_a_returning_one_its_old_one(course: Path) -> None:
    """As msgmerge does: the same text under another section is offered fuzzy with its previous
    context, and a unit removed and then written back takes its obsolete translation again."""
    block = _block(course)
    _edit(block, "- two\n", "- two\n- three\n")
    _translate_all(_block(course))
    header = read_catalogue(catalogue_path(block.path, "uk")).header
    _edit(block, "A table, as GFM writes it:\n", "")
    _edit(block, "- three\n", "")
    block = _block(course)
    update_catalogue(block, _units(block), "uk")
    _edit(block, "## Practice {#practice}\n", "## Practice {#practice}\n\nA table, as GFM writes it:\n")
    block = _block(course)
    update_catalogue(block, _units(block), "uk")
    moved = _entries(block)["A table, as GFM writes it:"]
    assert (moved.msgctxt, moved.msgstr, moved.fuzzy, moved.previous_msgctxt) == (
        "practice", "UK A table, as GFM writes it:", True, "start")
    _edit(block, "- two\n", "- two\n- three\n")
    block = _block(course)
    result = update_catalogue(block, _units(block), "uk")
    three = _entries(block)["three"]
    assert result.new == 0 and (three.msgstr, three.fuzzy, three.obsolete) == ("UK three", False, 0)
    assert read_catalogue(catalogue_path(block.path, "uk")).header == header  # not rewritten on every update


def test_a_review_status_that_is_neither_draft_nor_reviewed_is_an_error_and_counts_as_draft(course: Path) -> None:
    block = _block(course)
    _translate_all(block)
    path = catalogue_path(block.path, "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    catalogue.metadata["X-Coursepack-Translation-Status"] = "reveiwed"
    catalogue.save(str(path))
    assert catalogue_status(block, _units(block), "uk").review == "draft"
    assert translated_block(block, "uk")[1].status == "draft"
    runner, env = CliRunner(), {"COURSEPACK_COURSES": str(course.parent)}
    checked = runner.invoke(main, ["validate", str(course)], env=env)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "reveiwed" in text)
    assert checked.exit_code == 1 and f"{path}:{line}: bad-translation-status:" in checked.output


def test_xliff_marks_a_fuzzy_unit_for_review_and_import_names_a_translation_that_cannot_be_used(
        course: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    block = _block(course)
    _translate_all(block)
    _edit(block, "Keep the introduction to two minutes.", "Keep the introduction to three minutes.")
    update_catalogue(_block(course), _units(_block(course)), "uk")
    out = tmp_path / "xliff"
    assert runner.invoke(main, ["translate", "export-xliff", str(course), "--lang", "uk", "-o", str(out)]).exit_code == 0
    xlf = out / "every-construct.uk.xlf"
    text = xlf.read_text(encoding="utf-8")
    assert '<target state="needs-review-translation">UK Keep the introduction to two minutes.</target>' in text
    broken = re.sub(r"(<target[^>]*>)UK The European child helpline number is \[\[[^<]*(</target>)", r"\1Номер: [[ | ]].\2", text)
    assert broken != text
    xlf.write_text(broken, encoding="utf-8")
    result = runner.invoke(main, ["translate", "import-xliff", str(course), "--lang", "uk", str(xlf)])
    assert result.exit_code == 0 and "1 translation(s) taken" in result.output
    assert "cannot be used, the source is shown instead" in result.output and "has an empty answer" in result.output


def test_an_option_a_match_pair_and_an_order_item_shown_in_the_source_are_marked(course: Path) -> None:
    """SPEC 7: every fallback unit is marked with lang= and flagged, answers included (the player
    and the pack render an answer's text, not its list item, which carried the mark)."""
    block = _block(course)
    _translate_all(block)
    path = catalogue_path(block.path, "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        if entry.msgid in ("Explain every procedure at once.", "pairs -> two people", "Talk to your supervisor."):
            entry.msgstr = ""
    catalogue.save(str(path))
    translated, _ = translated_block(block, "uk")
    questions = [q for quiz in translated.quizzes for q in quiz.questions]
    option = next(o.html for q in questions for o in q.options if "Explain every procedure" in o.html)
    pair = next(p for q in questions for p in q.pairs if "pairs" in p.term_html)
    item = next(i for q in questions for i in q.items if "Talk to your supervisor" in i)
    marked = '<span lang="en" class="untranslated">'
    assert option.startswith(marked) and pair.term_html.startswith(marked) and pair.match_html.startswith(marked)
    assert item.startswith(marked)
    translated_option = next(o.html for q in questions for o in q.options if o.html.startswith("UK "))
    assert "untranslated" not in translated_option


def test_a_new_catalogue_says_its_plural_forms_as_po_editors_expect(course: Path) -> None:
    block = _block(course)
    update_catalogue(block, _units(block), "uk")
    assert read_catalogue(catalogue_path(block.path, "uk")).metadata["Plural-Forms"].startswith("nplurals=3; plural=")


def test_check_names_where_the_fuzzy_and_untranslated_units_are(course: Path) -> None:
    """A count of 2 fuzzy units in 400 sends a translator without Poedit hunting: check lists them."""
    path, catalogue = _wholly_translated(course)
    fuzzy = next(e for e in catalogue if e.msgid == "Keep the introduction to two minutes.")
    fuzzy.flags.append("fuzzy")
    empty = next(e for e in catalogue if e.msgid == "Before the quiz, tell us how you feel.")
    empty.msgstr = ""
    catalogue.save(str(path))
    lines = {e.msgid: e.linenum for e in polib.pofile(str(path), wrapwidth=0)}
    result = CliRunner().invoke(main, ["translate", "check", str(course), "--lang", "uk"], env={"COURSEPACK_COURSES": str(course.parent)})
    assert result.exit_code == 1
    assert f"{path}:{lines[fuzzy.msgid]}: {fuzzy.msgctxt}: fuzzy" in result.output
    assert f"{path}:{lines[empty.msgid]}: {empty.msgctxt}: untranslated" in result.output
