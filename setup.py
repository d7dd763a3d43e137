"""Compile the interface catalogues (.po -> .mo) into every build, wheels included.

Compiled catalogues are build products, not sources: committing them tied the test suite to the
version string Babel writes into their header. `make` compiles them in place for the editable
install; this hook does the same for `pip install .` and `python -m build`.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUE_ROOTS = ("player/translations", "exporter/translations")


def compile_catalogue(po: Path, mo: Path) -> None:
    """Write the .mo of one .po; fuzzy entries stay out, as `pybabel compile` leaves them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as target:
        write_mo(target, catalog)


class BuildWithCatalogues(build_py):
    """build_py that also writes each catalogue's .mo beside its .po in the build tree."""

    def run(self) -> None:
        super().run()
        for root in CATALOGUE_ROOTS:
            for po in Path(root).glob("*/LC_MESSAGES/*.po"):
                compile_catalogue(po, Path(self.build_lib) / po.with_suffix(".mo"))


setup(cmdclass={"build_py": BuildWithCatalogues})
