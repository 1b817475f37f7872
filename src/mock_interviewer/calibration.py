"""Measuring a grader: accuracy, quadratic-weighted kappa, confusion, ordering of the exemplars.

``calibrate`` grades every exemplar against its own question (the poor, mediocre and great
exemplar should land in their own tiers, and never out of order) and, optionally, a labelled
JSONL file of answers (``question_id``, ``answer``, ``label``). It works with any backend,
through ``grader.grade_answer``, with bounded concurrency for model backends. Library code
only: it returns a report; the command renders it.

Conventions: accuracy counts an ungraded item as a miss (a grader that fails to grade is not
right); kappa and the confusion matrix are over graded items only; both counts are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mock_interviewer import agreement
from mock_interviewer.answer_input import check_answer, unpaired_surrogate
from mock_interviewer.backends.base import Backend
from mock_interviewer.bank import TIERS, Bank, Question
from mock_interviewer.concurrency import bounded_map
from mock_interviewer.config import Settings
from mock_interviewer.errors import InputError
from mock_interviewer.grader import grade_answer
from mock_interviewer.jsontext import jsonl_objects
from mock_interviewer.storage import read_user_file

Source = Literal["exemplar", "labelled"]
EXEMPLARS_BY_LOOKUP = (
    "The exemplars are the offline grader's own anchors: it recognises each one by lookup and places it at its "
    "tier, so its score on them is 100% by construction, not a measurement. Measure it on answers it has not "
    "seen: --labelled FILE (answers people labelled) or --ratings FILE (people's ratings)."
)
EXEMPLARS_IN_PROMPT = (
    "The exemplars are in the grader's own prompt, so this checks that it places them consistently; it is not "
    "accuracy on new answers: measure that with --labelled FILE or --ratings FILE."
)
ORDER = {"poor": 0, "mediocre": 1, "great": 2}  # ordinal position of each tier, for kappa


@dataclass(frozen=True)
class LabelledAnswer:
    question_id: str
    answer: str
    label: str
    line: int
    note: str = ""
    id: str | None = None


@dataclass
class CalibrationItem:
    source: Source
    question_id: str
    expected: str
    predicted: str | None
    score: int | None
    status: str = "graded"
    reason: str | None = None
    line: int | None = None
    note: str = ""
    id: str | None = None
    suspicious: bool = False
    borderline: bool = False

    @property
    def correct(self) -> bool:
        return self.predicted == self.expected

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "question_id": self.question_id,
            "expected": self.expected,
            "predicted": self.predicted,
            "score": self.score,
            "correct": self.correct,
            "status": self.status,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.line is not None:
            data["line"] = self.line
        if self.id:
            data["id"] = self.id
        if self.note:
            data["note"] = self.note
        if self.suspicious:
            data["suspicious"] = True
        if self.borderline:
            data["borderline"] = True
        return data


@dataclass
class Metrics:
    """The measures of one set of graded items."""

    count: int
    graded: int
    correct: int
    accuracy: float
    kappa: float | None
    confusion: list[list[int]]  # rows: expected great, mediocre, poor; columns: predicted, same order
    poor_graded_great: int
    ordering_violations: list[dict[str, Any]] = field(default_factory=list)
    borderline: int = 0  # graded items marked too close to call
    accuracy_not_borderline: float | None = None  # accuracy over the items not marked borderline

    @property
    def ungraded(self) -> int:
        return self.count - self.graded

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "graded": self.graded,
            "ungraded": self.ungraded,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "kappa": None if self.kappa is None else round(self.kappa, 4),
            "confusion": {"labels": list(TIERS), "rows": "expected", "columns": "predicted", "matrix": self.confusion},
            "poor_graded_great": self.poor_graded_great,
            "ordering_violations": self.ordering_violations,
            "borderline": self.borderline,
            "accuracy_not_borderline": None
            if self.accuracy_not_borderline is None
            else round(self.accuracy_not_borderline, 4),
        }


@dataclass
class CalibrationReport:
    backend: str
    model: str
    estimate: bool
    track: str | None
    exemplars: Metrics | None
    labelled: Metrics | None
    labelled_file: str | None
    items: list[CalibrationItem]

    @property
    def exemplar_note(self) -> str:
        """What the exemplar figures are: the offline grader's own anchors, or answers a model grader is shown."""
        if self.backend == "offline":
            return EXEMPLARS_BY_LOOKUP
        return EXEMPLARS_IN_PROMPT

    def as_dict(self) -> dict[str, Any]:
        exemplars = None
        if self.exemplars:
            kind = "lookup" if self.backend == "offline" else "consistency"
            exemplars = {"kind": kind, "note": self.exemplar_note, **self.exemplars.as_dict()}
        return {
            "backend": self.backend,
            "model": self.model,
            "estimate": self.estimate,
            "track": self.track,
            "exemplars": exemplars,
            "labelled": (
                {"kind": "measurement", "file": self.labelled_file, **self.labelled.as_dict()} if self.labelled else None
            ),
            "items": [item.as_dict() for item in self.items],
        }


