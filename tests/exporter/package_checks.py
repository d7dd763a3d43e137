"""What the SCORM and cmi5 package tests both look for: the files of a zip, the facilitator
notes that must not reach a package, and the attributes through which a page asks for a file."""

from __future__ import annotations

import io
import re
import zipfile

from blocks.html import plain_text
from blocks.model import Activity, Block, Facilitator

REQUESTS = re.compile(r'\s(?:src|data|poster|srcset)="([^"]+)"|url\(([^)]+)\)|\bimport\s*\(|fetch\(|XMLHttpRequest|<link[^>]+href="([^"]+)"')


def files(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def facilitator_texts(block: Block) -> list[str]:
    notes = [node.html for section in block.sections for node in section.body if isinstance(node, Facilitator)]
    notes += [node.facilitator_html for section in block.sections for node in section.body if isinstance(node, Activity)]
    notes += [node.html for node in block.intro if isinstance(node, Facilitator)]
    texts = [plain_text(note).strip() for note in notes]
    return [" ".join(text.split()[:8]) for text in texts if len(text.split()) >= 8]
