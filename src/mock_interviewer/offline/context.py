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


@dataclass
class OfflineContext:
    questions: dict[str, Question] = field(default_factory=dict)
    _corpus: Corpus | None = None

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

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = Corpus.from_questions(self.questions.values())
        return self._corpus

    def others(self, question: Question) -> list[Question]:
        return [q for q in self.questions.values() if q.id != question.id]
