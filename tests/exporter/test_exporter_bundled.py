"""The bundled core-blocks trainer pack, as a trainer gets it: rendered once for the session."""

from __future__ import annotations

import re

from blocks.load import Loader
from tests.exporter.helpers import REPO, Pdf


def core_blocks():  # noqa: ANN201 - a tuple of Blocks
    course = Loader().course(REPO / "courses" / "core-blocks")
    assert course is not None
    return course.blocks


def test_page_count_numbering_and_language(core_pack: Pdf) -> None:
    total = len(core_pack.pages)
    assert 45 <= total <= 130
    assert f"Page 2 of {total}" in core_pack.pages[1]
    assert f"Page {total - 1} of {total}" in core_pack.pages[total - 2]
    assert core_pack.lang == "en"


def test_bookmarks_lead_to_every_part_and_block(core_pack: Pdf) -> None:
    bookmarks = core_pack.bookmarks
    # The core course has a pre-test and a post-test, so their annex comes before the certificate.
    for title in ("Credits", "How to use this pack", "Contents", "Programme options", "Safe space guidance",
                  "Annex 2: Pre- and post-test", "Annex 5: Certificate template"):
        assert title in bookmarks
    for block in core_blocks():
        assert block.title in bookmarks
        assert f"Answer key: {block.title}" in bookmarks


def test_every_agenda_totals_ninety_minutes(core_pack: Pdf) -> None:
    assert core_pack.text.count("Total: 90 min") == 4


def test_contents_page_numbers_point_into_the_pack(core_pack: Pdf) -> None:
    contents = "\n".join(page for page in core_pack.pages[:6] if "......" in page)
    numbers = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", contents, re.MULTILINE)]
    assert len(numbers) > 30
    assert all(1 < n <= len(core_pack.pages) for n in numbers) and numbers == sorted(numbers)


def test_each_handout_has_a_page_of_its_own(core_pack: Pdf) -> None:
    titles = [handout.title for block in core_blocks() for handout in block.handouts]
    # Running headers are extracted last: "<part title> Trainer pack", then the footer.
    annex = [page for page in core_pack.pages if "\nAnnex 1: Handouts Trainer pack\n" in page and "photocopy one" not in page]
    # Case studies, role cards, observer checklists, checklists and glossaries: one page each.
    assert len(annex) == len(titles) == 26
    for page, title in zip(annex, titles):
        assert page.splitlines()[1] == title
