"""Certificates as the player asks for them: one page with everything a reader must check."""

from __future__ import annotations

from datetime import date

from exporter.certificate import render_certificate
from tests.exporter.helpers import Pdf


def test_a_certificate_is_one_page_with_name_title_date_hours_and_code() -> None:
    pdf = Pdf(render_certificate(
        name="Олена Коваленко", title="Safeguarding: preventing harm", issued=date(2026, 5, 2), hours=1.5,
        code="CP-7Q2X-94KD", verify_url="https://learn.example.org/verify/CP-7Q2X-94KD",
    ))
    assert len(pdf.pages) == 1
    for text in ("Certificate of completion".upper(), "Олена Коваленко", "Safeguarding: preventing harm", "2 May 2026",
                 "1.5 hours", "CP-7Q2X-94KD", "https://learn.example.org/verify/CP-7Q2X-94KD"):
        assert text in pdf.text
    assert pdf.lang == "en", "English unless a language is asked for (test_exporter_i18n.py prints one in Ukrainian)"
    width, height = pdf.reader.pages[0].mediabox.width, pdf.reader.pages[0].mediabox.height
    assert width > height, "landscape"
