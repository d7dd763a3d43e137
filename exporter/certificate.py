"""Certificates: one landscape page that an employer can rely on: who, which block of which
course, when, how long and how it was taken, who issued it, a signature line, and a code and
QR code anyone can check at `verify_url`. The player decides who gets one, keeps the codes and
passes every text already in the certificate's language; this module only prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import segno
from markupsafe import Markup

from exporter.html import ASSETS, environment, stylesheet_urls
from exporter.pdf import render_pdf

Mode = Literal["online", "face-to-face", "blended"]
QR_MODULE_MM = 0.7  # a version 4 code (a 50-character URL) comes out about 29 mm wide, quiet zone included


@dataclass(frozen=True)
class CertificateFace:
    """What a certificate states, every text in the certificate's language."""

    name: str
    title: str  # the block's title, or the course's on a course certificate
    course: str  # the course's title on a block certificate; "" on a course certificate
    issued: date
    minutes: int  # the training time true for how it was taken (see `mode`)
    mode: Mode  # self-paced online, a face-to-face session recorded by a trainer, or both
    code: str
    verify_url: str
    issuer: str


def render_certificate(face: CertificateFace, lang: str = "en") -> bytes:
    """The certificate's PDF bytes; it reads nothing but the exporter's own assets."""
    return render_pdf(certificate_html(face, qr_svg(face.verify_url), lang), (), ASSETS).pdf


def certificate_html(face: CertificateFace, qr: Markup, lang: str) -> str:
    """A one-page certificate; the same layout as the blank template in the pack's annex."""
    return environment(lang).get_template("certificate.html.j2").render(
        face=face, qr=qr, lang=lang, stylesheets=stylesheet_urls(),
    )


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG: drawn as vectors, so it prints sharp and reads nothing."""
    return Markup(segno.make(url, error="m").svg_inline(scale=QR_MODULE_MM, unit="mm", border=4, title=url))
