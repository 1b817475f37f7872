"""The wording model: which tier an answer's words and word pairs are typical of.

A multinomial logistic regression over TF-IDF weighted unigrams and bigrams, fitted on
every labelled answer of every question (``bench/fit_offline_grader.py``; the numbers are
in ``model.json``). Because every question has answers of all three tiers, topic words
cancel out and what remains is how strong and weak answers are worded, whatever the
question: numbers, "rather than", "instead of", "per" with great answers; "try to",
"make sure" with mediocre ones; "just", "honestly", hand-offs to another team with poor ones.

Inference is a sparse dot product in pure Python that reproduces scikit-learn's
``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` and ``LogisticRegression``
exactly (a test checks it against probabilities scikit-learn computed at fit time),
so the tool needs neither scikit-learn nor numpy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default: words of two or more characters
_TOKEN = re.compile(TOKEN_PATTERN)
CLASSES = ("poor", "mediocre", "great")  # the order of the weights (scikit-learn's class order)


def words_of(text: str) -> list[str]:
    """The lower-cased words of ``text``, as scikit-learn's word analyser splits them."""
    return _TOKEN.findall(text.lower())


def terms_of(text: str) -> Counter[str]:
    """Unigram and bigram counts, as scikit-learn's word analyser makes them."""
    return _grams(words_of(text))


def _grams(words: list[str]) -> Counter[str]:
    return Counter(words + [f"{a} {b}" for a, b in pairwise(words)])


def tfidf(words: list[str], terms: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """The L2-normalised TF-IDF vector of a text's ``words`` (``words_of``) over the known ``terms`` (each term's idf
    first), as scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` makes it."""
    raw = {t: (1.0 + math.log(n)) * terms[t][0] for t, n in _grams(words).items() if t in terms}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    return {t: v / norm for t, v in raw.items()} if norm else {}


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, tuple[float, float, float, float]]  # term: (idf, weight toward poor, mediocre, great)
    intercepts: tuple[float, float, float]

    def vector(self, text: str) -> dict[str, float]:
        """The answer's L2-normalised TF-IDF vector over the known terms."""
        return tfidf(words_of(text), self.terms)

    def features(self, vector: dict[str, float]) -> dict[str, float]:
        """Log-probability of each tier, centred (they sum to zero): ``wording_poor``, ``_mediocre``, ``_great``.

        Centred log-probabilities are the centred logits: the softmax's normaliser is the same for every tier.
        """
        z = [self.intercepts[k] + sum(v * self.terms[t][1 + k] for t, v in vector.items()) for k in range(3)]
        mean = sum(z) / 3
        return {f"wording_{name}": value - mean for name, value in zip(CLASSES, z, strict=True)}
