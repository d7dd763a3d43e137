"""`coursepack export pack`: exit codes, messages on stderr, files where they were asked for."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from player.cli import main
from tests.exporter.helpers import ENGLISH, UKRAINIAN, write_course


def run(*args: str, env: dict[str, str] | None = None):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(main, ["export", "pack", *args], env=env)


def test_exports_a_course_folder_to_the_file_asked_for(tmp_path: Path, fake_render: list[str]) -> None:
    out = tmp_path / "out" / "trainer.pdf"
    result = run(str(write_course(tmp_path, [ENGLISH])), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"%PDF-1.7 fake"
    assert "rendering tiny (source language)..." in result.stderr
    assert "tiny (source language): 7 pages in 0.5 s" in result.stderr
    assert f"wrote {out}: 7 pages (rendered in 0.5 s)" in result.stdout
    again = run(str(tmp_path / "tiny"), "-o", str(out))
    assert "unchanged, from the cache" in again.stdout and len(fake_render) == 1


def test_finds_a_course_by_id_under_the_courses_directory(tmp_path: Path, fake_render: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    write_course(tmp_path / "courses", [ENGLISH], course_id="tiny")
    (tmp_path / "courses" / "tiny").rename(tmp_path / "courses" / "folder-name-differs")
    monkeypatch.chdir(tmp_path)
    result = run("tiny", "--participant", env={"COURSEPACK_COURSES": str(tmp_path / "courses")})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "folder-name-differs-participant-pack.pdf").is_file()
    assert 'class="participant"' in fake_render[0]


def test_a_course_with_validation_errors_is_refused_with_the_report(tmp_path: Path, fake_render: list[str]) -> None:
    folder = write_course(tmp_path, [ENGLISH])
    source = folder / ENGLISH["id"] / "block.md"
    source.write_text(source.read_text(encoding="utf-8").replace("minutes=20", "minutes=200").replace("- [x] Introduce", "- [ ] Introduce"), encoding="utf-8")
    result = run(str(folder), "-o", str(tmp_path / "never.pdf"))
    assert result.exit_code == 1
    assert f"{source}:" in result.stderr
    assert "agenda-too-long: the activities add up to 200 minutes" in result.stderr
    assert "single-correct" in result.stderr
    assert "Error: the course has 2 validation error(s)" in result.stderr
    assert not (tmp_path / "never.pdf").exists() and fake_render == []


def test_an_unknown_course_or_block_is_refused(tmp_path: Path, fake_render: list[str]) -> None:
    missing = run("no-such-course", env={"COURSEPACK_COURSES": str(tmp_path)})
    assert missing.exit_code == 1 and "no course 'no-such-course'" in missing.stderr
    folder = write_course(tmp_path, [ENGLISH])
    unknown = run(str(folder), "--block", "nope")
    assert unknown.exit_code == 1
    assert "course 'tiny' has no block 'nope'; its blocks are: first-contact" in unknown.stderr


def test_a_language_without_translation_is_refused_clearly(tmp_path: Path, fake_render: list[str]) -> None:
    folder = write_course(tmp_path, [ENGLISH, UKRAINIAN])
    refused = run(str(folder), "--lang", "uk", "-o", str(tmp_path / "uk.pdf"))
    assert refused.exit_code == 1
    assert "block 'first-contact' has no 'uk' catalogue; create it with 'coursepack translate update --lang uk'" in refused.stderr
    chosen = run(str(folder), "--lang", "uk", "--block", "pershyi-kontakt", "-o", str(tmp_path / "uk.pdf"))
    assert chosen.exit_code == 0, chosen.output
    assert '<html lang="uk"' in fake_render[0] and "First contact" not in fake_render[0]


def test_blocks_print_in_the_order_asked(tmp_path: Path, fake_render: list[str]) -> None:
    folder = write_course(tmp_path, [ENGLISH, UKRAINIAN])
    assert run(str(folder), "--block", "pershyi-kontakt", "--block", "first-contact", "-o", str(tmp_path / "p.pdf")).exit_code == 0
    html = fake_render[0]
    assert html.index('id="pershyi-kontakt--block"') < html.index('id="first-contact--block"')


def test_help_documents_every_option() -> None:
    result = run("--help")
    for option in ("--block", "--lang", "--participant", "--output", "--allow-incomplete", "--country", "COURSEPACK_COURSES", "COURSEPACK_CACHE"):
        assert option in result.output
    assert "not printed yet" not in " ".join(result.output.split()), "translations are printed: the help must not say otherwise"
