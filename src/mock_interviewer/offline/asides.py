"""The aside model: how likely a sentence is an aside told around an answer rather than part of it (offline-v15; v16 to v24).

"The scale in the office gym was off by about 3 kilos and nobody ever fixed it" carries a word of a question on
scaling ("scale") beside a signal the grader weighs ("nobody ever"), so the word rules of ``substance.py`` keep it,
and an answer at a tier's edge moved when it was added. Whether a sentence is about the office, the commute or the
family is a matter of many words, not of one: a logistic regression over the sentence's TF-IDF weighted words and
word pairs, fitted by ``bench/fit_aside_model.py`` (numbers in ``asides.json``), gives the probability that it is an
aside. It was fitted on asides written by helpers who saw only the questions (every set already read as a hold-out,
and, since offline-v16, the asides of ``irrelevant_fit.txt``, written for fitting only: 1,086, and 656 more since v22) against the sentences of the
labelled answers and exemplars not used to measure asides. A sentence tied to its question by fewer than three of its
words is left out when that probability is ``ASIDE`` or more.

Two readings use it (offline-v17). What the tool *says* about an answer (its claims, its quotes) is read from the
answer without only the sentences the model is ``ASIDE`` sure of, so no claim is made of an answer cut by a doubt
("no word on rollback" when the sentence on rollback was merely doubted). What the *tier* weighs is read without those it finds more likely asides than not (``LIKELY``): "Honestly, I
never expected the conference hotel in Berlin to have a rooftop pool, but nobody used it because it rained all
week", at 0.66, no longer moves a grade, and is still there for the claims to see. A sentence tied by three or more
words of the question's material, none of them a word outside everyday English, is vetoed the same way (v17): "our
building manager keeps changing the door codes" is tied to a question on engineering quality by everyday words
alone. Nor does the tier weigh a sentence the model is ``ASIDE`` sure of, whatever words tie it (v18: "reverse", a word
of a question on reversible migrations, in "my uncle's old van had no reverse gear"), nor count what it does not
weigh in the length and the reasons its guards read (v19).

An aside's words may be unknown to the model as they are to the answers it was fitted on ("our car had a gearbox
failure halfway to split and we spent two days in a tiny village eating grilled fish", 0.73 from its words): an unknown
word weighs nothing, so the model was least sure of the asides least like the ones it learned. The tier's reading
(offline-v24) asks it of the words too and of the share of them that no answer it was fitted on says (``known``) and no
question of the bank in use does (its ``Corpus``: a user's bank on gearboxes makes "gearbox" known): a second logistic
regression (the ``stack``) over the words' logit and that share, fitted out of fold so that an answer's words are
looked up among other answers. The car story reads 0.94 so. Answers by writers it never saw are doubted less than
before (42 of the 5,004 sentences of the measured hold-outs at ``LIKELY`` or more, from 115; 10 at ``ASIDE``, from 3).
What the claims say is read from the words alone, as before: a few more answer sentences at ``ASIDE`` is a cost the tier
was measured to bear (none of 2,945 labelled tiers moved) and the claims would not.

Inference is the sparse dot product of ``lexical.py``: neither scikit-learn nor numpy is needed. A missing or broken
model file leaves the word rules alone (offline-v14's cut), never an error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mock_interviewer.offline.lexical import tfidf, words_of
from mock_interviewer.textmatch import stem

MODEL_FILE = Path(__file__).with_name("asides.json")
ASIDE = 0.85  # the probability from which a sentence tied by fewer than three words is an aside (offline-v15)
LIKELY = 0.5  # the probability from which a sentence is more likely an aside than not: not weighed for the tier (v17)


def unknown_share(words: list[str], known: Container[str], bank: Container[str]) -> float:
    """The share of a sentence's ``words`` (``lexical.words_of``) that are not ``known`` (said by an answer the model was
    fitted on) and whose stem no question of the ``bank`` holds (offline-v24; ``bench/fit_aside_model.py`` fits the stack
    on the same share)."""
    return sum(w not in known and stem(w) not in bank for w in words) / max(len(words), 1)


@dataclass(frozen=True)
class Stack:
    """How the tier's reading weighs the word model's logit beside the sentence's unknown words (offline-v24)."""

    logit: float
    unknown: float  # weight of the share of the sentence's words that are unknown (a share: the peels ask of long spans)
    intercept: float

    def __call__(self, logit: float, unknown: float) -> float:
        return self.intercept + self.logit * logit + self.unknown * unknown


@dataclass(frozen=True)
class AsideModel:
    terms: dict[str, tuple[float, float]]  # term: (idf, weight toward "aside")
    intercept: float
    stack: Stack | None = None  # offline-v24
    known: frozenset[str] = frozenset()  # the words of the answers and exemplars it was fitted on

    def probability(self, sentence: str, bank: Container[str] | None = None) -> float:
        """The probability that ``sentence`` is an aside, as scikit-learn's ``predict_proba`` gives it: from its words
        alone, or, given the stems of the ``bank`` in use, from its words and how many of them are unknown (in no
        answer it was fitted on and no question of the bank: "gearbox", "kimchi"), as the tier reads it (offline-v24)."""
        words = words_of(sentence)  # split once for both readings
        z = self.intercept + sum(v * self.terms[t][1] for t, v in tfidf(words, self.terms).items())
        if bank is not None and self.stack is not None:
            z = self.stack(z, unknown_share(words, self.known, bank))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@lru_cache(maxsize=1)
def aside_model() -> AsideModel | None:
    """The fitted numbers, read once from ``asides.json`` (shipped in the package); None when they cannot be read."""
    try:
        document = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        stack = Stack(**{k: float(v) for k, v in document["stack"].items()}) if "stack" in document else None
        terms = {t: (float(w[0]), float(w[1])) for t, w in document["terms"].items()}
        return AsideModel(terms, float(document["intercept"]), stack, frozenset(document.get("known", ())))
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):  # a broken install still grades, with v14's cut
        return None


def aside_probability(sentence: str, bank: Container[str] | None = None) -> float:
    """The aside model's probability that ``sentence`` is an aside (``AsideModel.probability``: ``bank`` given, as the
    tier reads it); 0 without a model (an aside never)."""
    model = aside_model()
    return 0.0 if model is None else model.probability(sentence, bank)


def is_aside(sentence: str, threshold: float = ASIDE, bank: Container[str] | None = None) -> bool:
    """Whether the aside model is at least ``threshold`` sure that ``sentence`` is an aside (never without a model)."""
    return aside_probability(sentence, bank) >= threshold
