"""The end-of-session summary, computed from the saved grades alone (no model call).

What a candidate wants after a mock interview: how each question went, where
they are strong and weak, and the two or three things to practise next. All of
it is derived from the grades' tiers, scores, gaps and strengths, so a summary
can be recomputed for any saved session, offline, and always agrees with it.

Areas come in two kinds. *Categories* (technical, behavioral) are averaged from
scores. *Themes* group key points across questions (a "metrics" gap in two
different questions is one habit to practise): each gap or strength is matched
to the question's key point it talks about (by word overlap, so a model's
paraphrase finds the rubric's wording), and each key point to a theme by
keywords. The advice for a theme is written here, once, in plain words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from mock_interviewer.bank import Bank, Question
from mock_interviewer.delivery_note import DeliveryNote, delivery_note
from mock_interviewer.grade_model import Gap, Grade
from mock_interviewer.render import plural
from mock_interviewer.session_store import QuestionRecord, Session

ResultStatus = Literal["graded", "ungraded", "skipped", "awaiting_grade", "unanswered", "not_reached"]


@dataclass(frozen=True)
class Theme:
    name: str
    advice: str
    pattern: re.Pattern[str]


def _theme(name: str, advice: str, *words: str) -> Theme:
    return Theme(name, advice, re.compile(r"\b(?:" + "|".join(words) + r")", re.IGNORECASE))


#: A text belongs to the theme whose keywords it uses most; on a tie, the earlier one.
THEMES: tuple[Theme, ...] = (
    _theme(
        "measurable outcomes",
        "Quantify your results: name the metric, its value before and after, and how you measured it.",
        "metric", "measur", "kpi", "number", "percent", r"data\b", "defect rate", r"sla\b", "benchmark", "profil",
        "monitor", "observab", "track",
    ),
    _theme(
        "trade-offs and prioritisation",
        "Say what you weighed and why: the options, their costs and risks, and how you chose.",
        "trade", "priorit", "balanc", "cost", "risk", "impact", "business case", r"roi\b", "short-term", "long-term",
    ),
    _theme(
        "stakeholders and communication",
        "Show how you brought others along: who needed to know, what you told them, and how you aligned them.",
        "stakeholder", "communicat", "align", "transparen", r"product\b", "product manage", "business", "customer", "expectation",
        "executive", "negotiat", "consensus", "cross-functional",
    ),
    _theme(
        "people and team growth",
        "Talk about people: how you coached, gave feedback, grew skills and kept the team healthy.",
        "mentor", "coach", "feedback", "career", "growth", r"hir(?:e|es|ed|ing)\b", "culture", "psycholog", "morale",
        r"trust\b", "empower", "recogni", "learning", "onboard", "delegat", "conflict",
    ),
    _theme(
        "process and habits",
        "Describe the repeatable practice, not a one-off: the cadence, the ritual, who owns it.",
        "process", "sprint", "retro", "review", "workflow", "standard", "document", "cadence", "planning",
        "postmortem", "post-mortem", "blameless", "ritual", "checklist",
    ),
    _theme(
        "automation and tooling",
        "Name the tools and automation you rely on, and what each one catches or saves.",
        "automat", r"ci\b", r"cd\b", r"ci/cd", "pipeline", "tool", "lint", "static analy", "test", "alert", "deploy", "script",
    ),
    _theme(
        "technical depth",
        "Go one level deeper on mechanisms: how it works, what fails, and how you would know.",
        "index", "cache", "cach", "query", "architect", "design", "scal", "pattern", "database", "latency",
        "performance", "security", "reliab", "concurren", r"api\b", "schema", "memory", "system",
    ),
    _theme(
        "ownership and concrete examples",
        "Use a real example in the first person: what you decided, what you did, and what happened.",
        "example", "specific", "concrete", "real case", r"own\b", "ownership", "decision", "decid", r"led\b", "initiative", "accountab", "result", "outcome",
        "reflect", "lesson",
    ),
)
OTHER_THEME = "other key points"

def _stems(text: str) -> set[str]:
    """Content-word stems (``textmatch``, the one word matcher): 'prioritise' meets 'prioritising'."""
    from mock_interviewer.textmatch import STOPWORDS, tokens

    return {t.stem for t in tokens(text) if t.word not in STOPWORDS and len(t.word) > 2}


def theme_of(text: str) -> Theme | None:
    """The theme whose keywords the text uses most (the earlier theme on a tie); None when none match."""
    best, best_hits = None, 0
    for theme in THEMES:
        hits = len(theme.pattern.findall(text))
        if hits > best_hits:
            best, best_hits = theme, hits
    return best


def match_key_point(text: str, key_points: list[str]) -> str | None:
    """The key point a gap or strength talks about, when their words overlap enough."""
    words = _stems(text)
    best, best_score = None, 0.0
    for point in key_points:
        point_words = _stems(point)
        if not point_words or not words:
            continue
        score = len(words & point_words) / min(len(words), len(point_words))
        if score > best_score:
            best, best_score = point, score
    return best if best_score >= 0.34 else None


class KeyPointNote(BaseModel):
    """A key point a grade says was missed (or shown), with the theme it belongs to."""

    question_id: str
    text: str = Field(description="The rubric's key point, or the grade's own words when no key point matched.")
    theme: str
    why_it_matters: str = ""


class QuestionResult(BaseModel):
    position: int
    question_id: str
    category: str
    text: str
    status: ResultStatus
    tier: str | None = None
    score: int | None = None
    reason: str | None = None
    follow_ups: int = 0
    answer_words: int = 0
    estimate: bool = False
    delivery: DeliveryNote | None = Field(default=None, description="Words, speaking time and STAR actions of the answer.")


class AreaScore(BaseModel):
    area: str
    questions: int
    average_score: float


class DeliveryTotal(BaseModel):
    """Every answer of the session together: the summary's "In all"."""

    questions: int
    words: int
    speaking_seconds: int
    fillers: int = 0
    hedges: int = 0


