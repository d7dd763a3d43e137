"""Two reviewed pages of the small test course, kept as pictures in golden/.

The comparison is loose on purpose (mean grey-level difference), so that a new WeasyPrint or a
moved line does not fail it, while a lost stylesheet or a collapsed layout do. Fonts are checked
by name in test_exporter_pdf.py, since a fallback font barely changes the grey levels.
When a change to the layout is meant, look at the new pages and replace the golden files with
the PNGs the failure message names.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.exporter.helpers import Pdf

GOLDEN = Path(__file__).parent / "golden"
TOLERANCE = 6.0  # mean difference in grey levels (0-255); without print.css the pages differ by 16 to 70


def page_image(pdf: bytes, number: int, folder: Path, name: str) -> Path:
    """One page as a 50 dpi greyscale PNG, made the way the golden files were."""
    source = folder / "pack.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "50", "-f", str(number), "-l", str(number), "-singlefile",
                    str(source), str(folder / name)], check=True)
    return folder / f"{name}.png"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (Debian package poppler-utils)")
@pytest.mark.parametrize("name", ["cover", "agenda"])
def test_pages_still_look_like_the_reviewed_ones(name: str, tiny_packs: dict[str, Pdf], tmp_path: Path) -> None:
    pdf = tiny_packs["trainer"]
    number = 1 if name == "cover" else next(i for i, page in enumerate(pdf.pages, 1) if "Start Min Activity" in page)
    rendered = page_image(pdf.data, number, tmp_path, name)
    with Image.open(rendered) as now, Image.open(GOLDEN / f"{name}.png") as golden:
        assert now.size == golden.size
        difference = ImageStat.Stat(ImageChops.difference(now.convert("L"), golden.convert("L"))).mean[0]
    assert difference <= TOLERANCE, f"page {number} differs from golden/{name}.png by {difference:.1f}; review {rendered}"
