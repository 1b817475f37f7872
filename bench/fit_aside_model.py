"""Fit the aside model (offline-v22, stacked in v24; v15 the first, v16 the second) and write ``src/mock_interviewer/offline/asides.json``.

    pip install -e '.[fit]'
    python bench/fit_aside_model.py            # fit, write the model, print how it scores sentences it never saw

Asides (class 1): the sentences of every aside set already read as a hold-out (``irrelevant_dev.txt`` and
``irrelevant_holdout.txt`` to ``irrelevant_holdout7.txt``), and of ``irrelevant_fit.txt``: asides written for fitting
only (offline-v16: 1,086; offline-v22: 656 more, of home life and meals, in non-native and chat voices, and of life
around the office, many typed in lower case with no stop; offline-v25: 577 more, of everyday life in words that are also
words of the questions, "consistency", "scope", "deadline", and short spoken interjections, "do you mind if...", "like, ..."), by helpers who saw only the questions, long and short, at
work and outside it, in many voices, with lines close to a line of an aside set measured on taken out. Answers (class 0): the
sentences of the labelled answers and exemplars that no aside measure uses (every labelled and audit file but
``MEASURED``, and the bank's exemplars). Left out, so that they measure the model: the answers of the hold-outs that
asides are measured on (``MEASURED``: E, F, G, D, hold-out, C), ``irrelevant_dev2.txt`` (the development asides),
``irrelevant_holdout8.txt`` (v16's hold-out), ``irrelevant_holdout9.txt`` (v17's), ``irrelevant_holdout10.txt`` (v18's),
``irrelevant_holdout11.txt`` (v19's), ``irrelevant_holdout12.txt`` (v20's), ``irrelevant_holdout13.txt`` (v21's), ``irrelevant_holdout14.txt`` (v22's), ``irrelevant_holdout15.txt`` (v23's), ``irrelevant_holdout16.txt`` (v24's), ``irrelevant_holdout17.txt`` (v25's), ``irrelevant_holdout18.txt`` (v26's), ``irrelevant_holdout19.txt`` (the next version's), and the asides of ``bench/tier_by_style.py`` and of the tests. A
sentence is a piece of ``substance.pieces``, as the grader splits it.

The model is scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)`` and a balanced
``LogisticRegression``; ``offline/asides.py`` reproduces its probabilities in pure Python (``checks`` in the file).
The tier's reading (offline-v24) stacks a second ``LogisticRegression`` on it: the words model's log-odds and the share
of the sentence's words that no fitted answer says (``known``) and whose stem no question of the bank holds, fitted out
of fold (``FOLDS``: each fold's sentences scored by a words model fitted on the others, their words looked up among the
other folds' answers). Printed: how many sentences of the measured hold-outs' answers and of the development asides
each reading is sure of (``ASIDE``) and the tier's doubts (``LIKELY``).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from mock_interviewer.bank import TIERS, Bank, load_bank
from mock_interviewer.offline.asides import ASIDE, LIKELY, unknown_share
from mock_interviewer.offline.coverage import Corpus
from mock_interviewer.offline.lexical import TOKEN_PATTERN, words_of
from mock_interviewer.offline.substance import pieces

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
OUT = ROOT / "src" / "mock_interviewer" / "offline" / "asides.json"
ASIDES = ("irrelevant_dev.txt", "irrelevant_holdout.txt", "irrelevant_holdout2.txt", "irrelevant_holdout3.txt",
          "irrelevant_holdout4.txt", "irrelevant_holdout5.txt", "irrelevant_holdout6.txt", "irrelevant_holdout7.txt",
          "irrelevant_fit.txt")
MEASURED = ("audit_holdout.jsonl", "audit_holdout_c.jsonl", "audit_holdout_d.jsonl", "audit_holdout_e.jsonl",
            "audit_holdout_f.jsonl", "audit_holdout_g.jsonl")
C = 1.0  # inverse L2 strength
MIN_DF = 2
FOLDS = 5  # the stack (offline-v24) is fitted on the word model's out-of-fold logits and words unknown out of fold


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in pieces(text)]


def answer_files() -> list[Path]:
    found = sorted({*DATA.glob("labelled_*.jsonl"), *DATA.glob("audit_*.jsonl")})
    return [p for p in found if p.name not in MEASURED]


def answers(paths: list[Path]) -> list[str]:
    return [json.loads(line)["answer"] for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def bank_stems(bank: Bank) -> frozenset[str]:
    """The stems of the bank's questions, exemplars and notes, as the grader's corpus holds them (``Corpus.df``)."""
    return frozenset(Corpus.from_questions(bank).df)


def known_words(answers: list[str]) -> set[str]:
    """The words the answers the model is fitted on say (``AsideModel.known``)."""
    return {w for s in answers for w in words_of(s)}


def words_model(asides: list[str], answers: list[str]) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=MIN_DF, token_pattern=TOKEN_PATTERN)
    x = vectorizer.fit_transform(asides + answers)
    return vectorizer, LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x, [1] * len(asides) + [0] * len(answers))


def stacked(asides: list[list[str]], texts: list[list[str]], bank: frozenset[str]) -> LogisticRegression:
    """The stack over the word model's logit and the words unknown, fitted out of fold: each fold's sentences are
    scored by a word model fitted without them, their words looked up among the other folds' answers and the bank."""
    rng = random.Random(0)
    aside_fold, text_fold = [rng.randrange(FOLDS) for _ in asides], [rng.randrange(FOLDS) for _ in texts]
    rows: list[list[float]] = []
    labels: list[int] = []
    for k in range(FOLDS):
        fit_asides = [s for group, f in zip(asides, aside_fold, strict=True) if f != k for s in group]
        fit_answers = [s for group, f in zip(texts, text_fold, strict=True) if f != k for s in group]
        vectorizer, model = words_model(fit_asides, fit_answers)
        known = known_words(fit_answers)
        held = [(s, 1) for group, f in zip(asides, aside_fold, strict=True) if f == k for s in group]
        held += [(s, 0) for group, f in zip(texts, text_fold, strict=True) if f == k for s in group]
        logits = model.decision_function(vectorizer.transform([s for s, _ in held]))
        rows += [[float(z), unknown_share(words_of(s), known, bank)] for (s, _), z in zip(held, logits, strict=True)]
        labels += [label for _, label in held]
    return LogisticRegression(C=C, max_iter=1000).fit(rows, labels)


