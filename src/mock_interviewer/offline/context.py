"""What the offline backend knows besides the question in hand: the built-in bank.

Stem rarity (for weighting key-point words) and the other questions' exemplars (for
noticing an answer to a different question) come from every question the backend has
seen: the built-in bank, loaded once on first use, plus any user question it is asked about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_interviewer.bank import Question, load_bank
from mock_interviewer.errors import MockInterviewerError
from mock_interviewer.offline.coverage import Corpus
from mock_interviewer.textmatch import stems


@dataclass
class OfflineContext:
    questions: dict[str, Question] = field(default_factory=dict)
    _corpus: Corpus | None = None
    _references: dict[str, frozenset[str]] = field(default_factory=dict)
    _exemplars: dict[tuple[str, str], str] = field(default_factory=dict)
    _material: dict[str, frozenset[str]] = field(default_factory=dict)
    profiles: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # exemplar base features

    @classmethod
    def builtin(cls) -> OfflineContext:
        try:
            bank = load_bank()
        except MockInterviewerError:  # a broken install still grades, with less context
            return cls()
        return cls(questions=dict(bank.questions))

    def include(self, question: Question) -> None:
        """Make sure a (user-bank) question is part of the statistics."""
        known = self.questions.get(question.id)
        if known is None or known != question:
            self.questions[question.id] = question
            self._corpus = None
            self._references.pop(question.id, None)
            self._material.pop(question.id, None)
            self.profiles.pop(question.id, None)
            self._exemplars = {k: v for k, v in self._exemplars.items() if k[0] != question.id}

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = Corpus.from_questions(self.questions.values())
        return self._corpus

    def others(self, question: Question) -> list[Question]:
        """The questions an answer to ``question`` could be drifting toward: all but itself and its siblings."""
        return [
            q
            for q in self.questions.values()
            if q.id != question.id and q.id not in question.siblings and question.id not in q.siblings
        ]

    def reference(self, question: Question) -> frozenset[str]:
        """All stems of a question's text, notes and exemplars (cached: used for off-topic checks)."""
        if question.id not in self._references:
            from mock_interviewer.offline.features import reference_stems

            self._references[question.id] = reference_stems(question)
        return self._references[question.id]

    def exemplar_stems(self, question: Question, tier: str) -> str:
        """An exemplar's stems as one string (cached: compared with every answer)."""
        key = (question.id, tier)
        if key not in self._exemplars:
            self._exemplars[key] = " ".join(stems(question.exemplars.get(tier)))
        return self._exemplars[key]

    def material(self, question: Question) -> frozenset[str]:
        """All stems of a question's text, notes, evidence phrases and exemplars (cached: read for every answer)."""
        if question.id not in self._material:
            from mock_interviewer.offline.substance import material

            self._material[question.id] = material(question)
        return self._material[question.id]
