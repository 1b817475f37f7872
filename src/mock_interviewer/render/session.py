"""Rendering interview sessions: the question header, feedback, the summary, saved sessions, Markdown.

Everything fits an 80-column terminal: tables give way to the question text
(ellipsised) before anything else, and prose wraps with hanging indents.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from mock_interviewer.bank import Bank, Question
from mock_interviewer.delivery import WORDS_PER_MINUTE
from mock_interviewer.delivery_note import DeliveryNote
from mock_interviewer.errors import InputError
from mock_interviewer.grade_model import Grade
from mock_interviewer.interview.frontend import Feedback, QuestionInfo
from mock_interviewer.render import TIER_LABEL, TIER_STYLE, follow_up_limit, plural, sentence_case, time_box
from mock_interviewer.render.delivery import (
    delivery_cell,
    delivery_lines,
    delivery_sentences,
    fillers_total,
)
from mock_interviewer.safetext import for_terminal
from mock_interviewer.session_store import AnswerAttempt, QuestionRecord, Session, SessionTurn
from mock_interviewer.summary import QuestionResult, Summary

CUT_OFF_MARK = "(cut off at the model's length limit)"

STATUS_LABEL = {
    "in_progress": "in progress",
    "completed": "completed",
    "quit": "paused",
    "timed_out": "time ran out",
}
RESULT_LABEL = {
    "ungraded": "ungraded",
    "skipped": "skipped",
    "awaiting_grade": "awaiting grade",
    "unanswered": "not answered",
    "not_reached": "not reached",
}


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds <= 0:
        return "time is up"
    total = int(seconds + 0.999)
    return f"{total // 60}:{total % 60:02d} left"


def duration(seconds: float) -> str:
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def question_rule(info: QuestionInfo) -> Rule:
    """``── Question 1 of 2 · director-01 · technical · 21:58 left ──``"""
    parts = [f"Question {info.position} of {info.total}", info.question.id, info.question.category]
    left = clock(info.time_left)
    if left:
        parts.append(left)
    if info.attempt > 1:
        parts.append(f"attempt {info.attempt}")
    if info.resumed:
        parts.append("resumed")
    return Rule(Text(" · ".join(parts), style="bold"), align="left", style="cyan")


def result_text(result: QuestionResult) -> Text:
    return score_text(result.tier, result.score, result.status)


def score_text(tier: str | None, score: int | None, status: str) -> Text:
    """``MEDIOCRE ●●●○○ 3/5``, or the status (ungraded, skipped) when there is no grade."""
    if tier and score:
        colour = TIER_STYLE[tier].split()[-1]
        return Text.assemble(
            (f"{TIER_LABEL[tier]} ", TIER_STYLE[tier]),
            ("●" * score, colour),
            ("○" * (5 - score), "dim"),
            f" {score}/5",
        )
    return Text(RESULT_LABEL.get(status, status), style="dim")


def feedback_view(position: int, question: Question, grade: Grade, *, width: int = 80) -> RenderableType:
    """One question's grade, as the candidate sees it after answering (or at the end)."""
    header = Rule(Text(f"Feedback · question {position}", style="bold"), align="left", style="dim")
    if grade.status == "graded":
        from mock_interviewer.render.grade import grade_view

        return Group(header, grade_view(grade, question, width=width))
    return Group(
        header,
        Text.assemble((question.id, "bold cyan"), (f"  ·  {question.category}", "dim")),
        Text.assemble(("Ungraded: ", "bold yellow"), grade.reason or "no reason given"),
        Text("Your answer is saved; resuming the session tries the grade again.", style="dim"),
        *(delivery_lines(grade.delivery) if grade.delivery is not None else []),
    )


