"""The aside model: how likely a sentence is an aside told around an answer rather than part of it (offline-v15; v16 to v19).

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

Inference is the sparse dot product of ``lexical.py``: neither scikit-learn nor numpy is needed. A missing or broken
model file leaves the word rules alone (offline-v14's cut), never an error.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mock_interviewer.offline.lexical import tfidf

MODEL_FILE = Path(__file__).with_name("asides.json")
ASIDE = 0.85  # the probability from which a sentence tied by fewer than three words is an aside (offline-v15)
LIKELY = 0.5  # the probability from which a sentence is more likely an aside than not: not weighed for the tier (v17)


@dataclass(frozen=True)
class AsideModel:
    terms: dict[str, tuple[float, float]]  # term: (idf, weight toward "aside")
    intercept: float

    def probability(self, sentence: str) -> float:
        """The probability that ``sentence`` is an aside, as scikit-learn's ``predict_proba`` gives it."""
        z = self.intercept + sum(v * self.terms[t][1] for t, v in tfidf(sentence, self.terms).items())
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@lru_cache(maxsize=1)
def aside_model() -> AsideModel | None:
    """The fitted numbers, read once from ``asides.json`` (shipped in the package); None when they cannot be read."""
    try:
        document = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        return AsideModel({t: (float(w[0]), float(w[1])) for t, w in document["terms"].items()}, float(document["intercept"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):  # a broken install still grades, with v14's cut
        return None


def aside_probability(sentence: str) -> float:
    """The aside model's probability that ``sentence`` is an aside; 0 without a model (an aside never)."""
    model = aside_model()
    return 0.0 if model is None else model.probability(sentence)


def is_aside(sentence: str, threshold: float = ASIDE) -> bool:
    """Whether the aside model is at least ``threshold`` sure that ``sentence`` is an aside (never without a model)."""
    return aside_probability(sentence) >= threshold