def main() -> None:
    asides = sorted({line.strip() for n in ASIDES for line in (DATA / n).read_text(encoding="utf-8").splitlines() if line.strip()})
    aside_groups = [sentences(text) for text in asides]
    aside_sentences = [s for group in aside_groups for s in group]
    bank = load_bank()
    texts = answers(answer_files()) + [question.exemplars.get(tier) for question in bank for tier in TIERS]
    text_groups = [sentences(text) for text in texts]
    answer_sentences = [s for group in text_groups for s in group]
    vectorizer, model = words_model(aside_sentences, answer_sentences)
    weights = model.coef_[0]
    known, stems = known_words(answer_sentences), bank_stems(bank)
    stack = stacked(aside_groups, text_groups, stems)

    def predict(group: list[str], tier: bool = False) -> list[float]:
        """The probability of each sentence of ``group``: from its words (the claims' reading) or, ``tier``, stacked."""
        if not tier:
            return [float(p) for p in model.predict_proba(vectorizer.transform(group))[:, 1]]
        logits = model.decision_function(vectorizer.transform(group))
        return [float(p) for p in stack.predict_proba([[float(z), unknown_share(words_of(s), known, stems)] for s, z in zip(group, logits, strict=True)])[:, 1]]

    terms = {t: [round(float(vectorizer.idf_[j]), 6), round(float(weights[j]), 6)] for t, j in sorted(vectorizer.vocabulary_.items())}
    step = max(len(aside_sentences) // 4, 1)
    probe = aside_sentences[::step][:4] + answer_sentences[:: max(len(answer_sentences) // 4, 1)][:4]
    checks = [{"text": s, "probability": round(p, 9), "tier": round(t, 9)} for s, p, t in zip(probe, predict(probe), predict(probe, True), strict=True)]
    document = {
        "version": "offline-v25",
        "fitted_on": {"aside sentences": len(aside_sentences), "answer sentences": len(answer_sentences),
                      "aside sets": list(ASIDES), "answer files": [p.name for p in answer_files()], "exemplars": len(bank) * 3},
        "intercept": round(float(model.intercept_[0]), 6),
        "terms": terms,
        "stack": {"logit": round(float(stack.coef_[0][0]), 6), "unknown": round(float(stack.coef_[0][1]), 6),
                  "intercept": round(float(stack.intercept_[0]), 6)},
        "known": sorted(known),
        "checks": checks,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB, {len(terms)} terms): "
          f"{len(aside_sentences)} aside sentences from {len(asides)} asides, {len(answer_sentences)} answer sentences")
    # Sentences it never saw: the measured hold-outs' answers, and the development asides.
    unseen = [s for text in answers([DATA / n for n in MEASURED]) for s in sentences(text)]
    dev = [s for line in (DATA / "irrelevant_dev2.txt").read_text(encoding="utf-8").splitlines() if line.strip() for s in sentences(line.strip())]
    for name, group in (("answer sentences of the measured hold-outs", unseen), ("sentences of irrelevant_dev2.txt", dev)):
        p, t = predict(group), predict(group, True)
        print(f"  {name}: {sum(q >= ASIDE for q in p)} of {len(group)} at {ASIDE} or more; as the tier reads them, "
              f"{sum(q >= ASIDE for q in t)} at {ASIDE} and {sum(q >= LIKELY for q in t)} at {LIKELY} (words alone: {sum(q >= LIKELY for q in p)})")
    if "-v" in sys.argv:
        p = predict(unseen, True)
        for s, q in sorted(zip(unseen, p, strict=True), key=lambda t: -t[1])[:15]:
            print(f"    {q:.3f}  {s[:100]}")


if __name__ == "__main__":
    main()
