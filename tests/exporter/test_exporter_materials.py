"""The materials checklist: the block's list, its activities' materials and handout copies, each once."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocks.load import Loader
from blocks.model import Block
from exporter.html import environment
from tests.exporter.helpers import REPO


@pytest.fixture(scope="module")
def core_blocks() -> dict[str, Block]:
    course = Loader().course(REPO / "courses" / "core-blocks")
    assert course is not None
    return {block.id: block for block in course.blocks}


def checklist(block: Block) -> list[str]:
    """The checklist as the pack template asks for it."""
    return list(environment().globals["materials"](block))


def test_an_activity_item_covered_by_the_blocks_list_is_not_repeated(core_blocks: dict[str, Block]) -> None:
    items = checklist(core_blocks["a-cultural-sensitivity"])
    assert "flipchart and markers" in items and "flipchart" not in items
    assert [item for item in items if "case study" in item.casefold()] == ['printed case study "The Karimi family" (one per group)']
    assert [item for item in items if "First contact checklist" in item] == ['printed handout "First contact checklist" (one per participant)']
    assert len({item.casefold() for item in items}) == len(items)


def test_the_parts_of_a_title_with_commas_do_not_stand_alone(core_blocks: dict[str, Block]) -> None:
    items = checklist(core_blocks["b-impact-on-children"])
    assert not {"ask", "record", "refer", "handout Observe"} & set(items)


def test_only_the_blocks_own_list_can_shorten_it(tmp_path: Path) -> None:
    """An activity's 'scenario cards or flipchart' leaves the author's 'flipchart' on the list."""
    block = Loader().course(_course(tmp_path, ["flipchart", "Sticky  Notes"], "printed scenario cards or flipchart, sticky notes"))
    assert block is not None
    assert checklist(block.blocks[0])[:3] == ["flipchart", "Sticky  Notes", "printed scenario cards or flipchart"]
    assert len(checklist(block.blocks[0])) == 3  # "sticky notes" differs only in case and spacing


def _course(root: Path, own: list[str], activity: str) -> Path:
    """A course of one block whose list is `own` and whose one activity needs `activity`."""
    folder = root / "course"
    (folder / "b").mkdir(parents=True)
    (folder / "course.yaml").write_text("id: c\ntitle: C\nsummary: S\nblocks: [b]\n", encoding="utf-8")
    (folder / "b" / "block.md").write_text(
        "---\nid: b\ntitle: B\nlang: en\nversion: 1\nduration: 10\nsummary: S\n"
        "outcomes:\n  - {id: o1, text: Do it}\n"
        f"materials: [{', '.join(own)}]\n---\n\n## Part {{#part}}\n\n"
        f'::::activity {{#a minutes=10 mode=plenary materials="{activity}"}}\nTalk.\n::::\n',
        encoding="utf-8",
    )
    return folder
