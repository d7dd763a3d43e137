"""`coursepack import gift` writes a block that `coursepack validate` accepts and prints what was
lost by GIFT line and title; `coursepack export gift` writes the questions of a course."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from blocks.gift.syntax import parse
from player.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "blocks" / "gift" / "every-construct.gift.txt"


def test_import_writes_a_valid_block_and_reports_by_line_and_title(tmp_path: Path) -> None:
    folder = tmp_path / "from-moodle"
    result = CliRunner().invoke(main, ["import", "gift", str(FIXTURE), "-o", str(folder), "--lang", "en"])
    assert result.exit_code == 1, result.output  # one question could not be read
    assert "every-construct.gift.txt:69: error: Broken: unexpected" in result.output
    assert "every-construct.gift.txt:46: lossy: Pairs: the extra answer 'one person'" in result.output
    assert "21 question(s); 1 left out" in result.output
    source = (folder / "block.md").read_text(encoding="utf-8")
    assert "id: from-moodle" in source
    validated = CliRunner().invoke(main, ["validate", str(folder)])
    assert validated.exit_code == 0, validated.output


def test_import_keeps_an_existing_block_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "block.md").write_text("mine", encoding="utf-8")
    gift = tmp_path / "one.txt"
    gift.write_text("::One::Is it one?{T}\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["import", "gift", str(gift), "-o", str(tmp_path), "--block-id", "one"])
    assert refused.exit_code == 1 and "exists" in refused.output
    assert (tmp_path / "block.md").read_text(encoding="utf-8") == "mine"
    forced = CliRunner().invoke(main, ["import", "gift", str(gift), "-o", str(tmp_path), "--block-id", "one", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "::::question {#one type=single}" in (tmp_path / "block.md").read_text(encoding="utf-8")


def test_import_refuses_a_block_id_that_is_not_an_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["import", "gift", str(FIXTURE), "-o", str(tmp_path / "x"), "--block-id", "Not An Id"])
    assert result.exit_code == 2 and "--block-id" in result.output


def test_export_writes_the_chosen_blocks_in_the_chosen_language(tmp_path: Path) -> None:
    target = tmp_path / "out" / "core.gift.txt"
    env = {"COURSEPACK_COURSES": str(ROOT / "courses")}
    result = CliRunner().invoke(main, ["export", "gift", "core-blocks", "--block", "b-impact-on-children", "--lang", "uk", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    parsed = parse(target.read_text(encoding="utf-8"))
    assert parsed.problems == () and len(parsed.questions) == 8
    assert all("/top/Робота з дітьми" in q.category for q in parsed.questions)
    assert "wrote" in result.output and "8 question(s)" in result.output


def test_export_names_an_unknown_block(tmp_path: Path) -> None:
    env = {"COURSEPACK_COURSES": str(ROOT / "courses")}
    result = CliRunner().invoke(main, ["export", "gift", "core-blocks", "--block", "nope", "-o", str(tmp_path / "x.txt")], env=env)
    assert result.exit_code == 1 and "has no block 'nope'" in result.output


def test_import_of_a_file_with_no_question_writes_nothing(tmp_path: Path) -> None:
    """An administrator's slip (`import gift /etc/hostname`) wrote an empty block and exited 0."""
    text = tmp_path / "notes.txt"
    text.write_text("server-01\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "gift", str(text), "-o", str(tmp_path / "block"), "--block-id", "b"])
    assert result.exit_code == 1 and "holds no GIFT question" in result.output
    assert not (tmp_path / "block").exists()