class PracticeItem(BaseModel):
    what: str
    why: str
    question_ids: list[str]


class Summary(BaseModel):
    session_id: str
    track: str
    status: str
    estimate: bool = Field(description="True when any grade is an offline estimate.")
    minutes: float | None
    elapsed_seconds: float
    results: list[QuestionResult]
    graded: int
    average_score: float | None
    tiers: dict[str, int]
    by_category: list[AreaScore]
    strongest: list[str]
    weakest: list[str]
    missed_key_points: list[KeyPointNote]
    shown_key_points: list[KeyPointNote]
    practice: list[PracticeItem]
    delivery: DeliveryTotal | None = None


def _status(record: QuestionRecord) -> ResultStatus:
    if record.status == "graded":
        return "graded"
    if record.status == "ungraded":
        return "ungraded"
    if record.status == "skipped":
        return "skipped"
    if record.candidate_text().strip():
        return "awaiting_grade"
    return "unanswered" if record.turns else "not_reached"


def _note(question: Question | None, question_id: str, text: str, why: str = "") -> KeyPointNote:
    point = match_key_point(text, question.key_points) if question else None
    label = point or text
    theme = theme_of(label) or theme_of(text)
    return KeyPointNote(
        question_id=question_id, text=label, theme=theme.name if theme else OTHER_THEME, why_it_matters=why
    )


def _average(values: list[int]) -> float:
    return round(sum(values) / len(values), 2)


def _question_result(position: int, record: QuestionRecord, question: Question | None) -> QuestionResult:
    """A question's line in the summary before its grade is read: what it was, what happened, how long."""
    category = question.category if question else "unknown"
    note = _delivery(record, category)
    return QuestionResult(
        position=position,
        question_id=record.question_id,
        category=category,
        text=question.text if question else "(not in the loaded bank)",
        status=_status(record),
        follow_ups=record.follow_ups_asked,
        answer_words=note.words if note else 0,
        delivery=note,
    )


