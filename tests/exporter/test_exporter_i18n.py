"""The pack's own texts in the pack's language (SPEC 10): labels, guidance, dates, footers.

Packs of the bundled sample course, whose mk and uk catalogues are complete, print every label
in that language; English packs are unchanged (the other exporter tests); and the exporter's
catalogues stay in step with the code: the template matches the marked strings, mk and uk are
complete and not fuzzy, and the .mo files `make` compiles carry the messages of the .po files.
"""

from __future__ import annotations

import html
import io
import re
import shlex
import subprocess
import sys
from datetime import date
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from blocks.evaluation import fixed_paragraphs
from blocks.load import Loader
from blocks.model import MODE_NAMES, SCALES
from exporter import i18n
from exporter.cache import PackCache
from exporter.certificate import CertificateFace, render_certificate
from exporter.html import css_string, label_styles, pack_html
from exporter.pack import PackRequest, build_pack, select_blocks
from tests.exporter.helpers import ENGLISH, ISSUED, REPO, UKRAINIAN, Pdf, write_course

SAMPLE = REPO / "courses" / "sample"
TRANSLATIONS = REPO / "exporter" / "translations"
LANGUAGES = ("mk", "uk", "bg")

# The main labels of a pack, as an English pack prints them (upper case where CSS sets it so).
ENGLISH_LABELS = (
    "Trainer pack", "TRAINER PACK", "Agenda", "Facilitator notes", "FACILITATOR NOTES", "Answer key", "Answer:",
    "Mode", "Materials", "Page ", "How to use this pack", "Contents", "Learning outcomes", "Programme options",
    "Preparation", "Safe space guidance", "Ground rules", "becomes distressed", "discloses harm", "Referral list",
    "Annex", "Handout", "Attendance sheet", "Evaluation", "Certificate", "CERTIFICATE", "Knowledge check",
    "ACTIVITY", "Discussion points", "Overview", "Duration", "Credits", "Translation coverage", "March",
    "Country note", "check locally", "Last checked",
)
EXPECTED = {
    "mk": ("ПАКЕТ ЗА ОБУЧУВАЧОТ", "Агенда", "Клуч со одговори", "БЕЛЕШКИ ЗА ФАСИЛИТАТОРОТ", "Насоки за безбеден простор",
           "Ако учесник се вознемири", "Откривање: ако некој ви каже за штета", "Листа на служби за упатување",
           "Прилог 2: Белешка за земјата", "Белешка за земјата: Северна Македонија", "проверете локално",
           "Прилог 4: Листа на присуство", "СЕРТИФИКАТ ЗА ЗАВРШЕНА ОБУКА", "Страница 2 од {pages}", "14 март 2026\u202fг.",
           "Воопшто не се согласувам", "во парови", ", стр. "),
    "uk": ("ПАКЕТ ДЛЯ ТРЕНЕРА", "План заняття", "Ключ відповідей", "НОТАТКИ ДЛЯ ФАСИЛІТАТОРА",
           "Настанови щодо безпечного простору", "Якщо учасник переживає дистрес",
           "Розкриття: якщо хтось розповідає про шкоду", "Перелік служб для перенаправлення",
           "Додаток 2: Довідка про країну", "Довідка про країну: Україна", "перевірте на місці",
           "Додаток 4: Лист присутності", "СЕРТИФІКАТ ПРО НАВЧАННЯ", "Сторінка 2 з {pages}", "14 березня 2026\u202fр.",
           "Зовсім не погоджуюся", "у парах", ", с. "),
    "bg": ("ПАКЕТ ЗА ОБУЧИТЕЛЯ", "Програма", "Ключ с отговорите", "БЕЛЕЖКИ ЗА ФАСИЛИТАТОРА",
           "Насоки за безопасно пространство", "Ако участник изпадне в дистрес",
           "Ако някой разкрие, че е нанесена вреда", "Списък на службите за насочване",
           "Приложение 2: Бележка за държавата", "Бележка за държавата: България", "проверете на място",
           "Приложение 4: Присъствен списък", "СЕРТИФИКАТ ЗА ЗАВЪРШЕНО ОБУЧЕНИЕ", "Страница 2 от {pages}",
           "14 март 2026\u202fг.", "Изобщо не се съгласявам", "по двойки", ", с. "),
}


