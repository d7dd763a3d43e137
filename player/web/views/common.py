"""Lookups shared by the views: content that 404s when missing, and who may see a course."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, request

from blocks.model import Block, Course, Quiz, Section
from player.domain.progress import course_states, required_before, waiting_for
from player.domain.recording import CLIENT_ID
from player.web import db
from player.web.auth import current_user
from player.web.content import store
from player.web.i18n import current_lang


def visible_course(course_id: str) -> Course:
    """A course the current visitor may open: public ones to all, others to signed-in users."""
    course = store().course(course_id)
    if course is None:
        abort(404)
    user = current_user()
    if not course.public and (user is None or user.is_guest):
        abort(404)
    return course


def listed_courses() -> list[Course]:
    """The courses a visitor is offered in lists (the catalogue, a new cohort's course): the
    public ones, and for admins the internal ones too (`public: false`, the sample of every
    construct). An internal course still opens for any signed-in user who has its address
    (visible_course), so an author can send a reviewer the link."""
    user = current_user()
    admin = user is not None and user.role == "admin"
    return [course for course in store().all() if course.public or admin]


def course_and_block(course_id: str, block_id: str) -> tuple[Course, Block]:
    """The course and the block in the learner's language (same ids and answers as the source)."""
    course = visible_course(course_id)
    block = course.block(block_id)
    if block is None:
        abort(404)
    return course, store().in_language(course, block, current_lang())


def localised_blocks(course: Course) -> dict[str, Block]:
    """Every block of a course in the learner's language, for pages that list them."""
    lang = current_lang()
    return {block.id: store().in_language(course, block, lang) for block in course.blocks}


def localised_course(course: Course) -> Course:
    """The course with its blocks in the visitor's language, for pages that name the blocks and
    quote their questions (a trainer's reports); the ids, and so the records, are the same."""
    lang = current_lang()
    if lang not in course.languages or all(block.lang == lang for block in course.blocks):
        return course
    return replace(course, blocks=tuple(localised_blocks(course).values()))


def open_block(course_id: str, block_id: str) -> tuple[Course, Block]:
    """A block the learner may take now; a locked one answers 403 (its start page says why)."""
    course, block = course_and_block(course_id, block_id)
    required = required_before(course, block)
    if required and waiting_for(course, course_states(db.reader(), learner_id(), course, required), block):
        abort(403)
    return course, block


def section_or_404(block: Block, section_id: str) -> Section:
    section = block.section(section_id)
    if section is None:
        abort(404)
    return section


def quiz_or_404(block: Block, step_id: str, quiz_id: str) -> Quiz:
    """A quiz of a step, as a form names it."""
    section = section_or_404(block, step_id)
    quiz = next((q for q in section.nodes(Quiz) if q.id == quiz_id), None)
    if quiz is None:
        abort(404)
    return quiz


def client_id() -> str:
    """The id a form carries to make a retry harmless; a request without a valid one is refused."""
    value = request.form.get("client_id", "")
    if not CLIENT_ID.fullmatch(value):
        abort(400)
    return value


def learner_id() -> int | None:
    user = current_user()
    return user.id if user else None
