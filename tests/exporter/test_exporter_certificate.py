"""Certificates as the player asks for them: one page an employer can rely on, with a QR code
that leads to the public verification page."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from exporter.certificate import CertificateFace, render_certificate
from tests.exporter.helpers import Pdf

FACE = CertificateFace(
    name="Олена Коваленко", title="Safeguarding: preventing harm", course="Working with refugee and migrant children",
    issued=date(2026, 5, 2), minutes=65, mode="online", code="CP-7Q2X-94KD",
    verify_url="https://learn.example.org/verify/CP-7Q2X-94KD", issuer="Association of Social Workers",
)
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (Debian package poppler-utils)")


def page_image(pdf: bytes, folder: Path, dpi: int = 150) -> Image.Image:
    """The certificate's one page as a greyscale image, as a phone camera would see a print."""
    (folder / "certificate.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(dpi), "-singlefile", str(folder / "certificate.pdf"),
                    str(folder / "certificate")], check=True)
    return Image.open(folder / "certificate.png")


def test_a_certificate_is_one_landscape_page_with_everything_an_employer_checks() -> None:
    pdf = Pdf(render_certificate(FACE))
    assert len(pdf.pages) == 1
    text = " ".join(pdf.text.split())
    for part in ("Association of Social Workers", "Certificate of completion".upper(), "Олена Коваленко",
                 "Safeguarding: preventing harm", "a block of the course Working with refugee and migrant children",
                 "2 May 2026", "65 minutes (1.1 hours)", "Self-paced online", "Signature and stamp, for Association of Social Workers",
                 "CP-7Q2X-94KD", "https://learn.example.org/verify/CP-7Q2X-94KD"):
        assert part in text, part
    assert pdf.lang == "en", "English unless a language is asked for (test_exporter_i18n.py prints one in Ukrainian)"
    width, height = pdf.reader.pages[0].mediabox.width, pdf.reader.pages[0].mediabox.height
    assert width > height, "landscape"


def test_the_mode_is_the_one_the_certificate_was_earned_in() -> None:
    face_to_face = " ".join(Pdf(render_certificate(replace(FACE, mode="face-to-face", minutes=90))).text.split())
    assert "Face-to-face training" in face_to_face and "90 minutes (1.5 hours)" in face_to_face
    assert "Self-paced" not in face_to_face


@needs_pdftoppm
def test_the_qr_code_on_the_page_reads_as_the_verification_url(tmp_path: Path) -> None:
    found = zxingcpp.read_barcodes(page_image(render_certificate(FACE), tmp_path))
    assert [(code.format, code.text) for code in found] == [(zxingcpp.BarcodeFormat.QRCode, FACE.verify_url)]


@needs_pdftoppm
def test_the_lower_third_is_not_empty(tmp_path: Path) -> None:
    """The signature line, the QR code and the code fill the foot (a certificate with one line of
    small print there, as before, inks 8 of its 179 rows at 100 dpi)."""
    image = page_image(render_certificate(FACE), tmp_path, dpi=100).convert("L")
    width, height = image.size
    margin = width // 12  # inside the double frame
    foot = image.crop((margin, height * 2 // 3, width - margin, height - margin))
    inked = sum(foot.crop((0, y, foot.width, y + 1)).getextrema()[0] < 160 for y in range(foot.height))
    assert inked >= foot.height // 3, f"only {inked} of {foot.height} rows of the lower third carry ink"