# ---------------------------------------------------------------- metrics


def confusion_matrix(expected: Sequence[str], predicted: Sequence[str]) -> list[list[int]]:
    """3x3 counts; rows are the expected tier, columns the predicted one, both in ``TIERS`` order."""
    matrix = [[0] * len(TIERS) for _ in TIERS]
    for truth, guess in zip(expected, predicted, strict=True):
        matrix[TIERS.index(truth)][TIERS.index(guess)] += 1
    return matrix


def quadratic_weighted_kappa(expected: Sequence[str], predicted: Sequence[str]) -> float | None:
    """Cohen's kappa with quadratic weights over the ordered tiers poor < mediocre < great (``agreement.py``).

    1 is perfect agreement, 0 is what chance gives, negative is worse than chance. None when
    there is nothing to compare; 1.0 when every answer and every grade is the same tier.
    """
    return agreement.quadratic_weighted_kappa(
        [ORDER[t] for t in expected], [ORDER[t] for t in predicted], sorted(ORDER.values())
    )


def ordering_violations(items: Sequence[CalibrationItem]) -> list[dict[str, Any]]:
    """Questions whose great exemplar scored below the mediocre one, or the mediocre below the poor one."""
    scores: dict[str, dict[str, int]] = {}
    for item in items:
        if item.source == "exemplar" and item.score is not None:
            scores.setdefault(item.question_id, {})[item.expected] = item.score
    found = []
    for question_id, by_tier in scores.items():
        for upper, lower in (("great", "mediocre"), ("mediocre", "poor")):
            if upper in by_tier and lower in by_tier and by_tier[upper] < by_tier[lower]:
                found.append(
                    {
                        "question_id": question_id,
                        "problem": f"{upper} exemplar graded below the {lower} one",
                        f"{upper}_score": by_tier[upper],
                        f"{lower}_score": by_tier[lower],
                    }
                )
    return found


def metrics(items: Sequence[CalibrationItem], *, with_ordering: bool = False) -> Metrics:
    graded = [item for item in items if item.predicted is not None]
    expected = [item.expected for item in graded]
    predicted = [item.predicted for item in graded if item.predicted is not None]
    correct = sum(item.correct for item in graded)
    clear = [item for item in items if not item.borderline]
    return Metrics(
        borderline=len(items) - len(clear),
        accuracy_not_borderline=sum(item.correct for item in clear) / len(clear) if clear else None,
        count=len(items),
        graded=len(graded),
        correct=correct,
        accuracy=correct / len(items) if items else 0.0,
        kappa=quadratic_weighted_kappa(expected, predicted),
        confusion=confusion_matrix(expected, predicted),
        poor_graded_great=sum(item.expected == "poor" and item.predicted == "great" for item in graded),
        ordering_violations=ordering_violations(items) if with_ordering else [],
    )


# ---------------------------------------------------------------- the labelled file


