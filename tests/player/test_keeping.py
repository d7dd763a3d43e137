"""What a worker keeps (player.store.keeping): bounded, keyed by every declared part, and never
serving a value built from content or keys that have since changed."""

from __future__ import annotations

import pytest

from player.store.keeping import REGIONS, Memory, Region

SMALL = Region("test", ("learner", "page"), 2, True, "a test region")


def test_a_value_is_built_once_per_key_while_its_source_stays() -> None:
    memory, built = Memory((SMALL,)), []
    source, edited = object(), object()

    def build(text: str):  # noqa: ANN202
        return lambda: built.append(text) or text

    assert memory.get(SMALL, source, build("a1"), learner=1, page="p") == "a1"
    assert memory.get(SMALL, source, build("a2"), learner=1, page="p") == "a1"  # kept
    assert memory.get(SMALL, edited, build("a3"), learner=1, page="p") == "a3"  # new content: built again
    assert memory.get(SMALL, edited, build("b1"), learner=2, page="p") == "b1"  # another learner's own
    memory.get(SMALL, edited, build("c1"), learner=3, page="p")  # learner 1 was least recently used: gone
    assert memory.get(SMALL, edited, build("a4"), learner=1, page="p") == "a4"
    assert built == ["a1", "a3", "b1", "c1", "a4"] and memory.count(SMALL) == 2


@pytest.mark.parametrize("parts", [{"page": "p"}, {"learner": 1}, {"learner": 1, "page": "p", "lang": "en"}, {"user": 1, "page": "p"}])
def test_a_key_missing_a_declared_part_or_naming_another_is_refused(parts: dict) -> None:
    """A key built by hand without the learner's part would show one learner's page to another."""
    with pytest.raises(KeyError, match="keyed by learner, page"):
        Memory((SMALL,)).get(SMALL, object(), lambda: "x", **parts)


def test_a_content_reload_drops_what_came_from_content_only() -> None:
    kept_content = Region("content", ("k",), 5, True, "from content")
    kept_other = Region("other", ("k",), 5, False, "from cookies")
    memory, source = Memory((kept_content, kept_other)), object()
    memory.put(kept_content, source, "page", k=1)
    memory.put(kept_other, source, "cookie", k=1)
    memory.drop_content()
    assert memory.find(kept_content, source, k=1) is None and memory.find(kept_other, source, k=1) == "cookie"


def test_every_region_is_bounded_and_says_why() -> None:
    assert len({r.name for r in REGIONS}) == len(REGIONS)
    for region in REGIONS:
        assert 0 < region.size <= 10_000 and region.parts and region.why