@pytest.fixture(scope="module")
def translated_packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    """The sample course's trainer pack in Macedonian, Ukrainian and Bulgarian, each with its country's note."""
    cache = PackCache(tmp_path_factory.mktemp("i18n"))
    return {lang: Pdf(build_pack(PackRequest(SAMPLE, lang=lang, issued=ISSUED), cache=cache).path.read_bytes())
            for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translated_pack_prints_its_own_texts_in_that_language(lang: str, translated_packs: dict[str, Pdf]) -> None:
    pdf = translated_packs[lang]
    text = pdf.text.replace("\n", " ")
    assert pdf.lang == lang
    missing = [label for label in (e.format(pages=len(pdf.pages)) for e in EXPECTED[lang]) if label not in text]
    assert not missing, f"not printed in {lang}: {missing}"
    english = [label for label in ENGLISH_LABELS if label in text]
    assert not english, f"English labels left in the {lang} pack: {english}"
    assert EXPECTED[lang][1] in pdf.bookmarks


def _fragments(message: str | tuple[str, ...]) -> set[str]:
    """The literal runs of a message, without placeholders or markup, long enough to be telling."""
    forms = message if isinstance(message, tuple) else (message,)
    runs = (run for form in forms for run in re.split(r"%\(\w+\)\w|<[^>]+>", form.replace("%%", "%")))
    return {run.strip() for run in runs if len(run.strip()) >= 12}


def _text(document: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", document)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_marked_english_text_survives_in_a_translated_pack(lang: str) -> None:
    """Every marked text the English pack prints is replaced: a message whose id at runtime
    differs from the extracted one (whitespace, trimming) would show up here in English."""
    course = Loader().course(SAMPLE)
    assert course is not None
    with open(TRANSLATIONS / "messages.pot", "rb") as stream:
        fragments = set().union(*(_fragments(m.id) for m in read_po(stream) if m.id))
    english = translated = ""
    for participant in (False, True):
        english += _text(pack_html(course, course.blocks, participant=participant, issued=ISSUED))
        blocks = select_blocks(course, [], lang, participant=participant)
        translated += _text(pack_html(course, blocks, participant=participant, issued=ISSUED))
    printed = {fragment for fragment in fragments if fragment in english}
    assert len(printed) > 150, "the English pack should print most marked texts"
    assert sorted(fragment for fragment in printed if fragment in translated) == []


def test_a_pack_in_several_languages_or_an_unknown_one_prints_english(tmp_path: Path) -> None:
    mixed = Loader().course(write_course(tmp_path / "mixed", [ENGLISH, UKRAINIAN]))
    albanian = Loader().course(write_course(tmp_path / "sq", [{**ENGLISH, "lang": "sq"}]))  # no exporter catalogue
    assert mixed is not None and albanian is not None
    for course in (mixed, albanian):
        document = pack_html(course, course.blocks, participant=False, issued=ISSUED)
        assert "<h2 id=\"first-contact--agenda\">Agenda</h2>" in document and "14 March 2026" in document
    assert i18n.translations("mul") is i18n.ENGLISH and i18n.text_locale("sq") == "en_GB"


def test_dates_hours_and_durations_follow_the_language() -> None:
    day = date(2026, 3, 14)
    assert [i18n.long_date(day, lang) for lang in ("en", "mul", "mk", "uk", "bg")] == [
        "14 March 2026", "14 March 2026", "14 март 2026\u202fг.", "14 березня 2026\u202fр.", "14 март 2026\u202fг."]  # Babel keeps the year and its abbreviation together
    assert [i18n.hours_text(hours, "uk") for hours in (1, 2, 5, 1.5)] == ["1 година", "2 години", "5 годин", "1,5 години"]
    assert [i18n.hours_text(hours, "en") for hours in (1, 1.5)] == ["1 hour", "1.5 hours"]
    assert i18n.language_name("uk", "mk") == "украински (українська, uk)"
    assert i18n.language_name("uk") == "Ukrainian (українська, uk)"


def test_running_footer_and_css_labels_are_strings_and_counters_only() -> None:
    ukrainian = label_styles(i18n.translations("uk"))
    assert '@bottom-right { content: "Сторінка " counter(page) " з " counter(pages); }' in ukrainian
    assert 'content: "Вправа · "' in ukrainian and "url(" not in ukrainian
    assert css_string('a "b" \\ </style>') == '"a \\"b\\" \\\\ \\3c /style>"'


def test_certificates_are_english_unless_asked_for_a_language() -> None:
    face = CertificateFace(name="Олена Коваленко", title="Безпека дітей", course="", issued=date(2026, 5, 2), minutes=90,
                           mode="face-to-face", code="CP-7Q2X-94KD", verify_url="https://learn.example.org/verify/CP-7Q2X-94KD",
                           issuer="Асоціація соціальних працівників")
    ukrainian = Pdf(render_certificate(face, lang="uk"))
    for text in ("СЕРТИФІКАТ ПРО НАВЧАННЯ", "Цим засвідчується, що", "2 травня 2026\u202fр.", "90 хвилин (1,5 години)",
                 "Код перевірки", "Очне навчання"):
        assert text in ukrainian.text
    assert "Certificate" not in ukrainian.text and "CERTIFICATE" not in ukrainian.text
    assert ukrainian.lang == "uk"
    assert "CERTIFICATE OF COMPLETION" in Pdf(render_certificate(face)).text


def _ids(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    return {(message.context, message.id) for message in catalog if message.id}


def _read(path: Path, lang: str | None = None) -> Catalog:
    with open(path, "rb") as stream:
        return read_po(stream, locale=lang)


def documented_command(name: str) -> list[str]:
    """A pybabel command exactly as docs/trainer-pack.md gives it, run with this virtualenv's pybabel."""
    docs = (REPO / "docs" / "trainer-pack.md").read_text(encoding="utf-8")
    line = next(line for line in docs.splitlines() if line.startswith(f".venv/bin/pybabel {name} "))
    return [str(Path(sys.executable).with_name("pybabel")), *shlex.split(line)[1:]]


def test_the_template_holds_exactly_the_marked_strings(tmp_path: Path) -> None:
    """The extraction documented in docs/trainer-pack.md, run again: messages.pot must not be stale."""
    fresh = tmp_path / "messages.pot"
    command = documented_command("extract")
    command[command.index("-o") + 1] = str(fresh)
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    committed = _ids(_read(TRANSLATIONS / "messages.pot"))
    extracted = _ids(_read(fresh))
    assert extracted - committed == set(), "marked in the code but missing from messages.pot: extract again"
    assert committed - extracted == set(), "in messages.pot but no longer marked: extract again"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogues_are_complete_checked_and_marked_as_drafts(lang: str) -> None:
    catalog = _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)
    assert _ids(catalog) == _ids(_read(TRANSLATIONS / "messages.pot")), "run pybabel update"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy {message.id!r}"
        assert not list(message.check(catalog)), f"{lang}: {message.id!r}: {list(message.check(catalog))}"
    assert "draft" in catalog.language_team and "native" in catalog.language_team


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogues_carry_the_messages_of_the_po_files(lang: str) -> None:
    """`make` compiles each .mo from its .po; one left behind prints stale or missing labels.

    Messages only: the header says which Babel wrote the file, which is no concern of ours."""
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _read(folder / "messages.po", lang))
    compiled.seek(0)
    with open(folder / "messages.mo", "rb") as stream:
        built = GNUTranslations(stream)
    expected = GNUTranslations(compiled)
    assert _messages(built) == _messages(expected), "run make install (it compiles the catalogues)"


def _messages(catalogue: GNUTranslations) -> dict:
    return {key: value for key, value in catalogue._catalog.items() if key != ""}  # type: ignore[attr-defined]


def test_the_fixed_texts_of_blocks_are_in_the_template() -> None:
    """blocks/ marks its fixed texts once (N_); the exporter's extraction reads them from there."""
    fixed = {*fixed_paragraphs().values(), *(label for scale in SCALES.values() for label in scale), *MODE_NAMES.values()}
    assert fixed - {message_id for _context, message_id in _ids(_read(TRANSLATIONS / "messages.pot"))} == set()


def test_a_date_that_ends_in_a_full_stop_is_not_given_another() -> None:
    """Ukrainian, Bulgarian and Macedonian long dates end in an abbreviation ("2026 р."): a
    translation that puts a full stop after the date prints two."""
    checked = [lang for lang in LANGUAGES if i18n.long_date(date(2026, 12, 4), lang).endswith(".")]
    assert checked, "no language's long date ends in a full stop: this test checks nothing"
    doubled = [(lang, m.id) for lang in checked for m in _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)
               if m.id and isinstance(m.string, str) and "%(date)s." in m.string]
    assert doubled == []
