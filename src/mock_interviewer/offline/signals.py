"""Surface signals of substance that do not depend on the question: concreteness, ownership,
trade-offs, and the language of a poor answer (reactive, dismissive, blaming, cutting corners).

Each is a count of short, readable patterns, so a grade can say *why* ("names no concrete
technique or number") and a long fluent answer without substance gains nothing from length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mock_interviewer.offline.text import words

_NUMBER = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|ms|s\b|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|x\b|k\b|"
    r"gb|mb|tb|rps|qps|req|requests|engineers?|people|services?|teams?)|\b\d+(?:\.\d+)?%|\bp(?:50|90|95|99)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}s?\b")
_NAMED = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:[A-Z][a-z]+)+\b|\b[a-z]+_[a-z_]+\b|\b[A-Za-z]+(?:/[A-Za-z0-9]+)+\b")

_OWNERSHIP = re.compile(
    r"\b(?:i|we)\s+(?:decided|chose|introduced|set up|built|wrote|led|drove|pushed|proposed|designed|created|"
    r"started|ran|changed|moved|made|measured|rolled|added|replaced|negotiated|asked|agreed|owned|own|established|"
    r"put in place|instituted|defined|insisted|require|required|reserve|reserved|budget|track|tracked|review|reviewed)\b"
    r"|\bmy (?:first|rule|default|approach|job|role|team|goal)\b|\bi (?:personally|make sure|always|insist|push)\b",
    re.IGNORECASE,
)
_TRADEOFF = re.compile(
    r"\btrade-?offs?\b|\bat the (?:cost|expense) of\b|\bdownside\b|\bupside\b|\bcost of\b|\brather than\b|\binstead of\b|"
    r"\bit depends\b|\bdepending on\b|\bunless\b|\bonly when\b|\bonly if\b|\bwhen (?:it|the|we)\b[^.]{0,40}\b(?:then|otherwise)\b|"
    r"\bbalanc(?:e|ing)\b|\bweigh(?:ed|ing)?\b|\bcheaper\b|\bcost(?:s|ly)?\b|\brisk(?:s|y)?\b|\bwhy\b|\bbecause\b|\bso that\b",
    re.IGNORECASE,
)
_POOR = re.compile(
    r"\bhonestly\b|\bwe just\b|\bjust (?:fix|ship|restart|add|tell|ask|do|push|deploy|let|use|put|wait)\b|"
    r"\bwhen (?:it|they|something) (?:becomes?|gets?|breaks?|is) (?:a )?(?:blocker|problem|broken|an issue|too)\b|"
    r"\bif (?:something|it) (?:is )?(?:actually |really )?(?:breaks?|broken|goes wrong)\b|\breactive(?:ly)?\b|"
    r"\b(?:don't|do not|never|rarely) (?:really |usually |bother|have time|need)\b|\bnot my (?:job|problem|call)\b|"
    r"\btheir (?:fault|problem)\b|\bblame\b|\bwhatever\b|\bhope(?:fully)?\b|\bskip(?:s|ped|ping)?\b|\bcut corners\b|"
    r"\bcompromise on\b|\bworry about (?:it|that) later\b|\bcan wait\b|\bfigure it out\b|\bgut feel(?:ing)?\b|"
    r"\beasy\b|\bsimple:|\beverything\b|\balways works\b|\bnot (?:a )?(?:big deal|worth)\b|\bdistract(?:ed|ion)?\b|"
    r"\b(?:qa|ops|the business|management) (?:will|should|handles?|catches?|tests? everything)\b",
    re.IGNORECASE,
)
_BUZZ = re.compile(
    r"\b(?:leverage|synerg\w*|best-in-class|world-class|cutting-edge|game-?chang\w*|paradigm|holistic\w*|"
    r"seamless\w*|empower\w*|unlock\w*|journey|transformation\w*|innovative|innovation|robust|next-gen\w*|"
    r"single pane of glass|ai-driven|cloud-native|future-proof|north star|move the needle|world class|"
    r"state-of-the-art|disrupt\w*|agility|velocity|scalable|passionate)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signals:
    words: int
    numbers: int
    named: int
    ownership: int
    tradeoffs: int
    poor_language: int
    buzzwords: int


def signals(text: str) -> Signals:
    return Signals(
        words=len(words(text)),
        numbers=len(_NUMBER.findall(text)),
        named=len(set(_ACRONYM.findall(text)) | set(_NAMED.findall(text))),
        ownership=len(_OWNERSHIP.findall(text)),
        tradeoffs=len(_TRADEOFF.findall(text)),
        poor_language=len(_POOR.findall(text)),
        buzzwords=len(_BUZZ.findall(text)),
    )
