"""Small helpers that make diagnostics read as sentences."""

from __future__ import annotations


def article(noun: str) -> str:
    """'an activity', 'a quiz'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def N_(text: str) -> str:
    """Mark a fixed English text of blocks/ for extraction: the player's and the exporter's
    catalogues both take these texts from here (see babel.cfg and exporter/babel.cfg), and each
    translates them where it shows them. Returns the text unchanged."""
    return text
