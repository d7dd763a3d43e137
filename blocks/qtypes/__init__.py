"""The question types, one module each, and the registry that maps each type to its module.

To add a type: a module here with a `QuestionKind` subclass, a line in `KINDS`, its two templates
(`player/web/templates/questions/<type>.html`, `exporter/templates/pack/questions/<type>.html.j2`),
fixtures, and a line in docs/authoring.md. Nothing outside these homes branches on a type; a test
fails when a type lacks a part or a template.
"""

from __future__ import annotations

import hashlib

from blocks.model import Question, QuestionType
from blocks.qtypes.base import QuestionKind
from blocks.qtypes.likert import Likert
from blocks.qtypes.match import Match
from blocks.qtypes.multiple import Multiple
from blocks.qtypes.numeric import Numeric
from blocks.qtypes.order import Order
from blocks.qtypes.reflection import Reflection
from blocks.qtypes.single import Single
from blocks.qtypes.text import Text

KINDS: dict[QuestionType, QuestionKind] = {kind.type: kind for kind in (
    Single(), Multiple(), Text(), Numeric(), Match(), Order(), Likert(), Reflection(),
)}


def kind(question: Question | QuestionType) -> QuestionKind:
    """The module of a question's type."""
    return KINDS[question.type if isinstance(question, Question) else question]


def display_order(question: Question, seed: object, shuffle: bool) -> tuple[int, ...]:
    """The order a question's options, match choices or items are shown in, stable for `seed`
    (an attempt's seed in the player, a fixed one in print), by source index.

    Match choices and order items are always shuffled, and never left in the right order: in
    source order they would give the answer away. Options are shuffled when the quiz says so.
    """
    found = kind(question)
    count = found.ordered(question)
    if not (found.always_shuffled or shuffle) or count < 2:
        return tuple(range(count))
    order = sorted(range(count), key=lambda i: hashlib.sha256(f"{seed}:{question.id}:{i}".encode()).digest())
    if order == list(range(count)):
        order = order[1:] + order[:1]
    return tuple(order)


def printed_order(question: Question, block_id: str) -> tuple[int, ...]:
    """The order a question's parts are printed in: shuffled for the types that say so (and
    those always shuffled), the same in every pack of the block, so a key printed once fits
    every copy."""
    return display_order(question, f"print:{block_id}", shuffle=kind(question).shuffled_in_print)
