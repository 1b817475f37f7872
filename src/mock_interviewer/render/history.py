"""One question's history for a terminal: each attempt, what changed, and the great exemplar."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from mock_interviewer.compare import AttemptComparison
from mock_interviewer.delivery import Delivery
from mock_interviewer.delivery_note import spoken
from mock_interviewer.history import AttemptDetail, QuestionHistory
from mock_interviewer.render import TIER_LABEL, TIER_STYLE, sentence_case
from mock_interviewer.render.delivery import fillers_sentence
from mock_interviewer.render.progress import when
from mock_interviewer.star import StarPart

EXCERPT = 400  # characters of each earlier answer shown


def _bullets(points: list[str], bullet_style: str = "") -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for point in points:
        table.add_row(Text("  •", style=bullet_style), Text(point))
    return table


def _points(label: str, points: list[str], style: str) -> RenderableType | None:
    if not points:
        return None
    return Group(Text(f"{label}:", style=f"bold {style}"), _bullets(points, style))


def comparison_lines(change: AttemptComparison) -> list[RenderableType]:
    """The score against the attempt before, the points now covered, still missing, newly missing."""
    sign = "same score" if change.change == 0 else f"{change.change:+d}"
    lines: list[RenderableType | None] = [
        Text(f"Against the attempt before: {change.previous_score}/5 → {change.score}/5 ({sign})", style="bold"),
        _points("Now covered", change.now_covered, "green"),
        _points("Still missing", change.still_missing, "yellow"),
        _points("Newly missing", change.newly_missing, "red"),
        _points("No longer named as missing (the grade does not say they are covered)", change.no_longer_named, "dim"),
    ]
    return [line for line in lines if line is not None]


def delivery_line(delivery: Delivery) -> Text:
    """Words and estimated speaking time, then the fillers and hedges found, in one dim line.

    Fillers and hedges are named: a reader who wrote neither the detectors nor the answers agreed with 129
    of 131 found in spoken answers by another writer (docs/progress.md).
    """
    text = f"{delivery.words} words · about {spoken(delivery.speaking_seconds)} spoken"
    extra = fillers_sentence(delivery.fillers, delivery.hedges)
    return Text(f"{text} · {extra}" if extra else text, style="dim")


def star_line(parts: list[StarPart]) -> Text:
    """The candidate's own actions found in a story, with their words (nothing is said about the rest).

    Only actions: readers who did not write the detector agreed with 95.8% of them (46 of 48) on answers
    it was not shaped on; with 5 of 6 situations, the "situation" reading is not said.
    """
    actions = [p.text for p in parts if p.part == "action"]
    if not actions:
        return Text("STAR: no action of yours found by the detector", style="dim")
    shown = ", ".join(f"“{a}”" for a in actions[:4]) + (", …" if len(actions) > 4 else "")
    return Text(f"STAR: found {len(actions)} of your own action{'s' if len(actions) != 1 else ''} ({shown})", style="dim")


def _attempt(number: int, attempt: AttemptDetail) -> RenderableType:
    head = Text.assemble(
        (f"Attempt {number}", "bold"), f" · {attempt.at:%Y-%m-%d %H:%M}  ",
        (f" {TIER_LABEL[attempt.tier].upper()} ", f"reverse {TIER_STYLE[attempt.tier]}"), f" {attempt.score}/5",
        (" · offline estimate" if attempt.estimate else "", "dim"), (f" · session {attempt.session_id}", "dim"),
    )
    answer = attempt.answer if len(attempt.answer) <= EXCERPT else attempt.answer[:EXCERPT].rstrip() + "…"
    body: list[RenderableType] = [Text(answer or "(no answer text)", style="italic"), delivery_line(attempt.delivery)]
    if attempt.star is not None:
        body.append(star_line(attempt.star))
    if attempt.against_previous is not None:
        body += comparison_lines(attempt.against_previous)
    elif attempt.missing:
        body.append(_points("Missing", attempt.missing, "yellow") or Text())
    return Group(head, Padding(Group(*body), (0, 0, 1, 2)))


def history_view(history: QuestionHistory, *, now: datetime, practise_command: str) -> RenderableType:
    parts: list[RenderableType] = [
        Text.assemble((history.question_id, "bold cyan"), f" · {history.category} · track {history.track}"),
        Text(sentence_case(history.text)), Text(),
    ]
    if not history.attempts:
        parts.append(Text("No graded attempt at this question yet.", style="dim"))
    parts += [_attempt(n, a) for n, a in enumerate(history.attempts, 1)]
    parts.append(Rule("The great answer", align="left", style="green"))
    parts.append(Padding(Text(history.great_answer), (0, 0, 0, 2)))
    if history.key_points:
        parts.append(Text("The key points it covers:", style="bold"))
        parts.append(_bullets(history.key_points, "green"))
    parts.append(Text())
    if history.due is not None:
        parts.append(Text.assemble(("Next review: ", "bold"), when(history.due, now)))
    parts.append(Text.assemble("Practise it again: ", (practise_command, "bold")))
    return Group(*parts)
