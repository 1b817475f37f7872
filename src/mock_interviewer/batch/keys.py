"""The idempotence key of a grade: what was asked of which model, hashed.

Two answers get the same key exactly when a model would be sent the same grade
request: same backend and model, same prompt version, same question (its text,
exemplars and rubric notes, not just its id: editing a bank re-grades), same
answer and exchange, and the same request settings (answer budget, output budget,
seed, and the number of samples when it is more than one: ``--samples 3`` sends other
requests, so it is another grade; a key without samples is the same as before they existed). A re-run skips every key already graded; an edit to any of these parts
changes the key, so the answer is graded again rather than served a stale grade.

The key is also the Batch API ``custom_id``. Where a key is held in memory for
every answer, the first 16 bytes of the digest stand for it (``short``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from mock_interviewer.bank import Question
from mock_interviewer.batch.inputs import Item
from mock_interviewer.config import Settings

KEY_VERSION = 1
"""Bumped if the recipe below ever changes, so old results are not mistaken for new ones."""


def short(key: str) -> bytes:
    """A compact in-memory stand-in for a key (128 bits of it)."""
    return bytes.fromhex(key[:32])


def ref_of(key: str, item: Item) -> bytes:
    """One answer's identity in a run: the key plus the item's id and candidate.

    Two candidates giving word-for-word the same answer share a key (graded once)
    but keep a result line each.
    """
    text = f"{key}\0{item.item_id}\0{item.candidate or ''}"
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def question_fingerprint(question: Question) -> str:
    return hashlib.sha256(question.model_dump_json().encode("utf-8")).hexdigest()


@dataclass
class KeyMaker:
    """Keys for one run: the backend, model, prompt version and settings are fixed."""

    backend: str
    model: str
    prompt_version: str
    settings: Settings
    samples: int = 1
    _fingerprints: dict[str, str] = field(default_factory=dict)

    def key(self, item: Item, question: Question) -> str:
        fingerprint = self._fingerprints.get(question.id)
        if fingerprint is None:
            fingerprint = self._fingerprints[question.id] = question_fingerprint(question)
        payload = [
            KEY_VERSION,
            self.backend,
            self.model,
            self.prompt_version,
            question.id,
            fingerprint,
            item.answer,
            [[turn.speaker, turn.text] for turn in item.exchange],
            self.settings.max_answer_tokens,
            self.settings.max_output_tokens,
            self.settings.seed,
        ]
        if self.samples > 1:
            payload.append({"samples": self.samples})
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
