"""XLIFF 1.2 for translators who work in CAT tools, through translate-toolkit's storage classes.

The PO catalogue stays the one source of truth: export writes one trans-unit per catalogue entry,
its context in `resname` (CAT tools show it and keep it); import takes back only translations of
units the catalogue already has, keyed by that context and the source text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from translate.storage import xliff

from blocks.catalogues import read_catalogue


class XliffError(ValueError):
    """The XLIFF file could not be read as a coursepack catalogue."""


def po_to_xliff(po_path: Path, target: Path) -> None:
    """Write the catalogue at `po_path` (run `translate update` first) as an XLIFF file."""
    if not po_path.is_file():
        raise XliffError(f"{po_path} does not exist yet; run 'coursepack translate update' first")
    catalogue = read_catalogue(po_path)
    store = xliff.xlifffile(sourcelanguage=catalogue.metadata.get("X-Coursepack-Source-Language", "en"),
                            targetlanguage=catalogue.metadata.get("Language", ""))
    for number, entry in enumerate((e for e in catalogue if not e.obsolete), start=1):
        unit = store.addsourceunit(entry.msgid)
        unit.setid(str(number))
        unit.xmlelement.set("resname", entry.msgctxt or "")
        if entry.msgstr:
            unit.target = entry.msgstr
            unit.markfuzzy(entry.fuzzy)
            unit.markapproved(not entry.fuzzy)
            if entry.fuzzy:  # translated, to be reviewed: not "needs-translation", which CAT tools show as empty
                _target_element(unit).set("state", "needs-review-translation")
        if entry.comment:
            unit.addnote(entry.comment, origin="developer")
        if entry.previous_msgid:
            unit.addnote(f"Previous source: {entry.previous_msgid}", origin="po-translator")
    target.write_bytes(bytes(store))


def _target_element(unit: xliff.xliffunit) -> Any:
    return next(e for e in unit.xmlelement.iter() if isinstance(e.tag, str) and e.tag.endswith("target"))


def xliff_into_po(xliff_path: Path, po_path: Path) -> int:
    """Copy translations from an XLIFF file into the catalogue; returns how many changed."""
    try:
        store = xliff.xlifffile.parsefile(str(xliff_path))
    except Exception as exc:  # translate-toolkit raises lxml's and its own errors alike
        raise XliffError(f"{xliff_path} is not an XLIFF file: {exc}") from exc
    catalogue = read_catalogue(po_path)
    current = {(e.msgctxt or "", e.msgid): e for e in catalogue if not e.obsolete}
    changed = 0
    for unit in store.getunits():
        mine = current.get((unit.xmlelement.get("resname", ""), unit.source))
        target = unit.target or ""
        fuzzy = not unit.isapproved() or unit.isfuzzy()
        if mine is None or not target or (target == mine.msgstr and fuzzy == mine.fuzzy):
            continue
        mine.msgstr = target
        mine.flags = [f for f in mine.flags if f != "fuzzy"] + (["fuzzy"] if fuzzy else [])
        if not fuzzy:
            mine.previous_msgid = None
        changed += 1
    catalogue.save(str(po_path))
    return changed