def feedback_overview(items: Sequence[Feedback]) -> RenderableType:
    """``--feedback end``: every answer's result on one line each, before the feedback question by question."""
    # expand + ratio: the last column takes what is left and ends in "…" (without them Rich drops a column)
    table = Table(box=None, pad_edge=False, show_edge=False, padding=(0, 1), header_style="bold", expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True, min_width=len(str(len(items))))
    table.add_column("question", style="cyan", no_wrap=True, min_width=max(len(i.question.id) for i in items))
    table.add_column("result", no_wrap=True, min_width=len("Mediocre ●●●○○ 3/5"))
    table.add_column("the main thing to add", overflow="ellipsis", no_wrap=True, ratio=1)
    for item in items:
        grade = item.grade
        if grade.status != "graded":
            main = Text(grade.reason or "no reason given", style="yellow")
        elif grade.gaps:
            main = Text(sentence_case(grade.gaps[0].point))
        else:
            main = Text("nothing missing", style="dim")
        table.add_row(str(item.position), item.question.id, score_text(grade.tier, grade.score, grade.status), main)
    return Group(Rule(Text("Your answers at a glance", style="bold"), align="left", style="cyan"), table)


def _bullets(items: Sequence[str], style: str = "") -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for item in items:
        table.add_row("•", Text(item, style=style))
    return table


