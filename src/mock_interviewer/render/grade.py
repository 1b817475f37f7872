"""Rendering one grade for people.

Laid out for an 80-column terminal and for reading top to bottom: which question,
the verdict (tier in words *and* colour, so it survives ``NO_COLOR`` and a
copy-paste), the gap to the great answer, then what to add (each with why it
matters), what went well, and a dim footer saying who graded it. No boxes around
the prose, so it copies into notes cleanly; lists hang-indent when they wrap.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from mock_interviewer.bank import Question
from mock_interviewer.grade_model import Gap, Grade, Usage
from mock_interviewer.render import TIER_STYLE, sentence_case
from mock_interviewer.safetext import for_terminal

INDENT = 2


def score_meter(score: int, style: str) -> Text:
    """``●●●○○ 3/5``: the score at a glance, in the tier's colour."""
    return Text.assemble(("●" * score, style), ("○" * (5 - score), "dim"), (f"  {score}/5", "bold"))


def verdict_line(grade: Grade) -> Text:
    assert grade.tier is not None and grade.score is not None
    style = TIER_STYLE[grade.tier]
    colour = style.split()[-1]
    badge = Text(f" {grade.tier.upper()} ", style=f"bold reverse {colour}")
    line = Text.assemble(badge, "  ", score_meter(grade.score, colour))
    if grade.estimate:
        line.append("   offline estimate", style="italic dim")
    return line


def _numbered(items: Sequence[RenderableType], marker: str | None = None, marker_style: str = "bold") -> Table:
    """A list whose wrapped lines stay under their own text, not under the number."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, justify="right", style=marker_style)
    table.add_column(overflow="fold")
    for number, item in enumerate(items, start=1):
        table.add_row(marker or f"{number}.", item)
    return table


def _gap_item(gap: Gap) -> Text:
    text = Text(for_terminal(gap.point).strip(), style="bold")
    why = for_terminal(gap.why_it_matters).strip()
    if why:
        text.append("\n")
        text.append("Why it matters: ", style="dim italic")
        text.append(why, style="dim")
    return text


def _section(title: str, body: RenderableType) -> Group:
    return Group(Text(title, style="bold underline"), Padding(body, (0, 0, 0, INDENT)))


def usage_text(usage: Usage | None) -> str:
    if usage is None or not (usage.prompt_tokens or usage.completion_tokens):
        return ""
    cached = f", {usage.cached_tokens:,} cached" if usage.cached_tokens else ""
    return f"{usage.prompt_tokens:,} tokens in{cached}, {usage.completion_tokens:,} out"


def footer(grade: Grade, width: int = 80) -> Text:
    """Who graded it and how: enough to reproduce or distrust the grade.

    Parts are packed into lines whole, so a line never breaks inside "150 out".
    """
    if grade.estimate:
        parts = [f"offline estimate ({grade.backend} backend, {grade.model})", "from the exemplars and rubric notes"]
    else:
        parts = [f"{grade.backend} · {grade.model}"]
        if grade.system_fingerprint:
            parts.append(grade.system_fingerprint)
        used = usage_text(grade.usage)
        if used:
            parts.append(used)
    if grade.truncated:
        parts.append("answer truncated to the token budget")
    if grade.prompt_version and not grade.estimate:
        parts.append(f"prompt {grade.prompt_version}")
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return Text("\n".join(lines), style="dim")


def borderline_line(grade: Grade) -> Text:
    """Too close to call: the tiers it lies between, and what shows it (the samples, or the tier model's margin)."""
    mark = grade.borderline
    assert mark is not None
    between = " and ".join(mark.tiers)
    if mark.basis == "samples" and grade.samples:
        from mock_interviewer.sampling import samples_seen

        why = samples_seen(grade.samples)
    else:
        why = f"the tier model's two likeliest tiers are {mark.margin} apart"
    return Text.assemble(("◐ Borderline: ", "bold yellow"), (f"between {between} ({why}); a person should decide.", "yellow"))


def grade_view(grade: Grade, question: Question, *, width: int = 80) -> RenderableType:
    """A graded answer: verdict, the gap explained, what to add, strengths, and who graded it."""
    parts: list[RenderableType] = [
        Text.assemble((question.id, "bold cyan"), (f"  ·  {question.category}", "dim")),
        Text(sentence_case(question.text.strip()), style="bold"),
        Text(""),
        verdict_line(grade),
    ]
    if grade.explanation.strip():
        parts += [Text(""), Padding(Text(for_terminal(grade.explanation).strip()), (0, 0, 0, INDENT))]
    if grade.gaps:
        parts += [Text(""), _section("What to add", _numbered([_gap_item(g) for g in grade.gaps]))]
    elif grade.tier == "great" and not grade.estimate:  # the offline grader lists gaps only where it is sure
        parts += [Text(""), Padding(Text("Nothing essential is missing.", style="green"), (0, 0, 0, INDENT))]
    if grade.strengths:
        strengths = [Text(for_terminal(s).strip()) for s in grade.strengths if s.strip()]
        parts += [Text(""), _section("What you did well", _numbered(strengths, marker="✓", marker_style="green"))]
    if grade.borderline is not None:
        parts += [Text(""), borderline_line(grade)]
    if grade.suspicious:
        parts += [
            Text(""),
            Text.assemble(
                ("⚠ ", "bold yellow"),
                ("The grader flagged text in the answer as aimed at it (instructions or a ready-made verdict). ", "yellow"),
                ("Such text is ignored: only the substance is graded.", "yellow"),
            ),
        ]
    if grade.delivery is not None:  # from the detectors, not the grader: words, speaking time, own actions
        from mock_interviewer.render.delivery import delivery_lines

        parts += [Text(""), *delivery_lines(grade.delivery)]
    parts += [Text(""), Rule(style="dim"), footer(grade, width)]
    return Group(*parts)
