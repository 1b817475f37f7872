"""The progress report for people: a terminal view (Rich) and the JSON document, from one ProgressReport."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mock_interviewer.grade_model import tier_for_score
from mock_interviewer.progress import AreaProgress, DeliveryTrend, ProgressReport, QuestionProgress, ReviewItem
from mock_interviewer.render import TIER_STYLE, plural, sentence_case

BARS = " ▁▃▅▇█"  # score 1..5 as a bar height (index = score)
TREND_STYLE = {"improving": "bold green", "slipping": "bold red", "steady": "bold yellow", "too few sessions": "dim"}
MOST_SHOWN = 12  # attempts shown per question in the terminal (the latest ones)


def score_text(score: float) -> Text:
    """"3.5/5" coloured by the tier the score is nearest to."""
    tier = tier_for_score(round(score))
    return Text(f"{score:.1f}/5" if score % 1 else f"{score:.0f}/5", style=TIER_STYLE[tier].replace("bold ", ""))


def history(scores: Sequence[int]) -> Text:
    """A question's scores as small bars, oldest first, each coloured by its tier."""
    text = Text()
    shown = list(scores)[-MOST_SHOWN:]
    if len(scores) > MOST_SHOWN:
        text.append("… ", style="dim")
    for score in shown:
        text.append(BARS[score], style=TIER_STYLE[tier_for_score(score)].replace("bold ", ""))
    return text


def when(moment: datetime, now: datetime) -> str:
    days = (moment.date() - now.date()).days
    if moment <= now:
        return "due now" if days >= -1 else f"due now ({-days} days overdue)"
    return "tomorrow" if days == 1 else f"in {days} days ({moment:%b} {moment.day})"


def _headline(report: ProgressReport) -> RenderableType:
    first, last = report.timeline[0].at, report.timeline[-1].at
    span = f"{first:%Y-%m-%d}" if first.date() == last.date() else f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
    facts = [plural(report.sessions, "session"), plural(report.attempts, "graded answer"), span]
    if report.track:
        facts.insert(0, f"track {report.track}")
    line = Text.assemble(("Progress", "bold"), " · " + " · ".join(facts))
    trend = Text.assemble(("Trend: ", "bold"), (report.trend, TREND_STYLE[report.trend]))
    if report.trend_change is not None:
        trend.append(f" ({report.trend_change:+.1f}: your later sessions' mean score against your earlier ones)", style="dim")
    sessions = Text("Sessions: ", style="bold")
    sessions.append_text(history([round(p.mean_score) for p in report.timeline]))
    sessions.append(f"  mean {report.timeline[-1].mean_score:.1f}/5 last time", style="dim")
    parts: list[RenderableType] = [line, trend, sessions]
    if report.delivery is not None:
        parts.append(delivery_text(report.delivery))
    if report.estimate:
        parts.append(Text("Scores from the offline backend are estimates.", style="dim"))
    return Group(*parts)


def delivery_text(d: DeliveryTrend) -> Text:
    """One line: words per answer, later attempts against earlier ones (fillers are not named: see history.py)."""
    return Text.assemble(
        ("Delivery: ", "bold"),
        f"{d.later_words:.0f} words an answer",
        (f" (earlier: {d.earlier_words:.0f} words)", "dim"),
    )


def _areas_table(title: str, areas: Sequence[AreaProgress]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold", title_justify="left")
    table.add_column(title)
    table.add_column("first", justify="right")
    table.add_column("now", justify="right")
    table.add_column("questions", justify="right")
    table.add_column("attempts", justify="right")
    for area in areas:
        table.add_row(area.name, score_text(area.first_score), score_text(area.current_score), str(area.questions), str(area.attempts))
    return table


def _questions_table(questions: Sequence[QuestionProgress], now: datetime) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    table.add_column("question", style="cyan", no_wrap=True)
    table.add_column("scores, oldest first", no_wrap=True)
    table.add_column("now", justify="right", no_wrap=True)
    table.add_column("next review", no_wrap=True)
    for item in questions:
        due = Text(when(item.due, now), style="bold" if item.due_now else "dim")
        table.add_row(item.question_id, history([a.score for a in item.attempts]), score_text(item.latest_score), due)
    return table


def _due_table(items: Sequence[ReviewItem]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), show_header=False, expand=True)
    table.add_column("question", style="cyan", no_wrap=True, min_width=2 + max(len(i.question_id) for i in items))
    table.add_column("last", no_wrap=True, min_width=5)
    table.add_column("text", style="dim", no_wrap=True, overflow="ellipsis", ratio=1)
    for item in items:
        table.add_row(f"  {item.question_id}", score_text(item.latest_score), sentence_case(item.text))
    return table


def progress_view(report: ProgressReport, *, review_command: str) -> RenderableType:
    """The whole report for a terminal."""
    now = report.generated_at
    parts: list[RenderableType] = [_headline(report), Text()]
    parts += [_areas_table("category", report.categories), Text()]
    if len(report.tracks) > 1:
        parts += [_areas_table("track", report.tracks), Text()]
    if report.strongest and report.weakest:
        parts.append(Text.assemble(("Strongest: ", "bold"), report.strongest, ("  ·  weakest: ", "bold"), report.weakest))
    parts.append(Text.assemble(("Improved: ", "bold"), ", ".join(report.improved) or "none yet"))
    parts.append(Text.assemble(("Not improved yet: ", "bold"), ", ".join(report.not_improved) or "none"))
    parts += [Text(), _questions_table(report.questions, now), Text()]
    if report.due_now:
        parts.append(Text(f"Due for review now ({len(report.due_now)}), weakest first:", style="bold"))
        parts.append(_due_table(report.due_now))
        parts.append(Text.assemble("Practise them: ", (review_command, "bold")))
    elif report.upcoming:
        nxt = report.upcoming[0]
        parts.append(Text.assemble(("Nothing is due. ", "bold"), f"Next: {nxt.question_id}, {when(nxt.due, now)}."))
    return Group(*parts)


def progress_json(report: ProgressReport) -> dict[str, Any]:
    """The ``--json`` document: the report as it is (its pydantic model has the schema)."""
    return report.model_dump(mode="json")
