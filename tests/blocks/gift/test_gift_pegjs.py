"""An independent GIFT parser (the npm package gift-pegjs, run with node) reads the GIFT we export
for every bundled block, and agrees with ours on each question's id, title and type."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from blocks.gift.syntax import parse
from blocks.gift.values import Kind
from blocks.gift_export import export_gift
from blocks.load import load_courses

REPO = Path(__file__).resolve().parents[3]
PEGJS = REPO / "node_modules" / "gift-pegjs"
# gift-pegjs's names for Moodle's types. It does not know Moodle's ordering question
# (`{>3 ALL ...}`): it reads it as a short answer whose one answer is that text, as a Moodle without
# qtype_ordering would.
THEIR_TYPE = {Kind.MULTICHOICE: "MC", Kind.SHORTANSWER: "Short", Kind.NUMERICAL: "Numerical", Kind.MATCH: "Matching",
              Kind.ESSAY: "Essay", Kind.TRUEFALSE: "TF", Kind.DESCRIPTION: "Description", Kind.ORDERING: "Short"}
SCRIPT = """
const parse = require('gift-pegjs').parse;
const text = require('fs').readFileSync(process.argv[1], 'utf8');
const found = parse(text).filter(q => q.type !== 'Category').map(q => ({
  id: q.id, title: q.title, type: q.type,
  choices: (q.choices || q.matchPairs || []).length,
  first: q.choices && q.choices[0] && q.choices[0].text ? (q.choices[0].text.text || '') : '',
}));
console.log(JSON.stringify(found));
"""
COURSES = load_courses(REPO / "courses")
BUNDLED = [(course, block) for course in COURSES for block in course.blocks if block.quizzes]


def their_reading(path: Path) -> list[dict]:
    result = subprocess.run(["node", "-e", SCRIPT, str(path)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("course", "block"), BUNDLED, ids=[b.id for _, b in BUNDLED])
def test_gift_pegjs_reads_our_export_as_we_do(course, block, tmp_path: Path) -> None:
    if shutil.which("node") is None or not PEGJS.exists():
        pytest.skip("node or gift-pegjs missing: run make (npm ci)")
    path = tmp_path / f"{block.id}.gift.txt"
    path.write_text(export_gift([block], course.title).text, encoding="utf-8")
    ours = parse(path.read_text(encoding="utf-8"))
    theirs = their_reading(path)
    assert ours.problems == () and len(theirs) == len(ours.questions) > 0
    for mine, other in zip(ours.questions, theirs):
        assert (other["id"], other["title"], other["type"]) == (mine.ident, mine.title, THEIR_TYPE[mine.kind])
        if mine.kind == Kind.ORDERING:
            assert other["first"].startswith(mine.header)
        else:
            assert other["choices"] == len(mine.answers or mine.numbers or mine.pairs)