def _delivery(record: QuestionRecord, category: str) -> DeliveryNote | None:
    """The note saved with the grade; for an answer without one (not graded yet, or saved before notes were),
    the same detectors run on the saved text."""
    if record.grade is not None and record.grade.delivery is not None:
        return record.grade.delivery
    text = record.candidate_text()
    if not text.strip():
        return None
    return delivery_note(text, category, answers=record.answer_count())


def _delivery_total(results: list[QuestionResult]) -> DeliveryTotal | None:
    notes = [r.delivery for r in results if r.delivery is not None]
    if not notes:
        return None
    return DeliveryTotal(
        questions=len(notes),
        words=sum(n.words for n in notes),
        speaking_seconds=sum(n.speaking_seconds for n in notes),
        fillers=sum(len(n.fillers) for n in notes),
        hedges=sum(len(n.hedges) for n in notes),
    )


def summarise(session: Session, bank: Bank) -> Summary:
    """The summary of a session from its records and grades."""
    results: list[QuestionResult] = []
    missed: list[KeyPointNote] = []
    shown: list[KeyPointNote] = []
    scores_by_category: dict[str, list[int]] = defaultdict(list)
    gaps_by_question: dict[str, list[Gap]] = {}
    tiers = {"great": 0, "mediocre": 0, "poor": 0}
    for position, record in enumerate(session.records, start=1):
        question = bank.questions.get(record.question_id)
        grade: Grade | None = record.grade
        result = _question_result(position, record, question)
        if grade is not None:
            result.estimate = grade.estimate
            result.reason = grade.reason
            if grade.status == "graded" and grade.tier and grade.score:
                result.tier, result.score = grade.tier, grade.score
                tiers[grade.tier] += 1
                scores_by_category[result.category].append(grade.score)
                gaps_by_question[record.question_id] = list(grade.gaps)
                missed.extend(_note(question, record.question_id, g.point, g.why_it_matters) for g in grade.gaps)
                shown.extend(_note(question, record.question_id, s) for s in grade.strengths)
        results.append(result)

    graded_scores = [r.score for r in results if r.score is not None]
    by_category = sorted(
        (AreaScore(area=c, questions=len(s), average_score=_average(s)) for c, s in scores_by_category.items()),
        key=lambda a: -a.average_score,
    )
    # a great answer's remaining gaps are polish, not weaknesses: they do not shape areas or practice
    great = {r.question_id for r in results if r.tier == "great"}
    weak_notes = [n for n in missed if n.question_id not in great]
    strongest, weakest = _areas(by_category, weak_notes, shown)
    # a habit named as a strength is not also "practise next" (the same answers cannot show and lack it)
    strong_themes = {name for name in _leaning(_theme_counts(shown), _theme_counts(weak_notes))}
    return Summary(
        session_id=session.id,
        track=session.track,
        status=session.status,
        estimate=any(r.estimate for r in results),
        minutes=session.options.minutes,
        elapsed_seconds=round(session.elapsed_seconds, 1),
        results=results,
        graded=len(graded_scores),
        average_score=_average(graded_scores) if graded_scores else None,
        tiers=tiers,
        by_category=by_category,
        strongest=strongest,
        weakest=weakest,
        missed_key_points=missed,
        shown_key_points=shown,
        practice=_practice(results, [n for n in weak_notes if n.theme not in strong_themes], gaps_by_question, strong_themes),
        delivery=_delivery_total(results),
    )


def _theme_counts(notes: list[KeyPointNote]) -> dict[str, set[str]]:
    """Theme -> the questions where it came up."""
    counts: dict[str, set[str]] = defaultdict(set)
    for note in notes:
        counts[note.theme].add(note.question_id)
    return counts


def _theme_name(text: str) -> str:
    theme = theme_of(text)
    return theme.name if theme else OTHER_THEME


