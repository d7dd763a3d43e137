"""A learner takes a block end to end through the views: steps, quiz, resume, completion."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blocks.load import Loader
from player.store.models import Answer, Attempt, BlockProgress, SectionView, User
from player.web import db
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import form_on_page, names_for, quiz_form, wrong_response

SAMPLE = Loader().course(COURSES / "sample")
BLOCK = SAMPLE.blocks[0]
QUIZ = BLOCK.quizzes[0]
BASE = "/courses/sample/every-construct"
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)))


def _client_id(client: FlaskClient, step: str) -> str:
    page = client.get(f"{BASE}/{step}").get_data(as_text=True)
    return re.search(r'name="client_id" value="([0-9a-f]+)"', page)[1]


def test_private_course_is_hidden_from_guests(client: FlaskClient) -> None:
    assert client.get("/courses/sample/").status_code == 404
    assert b"Sample course" not in client.get("/").data


def test_step_never_sends_facilitator_notes_or_answers(client: FlaskClient) -> None:
    sign_up(client)
    html = client.get(f"{BASE}/start").get_data(as_text=True)
    assert "Names and journeys" in html
    assert "Model the activity with your own name" not in html  # facilitator note inside the activity
    assert "Keep the introduction to two minutes" not in html  # facilitator note at section level
    quiz_page = client.get(f"{BASE}/{QUIZ_STEP}").get_data(as_text=True)
    assert "Predictability and a clear role" not in quiz_page  # option feedback
    assert "Clarity about who you are" not in quiz_page  # explanation
    assert "116111" not in quiz_page and "116 111" not in quiz_page  # text gap answer


def test_walk_quiz_wrong_then_right_and_complete(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    for step in [s.id for s in BLOCK.sections]:
        response = post(client, f"{BASE}/{step}", {"go": "next"})
        assert response.status_code == 302
    wrong = post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=False))
    assert wrong.status_code == 302 and wrong.location.endswith("/attempts/1")
    result = client.get(wrong.location).get_data(as_text=True)
    assert "Not passed yet" in result
    assert "Too much at once overwhelms" in result  # feedback on the wrong option chosen (the first)
    match, order = (next(q for q in QUIZ.questions if q.type == kind) for kind in ("match", "order"))
    given = wrong_response(match)["matches"]  # each term paired with the next term's match
    for term, chosen in enumerate(given):
        assert f"<span>{match.pairs[term].term_html}</span> → {match.pairs[chosen].match_text}" in result
    items = "".join(f"<li>{order.items[i]}</li>" for i in wrong_response(order)["order"])
    assert f'<ol class="feedback">{items}' in result  # the order given, the last item first
    right = post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=True))
    assert right.location.endswith("/attempts/2")
    assert "you passed" in client.get(right.location).get_data(as_text=True)
    start = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Passed" in start
    with app.app_context():
        progress = db.session().scalars(select(BlockProgress)).one()
        assert progress.completed_at is not None and progress.passed_at is not None
        attempts = db.session().scalars(select(Attempt).order_by(Attempt.number)).all()
        assert [(a.number, a.passed) for a in attempts] == [(1, False), (2, True)]
        assert attempts[1].percent == 100.0


def test_double_submit_records_once(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    data = quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=False)
    first = post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", data)
    second = post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", data)
    assert first.location.endswith("/attempts/1")
    assert "/attempts/" not in second.location
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Attempt)) == 1
        assert db.session().scalar(select(func.count()).select_from(Answer)) == len(QUIZ.questions)


def test_saved_answers_come_back_mid_quiz(client: FlaskClient) -> None:
    sign_up(client)
    single = QUIZ.questions[0]
    form = form_on_page(client.get(f"{BASE}/{QUIZ_STEP}").get_data(as_text=True), QUIZ)
    second = names_for(client, int(form["seed"])).token(single, "option", 1)
    data = {**form, "action": "save", f"q-{single.id}": second, "q-q-text-gap-0": "116 111"}
    post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", data)
    page = client.get(f"{BASE}/{QUIZ_STEP}").get_data(as_text=True)
    assert re.search(rf'name="q-{single.id}" value="{second}" checked', page)
    assert 'name="q-q-text-gap-0" value="116 111"' in page


def test_resume_goes_to_where_the_learner_left(client: FlaskClient) -> None:
    sign_up(client, email="resume@example.org")
    post(client, f"{BASE}/start", {"go": "next"})
    post(client, "/signout")
    post(client, "/signin", {"email": "resume@example.org", "password": "a long enough password"})
    start = client.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{BASE}/practice"' in start and "Resume" in start


def test_guest_progress_is_kept_on_sign_up(app: Flask, client: FlaskClient) -> None:
    course = "/courses/core-blocks/a-cultural-sensitivity"
    first = Loader().course(COURSES / "core-blocks").blocks[0].sections[0].id
    post(client, f"{course}/{first}", {"go": "next"})
    sign_up(client, email="was-guest@example.org")
    with app.app_context():
        views = db.session().scalars(select(SectionView)).all()
        assert [v.section_id for v in views] == [first]
        owner = db.session().get(User, views[0].user_id)
        assert owner is not None and owner.email == "was-guest@example.org"
    assert "In progress" in client.get("/courses/core-blocks/").get_data(as_text=True)


def test_a_submission_without_a_valid_client_id_is_refused(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    for bad in ("", "x", "short-id-1", "a" * 65, "not valid but long enough!"):
        data = {**quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=True), "client_id": bad}
        assert post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", data).status_code == 400
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Attempt)) == 0


def test_the_page_shell_follows_who_is_signed_in(client: FlaskClient) -> None:
    """The shell's fixed pieces are kept; the account links must still follow the visitor."""
    assert 'href="/signin"' in client.get("/").get_data(as_text=True)
    sign_up(client, name="Ana Learner")
    page = client.get("/").get_data(as_text=True)
    assert "Ana Learner" in page and 'action="/signout"' in page and 'href="/signin"' not in page
    post(client, "/signout")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/signin"' in page and "Ana Learner" not in page


