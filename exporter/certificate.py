"""Certificates: one landscape page with the learner's name, what they completed, when, how
long, and a code anyone can check at `verify_url`. The player decides who gets one and keeps
the codes; this module only prints.
"""

from __future__ import annotations

from datetime import date

from exporter.html import ASSETS, certificate_html
from exporter.pdf import render_pdf


def render_certificate(*, name: str, title: str, issued: date, hours: float, code: str, verify_url: str, lang: str = "en") -> bytes:
    """The certificate's PDF bytes; it reads nothing but the exporter's own assets."""
    html = certificate_html(name=name, title=title, issued=issued, hours=hours, code=code, verify_url=verify_url, lang=lang)
    return render_pdf(html, (), ASSETS).pdf
