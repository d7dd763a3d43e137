"""A small cohort written straight into the database, for report tests whose expected figures
are worked out by hand (see each test). Times and answers are set explicitly.

The cohort "Skopje spring" takes the resilience course (r1..r6, a pre-test in r1 and a
post-test in r6). Four members, sorted by name: "=SUM(1+1)" (a name a spreadsheet would run),
Ana, Boris, Cvetan. Outside the cohort: Olga (signed up, core-blocks only) and a guest; their
data must never reach the cohort's reports, and the guest never the overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask

from player.store.models import Answer, Attempt, Attendance, BlockProgress, Cohort, Membership, SurveyAnswer, User
from player.web import db

R1, R2, R3 = "r1-resilience-to-stress", "r2-impact-of-stress", "r3-seeking-help"
R6 = "r6-resilience-with-children"
CORE_A = "a-cultural-sensitivity"


@dataclass(frozen=True)
class Seeded:
    cohort_id: int
    trainer_id: int
    ana: int
    boris: int
    cvetan: int
    formula: int
    olga: int
    guest: int


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day + " 10:00:00")


def seed(app: Flask) -> Seeded:
    with app.app_context(), db.writing() as write:
        def person(name: str, email: str | None, org: str = "", country: str = "") -> int:
            user = User(name=name, email=email, organisation=org, country=country)
            write.add(user)
            write.flush()
            return user.id

        trainer = User(name="Tanja Trainer", email="tanja@example.org", role="trainer")
        write.add(trainer)
        write.flush()
        ana = person("Ana", "ana@example.org", "Red Cross", "MK")
        boris = person("Boris", "boris@example.org", "Red Cross", "UA")
        cvetan = person("Cvetan", "cvetan@example.org")
        formula = person("=SUM(1+1)", "formula@example.org")
        olga = person("Olga", "olga@example.org", "City Hall", "MK")
        guest = person("", None)
        cohort = Cohort(name="Skopje spring", course_id="resilience", lang="mk", mode="face-to-face",
                        join_code="SPRING26", trainer_id=trainer.id, starts_on=date(2026, 3, 2))
        write.add(cohort)
        write.flush()
        write.add_all(Membership(cohort_id=cohort.id, user_id=u) for u in (ana, boris, cvetan, formula))

        _progress(write, ana, R1, started="2026-01-10", completed="2026-01-15", passed="2026-01-15")
        _progress(write, ana, R2, started="2026-02-01", completed="2026-02-10")
        _progress(write, ana, R3, started="2026-02-12")
        _progress(write, boris, R1, started="2026-02-01", completed="2026-02-20")
        _progress(write, cvetan, R1, started="2026-02-02")
        _progress(write, olga, CORE_A, course="core-blocks", started="2026-03-30", completed="2026-04-01", passed="2026-04-01")
        _progress(write, guest, R1, started="2026-01-19", completed="2026-01-20")

        write.add_all([
            Attendance(cohort_id=cohort.id, user_id=ana, block_id=R1, session_date=date(2026, 3, 2)),
            Attendance(cohort_id=cohort.id, user_id=ana, block_id=R2, session_date=date(2026, 3, 9)),
            Attendance(cohort_id=cohort.id, user_id=boris, block_id=R1, session_date=date(2026, 3, 2)),
            Attendance(cohort_id=cohort.id, user_id=cvetan, block_id=R1, session_date=date(2026, 3, 2)),  # not online
        ])

        # q-resilience (single, B right) and q-reactions (multiple, partial, A and B right)
        check = [
            (ana, 1, [("q-resilience", {"choice": 0}, 0.0), ("q-reactions", {"choices": [0, 2]}, 0.0)]),
            (ana, 2, [("q-resilience", {"choice": 1}, 1.0), ("q-reactions", {"choices": [0, 1]}, 1.0)]),
            # Boris changed his mind before submitting: only the later answer counts
            (boris, 1, [("q-resilience", {"choice": 2}, 0.0), ("q-resilience", {"choice": 1}, 1.0),
                        ("q-reactions", {"choices": [0, 1, 3]}, 0.5)]),
            (cvetan, 1, [("q-resilience", {"choice": 0}, 0.0), ("q-reactions", {"choices": [2]}, 0.0)]),
            (olga, 1, [("q-resilience", {"choice": 3}, 0.0)]),  # not a member
        ]
        for user, number, answers in check:
            _attempt(write, user, R1, "check", number, 50.0, answers)
        _attempt(write, cvetan, R1, "check", 2, None, [("q-resilience", {"choice": 3}, 0.0)])  # still open

        for user, number, percent in ((ana, 1, 40.0), (ana, 2, 60.0), (boris, 1, 50.0), (cvetan, 1, 30.0), (olga, 1, 10.0)):
            _attempt(write, user, R1, "course-pretest", number, percent, [])
        for user, number, percent in ((ana, 1, 70.0), (ana, 2, 90.0), (boris, 1, 75.0), (olga, 1, 100.0)):
            _attempt(write, user, R6, "course-posttest", number, percent, [])

        evaluations: list[tuple[int, str, str, dict[str, int], str]] = [
            (ana, R1, "2026-01-15", {"eval-relevance": 5, "eval-usefulness": 4, "eval-apply": 2,
                                     "eval-confidence-before": 2, "eval-confidence-after": 4}, ""),
            (boris, R1, "2026-02-18", {"eval-relevance": 1}, ""),  # sent again later: superseded
            (boris, R1, "2026-02-20", {"eval-relevance": 4, "eval-usefulness": 4, "eval-apply": 1,
                                       "eval-confidence-before": 3, "eval-confidence-after": 4}, ""),
            (cvetan, R1, "2026-02-25", {"eval-relevance": 3, "eval-apply": 2}, ""),
            (ana, R2, "2026-02-10", {"eval-relevance": 2, "eval-apply": 2, "eval-confidence-before": 1,
                                     "eval-confidence-after": 2}, ""),
            (olga, CORE_A, "2026-04-01", {"eval-relevance": 1, "eval-apply": 2}, "core-blocks"),
            (guest, R1, "2026-01-20", {"eval-apply": 1}, ""),
        ]
        for user, block, day, values, course in evaluations:
            for question, value in values.items():
                write.add(SurveyAnswer(user_id=user, course_id=course or "resilience", block_id=block, survey_id="evaluation",
                                       question_id=question, response={"value": value}, shared=False, created_at=_at(day)))
        write.add_all([
            SurveyAnswer(user_id=ana, course_id="resilience", block_id=R1, survey_id="evaluation", question_id="eval-comment",
                         response={"text": "Shared: the breathing exercise helped."}, shared=True, created_at=_at("2026-01-15")),
            SurveyAnswer(user_id=ana, course_id="resilience", block_id=R1, survey_id="reflect", question_id="reflection-1",
                         response={"text": "Private: I miss my headaches."}, shared=False, created_at=_at("2026-01-15")),
        ])
        write.flush()
        return Seeded(cohort.id, trainer.id, ana, boris, cvetan, formula, olga, guest)


def _progress(write: Any, user: int, block: str, started: str, completed: str | None = None,
              passed: str | None = None, course: str = "resilience") -> None:
    write.add(BlockProgress(
        user_id=user, course_id=course, block_id=block, started_at=_at(started), updated_at=_at(completed or started),
        completed_at=_at(completed) if completed else None, passed_at=_at(passed) if passed else None,
    ))


def _attempt(write: Any, user: int, block: str, quiz: str, number: int, percent: float | None,
             answers: list[tuple[str, dict[str, Any], float]]) -> None:
    attempt = Attempt(
        user_id=user, course_id="core-blocks" if block == CORE_A else "resilience", block_id=block, quiz_id=quiz,
        number=number, seed=1, percent=percent, passed=None if percent is None else percent >= 80,
        submitted_at=None if percent is None else _at("2026-02-01"),
    )
    write.add(attempt)
    write.flush()
    for question, response, points in answers:
        write.add(Answer(attempt_id=attempt.id, question_id=question, response=response, points=points, max_points=1))