def test_kept_account_links_carry_each_sessions_own_sign_out_token(app: Flask, client: FlaskClient) -> None:
    """The links of a signed-in user are kept per user; the sign-out form's token is each session's."""
    sign_up(client, name="Ana Learner")
    laptop, tablet = client, app.test_client()
    assert post(tablet, "/signin", {"email": "learner@example.org", "password": "a long enough password"}).status_code == 302
    tokens = []
    for device in (laptop, tablet):
        page = device.get(f"{BASE}/").get_data(as_text=True)
        tokens.append(re.search(r'action="/signout" class="inline">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)[1])
    assert tokens[0] != tokens[1]
    assert tablet.post("/signout", data={"csrf_token": tokens[0]}).status_code == 400  # the laptop's token
    assert tablet.post("/signout", data={"csrf_token": tokens[1]}).status_code == 302
    assert "Ana Learner" in laptop.get("/").get_data(as_text=True)
    other = app.test_client()
    sign_up(other, email="ben@example.org", name="Ben Other")
    page = other.get(f"{BASE}/").get_data(as_text=True)
    assert "Ben Other" in page and "Ana Learner" not in page


def test_an_answered_survey_says_so_to_its_learner_only(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    thanks = "Thank you, your answers are saved."
    assert thanks not in client.get(f"{BASE}/evaluation").get_data(as_text=True)
    form = {"client_id": _client_id(client, "evaluation"), "q-eval-relevance": "4"}
    response = post(client, f"{BASE}/evaluation/survey/{BLOCK.evaluation.id}", form)
    assert response.status_code == 302 and response.location.endswith(f"#{BLOCK.evaluation.id}")
    sent = client.get(f"{BASE}/evaluation").get_data(as_text=True)
    assert thanks in sent
    # The empty form again would read as not sent: it is folded away, still at hand.
    assert re.search(rf'<details class="again"><summary>Answer again</summary>\s*<form method="post" action="[^"]*/survey/{BLOCK.evaluation.id}"', sent)
    other = app.test_client()
    sign_up(other, email="other@example.org")
    assert thanks not in other.get(f"{BASE}/evaluation").get_data(as_text=True)
