"""Structure of a behavioural answer (STAR): the sentences that give a situation and the candidate's own
actions, each with its span. Results are not detected: every pattern tried for them was wrong too often
(a change with a figure is as often the problem as the outcome: "latency went from 300 ms to 8 s").

Only what is found is reported, with the words it was found in; nothing is said about what was not
found (a story can set its scene in ways no pattern lists). The patterns are narrow on purpose
(``bench/star_audit.py`` measures their precision on answers by other writers):

- *situation*: a sentence that places a past story ("At my last company…", "When I was…", "Last year…",
  "There was a time…", "A few months ago…");
- *action*: "I" followed by a past-tense verb of doing ("I scheduled", "I wrote"), not of thinking or
  feeling ("I realised", "I felt", "I valued"), nor one that reads the same in the present ("I put",
  "I set up", "I cut": as often a habit as a story).

An action inside a clause that sets the scene ("When I took over the team…") or looks back on the story
("What I changed in myself…") is not counted.
"""

from __future__ import annotations

import re
from typing import Literal

from mock_interviewer.strict import StrictModel

Part = Literal["situation", "action"]
BEHAVIOURAL = "behavioral"  # the bank's category for questions that ask for a story


def is_behavioural(category: str) -> bool:
    """Whether a question of this category asks for a story, so its answers get STAR parts (the one rule)."""
    return category == BEHAVIOURAL

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_SITUATION = re.compile(
    r"^\s*(?:so,?\s+|okay,?\s+|yeah,?\s+)?(?:at my (?:last|previous|old|current|first) (?:job|company|role|team|employer)\b"
    r"|(?:when|while) i was\b|last (?:year|quarter|spring|summer|autumn|fall|winter)\b(?!,? (?:that|this|it)\b)|in 20\d\d\b"
    r"|there was a (?:time|point|project|case)\b|a few (?:years|months) ago\b|(?:once|one time),)",
    re.IGNORECASE,
)
_NOT_ACTIONS = (
    "realized|realised|noticed|felt|wanted|needed|hoped|liked|loved|hated|learned|learnt|thought|believed|knew|"
    "assumed|expected|wondered|worried|feared|guessed|was|were|had|used|seemed|supposed|tended|happened|"
    "interviewed|joined|inherited|started|failed|missed|forgot|got|observed|discovered|waited|worked|wished|"
    "heard|saw|found|valued|appreciated|enjoyed|cared|need|proceed|succeed|exceed|feed|speed|embed"
)
_ACTION = re.compile(
    rf"\bI (?:then |also |first |quickly |personally |immediately )?(?!(?:{_NOT_ACTIONS})\b)"
    r"(?:[a-z]+ed|sat down|made|ran|wrote|led|met|told|gave|brought|built|chose|spoke|took(?! away)|held|"
    r"kept|sent|drew|drove|rewrote)\b(?! to\b)",
)

_CONTEXT_BEFORE = re.compile(r"\b(?:when|while|after|before|since|if|once|that|what)\s+$", re.IGNORECASE)


class StarPart(StrictModel):
    part: Part
    start: int
    end: int
    text: str


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def star_parts(text: str) -> list[StarPart]:
    """Situation sentences and action phrases found in an answer, in order."""
    found: list[StarPart] = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        if _SITUATION.search(sentence):
            found.append(StarPart(part="situation", start=start, end=end, text=sentence.strip()))
    for match in _ACTION.finditer(text):
        if _CONTEXT_BEFORE.search(text[max(0, match.start() - 8) : match.start()]):
            continue  # "When I took over…" sets the scene; it is not an action of the story
        found.append(StarPart(part="action", start=match.start(), end=match.end(), text=match.group(0)))
    return sorted(found, key=lambda p: (p.start, p.part))
