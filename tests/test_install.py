"""Installs are reproducible: the lock pins what pyproject.toml asks for, and a wheel works alone.

`make` installs the exact versions of requirements/lock.txt; pyproject.toml keeps the lower
bounds for people who install coursepack as a library. The two must agree, or a dependency added
to one and not the other would work here and break on a fresh clone. Compiled catalogues are
build products (setup.py), so a wheel built from the tracked sources alone must still carry them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pypdf import PdfReader

from tests.conftest import ROOT

LOCK = ROOT / "requirements" / "lock.txt"
BUILD_IN = ROOT / "requirements" / "build.in"
LOCKED_EXTRAS = ("test", "postgres")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _locked() -> dict[str, list[str]]:
    """Each pinned package of the lock with its versions (one per environment marker)."""
    pins: dict[str, list[str]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            pins.setdefault(canonicalize_name(match[1]), []).append(match[2])
    return pins


def _wanted() -> list[Requirement]:
    """What pyproject.toml asks for (with the locked extras) and the build tools make installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in LOCKED_EXTRAS:
        lines += project["optional-dependencies"][extra]
    lines += [line for line in BUILD_IN.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [Requirement(line) for line in lines]


def _direct_in_lock() -> set[str]:
    """Packages the lock says it holds because pyproject.toml or build.in asked for them."""
    direct, name = set(), None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
        elif name and re.search(r"#\s+(via\s+)?(coursepack \(pyproject\.toml\)|-r requirements/build\.in)", line):
            direct.add(name)
    return direct


def test_the_lock_pins_every_dependency_within_its_bounds() -> None:
    pins = _locked()
    problems = []
    for requirement in _wanted():
        versions = pins.get(canonicalize_name(requirement.name))
        if not versions:
            problems.append(f"{requirement.name}: in pyproject.toml or build.in, not in the lock")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{requirement}: the lock pins {versions}")
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_the_lock_holds_no_direct_dependency_that_pyproject_dropped() -> None:
    wanted = {canonicalize_name(r.name) for r in _wanted()}
    assert _direct_in_lock(), "the lock's `# via` notes were not understood"
    assert _direct_in_lock() - wanted == set(), "run `make lock`: pyproject.toml no longer asks for these"


def test_the_lock_pins_exact_versions_with_hashes() -> None:
    text = LOCK.read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert requirements and all(PIN.match(line) for line in requirements), "every line is name==version"
    assert text.count("--hash=sha256:") >= len(requirements)


def _tracked_sources(destination: Path) -> None:
    """Copy what git tracks (and new files it would track): never build products such as .mo."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.endswith(".mo"):
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """coursepack built into a wheel from a clean copy, then installed into its own folder."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the wheel test copies the sources git tracks; run it in a git checkout")
    work = tmp_path_factory.mktemp("wheel")
    _tracked_sources(work / "src")
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(work / "src")],
                   check=True, capture_output=True)
    wheel = next((work / "dist").glob("coursepack-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(work / "site"), str(wheel)], check=True, capture_output=True)
    return work / "site"


def test_a_wheel_carries_the_compiled_catalogues(installed_wheel: Path) -> None:
    for package, languages in (("player", ("en", "mk", "uk", "bg")), ("exporter", ("mk", "uk", "bg"))):
        for lang in languages:
            assert (installed_wheel / package / "translations" / lang / "LC_MESSAGES" / "messages.mo").is_file(), (package, lang)


def test_an_installed_wheel_prints_a_macedonian_pack(installed_wheel: Path, tmp_path: Path) -> None:
    """The exporter finds its catalogues from the installed package, not from this checkout."""
    pdf = tmp_path / "sample-mk.pdf"
    script = ("import sys, exporter, player; from player.cli import main\n"
              f"assert exporter.__file__.startswith({str(installed_wheel)!r}), exporter.__file__\n"
              "sys.argv = ['coursepack', *sys.argv[1:]]; main()")
    environment = {**os.environ, "PYTHONPATH": str(installed_wheel), "COURSEPACK_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-c", script, "export", "pack", str(ROOT / "courses" / "sample"),
                          "--lang", "mk", "-o", str(pdf)], cwd=tmp_path, env=environment, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Агенда" in text and "Опции за програмата" in text
