"""The offline grader's guards: the rules that override its tier model, by name, in one table.

Each guard exists because the mistake it prevents would mislead most (a wrong answer told it is
great, an unrelated answer graded mediocre). ``GUARDS`` says what each one means; the grade
explanation (``offline/explain.py``) says so to the candidate only for the guards whose reading
was audited by readers (``unverified``, ``argued``, ``exemplar``).
"""

from __future__ import annotations

from typing import Literal, get_args

Guard = Literal[
    "exemplar",
    "off_topic",
    "dismissive",
    "unrelated",
    "unverified",
    "argued",
    "buzzword_soup",
    "buzzwords",
    "thin",
    "poor_stance",
    "great_chance",
]

GUARDS: dict[Guard, str] = {
    "exemplar": "the answer is one of the bank's exemplars for the question: placed at that exemplar's anchor",
    "off_topic": "much closer to another question's material than to this one's, covering little of it: poor",
    "dismissive": "waves two or more practices away ('we don't need X', 'Y is overkill'): poor",
    "unrelated": "no key point, hardly any of the question's words or less common key-point words: poor",
    "unverified": "great needs a key point found in the answer's words, no red flag and nothing waved away: else mediocre",
    "argued": "3+ reason words per 100 (\"so\", \"since\", \"because\"), reasons the grader cannot check, and a 3% or "
    "higher chance of poor: mediocre",
    "buzzword_soup": "buzzwords with hardly any concrete detail: poor",
    "buzzwords": "built on buzzwords: never great",
    "thin": "carries almost none of the key points' words: never great",
    "poor_stance": "a real chance of being poor (probability 0.3 or more): never great",
    "great_chance": "a real chance of being great (probability 0.3 or more): never poor (placed mediocre)",
}
OFF_QUESTION: frozenset[Guard] = frozenset({"off_topic", "unrelated"})  # the answer is about something else

assert set(GUARDS) == set(get_args(Guard)), "every guard has its line in the table"
