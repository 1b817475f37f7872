"""Rendering questions and bank listings."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mock_interviewer.bank import TIERS, Question, Track
from mock_interviewer.render import TIER_LABEL, TIER_STYLE, sentence_case


def bank_table(questions: Sequence[Question], tracks: dict[str, Track]) -> Table:
    table = Table(title=None, show_lines=False, expand=False, pad_edge=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("question", overflow="fold")
    for question in questions:
        table.add_row(question.id, question.category, sentence_case(question.text))
    return table


def track_summary(tracks: dict[str, Track], counts: dict[str, int]) -> Text:
    parts = []
    for track in tracks.values():
        limit = f", {track.time_limit_minutes} min" if track.time_limit_minutes else ""
        parts.append(f"{track.id} ({counts.get(track.id, 0)} questions{limit}): {track.title}")
    return Text("\n".join(parts), style="dim")


def question_view(question: Question, track: Track, *, width: int) -> RenderableType:
    """A question with its exemplars: side by side when the terminal is wide, stacked otherwise."""
    header = Text.assemble(
        (question.id, "bold cyan"),
        f"  ·  {track.title}  ·  {question.category}\n",
        (sentence_case(question.text), "bold"),
    )
    panels = [
        Panel(
            Text(question.exemplars.get(tier)),
            title=Text(f"{TIER_LABEL[tier]} (score {score})", style=TIER_STYLE[tier]),
            title_align="left",
            border_style=TIER_STYLE[tier].split()[-1],
        )
        for tier, score in zip(TIERS, (5, 3, 1), strict=True)
    ]
    if width >= 150:
        grid = Table.grid(expand=True, padding=(0, 1))
        for _ in panels:
            grid.add_column(ratio=1)
        grid.add_row(*panels)
        body: RenderableType = grid
    else:
        body = Group(*panels)
    notes: list[RenderableType] = []
    if question.key_points:
        notes.append(Text("Key points of a great answer", style="bold"))
        notes.extend(Text(f"  • {point}") for point in question.key_points)
    if question.red_flags:
        notes.append(Text("Red flags", style="bold"))
        notes.extend(Text(f"  • {flag}") for flag in question.red_flags)
    return Group(header, body, *notes)
