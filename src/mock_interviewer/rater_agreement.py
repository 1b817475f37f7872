"""``calibrate --ratings``: how far people agree with each other, and with the grader, on the same answers.

Reads a ``RatingSet`` (``ratings.py``), grades the rated answers that come with their text (through
``grader.grade_answer``, any backend), and measures (``agreement.py``): quadratic-weighted kappa for
every pair of raters and for each rater against the grader, Krippendorff's ordinal alpha over all
the people, each with a bootstrap interval, and the items and questions people disagree on most,
as a table to discuss. Library code: it returns a ``RatingsReport``; the command renders it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Literal

from pydantic import Field

from mock_interviewer.agreement import (
    BOOTSTRAP_ROUNDS,
    CONFIDENCE,
    Coincidences,
    add_coincidences,
    alpha_from_coincidences,
    bootstrap_interval,
    coincidences,
    quadratic_weighted_kappa,
)
from mock_interviewer.backends.base import Backend
from mock_interviewer.bank import Bank
from mock_interviewer.concurrency import bounded_map
from mock_interviewer.config import Settings
from mock_interviewer.grader import grade_answer
from mock_interviewer.ratings import TIER_VALUE, RatedItem, RatingSet, Scale, scale_values
from mock_interviewer.strict import StrictModel

GRADER = "grader"
MAX_ITEMS_SHOWN = 10
RATINGS_SCHEMA_VERSION = 1


class PairAgreement(StrictModel):
    a: str
    b: str
    kind: Literal["raters", "grader"]
    kappa: float | None = Field(description="Quadratic-weighted kappa; null with fewer than 2 shared items.")
    n: int = Field(description="Items both rated.")
    ci: list[float] | None = Field(description="Bootstrap interval of kappa [low, high].")


class Alpha(StrictModel):
    value: float | None = Field(description="Krippendorff's alpha, ordinal metric, over the people's ratings.")
    ci: list[float] | None
    items: int = Field(description="Items rated by at least two people (the pairable ones).")
    metric: Literal["ordinal"] = "ordinal"


class Agreement(StrictModel):
    raters: list[str]
    pairs: list[PairAgreement]
    alpha: Alpha


class GraderInfo(StrictModel):
    backend: str
    model: str
    estimate: bool
    graded: int
    ungraded: int
    without_text: int = Field(description="Rated items without question_id and answer text: not graded.")


class ItemDisagreement(StrictModel):
    item_id: str
    question_id: str | None
    ratings: dict[str, str]
    grader: str | None
    spread: int = Field(description="Highest minus lowest rating by people, in steps of the scale.")
    answer: str | None


class QuestionDisagreement(StrictModel):
    question_id: str
    items: int
    mean_spread: float
    split_items: int = Field(description="Items on which people did not all agree.")


class Disagreements(StrictModel):
    items: list[ItemDisagreement]
    questions: list[QuestionDisagreement]


class Bootstrap(StrictModel):
    rounds: int
    seed: int
    confidence: float = CONFIDENCE


class RatingsReport(StrictModel):
    schema_version: int = RATINGS_SCHEMA_VERSION
    file: str
    scale: Scale
    items: int
    ratings: int
    grader: GraderInfo | None
    agreement: Agreement
    disagreements: Disagreements
    bootstrap: Bootstrap


def _ci(found: tuple[float, float] | None) -> list[float] | None:
    return None if found is None else [round(found[0], 4), round(found[1], 4)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def pair_agreement(
    a: str, b: str, table: dict[str, dict[str, int]], scale: Scale, boot: Bootstrap, kind: Literal["raters", "grader"]
) -> PairAgreement:
    shared = [(row[a], row[b]) for row in table.values() if a in row and b in row]
    categories = scale_values(scale)

    def kappa(pairs: Sequence[tuple[int, int]]) -> float | None:
        return quadratic_weighted_kappa([x for x, _ in pairs], [y for _, y in pairs], categories) if len(pairs) >= 2 else None

    interval = bootstrap_interval(shared, kappa, rounds=boot.rounds, seed=boot.seed)
    return PairAgreement(a=a, b=b, kind=kind, kappa=_round(kappa(shared)), n=len(shared), ci=_ci(interval))


def alpha(table: dict[str, dict[str, int]], raters: Sequence[str], boot: Bootstrap) -> Alpha:
    """Ordinal alpha over the people (the grader left out); each item's pairs are counted once, then resampled."""
    units = [coincidences([row[r] for r in raters if r in row]) for row in table.values()]
    units = [u for u in units if u]

    def value(sample: Sequence[Coincidences]) -> float | None:
        return alpha_from_coincidences(add_coincidences(sample), "ordinal")

    interval = bootstrap_interval(units, value, rounds=boot.rounds, seed=boot.seed)
    return Alpha(value=_round(value(units)), ci=_ci(interval), items=len(units))


