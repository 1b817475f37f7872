"""Import question banks from source documents.

Two shapes are understood, detected automatically:

* **single-line**: a lower-cased document whose questions run together on one
  line, ``1\\ question? great response "…" mediocre response "…" poor response "…"``,
  with section words (``technical questions``, ``behavioral/cultural fit questions``)
  marking categories. When the numbering restarts at 1 a new question set begins;
  one document may hold several sets, one per track. Header lines before the
  questions give the title and a time limit (``22 min``).
* **line-based**: ``1. Question`` lines followed by ``Great Response: "…"``,
  ``Mediocre Response: "…"`` and ``Poor Response: "…"``; a response may continue on
  following lines (for instance a URL broken over two lines).

Exemplars are kept verbatim; only whitespace is normalised (a line break before
closing punctuation such as ``)`` or ``.`` is removed, since it split a word or URL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mock_interviewer.bank import (
    TRACK_PATTERN,
    BankFile,
    Category,
    Exemplars,
    Question,
    Track,
    _read_text,
    default_role,
    normalise_whitespace,
)
from mock_interviewer.errors import InputError


@dataclass
class RawQuestion:
    number: int
    text: str
    category: Category
    exemplars: dict[str, str]
    line: int


@dataclass
class RawSet:
    """One question set found in a document, before it is given a track id."""

    title: str | None
    time_limit_minutes: int | None
    questions: list[RawQuestion] = field(default_factory=list)


@dataclass
class ImportResult:
    banks: list[BankFile]
    warnings: list[str]


_TIME_LIMIT = re.compile(r"^\s*(\d+)\s*(?:min|mins|minutes)\b", re.IGNORECASE)
_BEHAVIORAL = re.compile(r"behaviou?ral|cultural", re.IGNORECASE)
_TECHNICAL = re.compile(r"technical\s+questions", re.IGNORECASE)
_SINGLE_QUESTION = re.compile(
    r"(?P<num>\d+)\\\s*(?P<text>.*?)\s*great response\s*\"(?P<great>[^\"]*)\"\s*"
    r"mediocre response\s*\"(?P<mediocre>[^\"]*)\"\s*poor response\s*\"(?P<poor>[^\"]*)\"",
    re.IGNORECASE | re.DOTALL,
)
_LINE_QUESTION = re.compile(r"^\s*(\d+)[.)]\s+(\S.*)$")
_LINE_RESPONSE = re.compile(r"^\s*(great|mediocre|poor)\s+response\s*:\s*(.*)$", re.IGNORECASE)
_CLOSING_PUNCTUATION = tuple(")]},.;:!?")


def detect_format(text: str) -> str:
    if re.search(r"^\s*(great|mediocre|poor)\s+response\s*:", text, re.IGNORECASE | re.MULTILINE):
        return "line-based"
    if re.search(r"\d+\\\s*\S.*?great response\s*\"", text, re.IGNORECASE | re.DOTALL):
        return "single-line"
    raise InputError(
        "no questions found: expected '1\\ question? great response \"…\"' (single-line) "
        "or '1. Question' with 'Great Response: \"…\"' lines (line-based)"
    )


def _category_from(text: str, current: Category) -> Category:
    """The category a stretch of text between questions switches to, if it names one."""
    if _BEHAVIORAL.search(text):
        return "behavioral"
    if _TECHNICAL.search(text):
        return "technical"
    return current


def _header(lines: Sequence[str]) -> tuple[str | None, int | None]:
    title, minutes = None, None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        match = _TIME_LIMIT.match(stripped)
        if match:
            minutes = int(match.group(1))
        elif title is None:
            title = stripped
    return title, minutes


def parse_single_line(text: str) -> tuple[list[RawSet], list[str]]:
    warnings: list[str] = []
    matches = list(_SINGLE_QUESTION.finditer(text))
    if not matches:
        raise InputError("no questions found in the single-line format")
    header_text = text[: matches[0].start()]
    header_lines = header_text.splitlines()
    # the last header line may carry a section word before question 1 ("technical questions 1\ …")
    title, minutes = _header([ln for ln in header_lines if not _TECHNICAL.search(ln) and not _BEHAVIORAL.search(ln)])
    sets = [RawSet(title=title, time_limit_minutes=minutes)]
    category: Category = _category_from(header_text, "technical")
    previous_number = 0
    position = matches[0].start()
    for match in matches:
        between = text[position : match.start()]
        number = int(match.group("num"))
        if number <= previous_number:
            sets.append(RawSet(title=None, time_limit_minutes=None))
            category = "technical"
        category = _category_from(between, category)
        line = text.count("\n", 0, match.start()) + 1
        question_text = normalise_whitespace(match.group("text"))
        if not question_text:
            raise InputError(f"line {line}: question {number} has no text")
        sets[-1].questions.append(
            RawQuestion(
                number=number,
                text=question_text,
                category=category,
                exemplars={tier: normalise_whitespace(match.group(tier)) for tier in ("great", "mediocre", "poor")},
                line=line,
            )
        )
        previous_number = number
        position = match.end()
    trailing = text[position:].strip()
    if trailing:
        warnings.append(f"ignored text after the last question: {trailing[:60]!r}")
    return sets, warnings


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        out = out + part if (not out or part.startswith(_CLOSING_PUNCTUATION)) else out + " " + part
    return normalise_whitespace(out)


def _unquote(text: str) -> str:
    text = text.strip()
    for opening, closing in (('"', '"'), ("“", "”")):
        if text.startswith(opening) and text.endswith(closing) and len(text) >= 2:
            return text[1:-1].strip()
    return text


def parse_line_based(text: str) -> tuple[list[RawSet], list[str]]:
    warnings: list[str] = []
    lines = text.splitlines()
    first_question = next((i for i, ln in enumerate(lines) if _LINE_QUESTION.match(ln)), None)
    if first_question is None:
        raise InputError("no numbered questions ('1. …') found")
    title, minutes = _header([ln for ln in lines[:first_question] if not _BEHAVIORAL.search(ln)])
    sets = [RawSet(title=title, time_limit_minutes=minutes)]
    category: Category = _category_from("\n".join(lines[:first_question]), "technical")
    current: RawQuestion | None = None
    open_tier: str | None = None
    parts: dict[str, list[str]] = {}
    previous_number = 0

    def close_question() -> None:
        nonlocal current
        if current is None:
            return
        for tier in ("great", "mediocre", "poor"):
            if tier not in parts:
                raise InputError(f"line {current.line}: question {current.number} has no {tier.title()} Response")
            current.exemplars[tier] = _unquote(_join(parts[tier]))
            if not current.exemplars[tier]:
                raise InputError(f"line {current.line}: question {current.number} has an empty {tier.title()} Response")
        sets[-1].questions.append(current)
        current = None

    for index, raw in enumerate(lines[first_question:], start=first_question + 1):
        line = raw.rstrip()
        question = _LINE_QUESTION.match(line)
        response = _LINE_RESPONSE.match(line)
        if question and open_tier is None:
            close_question()
            number = int(question.group(1))
            if number <= previous_number:
                sets.append(RawSet(title=None, time_limit_minutes=None))
                category = "technical"
            previous_number = number
            current = RawQuestion(number, normalise_whitespace(question.group(2)), category, {}, index)
            parts = {}
        elif response:
            if current is None:
                raise InputError(f"line {index}: a response comes before any numbered question")
            tier = response.group(1).lower()
            if tier in parts:
                raise InputError(f"line {index}: question {current.number} has a second {tier.title()} Response")
            parts[tier] = [response.group(2)]
            open_tier = tier if _opens_quote(response.group(2)) else None
        elif open_tier is not None:
            parts[open_tier].append(line)
            if _ends_quote(line):
                open_tier = None
        elif line.strip():
            if _BEHAVIORAL.search(line) or _TECHNICAL.search(line):
                category = _category_from(line, category)
            else:
                warnings.append(f"line {index}: ignored {line.strip()[:60]!r}")
    close_question()
    return sets, warnings


def _opens_quote(first_fragment: str) -> bool:
    """Whether a response's first line opens a quotation that it does not close."""
    stripped = first_fragment.strip()
    return stripped.startswith(('"', "“")) and not (len(stripped) > 1 and _ends_quote(stripped))


