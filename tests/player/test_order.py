"""order: sequential and block prerequisites lock later blocks until earlier ones are completed."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from blocks.load import Loader
from player.domain.progress import BlockStatus, QuizStatus, waiting_for
from player.store.models import Attempt
from tests.conftest import COURSES, post


@pytest.fixture
def courses_dir(tmp_courses: Path) -> Path:
    course_file = tmp_courses / "resilience" / "course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace("order: any", "order: sequential"), encoding="utf-8")
    return tmp_courses


def test_sequential_course_locks_later_blocks(client: FlaskClient, courses_dir: Path) -> None:
    course = Loader().course(courses_dir / "resilience")
    first, second = course.blocks[0], course.blocks[1]
    base = "/courses/resilience"
    start = client.get(f"{base}/{second.id}/").get_data(as_text=True)
    assert "Complete these blocks first" in start and first.title in start
    assert client.get(f"{base}/{second.id}/{second.sections[0].id}").status_code == 403
    assert client.get(f"{base}/{first.id}/{first.sections[0].id}").status_code == 200


def test_any_order_course_leaves_every_block_open(client: FlaskClient) -> None:
    course = Loader().course(COURSES / "core-blocks")
    last = course.blocks[-1]
    assert client.get(f"/courses/core-blocks/{last.id}/{last.sections[0].id}").status_code == 200
    assert post(client, f"/courses/core-blocks/{last.id}/{last.sections[0].id}", {"go": "next"}).status_code == 302


def _done(block) -> BlockStatus:  # noqa: ANN001
    passed = (Attempt(number=1, percent=100.0, passed=True),)
    quizzes = {q.id: QuizStatus(q, passed, None) for q in block.quizzes}
    return BlockStatus(block, frozenset(s.id for s in block.sections), quizzes)


def _untouched(block) -> BlockStatus:  # noqa: ANN001
    return BlockStatus(block, frozenset(), {q.id: QuizStatus(q, (), None) for q in block.quizzes})


def test_completing_earlier_blocks_unlocks_the_next(courses_dir: Path) -> None:
    course = Loader().course(courses_dir / "resilience")
    first, second, third = course.blocks[:3]
    statuses = {b.id: _untouched(b) for b in course.blocks}
    assert waiting_for(course, statuses, third) == [first, second]
    statuses[first.id] = _done(first)
    assert waiting_for(course, statuses, third) == [second]
    statuses[second.id] = _done(second)
    assert waiting_for(course, statuses, third) == []