def _label(value: int | None, scale: Scale) -> str | None:
    if value is None:
        return None
    return str(value) if scale == "score" else {v: t for t, v in TIER_VALUE.items()}[value]


def disagreements(ratings: RatingSet, table: dict[str, dict[str, int]], raters: Sequence[str]) -> Disagreements:
    rows = []
    by_question: dict[str, list[int]] = {}
    for item_id, row in table.items():
        people = {r: v for r, v in row.items() if r in raters}
        if len(people) < 2:
            continue
        spread = max(people.values()) - min(people.values())
        meta = ratings.items[item_id]
        if meta.question_id:
            by_question.setdefault(meta.question_id, []).append(spread)
        rows.append(ItemDisagreement(
            item_id=item_id, question_id=meta.question_id, spread=spread, answer=meta.answer,
            ratings={r: _label(v, ratings.scale) or "" for r, v in sorted(people.items())},
            grader=_label(row.get(GRADER), ratings.scale),
        ))  # fmt: skip
    rows.sort(key=lambda d: (-d.spread, -statistics.pvariance([int(v) if v.isdigit() else TIER_VALUE[v] for v in d.ratings.values()]), d.item_id))
    questions = [
        QuestionDisagreement(question_id=q, items=len(s), mean_spread=round(sum(s) / len(s), 3), split_items=sum(x > 0 for x in s))
        for q, s in by_question.items()
    ]
    questions.sort(key=lambda q: (-q.mean_spread, -q.split_items, q.question_id))
    return Disagreements(items=[d for d in rows if d.spread > 0][:MAX_ITEMS_SHOWN], questions=questions)


def measure(
    ratings: RatingSet,
    grader_values: dict[str, int] | None = None,
    grader: GraderInfo | None = None,
    *,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 0,
) -> RatingsReport:
    """Agreement among the people, and of each with the grader when it graded (``grader_values``: item -> value)."""
    boot = Bootstrap(rounds=rounds, seed=seed)
    table = ratings.table()
    raters = ratings.raters
    for item_id, value in (grader_values or {}).items():
        table.setdefault(item_id, {})[GRADER] = value
    pairs = [pair_agreement(a, b, table, ratings.scale, boot, "raters") for a, b in combinations(raters, 2)]
    if grader_values:
        pairs += [pair_agreement(r, GRADER, table, ratings.scale, boot, "grader") for r in raters]
    return RatingsReport(
        file=ratings.path, scale=ratings.scale, items=len(ratings.items), ratings=len(ratings.ratings), grader=grader,
        agreement=Agreement(raters=raters, pairs=pairs, alpha=alpha(table, raters, boot)),
        disagreements=disagreements(ratings, table, raters), bootstrap=boot,
    )  # fmt: skip


async def grade_rated(
    backend: Backend,
    bank: Bank,
    settings: Settings,
    ratings: RatingSet,
    *,
    concurrency: int = 4,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, int], GraderInfo]:
    """Grade every rated item that has its question and answer; the grades' values on the ratings' scale."""
    gradable = [i for i in ratings.items.values() if i.question_id and i.answer]
    values: dict[str, int] = {}
    done = 0

    async def run(rated: RatedItem) -> None:
        nonlocal done
        item_id, question_id, answer = rated.item, rated.question_id or "", rated.answer or ""
        grade = await grade_answer(backend, bank.get(question_id), answer, settings)
        done += 1
        if progress is not None:
            progress(done, len(gradable))
        if grade.status == "graded" and grade.score is not None and grade.tier is not None:
            values[item_id] = grade.score if ratings.scale == "score" else TIER_VALUE[grade.tier]

    await bounded_map(gradable, concurrency, run)
    info = GraderInfo(
        backend=backend.name, model=backend.model, estimate=backend.estimate, graded=len(values),
        ungraded=len(gradable) - len(values), without_text=len(ratings.items) - len(gradable),
    )  # fmt: skip
    return values, info