def session_summary_view(summary: Summary) -> RenderableType:
    """Per-question results, strongest and weakest areas, and what to practise next."""
    facts = [f"track {summary.track}", STATUS_LABEL.get(summary.status, summary.status)]
    used = duration(summary.elapsed_seconds)
    facts.append(f"{used} of {duration(summary.minutes * 60)} used" if summary.minutes else f"{used} taken")
    if summary.average_score is not None:
        facts.append(f"average {summary.average_score:g}/5 over {summary.graded} graded")
    parts: list[RenderableType] = [
        Rule(Text("Summary", style="bold"), align="left", style="cyan"),
        Text(" · ".join(facts), style="dim"),
    ]
    if summary.estimate:
        parts.append(Text("Grades are offline estimates from the exemplars and rubric notes.", style="italic dim"))
    table = Table(box=None, pad_edge=False, show_edge=False, padding=(0, 1))
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("question", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("delivery", no_wrap=True)
    table.add_column("", overflow="ellipsis", no_wrap=True, style="dim", max_width=30)
    for result in summary.results:
        note = plural(result.follow_ups, "follow-up") if result.follow_ups else ""
        if result.status == "ungraded" and result.reason:
            note = result.reason
        spoken = delivery_cell(result.delivery.words, result.delivery.speaking_seconds) if result.delivery else ""
        table.add_row(str(result.position), result.question_id, result.category, result_text(result), spoken, note)
    if summary.delivery is not None:
        total = summary.delivery
        table.add_row("", Text("In all", style="bold"), "", "", delivery_cell(total.words, total.speaking_seconds), "")
    parts += [Text(""), table]
    if summary.delivery is not None:
        parts.append(Text(f"Speaking times are estimates at {WORDS_PER_MINUTE} words a minute.", style="dim"))
        found = fillers_total(summary.delivery.fillers, summary.delivery.hedges)
        if found:
            parts.append(Text(found, style="dim"))
    if summary.strongest:
        parts += [Text(""), Text("Strongest", style="bold green"), Padding(_bullets(summary.strongest), (0, 0, 0, 2))]
    if summary.weakest:
        parts += [Text(""), Text("Weakest", style="bold red"), Padding(_bullets(summary.weakest), (0, 0, 0, 2))]
    if summary.practice:
        numbered = Table.grid(padding=(0, 1))
        numbered.add_column(no_wrap=True, justify="right", style="bold")
        numbered.add_column(overflow="fold")
        for number, item in enumerate(summary.practice, start=1):
            body = Text(item.what, style="bold")
            if item.why:
                body.append("\n")
                body.append(item.why, style="dim")
            if item.question_ids:
                body.append(f"\n({', '.join(item.question_ids)})", style="dim cyan")
            numbered.add_row(f"{number}.", body)
        parts += [Text(""), Text("Practise next", style="bold"), Padding(numbered, (0, 0, 0, 2))]
    return Group(*parts)


# ---------------------------------------------------------------- saved sessions


def session_row(session: Session) -> dict[str, object]:
    """One session in a listing (also its ``--json`` form)."""
    answered = sum(bool(r.candidate_text().strip()) for r in session.records)
    scores = [r.grade.score for r in session.records if r.grade and r.grade.score]
    return {
        "id": session.id,
        "track": session.track,
        "status": session.status,
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
        "questions": len(session.records),
        "answered": answered,
        "graded": len(scores),
        "average_score": round(sum(scores) / len(scores), 2) if scores else None,
        "backend": session.backend,
        "model": session.model,
    }


def sessions_table(items: Sequence[tuple[Path, Session | InputError]]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("track", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("answered", justify="right", no_wrap=True)
    table.add_column("avg", justify="right", no_wrap=True)
    table.add_column("backend", overflow="ellipsis", no_wrap=True)
    for path, item in items:
        if isinstance(item, InputError):
            table.add_row(path.stem, "–", Text("unreadable", style="red"), "", "", "")
            continue
        row = session_row(item)
        average = row["average_score"]
        table.add_row(
            item.id,
            item.track,
            STATUS_LABEL.get(item.status, item.status),
            f"{row['answered']}/{row['questions']}",
            f"{average:g}" if isinstance(average, float) else "–",
            item.backend,
        )
    return table


def _attempt_heading(number: int, attempt: AnswerAttempt, total: int) -> Text:
    """``Attempt 1 of 2`` above an attempt's turns (its grade follows them)."""
    heading = Text(f"Attempt {number} of {total}", style="bold")
    if attempt.grade is None and attempt.candidate_text().strip():
        heading.append(" · not graded yet (resuming the session grades it)", style="dim")
    return heading


def _grade_lines(grade: Grade | None) -> list[RenderableType]:
    """A question's (or an attempt's) grade under its turns: tier and score, explanation, gaps; or why none."""
    if grade is None:
        return []
    if grade.status == "graded" and grade.tier and grade.score:
        line = Text.assemble(("Grade: ", "bold"), (f"{TIER_LABEL[grade.tier]} {grade.score}/5", TIER_STYLE[grade.tier]))
        if grade.estimate:
            line.append("  offline estimate", style="italic dim")
        parts: list[RenderableType] = [line]
        if grade.explanation:
            parts.append(Padding(Text(grade.explanation), (0, 0, 0, 2)))
        if grade.gaps:
            parts.append(Padding(_bullets([g.point for g in grade.gaps]), (0, 0, 0, 2)))
        return parts
    return [Text.assemble(("Ungraded: ", "bold yellow"), grade.reason or "")]


def _turn_lines(record: QuestionRecord | AnswerAttempt) -> list[RenderableType]:
    """The turns of a question as a two-column grid: wrapped and multi-paragraph text hangs under itself."""
    return [turns_grid(record.turns)] if record.turns else []


def turns_grid(turns: Sequence[SessionTurn]) -> Table:
    """Turns as a two-column grid (who, what was said); also the recap of a resumed question."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for turn in turns:
        if turn.kind == "skip":
            grid.add_row(Text("You:", style="bold"), Text("(skipped)", style="dim italic"))
        elif turn.speaker == "interviewer":
            label = "Follow-up:" if turn.kind == "follow_up" else "Interviewer:"
            words = Text(for_terminal(turn.text), style="cyan")
            if turn.cut_off:
                words.append(f" {CUT_OFF_MARK}", style="dim")
            grid.add_row(Text(label, style="bold cyan"), words)
        else:
            grid.add_row(Text("You:", style="bold"), Text(for_terminal(turn.text)))
    return grid


def session_view(session: Session, bank: Bank, summary: Summary) -> RenderableType:
    """A saved session, question by question, then its summary."""
    options = session.options
    facts = [
        f"track {session.track}",
        f"started {session.created_at:%Y-%m-%d %H:%M} UTC",
        STATUS_LABEL.get(session.status, session.status),
        f"{session.backend} ({session.model})",
    ]
    limits = [
        plural(options.questions, "question"),
        time_box(options.minutes),
        follow_up_limit(options.follow_ups),
        f"feedback {options.feedback}",
        f"seed {options.seed}",
    ]
    parts: list[RenderableType] = [
        Text(f"Session {session.id}", style="bold"),
        Text(" · ".join(facts), style="dim"),
        Text(" · ".join(limits), style="dim"),
    ]
    for position, record in enumerate(session.records, start=1):
        question = bank.questions.get(record.question_id)
        parts += [Text(""), Rule(Text(f"Question {position} · {record.question_id}", style="bold"), align="left")]
        if question:
            parts.append(Text(sentence_case(question.text), style="dim"))
        attempts = record.attempts()
        if len(attempts) > 1:  # answered again (/retry): every attempt, each with its grade
            for number, attempt in enumerate(attempts, start=1):
                parts += [Text("")] if number > 1 else []
                parts.append(_attempt_heading(number, attempt, len(attempts)))
                parts += _turn_lines(attempt) + _grade_lines(attempt.grade)
                earlier = attempt.grade.delivery if number < len(attempts) and attempt.grade else None
                parts += delivery_lines(earlier) if earlier is not None else []  # the latest's: below
        else:
            parts += _turn_lines(record) or [Text("(not reached)", style="dim")]
            parts += _grade_lines(record.grade)
        note = summary.results[position - 1].delivery if position <= len(summary.results) else None
        if note is not None:  # the summary's: the latest attempt's
            parts += delivery_lines(note)
    parts += [Text(""), session_summary_view(summary)]
    return Group(*parts)


# ---------------------------------------------------------------- Markdown export


def _md_escape_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_escape_inline(text: str) -> str:
    """The candidate's words inside emphasis: characters Markdown would read as markup are escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text.replace("\n", " "))


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().split("\n"))


def _md_grade(grade: Grade) -> list[str]:
    if grade.status != "graded" or not grade.tier:
        return [f"**Ungraded:** {grade.reason or 'no reason given'}", ""]
    label = f"**Grade: {TIER_LABEL[grade.tier]}, {grade.score}/5**"
    if grade.estimate:
        label += " (offline estimate)"
    lines = [label, ""]
    if grade.explanation:
        lines += [grade.explanation.strip(), ""]
    if grade.gaps:
        lines += ["What to add:", ""]
        lines += [f"- **{g.point.strip()}** {g.why_it_matters.strip()}".rstrip() for g in grade.gaps]
        lines.append("")
    if grade.strengths:
        lines += ["What you did well:", ""]
        lines += [f"- {s.strip()}" for s in grade.strengths]
        lines.append("")
    return lines


def _md_turns(turns: Sequence[SessionTurn]) -> list[str]:
    lines: list[str] = []
    for turn in turns:
        if turn.kind == "skip":
            lines += ["*Skipped.*", ""]
        elif turn.speaker == "interviewer":
            label = "Interviewer (follow-up)" if turn.kind == "follow_up" else "Interviewer"
            mark = f" *{CUT_OFF_MARK}*" if turn.cut_off else ""
            lines += [f"**{label}:** {for_terminal(turn.text).strip()}{mark}", ""]
        else:
            lines += ["**You:**", "", _quote(for_terminal(turn.text)), ""]
    return lines


def session_markdown(session: Session, bank: Bank, summary: Summary) -> str:
    """The whole session as Markdown: transcript, grades, and the summary; for notes or sharing."""
    options = session.options
    track = bank.tracks.get(session.track)
    title = f"{track.title} ({session.track})" if track else session.track
    lines = [
        f"# Mock interview {session.id}",
        "",
        f"- Track: {title}",
        f"- Started: {session.created_at:%Y-%m-%d %H:%M} UTC; status: {STATUS_LABEL.get(session.status, session.status)}",
        f"- Backend: {session.backend} ({session.model})" + ("; grades are offline estimates" if summary.estimate else ""),
        f"- Options: {plural(options.questions, 'question')}, {time_box(options.minutes)}, "
        f"{follow_up_limit(options.follow_ups)} per question, feedback {options.feedback}, seed {options.seed}",
        f"- Time used: {duration(session.elapsed_seconds)}",
        "",
    ]
    for position, record in enumerate(session.records, start=1):
        note = summary.results[position - 1].delivery if position <= len(summary.results) else None
        lines += _md_record(position, record, bank, note)
    lines += _md_summary(summary)
    return "\n".join(lines).rstrip() + "\n"


def _md_record(position: int, record: QuestionRecord, bank: Bank, note: DeliveryNote | None) -> list[str]:
    """One question: every attempt with its grade, then the latest attempt's delivery note."""
    question = bank.questions.get(record.question_id)
    category = f", {question.category}" if question else ""
    lines = [f"## {position}. {record.question_id}{category}", ""]
    if question:
        lines += [f"*Bank question:* {sentence_case(question.text)}", ""]
    if not record.turns:
        lines += ["*Not reached.*", ""]
    attempts = record.attempts()
    for number, attempt in enumerate(attempts, start=1):
        if len(attempts) > 1:  # answered again (/retry): every attempt, each with its grade
            lines += [f"### Attempt {number} of {len(attempts)}", ""]
        lines += _md_turns(attempt.turns)
        if attempt.grade is not None:
            lines += _md_grade(attempt.grade)
            if number < len(attempts) and attempt.grade.delivery is not None:  # the latest's: below
                lines += _md_delivery(attempt.grade.delivery)
    if note is not None:  # the summary's: the latest attempt's
        lines += _md_delivery(note)
    return lines


def _md_delivery(note: DeliveryNote) -> list[str]:
    """What ``delivery_lines`` shows in the terminal, one emphasised paragraph a sentence (the candidate's words
    in it escaped)."""
    lines: list[str] = []
    for sentence in delivery_sentences(note):
        lines += [f"*{_md_escape_inline(sentence)}*", ""]
    return lines


def _md_summary(summary: Summary) -> list[str]:
    lines = ["## Summary", "", "| # | Question | Category | Result | Delivery |", "| ---: | --- | --- | --- | --- |"]
    for result in summary.results:
        if result.tier and result.score:
            outcome = f"{TIER_LABEL[result.tier]} {result.score}/5"
        else:
            outcome = RESULT_LABEL.get(result.status, result.status)
        spoken = delivery_cell(result.delivery.words, result.delivery.speaking_seconds) if result.delivery else ""
        lines.append(
            f"| {result.position} | {result.question_id} | {result.category} | {_md_escape_cell(outcome)} | {spoken} |"
        )
    if summary.delivery is not None:
        total = summary.delivery
        lines.append(f"| | **In all** | | | {delivery_cell(total.words, total.speaking_seconds)} |")
    lines.append("")
    if summary.delivery is not None:
        found = fillers_total(summary.delivery.fillers, summary.delivery.hedges)
        lines += [f"Speaking times are estimates at {WORDS_PER_MINUTE} words a minute.", *([found] if found else []), ""]
    if summary.average_score is not None:
        lines += [f"Average score: {summary.average_score:g}/5 over {summary.graded} graded answers.", ""]
    if summary.strongest:
        lines += ["**Strongest:**", "", *[f"- {s}" for s in summary.strongest], ""]
    if summary.weakest:
        lines += ["**Weakest:**", "", *[f"- {s}" for s in summary.weakest], ""]
    if summary.practice:
        lines += ["**Practise next:**", ""]
        for number, item in enumerate(summary.practice, start=1):
            where = f" ({', '.join(item.question_ids)})" if item.question_ids else ""
            lines.append(f"{number}. **{item.what}** {item.why}{where}".rstrip())
        lines.append("")
    return lines
