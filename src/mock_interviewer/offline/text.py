"""Text normalisation for the offline backend: words, stems, synonyms, sentences.

Everything the offline grader compares is a *stem* (Porter2 via ``snowballstemmer``,
imported lazily) of a content word, after British spellings are folded into
American ones and a small table of interview-domain synonyms is applied. Comparing
stems rather than words lets "prioritised the backlog" meet "prioritizing backlog
items"; the synonym table lets "rollback" meet "revert".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import Any

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?(?:[-/.+][a-z0-9]+)*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?=\b(?:first|second|third|then|finally|also)\b,?\s)", re.IGNORECASE)

def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _wordset(
    """
    a about above after again against all also am an and any are aren't as at be because been before being below
    between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
    either else even ever every few for from further get gets getting got had hadn't has hasn't have haven't having
    he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into
    is isn't it it's its itself just let's like make makes made many may me might more most much must mustn't my
    myself no nor not now of off often on once one only or other others ought our ours ourselves out over own per
    quite rather really same say says she she'd she'll she's should shouldn't so some something such than that
    that's the their theirs them themselves then there there's these they they'd they'll they're they've thing
    things this those though through thus to too toward towards under until up upon us use used uses using usually
    very via want was wasn't way we we'd we'll we're we've well were weren't what what's when when's where where's
    whether which while who who's whom why why's will with within without won't would wouldn't yes yet you you'd
    you'll you're you've your yours yourself yourselves etc e.g i.e ve ll re s t d m lot lots kind sort pretty
    actually basically generally typically simply certainly definitely probably maybe perhaps sure okay ok
    go goes going gone went take takes taking took put puts keep keeps kept look looks looking see seen saw
    able across along around away back since still within whole new good great big small well-known bit
    answer question approach approaches try tries tried trying think thinks thought believe feel know
    """
)

# British -ise spellings that are not -ize verbs; left alone by the folding below.
_ISE_WORDS = _wordset(
    """advise advised advises advising arise arises arising chastise compromise compromised compromises comprise
    comprised comprises concise demise despise devise devised disguise enterprise enterprises excise exercise
    exercised exercises expertise franchise improvise likewise merchandise noise otherwise paradise poise praise
    praised precise premise premises promise promised promises raise raised raises raising revise revised revises
    revising rise rises rising supervise supervised supervises supervising surprise surprised surprises televise
    treatise wise clockwise cruise bruise reprise"""
)
_BRITISH = [
    (re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"yse(d|s)?$"), r"yze\1"),
    (re.compile(r"our(s|ed|ing)?$"), r"or\1"),  # behaviour, colour; filtered below
    (re.compile(r"ogue$"), "og"),
]
_OUR_WORDS = _wordset("behaviour behaviours colour colours favour favoured favours honour labour neighbour rumour")

# Synonyms, folded onto one canonical stem after stemming. Kept small and domain-specific:
# each entry is a word an interviewer would accept as the same idea.
_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("rollback", "revert", "roll-back", "undo"),
    ("incident", "outage", "sev1", "sev", "p1"),
    ("postmortem", "post-mortem", "retrospective", "retro", "post-incident", "blameless"),
    ("metric", "measure", "kpi", "measurement", "dashboard"),
    ("monitor", "observability", "alert", "alerting", "telemetry"),
    ("latency", "p99", "p95", "response-time"),
    ("stakeholder", "business", "product", "executive", "leadership"),
    ("mentor", "coach", "mentorship", "coaching"),
    ("test", "testing", "unit-test", "tests"),
    ("automate", "automated", "automatic", "automation", "ci", "ci/cd", "pipeline"),
    ("document", "documentation", "wiki", "runbook", "playbook", "adr", "design-doc", "write-up"),
    ("prioritize", "prioritise", "priority", "rank", "triage"),
    ("tradeoff", "trade-off", "trade-offs", "tradeoffs", "compromise"),
    ("cache", "caching", "memoize", "redis", "memcached", "cdn"),
    ("index", "indexes", "indices", "indexing"),
    ("queue", "kafka", "rabbitmq", "sqs", "pubsub", "pub/sub", "message-broker", "broker"),
    ("retry", "retries", "backoff", "exponential-backoff"),
    ("idempotent", "idempotency", "dedupe", "deduplicate", "deduplication"),
    ("scale", "scalability", "scaling", "horizontal", "shard", "sharding", "partition"),
    ("feedback", "one-on-one", "1:1", "1-on-1", "one-on-ones", "1:1s"),
    ("hire", "hiring", "recruit", "recruiting", "interview"),
    ("velocity", "throughput", "lead-time", "cycle-time"),
    ("security", "secure", "vulnerability", "owasp"),
    ("reliability", "uptime", "availability", "slo", "sla", "sli", "error-budget"),
    ("debt", "tech-debt", "legacy", "cruft"),
    ("refactor", "refactoring", "rewrite", "cleanup", "clean-up"),
    ("deadline", "timeline", "due-date", "launch-date"),
    ("scope", "mvp", "descope", "de-scope", "cut-scope"),
    ("conflict", "disagreement", "disagree", "dispute", "tension"),
    ("review", "reviews", "pr", "pull-request", "code-review"),
    ("standard", "guideline", "convention", "style-guide"),
    ("lint", "linter", "static-analysis", "analyzer", "sonarqube"),
    ("feature-flag", "flag", "toggle", "canary", "dark-launch"),
    ("migration", "migrate", "flyway", "liquibase", "alembic", "schema-change"),
    ("encrypt", "encryption", "tls", "kms"),
    ("auth", "authentication", "authn", "oauth", "oidc", "sso"),
    ("authorization", "authz", "rbac", "permission", "least-privilege"),
    ("experiment", "prototype", "spike", "poc", "proof-of-concept", "pilot"),
    ("cache-aside", "read-aside", "look-aside", "lazy-loading", "lazy-load", "lazy-loaded"),
    ("write-through", "write-thru"),
    ("dead-letter", "dead-letter-queue", "dlq", "poison-queue"),
    ("circuit-breaker", "circuit-breakers", "breaker"),
    ("rate-limit", "rate-limiting", "rate-limiter", "throttle", "throttling"),
)
# Stems shared with common words of another meaning ("experience" and "experiment" are both
# "experi"; "production" is "product"; "analyzed" is "analyz"): only the exact synonym words fold.
_AMBIGUOUS_STEMS = frozenset({"experi", "analyz", "author", "execut", "indic", "avail", "product", "observ", "convent", "rank"})


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from snowballstemmer.english_stemmer import EnglishStemmer  # lazy: only the offline backend needs it

    return EnglishStemmer()


def americanise(word: str) -> str:
    """Fold common British spellings onto American ones ("prioritised" -> "prioritized")."""
    if word in _ISE_WORDS or len(word) < 6:
        return word
    if word in _OUR_WORDS:
        return _BRITISH[2][0].sub(_BRITISH[2][1], word)
    for pattern, replacement in (_BRITISH[0], _BRITISH[1], _BRITISH[3]):
        folded = pattern.sub(replacement, word)
        if folded != word:
            return folded
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The canonical stem of one lower-case word (synonyms folded)."""
    word = word.lower().strip("'’.-/+")
    canonical = _synonyms().get(word)
    if canonical is not None:
        return canonical
    if any(ch in word for ch in "-/+."):
        return "-".join(stem(part) for part in re.split(r"[-/+.]", word) if part)
    base = str(_stemmer().stemWord(americanise(word)))
    return _stem_synonyms().get(base, base)


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    """Each synonym word -> its group's head."""
    table: dict[str, str] = {}
    for group in _SYNONYM_GROUPS:
        head = group[0]
        for word in group:
            table[word] = head
    return table


