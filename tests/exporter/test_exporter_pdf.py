"""Rendered packs, opened with pypdf: what a trainer and a participant actually get on paper."""

from __future__ import annotations

import re

import pytest

from exporter.cache import PackCache
from exporter.pack import PackRequest, build_pack
from tests.exporter.helpers import ISSUED, UKRAINIAN, Pdf, write_course


def test_trainer_pack_prints_notes_keys_feedback_and_explanations(tiny_packs: dict[str, Pdf]) -> None:
    text = tiny_packs["trainer"].text
    for printed in ("FACILITATOR-ONLY", "Answer key", "RIGHT-FEEDBACK", "WRONG-FEEDBACK", "EXPLANATION-TEXT"):
        assert printed in text


def test_participant_pack_leaves_out_notes_keys_feedback_and_explanations(tiny_packs: dict[str, Pdf]) -> None:
    text = tiny_packs["participant"].text
    for secret in ("FACILITATOR-ONLY", "Facilitator notes", "Answer key", "RIGHT-FEEDBACK", "WRONG-FEEDBACK", "EXPLANATION-TEXT"):
        assert secret not in text
    assert "Which first step builds trust?" in text and "Introduce yourself and your role." in text
    assert "PARTICIPANT PACK" in text.upper()


def test_handouts_print_with_empty_boxes(tiny_packs: dict[str, Pdf]) -> None:
    """The source ticks a box; the participant's copy must not show the tick (the answer)."""
    text = tiny_packs["participant"].text
    assert "HANDOUT-TICKED item" in text and "✓" not in text


def test_every_section_of_the_pack_is_there(tiny_packs: dict[str, Pdf]) -> None:
    text = tiny_packs["trainer"].text
    for heading in (
        "How to use this pack", "Contents", "Learning outcomes", "Programme options", "Preparation",
        "Materials checklist", "Room setup", "Safe space guidance", "Ground rules", "If a participant becomes distressed",
        "If someone discloses harm", "Referral list", "Overview", "Agenda", "Discussion points",
        "Annex 1: Handouts", "Annex 2: Evaluation form", "Annex 3: Attendance sheet", "Annex 4: Certificate template",
        "Translation coverage", "CC BY-SA 4.0", "Written for the exporter tests.", "14 March 2026",
    ):
        assert heading in text, heading


def test_agenda_prints_a_running_clock_and_the_total(tiny_packs: dict[str, Pdf]) -> None:
    agenda = next(page for page in tiny_packs["trainer"].pages if "Start Min Activity" in page)
    assert re.search(r"0:00\s+20\s+Names and journeys", agenda)
    assert re.search(r"0:20\s+25\s+Flexible time", agenda)
    assert "Total: 45 min" in agenda


def test_pages_are_numbered_page_x_of_y(tiny_packs: dict[str, Pdf]) -> None:
    pdf = tiny_packs["trainer"]
    total = len(pdf.pages)
    assert 12 <= total <= 30
    assert f"Page 2 of {total}" in pdf.pages[1]
    assert f"Page {total - 1} of {total}" in pdf.pages[total - 2]


def test_contents_give_real_page_numbers(tiny_packs: dict[str, Pdf]) -> None:
    """target-counter() inside flex prints 0 in WeasyPrint 70: every entry must point past the cover."""
    contents = next(page for page in tiny_packs["trainer"].pages if page.startswith("Contents"))
    numbers = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", contents, re.MULTILINE)]
    assert len(numbers) >= 10 and all(1 < n <= len(tiny_packs["trainer"].pages) for n in numbers)
    assert numbers == sorted(numbers)


def test_bookmarks_name_the_parts_the_block_and_its_sections(tiny_packs: dict[str, Pdf]) -> None:
    bookmarks = tiny_packs["trainer"].bookmarks
    for title in ("How to use this pack", "Safe space guidance", "First contact", "Agenda", "Meeting a family", "Annex 1: Handouts"):
        assert title in bookmarks
    assert tiny_packs["trainer"].lang == "en"


def test_running_header_names_the_block(tiny_packs: dict[str, Pdf]) -> None:
    section_page = next(page for page in tiny_packs["trainer"].pages if "Tell your partner" in page)
    assert section_page.startswith("First contact") and "Trainer pack" in section_page


@pytest.fixture(scope="module")
def ukrainian(tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    """The participant pack of a block written in Ukrainian."""
    root = tmp_path_factory.mktemp("uk")
    result = build_pack(PackRequest(write_course(root, [UKRAINIAN]), participant=True, issued=ISSUED), cache=PackCache(root / "cache"))
    return Pdf(result.path.read_bytes())


def test_ukrainian_block_prints_extractable_cyrillic(ukrainian: Pdf) -> None:
    assert ukrainian.lang == "uk"
    for text in ("Перший контакт", "Розкажіть партнерові, звідки походить ваше ім'я.", "Який перший крок будує довіру?"):
        assert text in ukrainian.text
    assert "Перший контакт" in ukrainian.bookmarks


def test_text_is_set_in_the_installed_dejavu_fonts(ukrainian: Pdf) -> None:
    """fonts.css asks fontconfig for DejaVu; a silent fallback to another family would show here."""
    fonts = {str(font["/BaseFont"]).split("+")[-1] for page in ukrainian.reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all(name.startswith("DejaVu-Sans") for name in fonts), fonts
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Semi-Condensed"} <= fonts
