"""Small helpers that make diagnostics read as sentences."""

from __future__ import annotations


def article(noun: str) -> str:
    """'an activity', 'a quiz'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
