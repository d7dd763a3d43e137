"""The quiz can be answered and sent with the keyboard alone: Tab, Space, arrows and typing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from blocks.load import Loader
from blocks.scoring import correct_response
from tests.browser.conftest import field_names, new_email, sign_up
from tests.conftest import COURSES
from tests.player.helpers import form_fields

pytestmark = pytest.mark.browser

BLOCK = Loader().course(COURSES / "sample").blocks[0]
QUIZ = BLOCK.quizzes[0]
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)))
MAX_KEYS = 300  # far more than the quiz needs; a focus trap fails the test instead of hanging it

FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {tag: e.tagName, type: e.type || "", name: e.name || "", value: e.value ?? "",
            checked: !!e.checked, text: e.textContent.trim(), outline: style.outlineStyle};
}"""


def _focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def _press_until(page: Page, key: str, wanted: str) -> None:
    """Arrow through a radio group or a select until the wanted value is the chosen one."""
    for _ in range(12):
        if _focused(page)["value"] == wanted:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached value {wanted!r}: {_focused(page)}")


def _operate(page: Page, field: dict[str, Any], wanted: str | list[str]) -> None:
    """Give the focused field its wanted value with the keys a keyboard user would press."""
    if field["type"] == "radio":
        _press_until(page, "ArrowDown", wanted)  # arrows move the choice within the group
        if not _focused(page)["checked"]:
            page.keyboard.press("Space")  # focus landed on the right one without choosing it
    elif field["type"] == "checkbox":
        if field["value"] in wanted:
            page.keyboard.press("Space")
    elif field["tag"] == "SELECT":
        _press_until(page, "ArrowDown", wanted)
    else:
        page.keyboard.type(wanted)


def test_quiz_answered_by_keyboard_only(page: Page) -> None:
    sign_up(page, new_email())
    page.goto(f"/courses/sample/{BLOCK.id}/{QUIZ_STEP}")
    wanted: dict[str, Any] = {}
    for question in QUIZ.questions:
        wanted.update(form_fields(question, correct_response(question), field_names(page, question)))

    reached, unseen_focus = set(), []
    for _ in range(MAX_KEYS):
        page.keyboard.press("Tab")
        field = _focused(page)
        if field["outline"] == "none":
            unseen_focus.append(field)
        if field["tag"] == "BUTTON" and field["text"] == "Submit answers":
            break
        if field["name"] in wanted and (field["type"] != "radio" or field["name"] not in reached):
            _operate(page, field, wanted[field["name"]])
            reached.add(field["name"])
    else:
        raise AssertionError(f"Tab never reached the submit button; last focus: {_focused(page)}")

    assert reached == set(wanted), f"not reachable by Tab: {set(wanted) - reached}"
    assert not unseen_focus, f"focus is invisible on: {unseen_focus}"
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_contain_text("you passed")
    expect(page.get_by_role("status")).to_contain_text("100%")
