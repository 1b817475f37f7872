"""Questions picked for a job description by a model: it ranks the bank's questions, with structured output,
and says for each why it was picked.

The model sees the job description (fenced as data, fitted to the context budget) and every question it may
pick from (id, category and text). Its reply is a ``JobRanking``, validated; a ranking that names a question
not offered, names one twice, or picks a different number than asked is not used (``JobRankFailure``): the
caller falls back to the offline relevance score (``jobfit.py``) and says so. The offline backend never
asks: it keeps the transparent score. ``pick_for_job`` runs all of this and says which picks are used and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import Field

from mock_interviewer.backends.base import Backend, ModelRequest, Task
from mock_interviewer.bank import Question
from mock_interviewer.config import Settings
from mock_interviewer.prompts import load_prompt
from mock_interviewer.safetext import for_terminal
from mock_interviewer.strict import StrictModel, Text
from mock_interviewer.structured import StructuredFailure, complete_structured
from mock_interviewer.tokens import count_messages, truncate

PROMPT = "job_rank"
MAX_WHY_CHARS = 240  # a reason is one sentence; a longer one is cut where it is shown
_TAG = re.compile(r"<\s*/?\s*job_description[^<>]*>?", re.IGNORECASE)


class JobRankPick(StrictModel):
    why: Text = Field(description="One sentence: the need of the job this question tests, in the description's words.")
    question_id: Text = Field(description="The question's id, exactly as in the list.")


class JobRanking(StrictModel):
    """The structured output asked of the model. What the job needs comes before the picks."""

    job_needs: list[Text] = Field(description="What the job needs of a candidate, short phrases, most important first.")
    picks: list[JobRankPick] = Field(description="The questions picked, most relevant first.")


class JobRankFailure(Exception):
    """The model's ranking cannot be used; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ModelPicks:
    """The model's picks as (question id, why), best first, and what it read the job as needing."""

    picks: list[tuple[str, str]]
    job_needs: list[str]
    truncated: bool


@dataclass(frozen=True)
class JobPicks:
    """The questions to ask for the job as (question id, why), best first: the model's (``model`` names it), or the
    offline relevance score's when the backend is the offline one or the model's ranking could not be used
    (``failure`` says why, in plain words). ``truncated``: the description was cut to fit before the model read it."""

    picks: list[tuple[str, str]]
    model: str | None = None
    failure: str | None = None
    truncated: bool = False


def _fenced(description: str) -> str:
    safe = _TAG.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), description.strip())
    return f"<job_description>\n{safe}\n</job_description>"


def _question_lines(pool: Sequence[Question]) -> str:
    return "\n".join(f"- {q.id} · {q.category} · {' '.join(q.text.split())}" for q in pool)


def build_rank_request(description: str, pool: Sequence[Question], count: int, settings: Settings) -> tuple[ModelRequest, bool]:
    """The request that asks the model to rank ``pool`` for the job, and whether the description was cut to fit."""
    template = load_prompt(PROMPT)
    variables = {"count": str(count), "pool": str(len(pool)), "questions": _question_lines(pool)}
    fixed = count_messages(template.render(job_description=_fenced(""), **variables), settings.model)
    text, cut = truncate(description, max(settings.context_budget - fixed, 200), settings.model)
    request = ModelRequest(
        task=Task(kind="rank", question=None, count=count, candidates=tuple(pool), document=text),
        messages=template.render(job_description=_fenced(text), **variables),
        output=JobRanking,
        temperature=0.0,
        seed=settings.seed,
        max_tokens=settings.max_output_tokens,
        prompt_version=template.version,
    )
    return request, cut


def check_ranking(ranking: JobRanking, pool: Sequence[Question], count: int) -> list[tuple[str, str]]:
    """The picks as (id, why), or ``JobRankFailure`` naming what is wrong with them."""
    offered = {q.id for q in pool}
    ids = [p.question_id for p in ranking.picks]
    unknown = [i for i in ids if i not in offered]
    if unknown:
        shown = ", ".join(repr(i[:60]) for i in unknown[:3]) + (", …" if len(unknown) > 3 else "")
        raise JobRankFailure(f"it named question ids that were not offered ({shown})")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise JobRankFailure(f"it picked {', '.join(repeated)} more than once")
    wanted = min(count, len(pool))
    if len(ids) != wanted:
        raise JobRankFailure(f"it picked {len(ids)} questions, not the {wanted} asked for")
    return [(p.question_id, _why(p.why)) for p in ranking.picks]


def _why(text: str) -> str:
    line = for_terminal(" ".join(text.split()))
    return line if len(line) <= MAX_WHY_CHARS else line[: MAX_WHY_CHARS - 1].rstrip() + "…"


async def rank_with_model(
    backend: Backend, description: str, pool: Sequence[Question], count: int, settings: Settings
) -> ModelPicks:
    """The model's ``count`` picks from ``pool`` for the job, best first; ``JobRankFailure`` when unusable.

    A reply that does not validate is re-asked once with the error (``complete_structured``); a service
    failure (``ServiceError``) is not caught here.
    """
    request, cut = build_rank_request(description, pool, count, settings)
    try:
        ranking, _ = await complete_structured(backend, request, JobRanking)
    except StructuredFailure as failure:
        raise JobRankFailure(failure.reason) from None
    return ModelPicks(picks=check_ranking(ranking, pool, count), job_needs=list(ranking.job_needs), truncated=cut)


def pick_for_job(
    backend: Backend,
    description: str,
    pool: Sequence[Question],
    count: int,
    settings: Settings,
    offline: list[tuple[str, str]],
) -> JobPicks:
    """The picks to use for the job: the model's ``count`` from ``pool``, else ``offline`` (the relevance score's).

    Runs on its own event loop and closes the backend's connections when done (the interview opens its own); a
    service failure (``ServiceError``) is not caught here.
    """
    import asyncio

    if backend.estimate:  # the offline backend keeps the transparent relevance score
        return JobPicks(offline)

    async def ranked() -> ModelPicks:
        try:
            return await rank_with_model(backend, description, pool, count, settings)
        finally:
            await backend.aclose()

    try:
        result = asyncio.run(ranked())
    except JobRankFailure as failure:
        return JobPicks(offline, failure=failure.reason)
    return JobPicks(result.picks, model=backend.model, truncated=result.truncated)
