"""The trainer's materials checklist of a block: its own list, what its activities add and a
copy of each handout, each thing once.

Authors name the same thing several times: the front matter says "flipchart and markers" and
"printed case study "Dani" (one per group)", an activity says "flipchart" and "case study Dani".
Two items are compared by their words (case, punctuation and spacing ignored), so the rule
holds in every language: an item whose words all appear in another item is covered by it and
left out, because the longer item says more ("flipchart" goes, "flipchart and markers" stays).
Items with the same words keep the first. The front matter comes first, so its wording wins,
and only its own items can cover one of its items: an activity's "scenario cards or flipchart"
does not take "flipchart" off the author's list. Items worded differently ("pre-test on paper"
and "printed pre-test") both stay: mend the wording in the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from gettext import NullTranslations

from blocks.model import Block
from exporter.i18n import ENGLISH

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Item:
    """One line of the checklist, and the words that say what it is."""

    text: str
    words: frozenset[str]
    own: bool = False  # from the block's own list (front matter `materials`)

    def covered_by(self, other: Item) -> bool:
        """Whether `other` names this and more; an item of the block's own list yields only to another."""
        return self.words < other.words and (other.own or not self.own)


def words(text: str) -> frozenset[str]:
    """An item's words, case and punctuation ignored: 'Flipchart,  markers' -> {flipchart, markers}."""
    return frozenset(_WORD.findall(text.casefold()))


def checklist(block: Block, texts: NullTranslations = ENGLISH) -> list[str]:
    """The block's checklist: front matter first, then what activities and handouts add, each once."""
    items = [Item(text, words(text), own=True) for text in block.materials]
    for activity in block.activities:
        items.extend(Item(part.strip(), words(part)) for part in activity.materials.split(",") if words(part))
    # Translators: an item of the materials checklist; the title is the handout's, in the block's language.
    copies = texts.gettext('Copies of the handout "%(title)s", one per participant')
    items.extend(Item(copies % {"title": h.title}, words(h.title)) for h in block.handouts)
    return [item.text for item in merged(items)]


def merged(items: list[Item]) -> list[Item]:
    """Items in their order, without those another item covers or an earlier one repeats."""
    kept: list[Item] = []
    for index, item in enumerate(items):
        if not item.words:
            continue
        repeated = any(other.words == item.words for other in items[:index])
        if not repeated and not any(item.covered_by(other) for other in items):
            kept.append(item)
    return kept
