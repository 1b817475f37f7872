"""The sentences of an answer that carry substance: what the offline grader reads, the rest left out.

A sentence about the team lunch or the office's location says nothing about the question, yet it
moved offline-v6's grades (5% of gradings changed tier when one was added: its words counted as
length, a capitalised "Fridays" as a named tool). So before any feature is computed, the answer's
sentences that carry nothing the grader weighs are cut out, and an answer graded with or without
them is graded the same.

A sentence carries substance when it has any of:

- three words of what this question is about (its text, key points, red flags, misconceptions, and
  their authored notes: not its exemplars), or one that is neither common across the bank (in more
  than a quarter of its questions) nor an everyday English word (``everyday_words.txt``: "window",
  "train", "manager" and "long" are in some question's notes, and say nothing in "my desk was next
  to the window");
- a named tool or technique, an acronym that is not an everyday one ("VP", "CEO", "UK"), an
  identifier, or a number with a unit that is not a span of time in words ("ten years", "six months";
  "3 weeks" still counts) nor a decade ("the 1970s");
- a signal the grader weighs beside a word of the question's material: ownership, reasoning, the
  poor answer's language (but not a sentence opening "Anyway,"), buzzwords, a practice waved away, a
  negation, a time of day ("the 7:12 train": offline-v11); a certainty or a headcount only beside a
  word of the question's own (not everyday) material.

Unless it has three words of the question's material, one of them no everyday word, a sentence the aside model
(``asides.py``, offline-v15, refitted in v16) is at least 85% sure is an aside ("the scale in the office gym was off by
about 3 kilos and nobody ever fixed it") carries none, whatever else it has; the tier is weighed without those it is
at least 50% sure of (offline-v17, ``grading.read``), and without those it is 85% sure of whatever ties them (v18).

A stem of one or two letters ties nothing (offline-v11): "awful" folds into "aw", the stem of "AWS".

Sentences are split at . ! ? ; and line breaks, and, in answers written without full stops, before a
capitalised word that starts a sentence ("We", "The", ...) right after a lower-case word. A run-on
(offline-v13: a piece of eight words or more with no full stop inside) is split further where another
sentence plainly starts with no conjunction before it: after a lower-case word that is not one of
``CONTINUES`` ("and", "so", "that", "me", ...), before a lower-case subject ("i", "we", "she", ...,
"honestly", "sorry", "anyway") or a capitalised everyday word or "I" ("...it worked Anyway, that's a
long story"), where the run-on itself starts in lower case; where it starts with a capital, only before a
lower-case "i", which a writer who capitalises does not write. Not within a clause opened by "if", "when",
"because", ... ("when something is slow i ssh in"), and each side has three words or more. How the whole
text's writer starts sentences counts too (offline-v14): where most of its sentences start in lower case and it
writes "i", a capitalised "I" starts another sentence whatever word comes before it ("...worth telling me I was
commuting"); where most start with a capital (or all but the first: offline-v18), a capitalised word after a lower-case one in a piece that starts in
lower case does ("...a putter in the corner Diagnose before fixing."), held back as above, and the capitalised
sentence so found is split as that writer's, only before a lower-case "i". In both, a capitalised word other than
"I" is held back after a conjunction, an article or a preposition ("in the Authorization header", "Node and
Postgres", "from Reading"), not after a pronoun or a verb (offline-v17: "...if you hear a loud bang that is just them
Let both sides make their case", "...it's worth telling me Honestly, I never expected..."). A sentence so split off
is kept when it says one of the question's authored evidence phrases, even without substance:
the boundary was guessed, and "...i keep it simple and treat everyone exactly the same" is a red flag. What is
cut is exactly the sentence and the space after it (or before it, at the end), so an answer none of
whose sentences is cut is read exactly as written; an answer in which nothing carries substance is
read whole (the guards for unrelated answers judge it).

An aside typed in lower case with no stop, run into a lower-case answer ("the vending machine on the third floor has
been giving out two bags of crisps for the price of one since monday and nobody has told facilities we have automated
daily backups..."), has no boundary to split at: "since" holds "we" back, and the aside's own first word ("my", "the")
starts no sentence the rules above see. So the edges of such a piece, if it carries substance as a whole, are read for
one (offline-v21, ``_peeled``): six to sixty words at its start or its end that the aside model is ``ASIDE`` sure of,
that say no word of the question's material as a topic, and after which another sentence may start, are a piece of
their own, and are cut like any other. Of the edges that qualify, the one where the words before the boundary read
most as an aside and the words after least is taken, at the start (offline-v22; v21 took the longest, and "...that was
her not me i listen to what the other person thinks and explain my view" lost the answer's first clause with the
aside) as at the end, where an answer's last clause ("...so people see it's worth telling me") often says no word of
substance either; at the start, a clause-ending word after the boundary ("...chases the mower around") goes with the
aside. An aside with no stop before a capitalised answer ("In my country we are saying it is raining like from bucket,
today is exactly this weather Widen where we recruit, ...") is one sentence to every rule above, as a writer who
capitalises starts no sentence in the middle of one; so the words of a piece that starts with a capital, before its
first capitalised word after a lower-case one (not "I", nor a name after an article, a preposition, a conjunction or
a comma), are peeled off the same way (offline-v22, ``_capitalised_head``), when the piece as a whole would be kept or
what follows them reads as an answer.

An aside the run-on rules split in two ("i joined a gym in january like everyone does and the first week | i went every
day and then the shower broke ... never went back after that we have automated...") left its second half to run into
the answer, where the model, unsure of that half alone, kept it with the answer. Where the piece before is cut, a
piece's start is read as that aside's continuation, and where the piece after is cut, its end as that aside's start
(offline-v23, ``_peeled_pieces``); "after that" (a preposition and a demonstrative) ends a clause. And where the
reading turns most within a long aside at the end ("...the passenger door only opens from the inside so whoever sits |
there has to be let in by the driver..."), the aside is widened to where it turns most again, when the words between
read more as an aside than not (``_widened``).

Where the tier's reading (``aside`` below ``ASIDE``) asks the aside model whether a sentence or an edge is an aside, it
asks it of the words and of how many of them are unknown (offline-v24, ``asides.py``): "our car had a gearbox failure
halfway to split..." reads 0.73 from its words, not sure enough to be peeled off the capitalised answer it was run into,
and 0.94 with its unknown words. Where an aside ends (``_turn``, ``_widened``) is read from the words alone in both
readings, and the claims' reading asks of the words alone, as before.

An aside typed in lower case with no stop before a capitalised answer (offline-v25) is peeled off up to the answer's first
capitalised word when the aside may end there too and the words between carry no substance (``_to_capital``: "spurs lost
again last night so apologies if i seem | a touch gloomy EXPLAIN ANALYZE on..." left "a touch gloomy" with the answer,
where the model's reading turned), and however short the answer's first sentence ("...a quick glass of water Redis.");
and after a piece's own lower-case "i", a capitalised "I" starts the capitaliser's sentence whatever clause was opened
before it ("...while my wife hunted for ice cream I'd go with Kafka...").

Where such an aside ends (offline-v26): "why" after "that's", "no idea", "not sure", ... ends a clause ("...so if i
suddenly look away that's why"); "I'll", like "I'd", is "I", not a name; a capitalised aside of eight words or more with
no stop ends before an answer that starts with "I" ("...everybody knows everyone's dog by name I'd put Kafka in the
middle...") when it does not end at the answer's first other capitalised word; an aside of fewer than six words that
opens with an interjection, before a capitalised word ("sorry, allergies, hold on Adtech, bid-shading model launch..."),
is peeled off when the model is sure of it and the words after it carry substance (``_short_head``); one of three to five words at a piece's end may be peeled when it opens with an
interjection ("...so people see it's worth telling me sorry, allergies, hold on"; ``INTERJECTIONS``), or of one word
beside the aside cut after it ("...worth telling me sorry | i'm drinking tea..."); and an aside at the end, where its
reading turns most, is narrowed to a nearer end when the words between read as an answer on their own (``_narrowed``:
"...so people see it's worth telling me | my mum is calling, ignore that, I'll call her back").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Container
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from mock_interviewer.bank import Question
from mock_interviewer.offline.asides import ASIDE, LIKELY, aside_probability, is_aside
from mock_interviewer.offline.coverage import Corpus
from mock_interviewer.offline.signals import ACRONYM, CLOCK, carries_detail, carries_named, carries_stance
from mock_interviewer.textmatch import content_words, plain_stem, stem, stem_set

_NUMBER_WORDS = frozenset(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundr", "thousand", "first", "second", "third"])
UNITS = frozenset(["minut", "hour", "day", "week", "month", "year", "peopl", "second", "time", "team", "person"])
COMMON = 0.25  # a word in more than this share of the bank's questions does not tie a sentence to this one alone...
TIED = 3  # ...but this many words of the question's material do (offline-v8: 2; "my manager ... start meetings" tied)
EVERYDAY_FILE = Path(__file__).with_name("everyday_words.txt")
# Acronyms said of people and places, not of tools or techniques (the signal's other acronyms: SLA, ADR, RDS, ...).
EVERYDAY_ACRONYMS = frozenset(
    ["vp", "svp", "evp", "ceo", "cto", "cfo", "coo", "cio", "cmo", "hr", "pr", "uk", "us", "usa", "eu", "nyc", "sf", "la", "mba", "phd", "bsc", "msc", "ba", "ma", "tv", "pm", "am", "ok"]
)
_SPAN_OF_TIME = re.compile(
    r"\b(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty"
    r"|hundred|few|couple of|several)\s+(?:\w+\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?|decades?)\b",
    re.IGNORECASE,
)
_ANYWAY = re.compile(r"^\s*anyways?\b,?", re.IGNORECASE)
RUN_ON = 8  # words: a piece this long with no full stop inside may be several sentences run together (offline-v13)
SENTENCE = 3  # words: the least a sentence split off a run-on has ("...consistent eventually anyway." is one sentence)
_INNER_STOP = re.compile(r"[.!?;]\s")
_WORD = re.compile(r"\S+")
_ENDED = re.compile(r"[.!?;\n]\s*$")
_LOWER_START = re.compile(r"\s(?=(?:i|we|he|she|they|honestly|sorry|anyways?)\b)")
_CAPITAL_START = re.compile(r"\s(?=([A-Z][a-z'’]*)\b)")
_LOWER_I = re.compile(r"\s(?=i\b)")
_CAPITAL_I = re.compile(r"\s(?=I\b)")
_WRITES_LOWER_I = re.compile(r"(?<![\w'’])i(?!\w)")
_I_FORMS = frozenset(["I", "I'd", "I'm", "I've", "I'll", "I’d", "I’m", "I’ve", "I’ll"])  # "I'll" and curly ones: v26
_LETTER = re.compile(r"[^\W\d_]")
Style = Literal["capitals", "lower", "mixed"]  # how a text's writer starts sentences (``_style``; offline-v14)
# A clause opened by one of these words goes on into its main clause ("if someone has a question they can ask me"),
# unless a comma closed it first; "once" is left out ("we tested a restore once and it worked").
_OPENED = re.compile(r"\b(?:if|when|whenever|because|since|while|unless|until|although|though|before|after)\b[^,]*$", re.IGNORECASE)
OPENED_WITHIN = 8  # words before a sentence's start in which such an opener holds it back
# Words after which a subject goes on in the same sentence: conjunctions, relatives, articles, prepositions ("the
# Accept header", "with a Location header"), pronouns and auxiliaries,
# verbs of saying and thinking ("think we", "told me i"), hedges ("just", "maybe").
CONTINUES = frozenset(
    [
        "however", "whatever", "whoever", "wherever", "whichever", "a", "an", "the", "these", "those", "per", "via",
        "without", "within", "across", "against", "around", "during", "toward", "towards", "upon",
        "and", "but", "or", "nor", "so", "then", "because", "cause", "since", "as", "if", "when", "whenever", "while",
        "until", "unless", "though", "although", "that", "which", "who", "whom", "whose", "what", "where", "why", "how",
        "than", "like", "before", "after", "once", "whether", "i", "we", "you", "he", "she", "they", "it", "me", "us",
        "him", "her", "them", "my", "our", "your", "their", "its", "is", "was", "were", "are", "be", "been", "being",
        "am", "do", "did", "does", "don't", "didn't", "doesn't", "can", "could", "would", "should", "will", "shall",
        "may", "might", "must", "have", "has", "had", "i'm", "i've", "i'd", "we're", "we've", "we'd", "it's", "that's",
        "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "onto", "over", "under", "through",
        "between", "also", "just", "even", "only", "still", "actually", "basically", "really", "maybe", "probably",
        "think", "thought", "guess", "mean", "said", "say", "says", "tell", "told", "ask", "asked", "know", "knew",
        "feel", "felt", "hope", "wish", "let", "make", "made", "means", "meant", "thinks", "knows", "feels", "hopes",
        "wishes", "asks", "tells", "guessed", "lets", "makes",
    ]
)
# Of ``CONTINUES``, the words after which a capitalised word is a name ("the Accept header", "Node and Postgres",
# "from Reading"); after the others ("...that is just them Let both sides..."), in a piece that starts in lower case,
# it starts another sentence (offline-v17). Not "her", as often the object ("...proud of her Newsletters, a couple of
# podcasts": offline-v19) as the possessive.
NAMES_AFTER = frozenset(
    [
        "a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "their", "its", "his", "and",
        "or", "nor", "but", "per", "via", "without", "within", "across", "against", "around", "during", "toward",
        "towards", "upon", "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "onto", "over",
        "under", "through", "between", "like", "than", "as",
    ]
)
# An aside run into a lower-case answer with no stop at all ("the vending machine on the third floor has been giving out
# two bags of crisps for the price of one since monday and nobody has told facilities we have automated daily
# backups"): no boundary is written, so the run-on's edges are read for one (offline-v21). ``PEELED`` to ``PEELED_MOST``
# words at the start or the end of a piece that starts in lower case are peeled off as an aside when the aside model is
# ``ASIDE`` sure of them, they say no word of the question's material as a topic, and another sentence may start there.
PEELED = 6  # words: the least an aside peeled off a run-on's edge has
PEELED_MOST = 60  # words: the most (the longest asides are some forty)
WINDOW = 8  # words: where several edges would do, the aside ends where the words before read most as an aside and the words
# after least (the aside model is asked of this many on each side)
PEELED_ANY_START = 8  # words: from this many, the aside at the start may be followed by any word ("...over and over for
# giving feedback i try..."); a shorter one only by a capitalised word or one of ``STARTS``
PEELED_ENDING = 10  # words: from this many, the aside at the start may end in one of ``ENDS_CLAUSE`` ("...hot cross buns
# over and over")
# Words that start an aside run into an answer, as the asides written for fitting start (irrelevant_fit.txt and the read
# hold-outs: "the", "my", "i", "we", "our", "sorry", ...), and chat's "idk", "tbh", "omg" (offline-v24; "lol" and "btw"
# were there); "that", "it", "in" and "at" start as many clauses, so are left out
STARTS = frozenset(
    [
        "the", "my", "i", "we", "our", "sorry", "so", "honestly", "this", "oh", "anyway", "anyways", "um", "uh", "there",
        "apologies", "last", "funnily", "ah", "ok", "okay", "yeah", "excuse", "btw", "also", "actually", "apparently",
        "yesterday", "someone", "everyone", "he", "she", "they", "you", "i'd", "i've", "i'm", "we've", "we're", "there's",
        "theres", "random", "lol", "haha", "oops", "hey", "anyhow", "funny", "mum", "dad", "thanks", "idk", "tbh", "omg",
        "ngl", "imo", "fyi", "fwiw", "hah", "ha", "heh", "ugh", "hmm", "hm", "wow", "whoa", "welp", "oof", "yikes", "pardon",
        "gosh", "phew", "erm",
    ]
)
# Of ``STARTS``, the words that open an aside of fewer than ``PEELED`` words at a piece's end ("...worth telling me sorry,
# allergies, hold on"): the aside model is sure of such a short remark (offline-v26)
INTERJECTIONS = frozenset(
    ["sorry", "oops", "lol", "haha", "hah", "ha", "heh", "oh", "ugh", "hmm", "hm", "wow", "whoa", "welp", "oof", "yikes",
     "pardon", "gosh", "phew", "ah", "um", "uh", "erm", "apologies", "omg"]
)
# Of ``CONTINUES``, the object pronouns, after which a sentence may end ("...so people see it's worth telling me")
OBJECTS = frozenset(["me", "us", "him", "her", "them", "it", "you"])
GOES_ON = CONTINUES - OBJECTS  # the words after which no sentence ends where an aside is peeled off
# Words that end a clause as often as they go on ("...the same four notes over and over")
SUBORDINATES = frozenset(["when", "while", "because", "since", "until", "after", "before", "whenever", "as"])  # open a clause (v25)
DEMONSTRATIVES = frozenset(["that", "this"])  # after one of ``PREPOSITIONS``, a pronoun that may end a clause (offline-v23)
# the words after which "why" ends a clause: "...so if i suddenly look away that's why", "no idea why" (offline-v26)
REASONS = frozenset(["that's", "thats", "that’s", "idea", "sure", "know", "knows", "dunno", "wonder"])
PREPOSITIONS = frozenset(["after", "before", "since", "like", "about", "of", "with", "for", "than", "from", "at", "on", "in", "by", "to"])
ENDS_CLAUSE = frozenset(["over", "around", "through", "on", "in", "off", "out", "up", "down", "about", "under", "again", "it"])
_BREAK = re.compile(
    r"(?<=[.!?;])\s+|\s*\n\s*"
    r"|(?<=[a-z0-9,])\s+(?=(?:We|Our|My|The|It|They|This|That|There|Also|So|But|And|Then|When|After|In|On|At)\b)"
)


def material(question: Question) -> frozenset[str]:
    """The stems of what the question is about: its text, key points, red flags, misconceptions and notes.

    Not its exemplars (their stories carry everyday words: "two", "week", "lunch"), and not number words
    (a number says something only with its unit, which ``signals`` counts).
    """
    parts = [question.text, *question.key_points, *question.red_flags]
    for note in question.point_notes:
        parts += [note.strong_reply, *note.evidence]
    parts += [phrase for note in question.flag_notes for phrase in note.evidence]
    parts += [phrase for m in question.misconceptions for phrase in (m.claim, *m.evidence)]
    return stem_set(" ".join(parts)) - _NUMBER_WORDS


def pieces(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence-like piece of ``text``, separators excluded."""
    return _split(text, _written(text))


