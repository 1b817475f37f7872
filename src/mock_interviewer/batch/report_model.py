"""The batch report as data: one pydantic model that every format (Markdown, HTML, CSV, JSON) renders.

``BatchReport`` holds what the report says about the whole run; the answers themselves come as
``AnswerEntry`` models, one at a time (a batch may hold tens of thousands of answers, read back
from ``results.jsonl`` by offset, so they are never all in memory). ``report.json`` is the
``ReportDocument``: the ``BatchReport`` fields and ``answers``, written as a stream.

Everything here is written for the person who reads the report (a hiring manager, a course
lead): entries speak about the candidate in the third person, never to them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mock_interviewer.strict import StrictModel

REPORT_SCHEMA_VERSION = 1


class TierCounts(StrictModel):
    great: int = 0
    mediocre: int = 0
    poor: int = 0


class GroupRow(StrictModel):
    """Counts for a group of answers: a question, a candidate, a category, or the whole run."""

    name: str
    answers: int
    graded: int
    ungraded: int
    mean_score: float | None
    tiers: TierCounts


class QuestionAnalysis(StrictModel):
    """How one question behaved across the candidates (``batch/question_analysis.py`` says how it is computed)."""

    question_id: str
    category: str
    text: str = ""
    n: int = Field(description="Answers to the question in this run.")
    graded: int
    ungraded: int
    mean_score: float | None
    tiers: TierCounts
    discrimination: float | None = Field(
        description="Corrected item-total correlation over the candidates who answered at least three questions; "
        "null when too few candidates or no spread."
    )
    candidates: int = Field(description="Candidates the discrimination is computed over.")
    flag: str | None = Field(default=None, description="Why the question may not separate candidates, if it may not.")


class GapRow(StrictModel):
    """A gap (what the great answer has that answers lacked) and how many answers lack it."""

    gap: str
    answers: int
    questions: list[str] = Field(description="The questions whose answers lack it.")


class CommonGaps(StrictModel):
    specific: list[GapRow] = Field(description="Gaps that name a point of their question, most answers first.")
    generic: list[GapRow] = Field(description="Gaps that apply to any question, listed apart.")
    rule: str = Field(description="How a gap is told to be generic.")


class ModelCount(StrictModel):
    name: str
    answers: int


class RunSummary(StrictModel):
    answers: int  # every answer of the inputs: graded + ungraded + not attempted
    graded: int
    ungraded: int
    not_attempted: int = 0  # the run stopped before these (Ctrl-C, or the service kept failing)
    mean_score: float | None
    skipped_inputs: int


class AnswerRef(StrictModel):
    """Where an answer is, for the lists that point at it (ungraded, borderline)."""

    item_id: str
    candidate: str
    question_id: str
    source: str


class UngradedRef(AnswerRef):
    reason: str


class BorderlineRef(AnswerRef):
    tier: str
    score: int
    tiers: list[str] = Field(description="The tiers the answer lies between.")
    basis: Literal["tier_model", "samples"] = Field(
        description="What shows it: the offline tier model's margin, or samples (--samples) whose tiers split."
    )
    samples: list[str] | None = Field(default=None, description="basis samples: the tier of each sample, in order.")
    why: str


class Missing(StrictModel):
    point: str
    why_it_matters: str


class Evidence(StrictModel):
    """Something the grader says about the answer, with the candidate's own words behind it."""

    claim: str
    quotes: list[str] = Field(default_factory=list)


class AnswerEntry(StrictModel):
    """One answer and its grade, as the report shows it."""

    item_id: str
    candidate: str
    question_id: str
    category: str
    source: str
    line: int | None = None
    key: str
    status: Literal["graded", "ungraded"]
    tier: str | None = None
    score: int | None = None
    placement: str = Field(description="Where the answer sits on the exemplars' scale, in a sentence.")
    explanation: str = ""
    missing: list[Missing] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    reason: str | None = None
    suspicious: bool = False
    truncated: bool = False
    borderline: list[str] | None = Field(default=None, description="The tiers a borderline answer lies between.")
    borderline_why: str | None = Field(default=None, description="What shows a borderline answer is too close to call.")
    samples: list[str] | None = Field(
        default=None, description="With --samples: the tier of each graded sample, exemplars in rotated order."
    )
    backend: str = ""
    model: str = ""
    estimate: bool = False
    answer: str | None = Field(description="The answer's text (scrubbed); null when results.jsonl predates it.")


class BatchReport(StrictModel):
    """What the report says about the run; the answers are streamed beside it (``ReportDocument``)."""

    schema_version: int = REPORT_SCHEMA_VERSION
    generated_at: str
    results_file: str
    graded_by: list[ModelCount]
    estimates: int
    summary: RunSummary
    tiers: TierCounts
    weakest: list[QuestionAnalysis]
    categories: list[GroupRow]
    gaps: CommonGaps
    questions: list[QuestionAnalysis]
    candidates: list[GroupRow]
    ungraded: list[UngradedRef]
    borderline: list[BorderlineRef]
    borderline_rule: str
    problems: list[str]
    problem_count: int


class ReportDocument(BatchReport):
    """``report.json``: the report and every answer."""

    answers: list[AnswerEntry]
