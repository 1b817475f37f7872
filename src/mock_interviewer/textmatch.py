"""The one text-matching module: words, stems, synonyms, sentences, phrases and negation scope.

It serves the offline grader, its follow-ups and probes, the probe leak check and the session
summary: one tokenizer and one stemmer for all of them.

Everything the offline grader compares is a *stem* (Porter2 via ``snowballstemmer``,
imported lazily) of a content word, after British spellings are folded into
American ones and a small table of interview-domain synonyms is applied. Comparing
stems rather than words lets "prioritised the backlog" meet "prioritizing backlog
items"; the synonym table lets "rollback" meet "revert".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
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
    base = plain_stem(word)  # one Snowball call per word, shared with the phrase matcher
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



# ---------------------------------------------------------------- phrases, with where they were said

# Words that separate clauses: a negation does not reach past them.
_CLAUSE_BREAK = re.compile(r"[.;:!?()\n\u2014]|,|\s-\s")
_SENTENCE_BREAK = re.compile(r"[.;!?\n]")
_CLAUSE_WORDS = frozenset(
    ["but", "however", "although", "though", "whereas", "while", "because", "since", "so", "then", "otherwise", "unless", "which", "that", "when", "once", "if"]
)
# Words that turn what follows in their clause around ("we never X", "instead of X", "we avoid X").
_FLIPS = frozenset(
    ["not", "no", "never", "nor", "neither", "without", "cannot", "can't", "don't", "doesn't", "didn't", "won't", "wouldn't", "shouldn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "couldn't", "mustn't", "avoid", "avoids", "avoided", "avoiding", "stop", "stopped", "stopping", "nobody", "nothing", "none", "against", "skip", "skips", "skipped", "skipping", "prevent", "prevents", "prevented", "preventing"]
)
_TWO_WORD_FLIPS = frozenset(
    {
        ("instead", "of"), ("rather", "than"), ("used", "to"), ("no", "longer"), ("away", "from"),
        ("replaced", "the"), ("got", "rid"),
    }
)
# "not just X", "not only X": X is said, and more besides.
_NOT_FLIP_AFTER = frozenset(["just", "only", "merely", "simply", "matter"])
# Said of what comes before, in the same sentence: "a shared database, which never scales" rejects it.
_REJECTIONS = frozenset(["mistake", "mistakes", "anti-pattern", "antipattern", "wrong", "trap", "terrible", "harmful", "dangerous"])
_REJECTED_VERBS = frozenset(["work", "works", "worked", "scale", "scales", "scaled", "help", "helps", "helped"])
# Said before: the speaker distances themself ("a common mistake is X", "some teams X").
_DISTANCING = frozenset(["mistake", "mistakes", "naive", "tempting", "temptation", "trap", "pitfall", "anti-pattern", "antipattern"])
# Said right after something (or after an auxiliary), these deny it: "staging never has realistic data".
_DENIED = frozenset(
    ["not", "never", "no", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "can't", "cannot"]
)
_AUXILIARIES = frozenset(["is", "are", "was", "were", "has", "have", "had", "does", "do", "did", "will", "would", "can", "could"])
# "to avoid a thundering herd": the speaker prevents it, which speaks to a point about preventing it.
_PURPOSE = frozenset(["avoid", "prevent", "stop", "protect"])
_MOVED = frozenset(["switched", "moved", "migrated", "changed", "went", "upgraded", "graduated"])
_SUBJECTS = frozenset(["i", "we", "they", "you", "he", "she"])
# "id", "im", "ive": "I'd", "I'm", "I've" typed without the apostrophe (never claimed absent because of them).
_FIRST_PERSON = frozenset(["i", "i'd", "i'll", "i'm", "i've", "me", "my", "mine", "myself", "id", "im", "ive"])
# A story told without the pronoun ("Talked to the stakeholders. Proposed a daily refresh.") is still first person.
_DROPPED_PRONOUN_PAST = frozenset(["got", "made", "took", "built", "wrote", "led", "ran", "set", "went", "had", "did", "found"])


@dataclass(frozen=True)
class Token:
    """One word of a text: as written (lower-cased), its plain stem, where it stands, and its clause."""

    word: str
    stem: str
    start: int
    end: int
    clause: int
    sentence: int


@dataclass(frozen=True)
class Span:
    """Where something was said: character offsets into the text it was found in."""

    start: int
    end: int


@dataclass(frozen=True)
class PhraseHit:
    """A phrase found in a text: the words that matched, and whether the speaker affirms them.

    ``prevented``: not affirmed only because the speaker acts to prevent it ("… to avoid a thundering
    herd"), which is evidence for a key point about preventing it, and none for a red flag.
    """

    phrase: str
    span: Span
    affirmed: bool
    prevented: bool = False


@lru_cache(maxsize=65536)
def plain_stem(word: str) -> str:
    """A word's stem with spellings folded but no synonyms: for matching authored phrases exactly."""
    word = word.lower().replace("’", "'").strip("'.-/+")
    if any(ch in word for ch in "-/+."):
        return "-".join(plain_stem(part) for part in re.split(r"[-/+.]", word) if part)
    return str(_stemmer().stemWord(americanise(word)))


def tokens(text: str) -> list[Token]:
    """The words of a text with their offsets and clause numbers (hyphenated terms stay whole)."""
    out: list[Token] = []
    clause = sentence = 0
    last = 0
    for match in _WORD.finditer(text):
        between = text[last : match.start()]
        word = match.group(0).lower().replace("’", "'")
        if _CLAUSE_BREAK.search(between) or word in _CLAUSE_WORDS:
            clause += 1
        if _SENTENCE_BREAK.search(between):
            sentence += 1
        out.append(Token(word, plain_stem(word), match.start(), match.end(), clause, sentence))
        last = match.end()
        if text[last : last + 1] == "%":  # "20%" is said "20 percent"
            out.append(Token("percent", "percent", last, last + 1, clause, sentence))
            last += 1
    return out


@lru_cache(maxsize=8192)
def phrase_keys(phrase: str) -> tuple[str, ...]:
    """How a phrase is matched: the plain stem of each word ("idempotency keys" -> ("idempot", "key"))."""
    return tuple(plain_stem(word) for word in words(phrase))


def _polarity(found: Sequence[Token], first: int, last: int) -> bool:
    """True when the words ``found[first..last]`` are affirmed, false when the speaker rejects them.

    A flip word ("never", "don't", "instead of", "avoid", "skip") turns around the next few words
    of its clause, and two flips cancel, so "we never skip reviews" affirms "reviews";
    "not just" and "not only" do not flip; a rejection after them in the sentence ("…, which
    never scales") or a distancing word before ("a common mistake is …") rejects them.
    """
    clause = found[first].clause
    flips = 0
    start = max(0, first - _SCOPE)
    for i in range(first - 1, start, -1):  # a new subject ("… nothing broke, we agreed core hours") ends a flip's reach
        if found[i].word in _SUBJECTS and found[i].clause == clause:
            start = i
            break
    for i in range(start, first):
        token = found[i]
        if token.clause != clause:
            continue
        nxt = found[i + 1].word if i + 1 < len(found) else ""
        flip = token.word in _FLIPS and not (token.word in {"not", "no"} and nxt in _NOT_FLIP_AFTER)
        # "switched us from console.log to Winston": what was moved away from is turned down
        flip = flip or (token.word == "from" and any(t.word in _MOVED for t in found[max(0, i - 2) : i]))
        if flip or (token.word, nxt) in _TWO_WORD_FLIPS or token.word in _DISTANCING:
            flips += 1
    sentence = found[last].sentence
    after = [t.word for t in found[last + 1 : last + 8] if t.sentence == sentence]
    rejected = any(word in _REJECTIONS for word in after) or "bad idea" in " ".join(after)
    rejected = rejected or any(
        word in _FLIPS and any(w in _REJECTED_VERBS for w in after[k + 1 : k + 3]) for k, word in enumerate(after)
    )
    if rejected or _DISMISSED.match(" ".join(after[:5])):
        flips += 1
    # a flip between the phrase's own words ("trust their input and skip validation") turns it down too,
    # and so does one right after it ("staging never has realistic data", "code review doesn't happen")
    flips += sum(1 for t in found[first + 1 : last] if t.word in _FLIPS)
    after_words = [t.word for t in found[last + 1 : last + 3] if t.clause == found[last].clause]
    if after_words[:1] and (after_words[0] in _DENIED or (after_words[0] in _AUXILIARIES and after_words[1:2] and after_words[1] in _DENIED)):
        flips += 1
    return flips % 2 == 0


# Said right after something, it turns it down: "rollback plans are unnecessary", "POCs are a waste",
# "documentation isn't necessary", "approval processes kill creativity".
_DISMISSED = re.compile(
    r"(?:(?:is|are|was|were|seems?|just|really|mostly|basically|honestly|usually|always|generally)\s+)*"
    r"(?:(?:(?:not|isn't|aren't|wasn't|weren't|never)\s+(?:really\s+|even\s+)?(?:necessary|needed|required|worth|useful|important))|"
    r"unnecessary|overrated|(?:a\s+)?waste(?:d|\s+of\s+\w+)?|pointless|useless|overkill|(?:just\s+)?bureaucracy|bureaucratic|"
    r"kills?\s+\w+|slows?\s+(?:us|everyone|the team)\s+down)\b"
)


_SCOPE = 5  # how many words a flip reaches


def _prevented(found: Sequence[Token], first: int) -> bool:
    """The words at ``first`` follow "to avoid / to prevent / to stop / to protect (against)" closely."""
    for i in range(max(0, first - 3), first):
        if found[i].word in _PURPOSE and i > 0 and found[i - 1].word == "to" and found[i].clause == found[first].clause:
            return True
    return False


def find_phrase(found: Sequence[Token], phrase: str, *, gap: int = 2) -> list[PhraseHit]:
    """Every place the phrase's words stand in order, at most ``gap`` words apart, within one clause."""
    keys = phrase_keys(phrase)
    if not keys:
        return []
    hits: list[PhraseHit] = []
    for i, token in enumerate(found):
        if token.stem != keys[0]:
            continue
        at, ok = i, True
        for key in keys[1:]:
            for j in range(at + 1, min(len(found), at + gap + 2)):
                if found[j].stem == key and found[j].clause == token.clause:
                    at = j
                    break
            else:
                ok = False
                break
        if ok:
            affirmed = _polarity(found, i, at)
            prevented = not affirmed and _prevented(found, i)
            hits.append(PhraseHit(phrase, Span(token.start, found[at].end), affirmed, prevented))
    return hits


def sentence_stems(found: Sequence[Token]) -> list[frozenset[str]]:
    """The stems of each sentence of a text (for ``loosely_said``)."""
    by_sentence: dict[int, set[str]] = {}
    for token in found:
        by_sentence.setdefault(token.sentence, set()).add(token.stem)
    return [frozenset(stems_said) for stems_said in by_sentence.values()]


def loosely_said(sentences: Sequence[frozenset[str]], phrase: str) -> bool:
    """The phrase's content words all stand in one sentence, in any order: the point may be there in other words."""
    keys = _content_keys(phrase)
    return bool(keys) and any(keys <= stems_said for stems_said in sentences)


@lru_cache(maxsize=8192)
def _content_keys(phrase: str) -> frozenset[str]:
    return frozenset(key for key, word in zip(phrase_keys(phrase), words(phrase), strict=True) if word not in STOPWORDS)


# Waving a practice away: "we don't need transactions", "ADRs are overkill", "tests just slow us down".
_DISMISSAL = re.compile(
    r"\b(?:(?:don'?t|doesn'?t|never|no)\s+(?:really\s+|even\s+)?need(?:s|ed)?|no need|"
    r"(?:isn'?t|aren'?t|not)\s+(?:really\s+|even\s+)?(?:necessary|needed|required|worth)|unnecessary|overkill|"
    r"overrated|(?:a\s+)?waste of|wasted|pointless|we skip|skip(?:ping)? (?:the|it|them)|don'?t bother|"
    r"never bother|not worth|(?:only|just) slows?|slows? (?:us|everyone|things) down|gets? in the way)\b",
    re.IGNORECASE,
)


def dismissals(text: str) -> list[Span]:
    """Where the speaker waves a practice away ("we don't need transactions", "reviews are overkill")."""
    return [Span(m.start(), m.end()) for m in _DISMISSAL.finditer(text)]


# Where the speaker gives a reason for a choice: "so", "since", "because", "which means", "that way".
_REASON = re.compile(
    r"\b(?:so (?:that )?|since|because|which (?:means|keeps|gives|makes)|that way|that's (?:why|how|what)|anyway)\b",
    re.IGNORECASE,
)


def reasons(text: str) -> list[Span]:
    """Where the speaker argues for a choice ("so any PR below that is rejected", "since tests are slow")."""
    return [Span(m.start(), m.end()) for m in _REASON.finditer(text)]


def first_person(found: Sequence[Token]) -> list[Token]:
    """Where the speaker says "I", "my", "me" (in any tense), or starts a sentence with a past-tense verb."""
    out = []
    for i, token in enumerate(found):
        opens = i == 0 or found[i - 1].sentence != token.sentence
        past = token.word.endswith("ed") or token.word in _DROPPED_PRONOUN_PAST
        if token.word in _FIRST_PERSON or (opens and past and len(token.word) > 3):
            out.append(token)
    return out


def sentence_of(text: str, span: Span) -> Span:
    """The stretch of ``text`` a quote of ``span`` is cut from: its sentence (or clause after a semicolon)."""
    left = max(text.rfind(ch, 0, span.start) for ch in ".!?\n;") + 1
    ends = [i for i in (text.find(ch, span.end) for ch in ".!?\n;") if i != -1]
    return Span(left, min(ends) if ends else len(text))


def quote(text: str, span: Span, limit: int = 24) -> str:
    """The candidate's own words around a span: its sentence, cut to about ``limit`` words around the span."""
    bounds = sentence_of(text, span)
    left, right = bounds.start, bounds.end
    starts = [m.start() for m in re.finditer(r"\S+", text[left:span.start])]
    stops = [m.end() for m in re.finditer(r"\S+", text[span.end:right])]
    inside = len(text[span.start : span.end].split())
    room = max(limit - inside, 6)
    take_after = min(len(stops), max(room // 2, room - len(starts)))
    take_before = min(len(starts), room - take_after)
    begin = left + starts[len(starts) - take_before] if take_before else span.start
    end = span.end + stops[take_after - 1] if take_after else span.end
    lead = "…" if take_before < len(starts) else ""
    tail = "…" if take_after < len(stops) else ""
    return lead + " ".join(text[begin:end].split()).strip(" ,") + tail