def load_labelled(path: Path, bank: Bank) -> list[LabelledAnswer]:
    """Read a labelled JSONL file; every problem is an InputError naming the file and line."""
    raw = read_user_file(path, "a JSONL file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    items = []
    for where, number, data in jsonl_objects(text, str(path), "question_id, answer and label"):
        for name in ("question_id", "answer", "label"):
            if name not in data:
                raise InputError(f"{where}: missing field {name!r}")
            if not isinstance(data[name], str):
                raise InputError(f"{where}: field {name!r} must be a string")
        label = data["label"].strip().lower()
        if label not in TIERS:
            raise InputError(f"{where}: label {data['label']!r} is not one of great, mediocre, poor")
        if "\x00" in data["answer"]:
            raise InputError(f"{where}: answer: a NUL character; expected text")
        check_answer(data["answer"], f"{where}: answer")  # what grade refuses, calibrate refuses, naming the line
        for name in ("note", "id"):
            bad = unpaired_surrogate(data[name]) if isinstance(data.get(name), str) else None
            if bad:
                raise InputError(f"{where}: {name}: {bad}")
        try:
            bank.get(data["question_id"])
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        note = data.get("note")
        ident = data.get("id")
        items.append(
            LabelledAnswer(
                question_id=data["question_id"],
                answer=data["answer"],
                label=label,
                line=number,
                note=note if isinstance(note, str) else "",
                id=str(ident) if ident is not None else None,
            )
        )
    if not items:
        raise InputError(f"{path}: no labelled answers in the file")
    return items


# ---------------------------------------------------------------- running


@dataclass(frozen=True)
class CalibrationJob:
    source: Source
    question: Question
    answer: str
    expected: str
    line: int | None = None
    note: str = ""
    id: str | None = None


def jobs_for(questions: Sequence[Question], labelled: Sequence[LabelledAnswer], bank: Bank, exemplars: bool) -> list[CalibrationJob]:
    wanted = {q.id for q in questions}
    jobs = []
    if exemplars:
        for question in questions:
            for tier in TIERS:
                jobs.append(CalibrationJob("exemplar", question, question.exemplars.get(tier), tier))
    for item in labelled:
        if item.question_id in wanted:
            jobs.append(
                CalibrationJob("labelled", bank.get(item.question_id), item.answer, item.label, item.line, item.note, item.id)
            )
    return jobs


async def run_calibration(
    backend: Backend,
    bank: Bank,
    settings: Settings,
    *,
    track: str | None = None,
    labelled: Sequence[LabelledAnswer] = (),
    labelled_file: str | None = None,
    exemplars: bool = True,
    concurrency: int = 4,
    progress: Callable[[int, int], None] | None = None,
) -> CalibrationReport:
    """Grade the exemplars (and labelled answers) of ``track`` (all tracks when None) and measure."""
    questions = bank.in_track(track)
    jobs = jobs_for(questions, labelled, bank, exemplars)
    done = 0

    async def run(job: CalibrationJob) -> CalibrationItem:
        nonlocal done
        grade = await grade_answer(backend, job.question, job.answer, settings)
        done += 1
        if progress is not None:
            progress(done, len(jobs))
        return CalibrationItem(
            source=job.source,
            question_id=job.question.id,
            expected=job.expected,
            predicted=grade.tier,
            score=grade.score,
            status=grade.status,
            reason=grade.reason,
            line=job.line,
            note=job.note,
            id=job.id,
            suspicious=grade.suspicious,
            borderline=grade.borderline is not None,
        )

    items = await bounded_map(jobs, concurrency, run)
    exemplar_items = [i for i in items if i.source == "exemplar"]
    labelled_items = [i for i in items if i.source == "labelled"]
    return CalibrationReport(
        backend=backend.name,
        model=backend.model,
        estimate=backend.estimate,
        track=track,
        exemplars=metrics(exemplar_items, with_ordering=True) if exemplars else None,
        labelled=metrics(labelled_items) if labelled else None,
        labelled_file=labelled_file,
        items=items,
    )
