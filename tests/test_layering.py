"""The layering of SPEC section 2 and docs/architecture.md, checked by import-linter's contracts
in pyproject.toml.

`blocks` imports no Flask, SQLAlchemy or WeasyPrint; `exporter` never imports `player`; inside
`player`, cli > web > domain > store and the domain and store import no web library; no package
has an import cycle. The contracts must exist, must be kept by the code as it is, and must
break when the code breaks them (shown on a copy of the packages with a forbidden import added).
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

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("blocks", "exporter", "player")
CONTRACTS = {
    "blocks knows no web, database or PDF": {"flask", "sqlalchemy", "weasyprint", "exporter", "player"},
    "exporter knows no web or database": {"flask", "sqlalchemy", "player"},
    "the player's domain and store know no web": {"flask", "flask_babel", "werkzeug"},
}
LAYERS = "player is layered: cli over web over domain over store"
ACYCLIC = "no import cycles"
# A deliberate break of each contract: (file, line appended, what lint-imports names).
BREAKS = {
    "blocks knows no web, database or PDF": ("blocks/model.py", "import flask", "blocks.model -> flask"),
    "exporter knows no web or database": ("exporter/__init__.py", "import player", "exporter -> player"),
    "the player's domain and store know no web": ("player/domain/progress.py", "import flask", "player.domain.progress -> flask"),
    LAYERS: ("player/store/models.py", "import player.web.auth", "player.store.models -> player.web.auth"),
    ACYCLIC: ("blocks/html.py", "import blocks.build", ".html -> .build"),
}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["name"]: contract for contract in config["contracts"]}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )


def summary(output: str) -> tuple[int, int]:
    match = re.search(r"Contracts: (\d+) kept, (\d+) broken\.", output)
    assert match, f"no contract summary in:\n{output}"
    return int(match[1]), int(match[2])


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_the_forbidden_contracts_are_declared(name: str) -> None:
    contract = contracts().get(name)
    assert contract is not None, f"pyproject.toml lost the contract {name!r}"
    assert contract["type"] == "forbidden"
    assert CONTRACTS[name] <= set(contract["forbidden_modules"])


def test_the_player_layers_and_acyclic_contracts_are_declared() -> None:
    layers, acyclic = contracts()[LAYERS], contracts()[ACYCLIC]
    assert (layers["type"], layers["containers"], layers["layers"]) == ("layers", ["player"], ["cli", "web", "domain", "store"])
    assert (acyclic["type"], set(acyclic["ancestors"])) == ("acyclic_siblings", set(PACKAGES))


def test_the_code_keeps_every_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary(result.stdout) == (len(contracts()), 0)
    for name in BREAKS:
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_a_forbidden_import_breaks_its_contract(name: str, tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    path, line, named = BREAKS[name]
    with (tmp_path / path).open("a", encoding="utf-8") as module:
        module.write(f"\n{line}  # noqa: E402,F401 - the layering test's deliberate break\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert f"{name} BROKEN" in result.stdout
    assert named in result.stdout