@lru_cache(maxsize=1)
def _stem_synonyms() -> dict[str, str]:
    """The *stem* of each one-word synonym -> its head, so inflected forms fold too ("caching", "cached").

    Stems that common words of another meaning share are left out (``_AMBIGUOUS_STEMS``).
    """
    table: dict[str, str] = {}
    for word, head in _synonyms().items():
        if not any(ch in word for ch in "-/+.:"):
            base = str(_stemmer().stemWord(americanise(word)))
            if base not in _AMBIGUOUS_STEMS:
                table.setdefault(base, head)
    return table


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, keeping hyphenated and slashed terms whole."""
    return [match.group(0).lower().replace("’", "'") for match in _WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit() and len(w) > 1]


def stems(text: str) -> list[str]:
    """Content-word stems of a text, in order (hyphenated terms also yield their parts)."""
    out: list[str] = []
    for word in content_words(text):
        whole = stem(word)
        out.append(whole)
        if "-" in whole:
            out.extend(stem(part) for part in whole.split("-") if part and part not in STOPWORDS)
    return out


def stem_set(text: str) -> frozenset[str]:
    return frozenset(stems(text))


def compound_stems(text: str) -> frozenset[str]:
    """Stems of each pair of adjacent words as one hyphenated term ("cache aside" -> the stem of "cache-aside").

    Key points write compounds hyphenated or closed ("cache-aside", "rollback") while answers
    often write them apart; matching a key point against these as well lets "read aside",
    "read-aside" and "cache-aside" meet. Only for matching against notes: they would dilute
    any measure taken over the answer's own words.
    """
    tokens = [w for w in words(text) if not w.isdigit()]
    out = set()
    for first, second in pairwise(tokens):
        if first in STOPWORDS or second in STOPWORDS or "-" in first or "-" in second:
            continue
        out.add(stem(f"{first}-{second}"))
        out.add(stem(first + second))
    return frozenset(out)


def sentences(text: str) -> list[str]:
    """Split an answer into sentence-like pieces (lower-cased sources often have no full stops)."""
    pieces = [p.strip() for p in _SENTENCE.split(text) if p and p.strip()]
    return [p for p in pieces if len(words(p)) >= 3] or ([text.strip()] if text.strip() else [])


def shorten(text: str, limit: int = 140) -> str:
    """A quote cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def join_stems(items: Iterable[str]) -> str:
    return " ".join(items)
