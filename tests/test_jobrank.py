"""``pick_for_job``: the picks for a job description, the model's or the offline score's, and why (scripted backend)."""

from __future__ import annotations

from typing import Any

from mock_interviewer.backends.offline import OfflineBackend
from mock_interviewer.backends.scripted import ScriptedBackend
from mock_interviewer.bank import load_bank
from mock_interviewer.config import Settings
from mock_interviewer.jobrank import JobPicks, pick_for_job

BANK = load_bank()
POOL = BANK.in_track("director")
JOB = "Director of Engineering. You will mentor engineers and own the architecture of our payments platform."
OFFLINE = [("director-14", "the description says “mentor” (relevance 0.40)"), ("director-12", "the description says x")]


def ranking(*picks: tuple[str, str]) -> dict[str, Any]:
    return {"job_needs": ["mentor engineers"], "picks": [{"why": w, "question_id": q} for q, w in picks]}


class ClosingBackend(ScriptedBackend):
    """Counts how often its connections were closed."""

    closed = 0

    async def aclose(self) -> None:
        self.closed += 1


def test_the_models_picks_are_used_and_name_the_model() -> None:
    backend = ClosingBackend([ranking(("director-05", "The job asks for architecture."), ("director-12", "Mentoring."))],
                             model="gpt-test")
    result = pick_for_job(backend, JOB, POOL, 2, Settings(), OFFLINE)
    assert result == JobPicks(
        picks=[("director-05", "The job asks for architecture."), ("director-12", "Mentoring.")], model="gpt-test"
    )
    (request,) = backend.requests
    assert request.task.kind == "rank" and request.task.count == 2 and JOB in request.messages[-1].content
    assert backend.closed == 1  # its event loop ends here: the interview opens its own connections


def test_an_unusable_ranking_falls_back_to_the_offline_picks_and_says_why() -> None:
    backend = ClosingBackend([ranking(("director-05", "Architecture."), ("director-99", "Made up."))])
    result = pick_for_job(backend, JOB, POOL, 2, Settings(), OFFLINE)
    assert result == JobPicks(picks=OFFLINE, failure="it named question ids that were not offered ('director-99')")
    assert result.model is None and backend.closed == 1


def test_the_offline_backend_keeps_the_offline_picks_without_a_request() -> None:
    assert pick_for_job(OfflineBackend(), JOB, POOL, 2, Settings(), OFFLINE) == JobPicks(picks=OFFLINE)


def test_a_description_cut_to_the_budget_is_said() -> None:
    backend = ScriptedBackend([ranking(("director-05", "Architecture."), ("director-12", "Mentoring."))])
    result = pick_for_job(backend, JOB + " We value careful engineering." * 800, POOL, 2,
                          Settings(context_budget=2000), OFFLINE)
    assert result.truncated and result.model == "scripted-model" and result.failure is None
