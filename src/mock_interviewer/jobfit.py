"""Questions picked for a job description, offline, by a relevance score a person can check.

Each question is a bag of word stems: its text (weight 3), its key points (weight 2) and its great exemplar
(weight 1). A stem is worth its inverse document frequency over the questions considered, so words every
question uses ("team", "experience") count for little and rare ones ("kubernetes", "caching") for a lot.
A question's relevance is the cosine similarity of its weighted stems with the description's; the reason
given for a pick is the description's own words that contributed most.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from mock_interviewer.bank import Bank, Question
from mock_interviewer.errors import InputError
from mock_interviewer.strict import StrictModel
from mock_interviewer.textmatch import STOPWORDS, content_words, stem

WEIGHTS = (("text", 3.0), ("key_points", 2.0), ("great", 1.0))
MAX_DESCRIPTION_CHARS = 100_000
REASON_WORDS = 4
# Words every job description uses that say nothing about which question to ask.
JOB_WORDS = frozenset(
    """role position candidate candidates job jobs apply applicant applicants company responsibilities
    requirements required preferred qualifications years year plus strong ability skills skill work working
    team teams opportunity benefits salary location remote office looking join including etc need needs someone build""".split()  # noqa: SIM905
)


class JobPick(StrictModel):
    question_id: str
    relevance: float
    matched: list[str]
    why: str


def _stems(text: str) -> list[tuple[str, str]]:
    """``(stem, word)`` for the content words of a text; a hyphenated word also gives its parts."""
    found = []
    for word in content_words(text):
        parts = [word, *word.split("-")] if "-" in word else [word]
        found += [(stem(p), p) for p in parts if p and p not in STOPWORDS and p not in JOB_WORDS and not p.isdigit()]
    return found


def _question_vector(question: Question) -> dict[str, float]:
    parts = {"text": question.text, "key_points": " ".join(question.key_points), "great": question.exemplars.great}
    vector: dict[str, float] = {}
    for field, weight in WEIGHTS:
        for key, _ in _stems(parts[field]):
            vector[key] = vector.get(key, 0.0) + weight
    return vector


def _idf(vectors: Sequence[dict[str, float]]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for vector in vectors:
        counts.update(vector.keys())
    return {key: math.log((1 + len(vectors)) / (1 + n)) + 1 for key, n in counts.items()}


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values())) or 1.0


def rank_for_job(bank: Bank, description: str, *, track: str | None, count: int) -> list[JobPick]:
    """The ``count`` questions most relevant to the job description, best first, each with why."""
    if not description.strip():
        raise InputError("--job-description: the file is empty")
    pool = bank.in_track(track)
    vectors = [_question_vector(q) for q in pool]
    idf = _idf(vectors)
    said: dict[str, str] = {}
    job: Counter[str] = Counter()
    for key, word in _stems(description[:MAX_DESCRIPTION_CHARS]):
        if key in idf:
            job[key] += 1
            said.setdefault(key, word)
    job_vector = {k: (1 + math.log(n)) * idf[k] for k, n in job.items()}
    picks = []
    for question, vector in zip(pool, vectors, strict=True):
        weighted = {k: v * idf[k] for k, v in vector.items()}
        shared = {k: job_vector[k] * weighted[k] for k in job_vector.keys() & weighted.keys()}
        score = sum(shared.values()) / (_norm(job_vector) * _norm(weighted))
        top = [said[k] for k, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:REASON_WORDS]]
        picks.append(JobPick(question_id=question.id, relevance=round(score, 3), matched=top,
                             why="the description says " + ", ".join(f"“{w}”" for w in top) if top else "no shared words"))
    picks.sort(key=lambda p: (-p.relevance, p.question_id))
    chosen = [p for p in picks if p.relevance > 0][:count]
    if not chosen:
        raise InputError("--job-description: no question in the bank shares a word with it (is it the right file?)")
    return chosen