def _split(text: str, written: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces of ``text`` whose sentences as written are ``written``: each, or the sentences of its run-on."""
    style = _style(text, written)
    return [span for start, end in written for span in _run_on(text, start, end, style)]


def _style(text: str, written: list[tuple[int, int]]) -> Style:
    """How the writer of ``text`` starts sentences: "capitals" where most of its sentences as written (two or more)
    start with a capital, or all but the first (offline-v18: "sorry the wifi keeps dropping out on my side Postmortems
    were blameless. Each one..."); else "lower" where it writes "i" in lower case; else "mixed" (offline-v14)."""
    starts = [m.group(0) for a, b in written if (m := _LETTER.search(text, a, b))]
    if len(starts) >= 2 and sum(c.isupper() for c in starts) * 2 > len(starts):
        return "capitals"
    if len(starts) >= 2 and all(c.isupper() for c in starts[1:]):  # the first in lower case: an aside run into it (v18)
        return "capitals"
    return "lower" if _WRITES_LOWER_I.search(text) else "mixed"


def _written(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence as written: split at . ! ? ; line breaks and a capitalised start."""
    out, start = [], 0
    for match in _BREAK.finditer(text):
        if match.start() > start:
            out.append((start, match.start()))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _run_on(text: str, start: int, end: int, style: Style = "mixed") -> list[tuple[int, int]]:
    """The sentences of the piece ``text[start:end]``: itself, or, in a run-on, split where another plainly starts.

    ``style`` is how the whole text's writer starts sentences (``_style``).
    """
    piece = text[start:end]
    if len(piece.split()) < RUN_ON or _INNER_STOP.search(piece):
        return [(start, end)]
    foreign: set[int] = set()  # starts of words this text's writer would not write mid-sentence: nothing holds them back
    unnamed: set[int] = set()  # starts of capitalised words (not "I") held back only where a name would follow
    capital_at: set[int] = set()  # starts of a capitaliser's sentence in a piece that starts in lower case
    capitalised = False  # whether the sentence being built is such a one: split only before a lower-case "i"
    if piece[:1].islower():
        capitals = [m for m in _CAPITAL_START.finditer(piece) if m.group(1) in _I_FORMS or plain_stem(m.group(1).lower()) in everyday()]
        if _WRITES_LOWER_I.search(piece):  # a writer of lower-case "i" writing "I" (or "I'll") is another sentence run on
            capitals += list(_CAPITAL_I.finditer(piece))
        if style == "lower":  # "...worth telling me I was commuting...": a capitalised "I" is someone else's (a name may
            foreign = {m.start() for m in capitals if _CAPITAL_I.match(piece, m.start())}  # be capitalised: "from Reading")
            unnamed = {m.start() for m in capitals} - foreign  # "...worth telling me Honestly, I never expected..." (v17)
        elif style == "capitals":  # "...kept a putter in the corner Diagnose before fixing.": so is a capitalised word
            capitalised_words = list(_CAPITAL_START.finditer(piece))  # after a lower-case one, in a writer's
            capitals += capitalised_words  # uncapitalised piece
            capital_at = {m.start() for m in capitals}  # the capitalised sentence that follows is that writer's (below)
            unnamed = {m.start() for m in capitalised_words if m.group(1) not in _I_FORMS}
            # "...while my wife hunted for ice cream I'd go with Kafka": after this piece's own lower-case "i", a
            # capitalised "I" is the capitaliser's, whatever clause was opened before it (offline-v25)
            foreign = {m.start() for m in capitals if _CAPITAL_I.match(piece, m.start()) and _WRITES_LOWER_I.search(piece, 0, m.start())}
        starts = sorted({m.start() for m in (*_LOWER_START.finditer(piece), *capitals)})
    else:  # a writer who capitalises does not write "i": one that does is someone else's sentence run on
        starts = [m.start() for m in _LOWER_I.finditer(piece)]
    spans = [(m.start(), m.end()) for m in _WORD.finditer(piece)]  # each word once: a long run-on costs linear time
    firsts, lasts = [a for a, _ in spans], [b for _, b in spans]
    out, begin, first = [], start, 0  # ``first``: the index of the first word of the sentence being built
    for at in starts:  # ``at``: the one space before the sentence that starts there
        if capitalised and not _LOWER_I.match(piece, at):
            continue
        before = bisect_right(lasts, at)  # the words before it
        last = piece[firsts[before - 1] : lasts[before - 1]] if before else ""
        if not last[:1].islower() or last.endswith(","):
            continue
        if before - first < SENTENCE or len(spans) - before < SENTENCE:
            continue
        if at not in foreign:
            word = last.lower().strip("'’\"")
            if word in CONTINUES and (at not in unnamed or word in NAMES_AFTER):
                continue
            opened = piece[firsts[max(before - OPENED_WITHIN, 0)] : at]
            if _OPENED.search(" ".join(opened.split())):  # "when something is slow i ssh in": its main clause
                continue
        out.append((begin, start + at))
        begin, first, capitalised = start + at + 1, before, capitalised or at in capital_at
    out.append((begin, end))
    return out


Words = list[tuple[int, int]]  # the (start, end) of each word of a piece


def _peeled(
    text: str, span: tuple[int, int], own: frozenset[str], corpus: Corpus, aside: float, before: str = "", after: str = ""
) -> list[tuple[int, int]]:
    """The piece ``text[span]``, with an aside run into its start or its end peeled off as a piece of its own (offline-v21).

    Only a piece with no stop inside; one that starts with a capital is read by ``_capitalised_head`` (offline-v22),
    one that starts in lower case as follows. The aside is an edge of ``PEELED`` to
    ``PEELED_MOST`` words that the aside model is ``ASIDE`` sure of, that says no word of the question's material
    (``own``) as a topic, that has no capitalised word but "I" after its first (a capitaliser's answer goes on there:
    "...over and over Diagnose before fixing."), and after which another sentence may start: the word before is no
    ``CONTINUES`` word but an object pronoun (or, after an aside of ``PEELED_ENDING`` words or more at the start, one of
    ``ENDS_CLAUSE``), and no comma ends it; at the end, its first word is one of ``STARTS`` in
    lower case; at the start, the answer's first word after it is capitalised or one of ``STARTS``, unless the aside
    has ``PEELED_ANY_START`` words or more. Of the starts that qualify, the one where the ``WINDOW`` words before its
    boundary read most as an aside and the words after least is peeled (offline-v22; v21 took the longest), with one of
    ``ENDS_CLAUSE`` after it if that start qualifies too; of the ends, the one where the words after its boundary read
    most as an aside and the words before least, each widened where the reading turns within the aside (``_widened``,
    offline-v23); at the start, widened to the piece's first capitalised word over words that carry nothing
    (``_to_capital``), which may start a sentence of one or two words if the piece ends with a stop (offline-v25). A
    piece without substance as a whole is cut whole, unless a capitalised word follows the aside at its
    start. ``before`` and ``after`` are the cut pieces of the same sentence around it, if any: an edge is read as their
    continuation (offline-v23).
    """
    start, end = span
    piece = text[start:end]
    if not piece[:1].isalpha() or _INNER_STOP.search(piece):
        return [span]
    words = [(m.start(), m.end()) for m in _WORD.finditer(piece)]
    n = len(words)
    capitals = [i for i, (a, b) in enumerate(words) if i and piece[a].isupper() and piece[a:b].strip(",.") not in _I_FORMS]
    if n < PEELED + SENTENCE and not (piece[:1].islower() and any(piece[a].isupper() for a, _ in words[1:PEELED])):
        return [span]
    if piece[:1].isupper():  # offline-v22
        # the first capitalised word but "I", or else an "I" before it after ``PEELED_ANY_START`` words or more ("...tell me
        # if I'm not I'd go with Kafka", not "My manager told me last year I steamroll in meetings": v26)
        ends = [capitals[0]] if capitals else []
        ends += [i for i in range(min(ends, default=n) - 1, PEELED_ANY_START - 1, -1) if piece[words[i][0] : words[i][1]].strip(",.") in _I_FORMS]
        head = next((h for k in ends if (h := _capitalised_head(piece, words, k, own, corpus, aside, before))), 0)
        return [(start, start + words[head - 1][1]), (start + words[head][0], end)] if head else [span]
    # a piece left out whole is split only where a capitaliser's answer goes on after the aside ("...over and over Soon,
    # private, specific."): not within an aside ("...barking at the postman | for ten minutes and...")
    whole, bank = _whole(piece, own, corpus, aside), _bank(corpus, aside)
    head = _head(piece, words, capitals, whole, own, corpus, aside, before)
    most = min(n - head - SENTENCE, PEELED_MOST, n - 1 - capitals[-1] if capitals else n)
    tails = [
        k
        for k in range(1, most + 1)
        if whole
        and (k >= PEELED or (_interjection(piece, words, n - k) and (k >= SENTENCE or after)))
        and _ends_before(piece, words, n - k, False)
        and _peels(piece[words[n - k][0] :], own, bank, after=after)
    ]
    tail = _widened(piece, words, _narrowed(piece, words, max(tails, key=lambda k: (_turn(piece, words, n - k), k)), tails), tails, False) if tails else 0
    if not head and not tail:
        return [span]
    out = [(start, start + words[head - 1][1])] if head else []
    out.append((start + words[head][0], start + words[n - tail - 1][1]))
    if tail:
        out.append((start + words[n - tail][0], end))
    return out


def _head(
    piece: str, words: Words, capitals: list[int], whole: bool, own: frozenset[str], corpus: Corpus, aside: float, before: str
) -> int:
    """How many words at the start of ``piece`` (which starts in lower case) ``_peeled`` peels off as an aside (0: none);
    ``whole``: whether the piece carries substance as a whole."""
    n, bank = len(words), _bank(corpus, aside)
    # a capitaliser's short first sentence after the aside ("...a quick glass of water Redis."; offline-v25)
    short = capitals[0] if capitals and capitals[0] > n - SENTENCE and piece.rstrip()[-1:] in ".!?" else 0
    most = min(max(n - SENTENCE, short), PEELED_MOST, capitals[0] if capitals else n)
    heads = [
        k
        for k in range(PEELED, most + 1)
        if (k <= n - SENTENCE or k == short)
        and (whole or piece[words[k][0]].isupper())
        and _ends_before(piece, words, k, True)
        and _peels(piece[: words[k - 1][1]], own, bank, before)
    ]
    head = _widened(piece, words, max(heads, key=lambda k: (-_turn(piece, words, k), k)), heads, True) if heads else 0
    while extended := _clause_ends(piece, words, head, heads):  # "...chases the mower around", "...went back after that"
        head += extended
    head = _subordinate(piece, words, head, heads, own, corpus, aside)
    return _to_capital(piece, words, head, heads, capitals, own, corpus, aside) if head else _short_head(piece, words, own, corpus, aside, bank)


def _interjection(piece: str, words: Words, i: int) -> bool:
    """Whether word ``i`` of ``piece`` is one of ``INTERJECTIONS``, which open a short aside (offline-v26)."""
    return piece[words[i][0] : words[i][1]].strip(",.!") in INTERJECTIONS


def _short_head(piece: str, words: Words, own: frozenset[str], corpus: Corpus, aside: float, bank: Container[str] | None) -> int:
    """How many words of fewer than ``PEELED`` at the start of ``piece`` are an aside before a capitaliser's answer ("sorry,
    allergies, hold on | Adtech, bid-shading model launch, ..."): those before its first capitalised word, when the first
    is one of ``INTERJECTIONS`` (not "our | DevOps engineer tunes it", "on the editorial side, | PUT required..."), the aside
    model is ``ASIDE`` sure of them (``bank``: as ``_bank``) and the answer after them carries substance (offline-v26);
    else 0. What the words so peeled off say of the question still counts: they are a piece of their own, cut only
    without substance."""
    k = next((i for i, (a, _) in enumerate(words[1:PEELED], 1) if piece[a].isupper()), 0)  # "I'd" too
    if not k or not _interjection(piece, words, 0):
        return 0
    if not is_aside(piece[: words[k - 1][1]], bank=bank):  # and, cut off, carries no substance of its own
        return 0
    return k if has_substance(piece[words[k][0] :], own, corpus, aside) else 0


def _subordinate(piece: str, words: Words, head: int, heads: list[int], own: frozenset[str], corpus: Corpus, aside: float) -> int:
    """The aside of ``head`` words at the start of ``piece``, widened over a clause it opens after its end with one of
    ``SUBORDINATES`` to the furthest of ``heads`` within ``WINDOW`` words when the words between carry no substance: "...woke
    the whole street | when he dropped his ladder we have automated daily backups..." is one aside with its clause, however
    the reading turns between (offline-v25)."""
    if not head or piece[words[head][0] : words[head][1]].lower() not in SUBORDINATES:
        return head
    for k in sorted((k for k in heads if head < k <= head + WINDOW), reverse=True):
        if not has_substance(piece[words[head][0] : words[k - 1][1]], own, corpus, aside):
            return k
    return head


def _to_capital(
    piece: str, words: Words, head: int, heads: list[int], capitals: list[int], own: frozenset[str], corpus: Corpus, aside: float
) -> int:
    """The aside of ``head`` words at the start of ``piece``, widened to the piece's first capitalised word (a
    capitaliser's answer starts there) when the aside may end there too (``heads``) and the words between carry no
    substance: "spurs lost again last night so apologies if i seem | a touch gloomy EXPLAIN ANALYZE on..." left "a touch
    gloomy" with the answer (offline-v25)."""
    if not head or not capitals or capitals[0] <= head or capitals[0] not in heads:
        return head
    between = piece[words[head][0] : words[capitals[0] - 1][1]]
    return head if has_substance(between, own, corpus, aside) else capitals[0]


def _whole(piece: str, own: frozenset[str], corpus: Corpus, aside: float) -> bool:
    """Whether ``piece`` carries substance as a whole (``aside``: the reading's), so that an aside at its edges may be
    peeled off it. The tier's reading, sure as a whole of a long answer with an aside run into its end (from the aside's
    unknown words), counts one the claims keep and the words alone are not sure of (offline-v24)."""
    if has_substance(piece, own, corpus, aside):
        return True
    return aside < ASIDE and has_substance(piece, own, corpus) and not is_aside(piece)  # the claims' reading: asked above


def _capitalised_head(
    piece: str, words: Words, k: int, own: frozenset[str], corpus: Corpus, aside: float, before: str = ""
) -> int:
    """How many words of ``piece``, which starts with a capital, are an aside written with no stop before the answer's
    first sentence (offline-v22): the ``k`` before its first capitalised word but "I" (0: none), after a lower-case one
    ("In my country we are saying it is raining like from bucket, today is exactly this weather Widen where we recruit,
    ..."), when they are ``PEELED`` to ``PEELED_MOST`` words the aside model is ``ASIDE`` sure of and say no word of the
    question's material as a topic, and either the piece as a whole would be kept or what follows reads as an answer
    (``LIKELY``): "Ag, this weekend we had a braai at my cousin's place in Durbanville and halfway through..." is one
    aside, cut whole; else 0. No sentence ends before a name after an article, a preposition, a conjunction or a comma
    ("...worked with Priya")."""
    n = len(words)
    if not PEELED <= k <= min(n - SENTENCE, PEELED_MOST):
        return 0
    last = piece[words[k - 1][0] : words[k - 1][1]]
    if not last[:1].islower() or last.endswith(",") or _goes_on(piece, words, k) or last.lower().strip("'’\"") in NAMES_AFTER:
        return 0
    bank = _bank(corpus, aside)
    if not _peels(piece[: words[k - 1][1]], own, bank, before):
        return 0
    return k if has_substance(piece, own, corpus, aside) or aside_probability(piece[words[k][0] :], bank) < LIKELY else 0


def _widened(piece: str, words: Words, edge: int, edges: list[int], at_start: bool) -> int:
    """The aside of ``edge`` words at the start (``at_start``) or the end of ``piece``, where its reading turns most,
    widened, where the reading turns most again, to one of ``edges`` whose words beyond it read more as an aside than not
    (``LIKELY``) on their own: the reading may turn most within a long aside ("...the passenger door only opens from the
    inside so whoever sits | there has to be let in by the driver...") (offline-v23)."""
    n = len(words)

    def beyond(wider: int) -> float:
        a, b = (words[edge][0], words[wider - 1][1]) if at_start else (words[n - wider][0], words[n - edge - 1][1])
        return aside_probability(piece[a:b])

    wider = [k for k in edges if k > edge and beyond(k) >= LIKELY]
    return max(wider, key=lambda k: (_turn(piece, words, k if at_start else n - k) * (-1 if at_start else 1), k), default=edge)


def _narrowed(piece: str, words: Words, edge: int, edges: list[int]) -> int:
    """The aside of ``edge`` words at the end of ``piece``, where its reading turns most, narrowed to the longest of
    ``edges`` within it whose words before it, up to ``edge``, read more as an answer than an aside (below ``LIKELY``) on
    their own: the answer's last clause ("...so people see it's worth telling me | my mum is calling, ignore that, I'll
    call her back") is not the aside's, however the reading turns (offline-v26)."""
    n = len(words)
    narrower = [k for k in edges if k < edge and aside_probability(piece[words[n - edge][0] : words[n - k - 1][1]]) < LIKELY]
    return max(narrower, default=edge)


def _clause_ends(piece: str, words: Words, head: int, heads: list[int]) -> int:
    """How many words after an aside of ``head`` words peeled off at the start still end its clause: one of
    ``ENDS_CLAUSE`` ("...the mower around"), when the aside may end after it too (``heads``), or one of ``PREPOSITIONS``
    and a demonstrative ("...never went back after that", offline-v23), when a sentence may start after them; else 0."""
    said = [piece[a:b].lower() for a, b in words[head : head + 2]]
    if head + 1 in heads and said[0] in ENDS_CLAUSE:
        return 1
    if said[0] in PREPOSITIONS and said[1:] and said[1] in DEMONSTRATIVES and head + 2 <= len(words) - SENTENCE:
        return 2 if _ends_before(piece, words, head + 2, True) else 0
    return 0


def _ends_before(piece: str, words: Words, i: int, at_start: bool) -> bool:
    """Whether a sentence may end before word ``i`` of ``piece``, the other side's first (``at_start``: the aside is
    before it)."""
    last = piece[words[i - 1][0] : words[i - 1][1]]
    if at_start and i >= PEELED_ENDING and last.lower() in ENDS_CLAUSE:
        return True
    if last.endswith(",") or _goes_on(piece, words, i):
        return False
    first = piece[words[i][0] : words[i][1]]
    if not at_start:  # the aside's own first word: in lower case, as the piece it is run into
        return first[:1].islower() and first.lower().strip(",'’\"") in STARTS
    return i >= PEELED_ANY_START or first[:1].isupper() or first.lower().strip(",'’\"") in STARTS


def _goes_on(piece: str, words: Words, i: int) -> bool:
    """Whether no sentence ends after word ``i - 1`` of ``piece``: it is one of ``GOES_ON``, but a demonstrative after one
    of ``PREPOSITIONS`` ("...never went back after that", offline-v23) and "why" after one of ``REASONS`` ("...look away
    that's why", offline-v26) end a clause."""
    word = piece[words[i - 1][0] : words[i - 1][1]].lower().strip("'’\"")
    if word not in GOES_ON:
        return False
    before = piece[words[i - 2][0] : words[i - 2][1]].lower().strip("'\"") if i > 1 else ""
    return not ((word in DEMONSTRATIVES and before in PREPOSITIONS) or (word == "why" and before in REASONS))


def _peels(part: str, own: frozenset[str], bank: Container[str] | None, before: str = "", after: str = "") -> bool:
    """Whether ``part`` may be peeled off as an aside: it says no word of the question's material (``own``) as a topic,
    and the model is ``ASIDE`` sure of it; or, beside the aside cut ``before`` it or ``after`` it (offline-v23), finds
    it more likely an aside than not (``LIKELY``) on its own and is ``ASIDE`` sure of the two read together (an answer's
    last clause, "...so people see it's worth telling me", at 0.39, is not peeled with "Sorry, can you still hear me?")."""
    if _topical(part, _material_words(part, own)):
        return False
    if not before and not after:
        return is_aside(part, bank=bank)
    return is_aside(part, LIKELY, bank) and is_aside(" ".join(t for t in (before, part, after) if t), bank=bank)


def _turn(piece: str, words: Words, i: int) -> float:
    """How much more an aside the ``WINDOW`` words of ``piece`` from word ``i`` read than the ``WINDOW`` words before it,
    from their words alone in either reading: the tier's, sure of both sides of an aside's end, would tell them apart
    less (offline-v24)."""
    n = len(words)
    before = piece[words[max(i - WINDOW, 0)][0] : words[i - 1][1]]
    after = piece[words[i][0] : words[min(i + WINDOW, n) - 1][1]]
    return aside_probability(after) - aside_probability(before)


@lru_cache(maxsize=1)
def everyday() -> frozenset[str]:
    """The plain stems of the most frequent words of English (wordfreq's top 3,000; ``tools/make_everyday_words.py``)."""
    try:
        lines = EVERYDAY_FILE.read_text(encoding="utf-8").splitlines()
    except OSError:  # a broken install still grades, with v8's cut
        return frozenset()
    return frozenset(plain_stem(w) for w in lines if w and not w.startswith("#"))


def _material_words(piece: str, own: frozenset[str]) -> list[str]:
    """The stems of ``piece`` that are words of the question's material (``own``), but for units and stems of one or two
    letters: such a stem is a collision more often than a word ("awful" and "AWS" both fold into "aw"; AWS ties a
    sentence as an acronym anyway) (offline-v11)."""
    return [s for s in stem_set(piece) if s in own and s not in UNITS and len(s) > 2]


def _topical(piece: str, words: list[str]) -> list[str]:
    """Of ``words`` (the question's material in ``piece``), those written in ``piece`` as no everyday word: judged on
    the word as written, not its folded stem ("partition" folds into "scale", an everyday word; "partition" is not).
    A function word is no topic either, listed among the everyday words or not ("whoever": offline-v20)."""
    plain = {stem(w) for w in content_words(piece) if plain_stem(w) not in everyday() and w.lower() not in CONTINUES}
    return [s for s in words if s in plain]


def _bank(corpus: Corpus, aside: float) -> Container[str] | None:
    """The stems of the bank in use, for the tier's reading (``aside`` below ``ASIDE``): the aside model reads there how
    many of a sentence's words no answer it was fitted on and no question of the bank says (offline-v24); None for the
    claims' reading, which it reads from the words alone."""
    return corpus.df if aside < ASIDE else None


def _unsaid(piece: str) -> str:
    """``piece`` without what asides share with answers: a span of time in words, an everyday acronym, "Anyway,"."""
    text = _ANYWAY.sub(" ", _SPAN_OF_TIME.sub(" ", piece))
    return ACRONYM.sub(lambda m: " " if m.group(0).lower() in EVERYDAY_ACRONYMS else m.group(0), text)


def has_substance(piece: str, own: frozenset[str], corpus: Corpus, aside: float = ASIDE) -> bool:
    """Whether ``piece`` carries substance for the question whose ``material`` is ``own`` (the rules above); ``aside``
    is the aside model's probability from which a sentence the rules leave to it is an aside.

    Earlier cuts (offline-v7 to v10) are re-run from their commits, not from switches here.
    """
    words = _material_words(piece, own)
    topical = _topical(piece, words)
    if len(words) >= TIED:
        # three everyday words ("the building is checking the fire doors": build, check, door) tie an aside as often
        # as an answer: the aside model is asked of such a sentence too (offline-v17); and the tier does not weigh what
        # it is sure of, whatever ties it (offline-v18: "reverse" is a word of a question on reversible migrations, and
        # of "my uncle's old van had no reverse gear")
        probability = aside_probability(piece, _bank(corpus, aside))  # asked once for both thresholds
        if aside < ASIDE and probability >= ASIDE:
            return False
        return bool(topical) or probability < aside
    # what else ties it is vetoed by the aside model: the office, the commute, the family, however it touches the
    # question's words (offline-v15); asked only of a sentence the word rules keep
    return _tied_by_less(piece, words, topical, corpus) and not is_aside(piece, aside, _bank(corpus, aside))


def _tied_by_less(piece: str, words: list[str], topical: list[str], corpus: Corpus) -> bool:
    """Whether ``piece``, with fewer than three of the question's words (``words``), is tied to it by the other rules."""
    if any(corpus.df.get(s, 0) <= COMMON * corpus.documents for s in topical):
        return True
    # "I'd just got back from my honeymoon", "Honestly, it feels like a lifetime ago", "the 7:12 train": the signals
    # and a time of day are said of anything, so they tie a sentence only beside the question's words (offline-v10,
    # v11); a name or a number says something of its own ("It took 3 weeks.", "We use SQS.")
    text, clocks = CLOCK.subn(" ", _unsaid(piece))
    if words:
        return bool(clocks) or carries_stance(text) or (bool(topical) and carries_detail(piece))
    return carries_named(text)


def _peeled_pieces(
    text: str, written: list[tuple[int, int]], own: frozenset[str], corpus: Corpus, aside: float, kept: Callable[[tuple[int, int]], bool]
) -> list[tuple[int, int]]:
    """The pieces of ``text`` (``_split``), each with the asides at its edges peeled off (``_peeled``).

    An aside that a run-on split cut in two is peeled whole (offline-v23): where the piece before one of a sentence's
    pieces is cut (not ``kept``), the head of that piece is read as that aside's continuation ("i joined a gym in
    january and the first week | i went every day and then the shower broke ... after that we automate..."), and
    where the piece after is cut, its tail as that aside's start.
    """
    style, out = _style(text, written), []
    for start, end in written:
        raw = _run_on(text, start, end, style)
        cut = [not kept(span) for span in raw] if len(raw) > 1 else [False]
        for i, span in enumerate(raw):
            before = text[slice(*raw[i - 1])] if i and cut[i - 1] else ""
            after = text[slice(*raw[i + 1])] if i + 1 < len(raw) and cut[i + 1] else ""
            out += _peeled(text, span, own, corpus, aside, before, after)
    return out


def substantive(
    text: str, own: frozenset[str], corpus: Corpus, says_rubric: Callable[[str], bool] | None = None, aside: float = ASIDE
) -> str:
    """``text`` without its sentences that carry no substance (``own``: the question's ``material``; ``aside``: as in
    ``has_substance``).

    A sentence split off a run-on (a boundary guessed, not written) is also kept when ``says_rubric`` finds one of the
    question's authored evidence phrases in it: "...so i keep it simple and treat everyone exactly the same" is a red
    flag said in everyday words, which the words alone would not tie to the question. So is a sentence that only an
    ``aside`` below ``ASIDE`` would cut.
    """
    written = _written(text)
    as_written = set(written)

    @cache  # asked of a run-on's pieces before the peel (``_peeled_pieces``) and of the same pieces after it
    def kept_piece(span: tuple[int, int]) -> bool:
        piece = text[span[0] : span[1]]
        if has_substance(piece, own, corpus, aside):
            return True
        if says_rubric is None:
            return False
        # a sentence that says one of the question's evidence phrases is the answer's, however likely an aside it reads
        # to a reading in doubt ("I told her it was just banter", at 0.71; offline-v17)
        doubted = aside < ASIDE and has_substance(piece, own, corpus)
        return (span not in as_written or doubted) and says_rubric(piece)

    spans = _peeled_pieces(text, written, own, corpus, aside, kept_piece)
    keep = [kept_piece(span) for span in spans]
    kept = [n for n, k in enumerate(keep) if k]  # indices into ``spans``: each kept piece's next is found in place
    if not kept or len(kept) == len(spans):
        return text
    out = []
    for n in kept:
        start, end = spans[n]
        out.append(text[start:end])
        if n != kept[-1]:
            separator = text[end : spans[n + 1][0]]  # the separator the sentence had after it
            if not keep[n + 1] and not _ENDED.search(text[start:end] + separator):
                # a sentence of a run-on, cut after this one: a line break keeps the two sides apart, so no quote of
                # the candidate's words joins words they never wrote side by side (offline-v13)
                separator = "\n"
            out.append(separator)
    return "".join(out)