def _leaning(strong: dict[str, set[str]], weak: dict[str, set[str]]) -> list[str]:
    """Themes that clearly lean strong: shown in more questions than they were missed in (most shown first)."""
    ranked = sorted(strong.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [name for name, questions in ranked if name != OTHER_THEME and len(questions) > len(weak.get(name, ()))]


def _areas(by_category: list[AreaScore], missed: list[KeyPointNote], shown: list[KeyPointNote]) -> tuple[list[str], list[str]]:
    strongest: list[str] = []
    weakest: list[str] = []
    if len(by_category) >= 2 and by_category[0].average_score > by_category[-1].average_score:
        best, worst = by_category[0], by_category[-1]
        strongest.append(f"{best.area} questions (average {best.average_score:.1f} over {plural(best.questions, 'question')})")
        weakest.append(f"{worst.area} questions (average {worst.average_score:.1f} over {plural(worst.questions, 'question')})")
    strong_themes = _theme_counts(shown)
    weak_themes = _theme_counts(missed)
    for name in _leaning(strong_themes, weak_themes):
        strongest.append(f"{name} (shown in {plural(len(strong_themes[name]), 'question')})")
    for name, questions in sorted(weak_themes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if name != OTHER_THEME and len(questions) > len(strong_themes.get(name, ())):
            weakest.append(f"{name} (missing in {plural(len(questions), 'question')})")
    return strongest[:3], weakest[:3]


def _practice(
    results: list[QuestionResult],
    missed: list[KeyPointNote],
    gaps_by_question: dict[str, list[Gap]],
    strong_themes: set[str] | frozenset[str] = frozenset(),
) -> list[PracticeItem]:
    """Two or three things to practise: recurring themes first, then the largest gaps of the weakest answers.

    A skipped question always keeps a place: preparing it is the cheapest gain. A gap whose theme
    is listed among the strengths is not offered as practice.
    """
    gaps_by_question = {
        qid: [g for g in gaps if _theme_name(g.point) not in strong_themes] for qid, gaps in gaps_by_question.items()
    }
    items: list[PracticeItem] = []
    skipped = [r.question_id for r in results if r.status in ("skipped", "unanswered")]
    room = 2 if skipped else 3
    themes = {t.name: t for t in THEMES}
    for name, questions in sorted(_theme_counts(missed).items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(questions) < 2 or name not in themes:
            continue
        example = next(n for n in missed if n.theme == name)
        why = example.why_it_matters or f"It was missing in {plural(len(questions), 'answer')}."
        items.append(PracticeItem(what=themes[name].advice, why=why, question_ids=sorted(questions)))
        if len(items) == 2:
            break
    covered = {q for item in items for q in item.question_ids}
    graded = sorted((r for r in results if r.score is not None), key=lambda r: (r.score, r.position))
    weakest_first = [r for r in graded if r.tier != "great" and r.question_id not in covered]
    # the largest gap of each weak answer, weakest answer first; then their second gaps, and so on
    for rank in range(3):
        for result in weakest_first:
            gaps = gaps_by_question.get(result.question_id) or []
            if len(items) < room and rank < len(gaps):
                gap = gaps[rank]
                items.append(PracticeItem(what=gap.point, why=gap.why_it_matters, question_ids=[result.question_id]))
    # little to go on (great answers only): their largest gaps are the polish left
    polish = [r for r in graded if r.tier == "great" and gaps_by_question.get(r.question_id)]
    for result in polish:
        if len(items) < min(room, 2):
            gap = gaps_by_question[result.question_id][0]
            items.append(PracticeItem(what=gap.point, why=gap.why_it_matters, question_ids=[result.question_id]))
    if skipped:
        items.append(
            PracticeItem(
                what="Prepare an answer to the questions you skipped: outline it, then say it aloud in two minutes.",
                why="A skipped question scores nothing in a real interview; a structured attempt always scores.",
                question_ids=skipped,
            )
        )
    if not items and graded and all(r.tier == "great" for r in graded):
        items.append(
            PracticeItem(
                what="Try a harder setting: more questions, less time, or --follow-ups 2.",
                why="Every answer reached the great tier; stretch yourself where it is less comfortable.",
                question_ids=[],
            )
        )
    return items[:3]
