"""People's ratings of answers, for ``calibrate --ratings``: the file format and its reader.

One rating per JSONL line or CSV row (a ``.csv`` file has a header; anything else is JSONL):

- ``rater`` (required): who rated;
- ``item_id``, or ``question_id`` with ``answer``: which answer (ratings of the same ``item_id``, or of
  the same question and answer text, are ratings of one item);
- ``tier`` (great | mediocre | poor) or ``score`` (1-5), or both (they must agree as in a grade);
- ``question_id`` and ``answer`` are optional with an ``item_id``, and may be given on one rating of
  the item only: with both, the grader grades the answer too; with ``question_id``, disagreements
  are also summed per question.

Every problem is one ``InputError`` naming the file, the line (JSONL) or row (CSV) and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mock_interviewer.answer_input import unpaired_surrogate
from mock_interviewer.bank import ANCHOR_SCORES, TIERS, Bank
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import score_agrees, tier_for_score
from mock_interviewer.jsontext import jsonl_objects
from mock_interviewer.storage import read_user_file

Scale = Literal["score", "tier"]
FIELDS = ("item_id", "question_id", "answer", "rater", "tier", "score")
TIER_VALUE = {"poor": 1, "mediocre": 2, "great": 3}


@dataclass(frozen=True)
class Rating:
    item: str
    rater: str
    tier: str
    score: int | None
    where: str


@dataclass
class RatedItem:
    item: str
    question_id: str | None = None
    answer: str | None = None


@dataclass
class RatingSet:
    """Every rating in a file, its items, and the scale they are compared on."""

    path: str
    ratings: list[Rating] = field(default_factory=list)
    items: dict[str, RatedItem] = field(default_factory=dict)
    rated: set[tuple[str, str]] = field(default_factory=set)

    @property
    def scale(self) -> Scale:
        """Scores when every rating has one, else tiers (scores then count as their tier)."""
        return "score" if all(r.score is not None for r in self.ratings) else "tier"

    @property
    def raters(self) -> list[str]:
        return sorted({r.rater for r in self.ratings})

    def value(self, rating: Rating) -> int:
        return rating.score if self.scale == "score" and rating.score is not None else TIER_VALUE[rating.tier]

    def table(self) -> dict[str, dict[str, int]]:
        """Item -> rater -> value on the scale."""
        out: dict[str, dict[str, int]] = {}
        for rating in self.ratings:
            out.setdefault(rating.item, {})[rating.rater] = self.value(rating)
        return out


def scale_values(scale: Scale) -> list[int]:
    return [1, 2, 3, 4, 5] if scale == "score" else [1, 2, 3]


def _text(row: dict[str, object], name: str, where: str) -> str | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        kind = "a whole number from 1 to 5" if name == "score" else "text"
        raise InputError(f"{where}: field {name!r} must be {kind}")
    text = str(value).strip()
    bad = unpaired_surrogate(text)
    if bad:
        raise InputError(f"{where}: {name}: {bad}")
    return text or None


def _tier_and_score(row: dict[str, object], where: str) -> tuple[str, int | None]:
    tier = _text(row, "tier", where)
    raw = _text(row, "score", where)
    score = None
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= 5:
            raise InputError(f"{where}: score {raw!r} is not a whole number from 1 to 5")
        score = int(raw)
    if tier is not None:
        tier = tier.lower()
        if tier not in TIERS:
            raise InputError(f"{where}: tier {tier!r} is not one of great, mediocre, poor")
    if tier is None and score is None:
        raise InputError(f"{where}: needs a tier (great, mediocre, poor) or a score (1-5)")
    if tier is not None and score is not None and not score_agrees(tier, score):
        raise InputError(f"{where}: score {score} does not agree with tier {tier!r} (poor 1-2, mediocre 2-4, great 4-5)")
    return tier or tier_for_score(score or ANCHOR_SCORES["mediocre"]), score


def _add(found: RatingSet, row: dict[str, object], where: str, bank: Bank) -> None:
    unknown = set(row) - set(FIELDS) - {"note"}
    if unknown:
        raise InputError(f"{where}: unknown field {sorted(unknown)[0]!r} (expected {', '.join(FIELDS)})")
    rater = _text(row, "rater", where)
    if rater is None:
        raise InputError(f"{where}: missing field 'rater'")
    question_id, answer, item_id = (_text(row, n, where) for n in ("question_id", "answer", "item_id"))
    if question_id is not None:
        try:
            bank.get(question_id)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
    if item_id is None:
        if question_id is None or answer is None:
            raise InputError(f"{where}: needs item_id, or question_id and answer")
        item_id = "sha256:" + hashlib.sha256(f"{question_id}\0{answer}".encode()).hexdigest()[:12]
    tier, score = _tier_and_score(row, where)
    item = found.items.setdefault(item_id, RatedItem(item_id))
    for name, value in (("question_id", question_id), ("answer", answer)):
        known = getattr(item, name)
        if value is not None and known is not None and known != value:
            raise InputError(f"{where}: {name} differs from an earlier rating of item {item_id!r}")
        if value is not None:
            setattr(item, name, value)
    if (item_id, rater) in found.rated:
        raise InputError(f"{where}: rater {rater!r} already rated item {item_id!r}")
    found.rated.add((item_id, rater))
    found.ratings.append(Rating(item_id, rater, tier, score, where))


def _rows(path: Path, text: str) -> list[tuple[str, dict[str, object]]]:
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames:
            raise InputError(f"{path}: empty CSV file (expected a header with rater, tier or score, …)")
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
        rows: list[tuple[str, dict[str, object]]] = []
        for row in reader:
            if None in row:
                raise InputError(f"{path}:{reader.line_num}: more cells than the header has columns")
            rows.append((f"{path}:{reader.line_num}", {k: v for k, v in row.items() if k}))
        return rows
    rows = [(where, data) for where, _line, data in jsonl_objects(text, str(path), "rater and tier or score")]
    return rows


def load_ratings(path: Path, bank: Bank) -> RatingSet:
    """Read a ratings file (JSONL, or CSV with a header); every problem names the file and line."""
    raw = read_user_file(path, "a JSONL or CSV file of ratings")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    found = RatingSet(str(path))
    for where, row in _rows(path, text):
        _add(found, row, where, bank)
    if not found.ratings:
        raise InputError(f"{path}: no ratings in the file")
    if len(found.raters) < 2 and not any(i.answer and i.question_id for i in found.items.values()):
        raise InputError(f"{path}: one rater and no answer text: there is nothing to compare the ratings with")
    return found