def _ends_quote(fragment: str) -> bool:
    return fragment.rstrip().endswith(('"', "”"))


def parse_document(text: str) -> tuple[list[RawSet], list[str]]:
    fmt = detect_format(text)
    return parse_single_line(text) if fmt == "single-line" else parse_line_based(text)


def _check_track_ids(tracks: Sequence[str]) -> None:
    for track_id in tracks:
        if not re.fullmatch(TRACK_PATTERN, track_id):
            raise InputError(
                f"--track {track_id!r}: a track id is lower-case letters, digits, '-' and '_', "
                "starting with a letter or digit (it names the bank file)"
            )


def import_document(
    path: Path,
    tracks: Sequence[str],
    *,
    question_set: int | None = None,
    title: str | None = None,
    role: str | None = None,
    time_limit_minutes: int | None = None,
) -> ImportResult:
    """Import the question sets of a document as bank files, one per track id given.

    With ``question_set`` (1-based), only that set is imported, as the single track given.
    """
    _check_track_ids(tracks)
    text = _read_text(path)
    try:
        sets, warnings = parse_document(text)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    if question_set is not None:
        if not 1 <= question_set <= len(sets):
            raise InputError(
                f"{path}: --set {question_set} is out of range (the document holds {len(sets)} question sets)"
            )
        sets = [sets[question_set - 1]]
    if len(tracks) != len(sets):
        sizes = ", ".join(f"set {i} has {len(s.questions)} questions" for i, s in enumerate(sets, 1))
        raise InputError(
            f"{path}: the document holds {len(sets)} question set(s) ({sizes}) but {len(tracks)} track id(s) were given; "
            "pass one --track per set, in order, or choose one set with --set N"
        )
    banks = []
    for track_id, raw in zip(tracks, sets, strict=True):
        track = Track(
            id=track_id,
            title=title or raw.title or f"{track_id.replace('-', ' ').replace('_', ' ').title()} questions",
            role=(role or "").strip() or default_role(track_id),
            time_limit_minutes=time_limit_minutes if time_limit_minutes is not None else raw.time_limit_minutes,
        )
        questions = []
        for q in raw.questions:
            try:
                questions.append(
                    Question(
                        id=f"{track_id}-{q.number:02d}",
                        track=track_id,
                        number=q.number,
                        category=q.category,
                        text=q.text,
                        exemplars=Exemplars(**q.exemplars),
                    )
                )
            except ValueError as exc:
                raise InputError(f"{path}:{q.line}: question {q.number}: {str(exc).splitlines()[0]}") from None
        banks.append(BankFile(track=track, questions=questions))
    return ImportResult(banks=banks, warnings=[f"{path}: {w}" for w in warnings])
